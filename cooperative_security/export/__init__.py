"""RDF export: one writer per format on a shared base, a VoID/DCAT description, release artefacts.

::

    from cooperative_security.export import export_dataset
    with open("coopsec.trig", "wb") as fh:
        export_dataset(store, "trig", fh)

Triple formats (Turtle, N-Triples, RDF/XML, JSON-LD) merge the named graphs; dataset formats (TriG,
N-Quads) keep them. A whole export includes the VoID description as graph ``.../graph/void``.
"""

from __future__ import annotations

from typing import BinaryIO

import pyoxigraph as ox

from ..errors import UsageError
from ..ontology import ONTOLOGY_GRAPH
from ..store import Store
from .base import VOID_GRAPH, Stamp, Writer, collect_quads, exported_graphs, graph_iri, jsonld_context
from .formats import WRITERS
from .release import Artefact, merged_ontology, write_release
from .void import describe_dataset, graph_counts, ontology_header, void_quads


def writer_for(name: str) -> Writer:
    try:
        return WRITERS[name]
    except KeyError:
        raise UsageError(f"unknown format {name!r}; formats: {', '.join(WRITERS)}") from None


def export_dataset(store: Store, fmt: str, out: BinaryIO, graph: str | None = None,
                   endpoint: str | None = None, stamp: Stamp | None = None) -> int:
    """Write the store's graphs (or the one named) in a format; returns the statements written.

    ``graph="void"`` writes the VoID description alone.
    """
    writer = writer_for(fmt)
    if graph is not None and graph_iri(graph) == VOID_GRAPH:
        quads = void_quads(store, exported_graphs(store), endpoint)
    elif graph is not None:
        quads = self_contained(store, collect_quads(store, exported_graphs(store, graph)))
    else:
        graphs = exported_graphs(store)
        quads = collect_quads(store, graphs) + void_quads(store, graphs, endpoint)
    return writer.write(quads, out, stamp)


def self_contained(store: Store, quads: list[ox.Quad]) -> list[ox.Quad]:
    """``--graph ontology`` as one merged ontology, without the ``owl:imports`` of its modules (whose axioms it
    holds already): Protégé and owlready2 open the file offline instead of fetching module IRIs that do not
    resolve. A whole export keeps the graph as the store holds it (its VoID counts say so)."""
    if not any(q.graph_name == ONTOLOGY_GRAPH for q in quads):
        return quads
    return [q for q in quads if q.graph_name != ONTOLOGY_GRAPH] + merged_ontology(store)


__all__ = [
    "WRITERS", "Writer", "Stamp", "Artefact", "export_dataset", "writer_for", "describe_dataset",
    "void_quads", "graph_counts", "ontology_header", "write_release", "merged_ontology", "jsonld_context",
    "exported_graphs",
]
