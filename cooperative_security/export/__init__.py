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

from ..errors import UsageError
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
        quads = collect_quads(store, exported_graphs(store, graph))
    else:
        graphs = exported_graphs(store)
        quads = collect_quads(store, graphs) + void_quads(store, graphs, endpoint)
    return writer.write(quads, out, stamp)


__all__ = [
    "WRITERS", "Writer", "Stamp", "Artefact", "export_dataset", "writer_for", "describe_dataset",
    "void_quads", "graph_counts", "ontology_header", "write_release", "merged_ontology", "jsonld_context",
    "exported_graphs",
]
