"""Small graphs in ``tests/data/*.trig`` that probe one query each (the order of the items in its lists)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from cooperative_security.store import Store, open_store

DATA = Path(__file__).resolve().parent / "data"
#: the concept of the probes in proposed-by.trig and characterised-as.trig
PROBE = "https://w3id.org/coopsec/ontology#OrderProbe"


def probe_quads(trig: str) -> list[ox.Quad]:
    """The quads of ``tests/data/<trig>``, each in a named graph."""
    quads = list(ox.parse(path=DATA / trig, format=ox.RdfFormat.TRIG))
    assert len(quads) >= 5 and all(isinstance(q.graph_name, ox.NamedNode) for q in quads), trig
    return quads


def store_of(quads: list[ox.Quad]) -> Store:
    """An in-memory store holding ``quads`` (all in named graphs)."""
    store = open_store("memory:")
    graphs: dict[ox.NamedNode, list[ox.Triple]] = {}
    for q in quads:
        assert isinstance(q.graph_name, ox.NamedNode)
        graphs.setdefault(q.graph_name, []).append(ox.Triple(q.subject, q.predicate, q.object))
    store.replace_graphs(graphs)
    return store


def probe_store(trig: str) -> Store:
    """An in-memory store holding ``tests/data/<trig>`` only."""
    return store_of(probe_quads(trig))
