"""``data/actors.yaml``: states, organisations, people and societies, with their dates.

An actor's ``from``/``to`` is its lifetime as a polity with external relations: events outside it are
refused. A state's standing over time (``status``: sovereign state, dominion, protectorate, colony,
pre-unification state, federal member) and its spells of Correlates of War system membership
(``system``) are attributes within that lifetime, so a dominion such as Canada before 1920 or a
pre-unification state is an actor before (or without) joining the state system.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError, Problem
from ..namespaces import RDF_TYPE, RDFS, instance
from .actor_registry import ACTORS_GRAPH as ACTORS_GRAPH
from .actor_registry import Actor as Actor
from .actor_registry import Registry as Registry
from .actor_registry import Spell as Spell
from .actor_registry import find_actor as find_actor
from .actor_registry import registry_from_rows as registry_from_rows
from .base import (
    Batch,
    FuzzyDate,
    LocatedDict,
    cs,
    integer,
    is_slug,
    key_line,
    line_of,
    load_yaml,
    parse_date,
    plain,
    text,
)

#: section of actors.yaml -> (IRI kind, ontology class)
SECTIONS = {
    "states": ("state", "State"),
    "organisations": ("organisation", "Organisation"),
    "people": ("person", "Person"),
    "societies": ("society", "Society"),
}


#: the standings a polity can have over time (``status`` of a state)
STATUSES = ("sovereign-state", "dominion", "protectorate", "colony", "pre-unification-state", "federal-member")

#: keys an actor entry may have (status and system: states only)
ACTOR_KEYS = {"id", "name", "from", "to", "iso3", "cow", "cow_abb", "status", "system", "role", "note", "state",
              "states"}
_RENAMED = {"cow_from": "system: [[FROM, TO]] (the spells of Correlates of War membership)",
            "spells": "system: [[FROM, TO], ...] (the spells of Correlates of War membership)"}

def parse_actors(path: Path, known: Registry | None = None, replaced: Collection[str] = (),
                 files: Mapping[str, str] | None = None) -> tuple[Batch, Registry]:
    """The actors of a file, checked on their own and against ``known`` (the actors already in the store, and
    those of the files read before it): a bundled actor's id may not be declared again (it would give France
    a second name), and a person's, society's or organisation's ``state``/``states`` must be a state of this
    file or of ``known``. ``replaced``: the graphs an earlier ingest of this same file wrote, which this one
    replaces, so that its actors and a number its earlier version gave a state (renamed since) are free
    again. ``files`` (the file that wrote each graph of the store): given, as ``coopsec ingest`` gives it, an
    id that another file declares is refused too, naming it (one id, two actors); the validation sets, which
    declare the same states again and keep the first, do not give it."""
    known = known or {}
    # COW number -> the state holding it, in the store or earlier in this file
    numbers = {a.cow: a.slug for a in known.values() if a.cow is not None and a.graph not in replaced}
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
    states: list[tuple[str, str, int | None, str]] = []  # (actor, a state it names, line, field): checked at the end
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
            other = known.get(actor.slug)
            if actor.slug in registry:
                problems.append(Problem(str(path), f"duplicate actor id {actor.slug!r}",
                                        line=key_line(entry, "id"), field="id"))
            elif other is not None and other.bundled:
                problems.append(Problem(str(path), f"{actor.slug!r} is a bundled actor (`coopsec actors` lists "
                                        "them); a file adds new actors: give this one another id, or use the "
                                        "bundled one as it is", line=key_line(entry, "id"),
                                        field="id", record=actor.slug))
            elif other is not None and files is not None and (other.source is not None or
                                                               other.graph not in replaced):
                where = other.source or files.get(other.graph or "") or f"the graph <{other.graph}>"
                problems.append(Problem(str(path), f"the actor id {actor.slug!r} is declared in {where} already; "
                                        "an id names one actor: cite that one as it is (delete this entry), or give "
                                        "this one another id", line=key_line(entry, "id"), field="id",
                                        record=actor.slug))
            holder = numbers.get(actor.cow) if actor.cow is not None else None
            if holder is not None and holder != actor.slug:
                problems.append(Problem(str(path), f"cow {actor.cow} is already the number of {holder!r}; a "
                                        "Correlates of War number names one state: use that actor's id, or "
                                        "correct the number", line=line_of(entry), field="cow", record=actor.slug))
            elif actor.cow is not None:
                numbers[actor.cow] = actor.slug
            registry[actor.slug] = dataclasses.replace(actor, source=str(path))
            triples.extend(more)
            states.extend((actor.slug, s, key_line(entry, field), field) for field, s in _states_of(entry))
    for slug, state, line, field in states:
        named = registry.get(state) or known.get(state)
        if named is None or named.kind != "state":
            what = f" ({state!r} is {_A.get(named.kind, named.kind)})" if named else ""
            problems.append(Problem(str(path), f"unknown state {state!r}{what}: name a state of this file's "
                                    "states: or one `coopsec actors` lists", line=line, field=field, record=slug))
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
    name = entry.get("name")  # a name YAML read as false or 0 is told below, once: quote it
    if name is None or (isinstance(name, str) and not name.strip()):  # name: "   " gave an actor a blank label
        problems.append(Problem(src, "every actor needs a name" if name is None else
                                "name is empty: give the actor's name", line=line, field="name", record=slug))
    for key in ("name", "role", "note"):  # a name of 1999 or yes is YAML's number or boolean, not the text
        if entry.get(key) not in (None, "") and not isinstance(entry[key], str):
            shown = entry.shown(key) if isinstance(entry, LocatedDict) else repr(entry[key])
            written = ((entry.written or {}) if isinstance(entry, LocatedDict) else {}).get(key, "...")
            problems.append(Problem(src, f"{key} {shown} must be text: quote it ({key}: \"{written}\")",
                                    line=entry.line_of_key(key) if isinstance(entry, LocatedDict) else line,
                                    field=key, record=slug))
    iri = instance(kind, slug)
    triples = [ox.Triple(iri, RDF_TYPE, cs(cls)), ox.Triple(iri, cs("slug"), plain(slug))]
    if isinstance(name, str) and name.strip():
        triples.append(ox.Triple(iri, ox.NamedNode(RDFS + "label"), text(entry["name"])))
    for key in sorted(set(entry) - ACTOR_KEYS):
        hint = f"write {_RENAMED[key]}" if key in _RENAMED else f"allowed: {sorted(ACTOR_KEYS)}"
        problems.append(Problem(src, f"unknown key {key!r}; {hint}", line=line, field=key, record=slug))
    dates: dict[str, Any] = {}
    for key in ("from", "to"):
        if entry.get(key) is not None:
            try:
                dates[key] = parse_date(entry[key])
            except ValueError as exc:
                problems.append(Problem(src, str(exc), line=line, field=key, record=slug))
    if "from" in dates:
        triples.append(ox.Triple(iri, cs("startDate"), dates["from"].literal()))
    if "to" in dates:
        triples.append(ox.Triple(iri, cs("endDate"), dates["to"].literal()))
    lifetime = (dates["from"].earliest if "from" in dates else None, dates["to"].latest if "to" in dates else None)
    if lifetime[0] and lifetime[1] and lifetime[1] < lifetime[0]:
        problems.append(Problem(src, f"to {entry['to']} is before from {entry['from']}", line=line, field="to",
                                record=slug))
    if kind != "state":
        for key in ("status", "system"):
            if entry.get(key) is not None:
                problems.append(Problem(src, f"{key} is for states (polities with external relations) only",
                                        line=line, field=key, record=slug))
    statuses = _statuses(entry.get("status"), iri, lifetime, triples, problems, src, line, slug)
    system = _system(entry.get("system"), iri, lifetime, triples, problems, src, line, slug)
    cow: int | None = None
    if system and entry.get("cow") is None:
        problems.append(Problem(src, "system membership needs the Correlates of War number (cow:)", line=line,
                                field="cow", record=slug))
    if kind == "state":
        for key, prop, example in (("iso3", "iso3", "FRA"), ("cow_abb", "cowAbbreviation", "FRN")):
            code = entry.get(key)
            if code is None or code == "":
                continue
            if isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code):
                triples.append(ox.Triple(iri, cs(prop), plain(code)))
            else:  # a number, true/false (YAML reads NO as false), spaces, or not three capitals
                problems.append(Problem(src, f"{key} {code!r} is not a code of three capital letters, such as "
                                        f"{example}: write it so (quoted, \"{example}\", where YAML could read it "
                                        "otherwise)", line=line, field=key, record=slug))
        raw_cow = entry.get("cow")
        if raw_cow is not None:
            try:
                if isinstance(raw_cow, bool) or (isinstance(raw_cow, float) and not raw_cow.is_integer()):
                    raise ValueError(raw_cow)  # int() reads true as 1 and 2.5 as 2
                cow = int(raw_cow)
                triples.append(ox.Triple(iri, cs("cowCode"), integer(cow)))
            except (TypeError, ValueError, OverflowError):
                problems.append(Problem(src, f"cow {raw_cow!r} is not a whole number (the state's Correlates of "
                                        "War code, such as 220)", line=line, field="cow", record=slug))
    for key, prop in (("role", "role"), ("note", "note")):
        if isinstance(entry.get(key), str) and entry[key].strip():  # a blank one is none, as an empty one is
            triples.append(ox.Triple(iri, cs(prop), text(entry[key])))
    if entry.get("states") is not None and not isinstance(entry["states"], list):
        problems.append(Problem(src, f"`states` must be a list of state ids, such as [fra, deu], not "
                                f"{entry['states']!r}: put it in [ ]", line=line, field="states", record=slug))
    for _field, state in _states_of(entry):
        triples.append(ox.Triple(iri, cs("ofState"), instance("state", state)))
    if isinstance(entry, LocatedDict):  # a problem with a field is told at the field's own line
        for problem in problems:
            if problem.field and problem.line == line:
                problem.line = entry.line_of_key(problem.field)
    actor = Actor(
        slug,
        iri,
        kind,
        lifetime[0],
        lifetime[1],
        entry.get("iso3"),
        system,
        statuses,
        cow=cow,
    )
    return actor, triples, problems


_A = {"organisation": "an organisation", "person": "a person", "society": "a society"}


def _states_of(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """The states an actor entry names, each with the field naming it (``state:`` and ``states:``; a
    ``states:`` that is not a list names none, and :func:`_actor` says so)."""
    many = entry.get("states")
    return ([("state", entry["state"])] if entry.get("state") else []) + \
        ([("states", s) for s in many] if isinstance(many, list) else [])


def _spell_dates(values: Any, problems: list[Problem], src: str, line: int | None, field: str,
                 record: str) -> tuple[FuzzyDate | None, FuzzyDate | None, bool]:
    """``(from, to)`` of a spell; the flag is False when a date is not one."""
    out: list[FuzzyDate | None] = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        try:
            out.append(parse_date(value))
        except ValueError as exc:
            problems.append(Problem(src, str(exc), line=line, field=field, record=record))
            return None, None, False
    return out[0], out[1], True


def _within(spell: tuple[FuzzyDate | None, FuzzyDate | None], lifetime: Spell, what: str, problems: list[Problem],
            src: str, line: int | None, field: str, record: str) -> bool:
    start, end = spell
    if start and end and end.latest < start.earliest:
        problems.append(Problem(src, f"{what} ends ({end.text}) before it begins ({start.text})", line=line,
                                field=field, record=record))
        return False
    first, last = lifetime
    # at the precision known: a spell given as a year may start on the actor's first day
    if (start and first and start.latest < first) or (end and last and end.earliest > last) or (
            start and last and start.earliest > last):
        problems.append(Problem(src, f"{what} ({start.text if start else '?'} to {end.text if end else 'today'}) "
                                f"lies outside the actor's lifetime ({first or '?'} to {last or 'today'}): "
                                "widen from/to, the lifetime as a polity with external relations",
                                line=line, field=field, record=record))
        return False
    return True


def _spell_node(iri: ox.NamedNode, prop: str, start: FuzzyDate | None, end: FuzzyDate | None,
                triples: list[ox.Triple], name: str | None = None) -> ox.NamedNode | ox.BlankNode:
    """A dated spell of the actor; ``name`` gives it the IRI the Correlates of War data set gives it too."""
    node: ox.NamedNode | ox.BlankNode = instance("state", name) if name else ox.BlankNode()
    triples.append(ox.Triple(iri, cs(prop), node))
    if start:
        triples.append(ox.Triple(node, cs("startDate"), start.literal()))
    if end:
        triples.append(ox.Triple(node, cs("endDate"), end.literal()))
    return node


def _statuses(value: Any, iri: ox.NamedNode, lifetime: Spell, triples: list[ox.Triple], problems: list[Problem],
              src: str, line: int | None, slug: str) -> tuple[tuple[str, dt.date | None, dt.date | None], ...]:
    """``status: dominion`` (the whole lifetime) or ``status: [{status, from, to}, ...]``."""
    if value is None:
        return ()
    entries = [{"status": value}] if isinstance(value, str) else value
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.append(Problem(src, "status is one of " + ", ".join(STATUSES) + ", or a list of "
                                "{status, from, to}", line=line, field="status", record=slug))
        return ()
    out: list[tuple[str, dt.date | None, dt.date | None]] = []
    for item in entries:
        where = line_of(item, line)
        name = item.get("status")
        extra = sorted(set(item) - {"status", "from", "to"})
        if extra:
            problems.append(Problem(src, f"unknown key(s) {extra} in a status; write {{status, from, to}}",
                                    line=where, field="status", record=slug))
        if name not in STATUSES:
            problems.append(Problem(src, f"status {name!r} must be one of {', '.join(STATUSES)}", line=where,
                                    field="status", record=slug))
            continue
        start, end, ok = _spell_dates((item.get("from"), item.get("to")), problems, src, where, "status", slug)
        if not ok or not _within((start, end), lifetime, f"the {name} status", problems, src, where, "status", slug):
            continue
        if out and start and out[-1][2] and start.earliest <= out[-1][2]:
            problems.append(Problem(src, f"the {name} status begins before the previous one ends", line=where,
                                    field="status", record=slug))
            continue
        node = _spell_node(iri, "polityStatus", start, end, triples, f"{slug}/status/{len(out) + 1}")
        triples.append(ox.Triple(node, cs("standing"), plain(name)))
        out.append((name, start.earliest if start else None, end.latest if end else None))
    return tuple(out)


def _system(value: Any, iri: ox.NamedNode, lifetime: Spell, triples: list[ox.Triple], problems: list[Problem],
            src: str, line: int | None, slug: str) -> tuple[Spell, ...]:
    """``system: [[FROM, TO], ...]``: the spells of Correlates of War system membership."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(s, list) and len(s) == 2 for s in value):
        problems.append(Problem(src, "system is a list of [FROM, TO] spells of Correlates of War membership, e.g. "
                                "[[1920, null]]", line=line, field="system", record=slug))
        return ()
    out: list[Spell] = []
    for pair in value:
        start, end, ok = _spell_dates(pair, problems, src, line, "system", slug)
        if not ok or not _within((start, end), lifetime, "a spell of system membership", problems, src, line,
                                 "system", slug):
            continue
        node = _spell_node(iri, "systemMembership", start, end, triples, f"{slug}/spell/{start.earliest.year}"
                           if start else None)
        triples.append(ox.Triple(node, RDF_TYPE, cs("SystemMembership")))
        out.append((start.earliest if start else None, end.latest if end else None))
    return tuple(out)
