"""The SPARQL 1.1 Service Description of ``/sparql``: what a ``GET /sparql`` without parameters answers.

SPARQL 1.1 Service Description (section 2) says a service should describe itself at its endpoint when
it is dereferenced with no query string: its endpoint, the languages it takes (updates only when
``--writable``), the result formats it writes, and that its default graph is the union of the named
graphs (``sd:UnionDefaultGraph``). Built from terms, in the format the ``Accept`` header prefers among
the server's RDF formats.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import DCTERMS, FORMATS, RDF_TYPE, SD
from .answer import GRAPH_OFFERS
from .negotiate import choose
from .results import Body, rdf_bytes

#: the result formats of :mod:`.results`, by their W3C format IRIs
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "JSON-LD", "N-Triples", "RDF_XML")


def description_triples(endpoint: str, writable: bool) -> list[ox.Triple]:
    """The description of the service at ``endpoint`` (an absolute URL)."""
    service, dataset, graph = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")

    def sd(local: str) -> ox.NamedNode:
        return ox.NamedNode(SD + local)

    languages = ["SPARQL11Query"] + (["SPARQL11Update"] if writable else [])
    return [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, ox.NamedNode(DCTERMS + "title"), ox.Literal("coopsec SPARQL endpoint", language="en")),
        *(ox.Triple(service, sd("supportedLanguage"), sd(lang)) for lang in languages),
        *(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in RESULT_FORMATS),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), graph),
        ox.Triple(graph, RDF_TYPE, sd("Graph")),
    ]


def service_description(endpoint: str, writable: bool, accept: str | None) -> Body | None:
    """The description in the RDF format ``accept`` prefers (Turtle by default), or None if it allows none."""
    media = choose(accept, GRAPH_OFFERS)
    if media is None:
        return None
    return Body(media + "; charset=utf-8", rdf_bytes(description_triples(endpoint, writable), media))


__all__ = ["RESULT_FORMATS", "description_triples", "service_description"]
