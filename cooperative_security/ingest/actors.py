"""``data/actors.yaml``: states, organisations, people and societies, with their dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError, Problem
from ..namespaces import RDF_TYPE, RDFS, graph, instance
from .base import Batch, cs, integer, is_slug, line_of, load_yaml, parse_date, plain, text

ACTORS_GRAPH = graph("actors")

#: section of actors.yaml -> (IRI kind, ontology class)
SECTIONS = {
    "states": ("state", "State"),
    "organisations": ("organisation", "Organisation"),
    "people": ("person", "Person"),
    "societies": ("society", "Society"),
}


@dataclass(frozen=True)
class Actor:
    slug: str
    iri: ox.NamedNode
    kind: str
    earliest: dt.date | None
    latest: dt.date | None
    iso3: str | None = None


Registry = dict[str, Actor]


def parse_actors(path: Path) -> tuple[Batch, Registry]:
    data = load_yaml(path)
    batch = Batch(str(path), kind="actors", shacl=True)
    problems: list[Problem] = []
    registry: Registry = {}
    if not isinstance(data, dict):
        raise InputError(Problem(str(path), "expected sections states:, organisations:, people:, societies:"))
    unknown = set(data) - set(SECTIONS)
    if unknown:
        problems.append(Problem(str(path), f"unknown section(s) {sorted(unknown)}; allowed: {list(SECTIONS)}"))
    triples: list[ox.Triple] = []
    for section, (kind, cls) in SECTIONS.items():
        entries = data.get(section) or []
        if not isinstance(entries, list):
            problems.append(Problem(str(path), f"section {section!r} must be a list of actors",
                                    line=data.line_of_key(section) if hasattr(data, "line_of_key") else None,
                                    field=section))
            continue
        for entry in entries:
            actor, more, found = _actor(entry, kind, cls, batch, line_of(data.get(section)))
            problems.extend(found)
            if actor is None:
                continue
            if actor.slug in registry:
                problems.append(Problem(str(path), f"duplicate actor id {actor.slug!r}",
                                        line=line_of(entry), field="id"))
            registry[actor.slug] = actor
            triples.extend(more)
    if problems:
        raise InputError(problems)
    batch.add(ACTORS_GRAPH, triples)
    return batch, registry


def _actor(
    entry: Any, kind: str, cls: str, batch: Batch, section_line: int | None
) -> tuple[Actor | None, list[ox.Triple], list[Problem]]:
    line = line_of(entry, section_line)
    src = batch.source
    if not isinstance(entry, dict):
        return None, [], [Problem(src, "expected a mapping with id and name", line=line)]
    slug = entry.get("id")
    if not is_slug(slug):
        return None, [], [Problem(src, f"id {slug!r} must be a lower-case kebab-case slug", line=line, field="id")]
    problems: list[Problem] = []
    if not entry.get("name"):
        problems.append(Problem(src, "every actor needs a name", line=line, field="name", record=slug))
    iri = instance(kind, slug)
    triples = [ox.Triple(iri, RDF_TYPE, cs(cls)), ox.Triple(iri, cs("slug"), plain(slug))]
    if entry.get("name"):
        triples.append(ox.Triple(iri, ox.NamedNode(RDFS + "label"), text(entry["name"])))
    dates: dict[str, Any] = {}
    for key in ("from", "to", "cow_from"):
        if entry.get(key) is not None:
            try:
                dates[key] = parse_date(entry[key])
            except ValueError as exc:
                problems.append(Problem(src, str(exc), line=line, field=key, record=slug))
    if "from" in dates:
        triples.append(ox.Triple(iri, cs("startDate"), dates["from"].literal()))
    if "to" in dates:
        triples.append(ox.Triple(iri, cs("endDate"), dates["to"].literal()))
    if kind == "state":
        for key, prop in (("iso3", "iso3"), ("cow_abb", "cowAbbreviation")):
            if entry.get(key):
                triples.append(ox.Triple(iri, cs(prop), plain(entry[key])))
        if entry.get("cow") is not None:
            try:
                triples.append(ox.Triple(iri, cs("cowCode"), integer(int(entry["cow"]))))
            except (TypeError, ValueError, OverflowError):
                problems.append(Problem(src, f"cow {entry['cow']!r} is not a number", line=line,
                                        field="cow", record=slug))
    for key, prop in (("role", "role"), ("note", "note")):
        if entry.get(key):
            triples.append(ox.Triple(iri, cs(prop), text(entry[key])))
    for state in ([entry["state"]] if entry.get("state") else []) + list(entry.get("states") or []):
        triples.append(ox.Triple(iri, cs("ofState"), instance("state", state)))
    actor = Actor(
        slug,
        iri,
        kind,
        dates["from"].earliest if "from" in dates else None,
        dates["to"].latest if "to" in dates else None,
        entry.get("iso3"),
    )
    return actor, triples, problems


def registry_from_rows(rows: list[dict[str, Any]]) -> Registry:
    """Build the registry from ``queries/cases/actors.rq`` rows (actors already in the store)."""
    registry: Registry = {}
    for row in rows:
        iri = row["actor"]
        kind = iri.value.rsplit("/", 2)[-2]
        start = parse_date(row["start"].value).earliest if row.get("start") else None
        end = parse_date(row["end"].value).latest if row.get("end") else None
        iso3 = row["iso3"].value if row.get("iso3") else None
        registry[row["slug"].value] = Actor(row["slug"].value, iri, kind, start, end, iso3)
    return registry
