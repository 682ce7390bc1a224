"""The only place where IRIs and prefixes are defined."""

from __future__ import annotations

from typing import Final

import pyoxigraph as ox

BASE: Final = "https://w3id.org/coopsec/"
ONTOLOGY_IRI: Final = BASE + "ontology"
CS: Final = ONTOLOGY_IRI + "#"
ID: Final = BASE + "id/"
GRAPH: Final = BASE + "graph/"

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCTERMS: Final = "http://purl.org/dc/terms/"
PROV: Final = "http://www.w3.org/ns/prov#"
BIBO: Final = "http://purl.org/ontology/bibo/"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
CITO: Final = "http://purl.org/spar/cito/"
SH: Final = "http://www.w3.org/ns/shacl#"
TIME: Final = "http://www.w3.org/2006/time#"
#: IANA's registry of media types: ``dcat:mediaType`` takes a ``dcterms:MediaType`` named by its IRI here
MEDIA_TYPES: Final = "https://www.iana.org/assignments/media-types/"
SD: Final = "http://www.w3.org/ns/sparql-service-description#"
#: W3C's names of RDF and SPARQL results formats (``sd:resultFormat``)
FORMATS: Final = "http://www.w3.org/ns/formats/"

PREFIXES: Final[dict[str, str]] = {
    "cs": CS,
    "work": ID + "work/",
    "person": ID + "person/",
    "state": ID + "state/",
    "org": ID + "organisation/",
    "society": ID + "society/",
    "case": ID + "case/",
    "event": ID + "event/",
    "footnote": ID + "footnote/",
    "citation": ID + "citation/",
    "rule": ID + "rule/",
    "graph": GRAPH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "bibo": BIBO,
    "foaf": FOAF,
    "cito": CITO,
    "sh": SH,
}

#: Namespaces a term of the project may live in (checked by ``coopsec check``).
OWN_NAMESPACES: Final = (CS, ID, GRAPH, ONTOLOGY_IRI)


def cs(local: str) -> ox.NamedNode:
    """An ontology term: ``cs("SecurityDilemma")``."""
    return ox.NamedNode(CS + local)


def instance(kind: str, slug: str) -> ox.NamedNode:
    """An instance IRI such as ``https://w3id.org/coopsec/id/work/herz-1950``."""
    return ox.NamedNode(f"{ID}{kind}/{slug}")


def graph(name: str) -> ox.NamedNode:
    """A named graph: ``graph("ontology")``, ``graph("case/france-germany")``."""
    return ox.NamedNode(GRAPH + name)


def term(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + local)


def compact(iri: str) -> str:
    """Shorten an IRI with the known prefixes, for people to read."""
    best = ""
    for name, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best = ns
            short = f"{name}:{iri[len(ns):]}"
    return short if best else iri


def expand(curie_or_iri: str) -> str:
    """Expand ``cs:Trust`` to its IRI; IRIs pass through."""
    if "://" in curie_or_iri:
        return curie_or_iri.strip("<>")
    prefix, sep, local = curie_or_iri.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    raise ValueError(f"unknown prefix in {curie_or_iri!r}")


RDF_TYPE: Final = ox.NamedNode(RDF + "type")
