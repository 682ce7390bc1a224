"""The SPARQL 1.1 Service Description of ``/sparql``: what a ``GET /sparql`` without parameters answers.

SPARQL 1.1 Service Description (section 2) says a service should describe itself at its endpoint when
it is dereferenced with no query string: its endpoint, the languages it takes (updates only when
``--writable``), the result formats it writes, and that its default graph is the union of the named
graphs (``sd:UnionDefaultGraph``). Its default dataset carries the licence of the ontology's header
(``dcterms:license``, as the VoID description does) and points to that description (``rdfs:seeAlso``
``/.well-known/void``). Built from terms, in the format the ``Accept`` header prefers among the server's
RDF formats.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..errors import CoopsecError
from ..namespaces import DCTERMS, FORMATS, RDF_TYPE, RDFS, SD
from ..store import Store
from .answer import GRAPH_OFFERS
from .negotiate import choose
from .results import Body, rdf_bytes

WELL_KNOWN_VOID = "/.well-known/void"  # where the server answers its VoID description (VoID, section 7.2)
#: the result formats of :mod:`.results`, by their W3C format IRIs
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "JSON-LD", "N-Triples", "RDF_XML")


def dataset_license(store: Store) -> str | None:
    """The licence the ontology's header gives the dataset (``dcterms:license``), or None (no header, no licence)."""
    from ..export.void import ontology_header

    try:
        return ontology_header(store).license
    except CoopsecError:  # a store without the ontology's header
        return None


def description_triples(endpoint: str, writable: bool, license: str | None = None) -> list[ox.Triple]:  # noqa: A002
    """The description of the service at ``endpoint`` (an absolute URL); ``license``: the data's licence."""
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
        ox.Triple(dataset, ox.NamedNode(RDFS + "seeAlso"), ox.NamedNode(endpoint.rsplit("/", 1)[0] + WELL_KNOWN_VOID)),
        *([ox.Triple(dataset, ox.NamedNode(DCTERMS + "license"), ox.NamedNode(license))] if license else []),
    ]


def service_description(endpoint: str, writable: bool, accept: str | None,
                        license: str | None = None) -> Body | None:  # noqa: A002
    """The description in the RDF format ``accept`` prefers (Turtle by default), or None if it allows none."""
    media = choose(accept, GRAPH_OFFERS)
    if media is None:
        return None
    return Body(media + "; charset=utf-8", rdf_bytes(description_triples(endpoint, writable, license), media))


__all__ = ["RESULT_FORMATS", "dataset_license", "description_triples", "service_description"]
