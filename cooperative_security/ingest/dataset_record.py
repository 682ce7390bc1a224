"""The record of a ``coopsec ingest-dataset``: which files the data set's graph was loaded from.

An ingest of the curated files records itself in ``ingest/<id>`` (``ingest/record.py``). A data set's graph
(``dyads``, ``events/mid``) is replaced whole by the next ``ingest-dataset``, so its record is named after
the graph (``ingest/dyads``, ``ingest/events/mid``) and replaced with it, all or nothing
(``replace_graph_ntriples``' ``beside``): the record always names the files of the graph the store holds.

The record is a ``prov:Activity`` that ``prov:generated`` the graph and ``prov:used`` a node per file read,
described as ``coopsec dyads --data-dir`` describes them on its run (``field_datasets.used_by``): the data
set's name, the path under the data folder (never an absolute path), the SHA-256 and, for the known release,
its version. ``coopsec dyads --store`` reads it back (:func:`recorded_use`) to name the same files on its run.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from .. import reproducible
from ..namespaces import DCTERMS, GRAPH, PROV, RDF_TYPE, XSD, graph, instance
from ..queries import load_query
from ..store import Store
from .record import ENDED_AT

#: a run's statements naming what it read, given the run
Uses = Callable[[ox.NamedNode], list[ox.Triple]]


def record_graph(target: ox.NamedNode) -> ox.NamedNode:
    """``ingest/dyads`` for the graph ``dyads``: where the record of the load of ``target`` is kept."""
    return graph(f"ingest/{target.value.removeprefix(GRAPH)}")


def dataset_record(target: ox.NamedNode, uses: Uses) -> dict[ox.NamedNode, list[ox.Triple]]:
    """The record graph of a load of ``target`` whose files ``uses`` names (``field_datasets.used_by``), to be
    written beside it. Its identifier is the record graph's name after ``ingest/`` (as an ingest's id is), so
    that the graph claims (``ingest/graph-claims``) read it as any ingest record's."""
    ident = record_graph(target).value.removeprefix(GRAPH + "ingest/")
    record = instance("ingest", ident)
    triples = [ox.Triple(record, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
               ox.Triple(record, ENDED_AT, ox.Literal(reproducible.now().isoformat(timespec="microseconds"),
                                                     datatype=ox.NamedNode(XSD + "dateTime"))),
               ox.Triple(record, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(ident)),
               ox.Triple(record, ox.NamedNode(PROV + "generated"), target),
               *uses(record)]
    return {record_graph(target): triples}


def recorded_use(store: Store, target: ox.NamedNode) -> Uses | None:
    """The files the record of ``target`` names, as statements of a run that used them (the ones
    ``field_datasets.used_by`` makes from the folder); None when the store keeps no record of them (the
    graph was loaded before coopsec recorded its files)."""
    rows = store.select(load_query("ingest/dataset-files"), {"graph": target})
    described = sorted({ox.Triple(r["file"], r["property"], r["value"]) for r in rows  # type: ignore[arg-type]
                        if r["file"] is not None and r["property"] is not None and r["value"] is not None},
                       key=str)
    files = sorted({t.subject for t in described}, key=str)
    if not files:
        return None

    def uses(run: ox.NamedNode) -> list[ox.Triple]:
        return [*(ox.Triple(run, ox.NamedNode(PROV + "used"), f) for f in files), *described]

    return uses


__all__ = ["Uses", "dataset_record", "record_graph", "recorded_use"]
