"""The actors known to an ingest (:data:`Registry`): each :class:`Actor` by its id, from the store
(:func:`registry_from_rows`) and from the actors files read so far, and how a case or event file names one
(:func:`find_actor`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..namespaces import graph
from .base import parse_date

ACTORS_GRAPH = graph("actors")

Spell = tuple[dt.date | None, dt.date | None]


@dataclass(frozen=True)
class Actor:
    slug: str
    iri: ox.NamedNode
    kind: str
    earliest: dt.date | None
    latest: dt.date | None
    iso3: str | None = None
    system: tuple[Spell, ...] = ()
    statuses: tuple[tuple[str, dt.date | None, dt.date | None], ...] = ()
    #: one of the bundled actors (data/actors.yaml, graph actors), which a user's file may not declare again
    bundled: bool = False
    #: the Correlates of War number (states), which names one state only
    cow: int | None = None
    #: the named graph that holds the actor in the store (None: not in the store yet)
    graph: str | None = None
    #: the file of this ingest that declares it (None: in the store)
    source: str | None = None


Registry = dict[str, Actor]


def find_actor(registry: Registry, name: str) -> Actor | str:
    """The actor a case or event file names: by its id (``frn``) or, as every output of coopsec names states,
    by its ISO 3166-1 alpha-3 code (``FRA``). Otherwise the problem, in words: an unknown name (with the
    closest ids), or an ISO code that several actors carry (DEU: Germany and the Federal Republic)."""
    if name in registry:
        return registry[name]
    if len(name) == 3 and name.isalpha() and name.isupper():
        carriers = sorted({a.slug for a in registry.values() if a.iso3 == name})
        if len(carriers) == 1:
            return registry[carriers[0]]
        if carriers:
            return (f"{name!r} is the ISO code of {len(carriers)} actors ({', '.join(carriers)}; `coopsec actors` "
                    f"shows how they differ): write the id of the one meant")
    import difflib

    close = difflib.get_close_matches(name, list(registry), n=3, cutoff=0.7)
    return (f"unknown actor {name!r}" + (f" (did you mean {' or '.join(close)}?)" if close else "")
            + ": `coopsec actors` lists the known ones; declare a new one in an actors file and ingest that first "
            "(`coopsec schema actors` shows the layout)")


def registry_from_rows(rows: list[dict[str, Any]]) -> Registry:
    """Build the registry from ``queries/cases/actors.rq`` rows (actors already in the store)."""
    registry: Registry = {}
    for row in rows:
        iri = row["actor"]
        kind = iri.value.rsplit("/", 2)[-2]
        start = parse_date(row["start"].value).earliest if row.get("start") else None
        end = parse_date(row["end"].value).latest if row.get("end") else None
        iso3 = row["iso3"].value if row.get("iso3") else None
        bundled = row.get("g") == ACTORS_GRAPH
        cow = int(row["cow"].value) if row.get("cow") else None
        held_in = row["g"].value if row.get("g") else None
        registry[row["slug"].value] = Actor(row["slug"].value, iri, kind, start, end, iso3, bundled=bundled, cow=cow,
                                            graph=held_in)
    return registry
