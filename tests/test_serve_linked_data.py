"""What a linked-data consumer's second audit of ``coopsec serve`` found, each a regression test against a real
server on 127.0.0.1, its answers read back by an independent parser (rdflib)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
import rdflib
import rdflib.compare
from http_fetch import fetch

from cooperative_security.serve import Limits, RunningServer, ServerConfig, start_server

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DATASET = rdflib.URIRef("https://w3id.org/coopsec/id/dataset/coopsec")
LICENCE = rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with start_server(ServerConfig(port=0, limits=Limits(timeout=20, max_results=50000))) as running:
        yield running


def count(server: RunningServer, query: str) -> int:
    status, _, body = fetch(server.url + "sparql?" + urllib.parse.urlencode({"query": query}),
                            headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_the_server_describes_its_dataset_in_void_at_the_well_known_path(server: RunningServer) -> None:
    """The server had no VoID description (only `coopsec export` and `release` wrote one): a consumer looking at
    /.well-known/void (VoID, section 7.2) got a 404. Its void:triples counts distinct triples, not quads."""
    status, headers, body = fetch(server.url + ".well-known/void", headers={"Accept": "text/turtle"})
    assert status == 200, body
    assert headers["Content-Type"].startswith("text/turtle") and "accept" in headers["Vary"].lower()
    graph = rdflib.Graph().parse(data=body, format="turtle")
    assert (DATASET, rdflib.RDF.type, VOID.Dataset) in graph
    assert graph.value(DATASET, VOID.sparqlEndpoint) == rdflib.URIRef(server.url + "sparql")
    assert graph.value(DATASET, rdflib.DCTERMS.license) == LICENCE
    triples = int(graph.value(DATASET, VOID.triples))  # type: ignore[arg-type]
    data = "GRAPH ?g { ?s ?p ?o } FILTER(?g != <https://w3id.org/coopsec/graph/request>)"  # a run's input: not data
    distinct = count(server, f"SELECT (COUNT(*) AS ?n) {{ SELECT DISTINCT ?s ?p ?o {{ {data} }} }}")
    quads = count(server, f"SELECT (COUNT(*) AS ?n) {{ {data} }}")
    assert triples == distinct < quads
    subsets = set(graph.objects(DATASET, VOID.subset))
    assert len(subsets) > 10
    assert sum(int(graph.value(s, VOID.triples)) for s in subsets) == quads  # type: ignore[arg-type]
    assert len(list(graph.objects(DATASET, VOID.exampleResource))) >= 5
    status, headers, body = fetch(server.url + ".well-known/void", headers={"Accept": "application/n-triples"})
    assert status == 200 and len(rdflib.Graph().parse(data=body, format="nt")) == len(graph)
    status, headers, body = fetch(server.url + ".well-known/void", headers={"Accept": "text/csv"})
    assert status == 406 and headers["Content-Type"].startswith("text/plain") and b"text/turtle" in body


CONSTRUCT_SOURCES = ("PREFIX cs: <https://w3id.org/coopsec/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
                     "CONSTRUCT { ?c dcterms:source ?b . ?b ?p ?o } WHERE { ?c dcterms:source ?b . ?b ?p ?o "
                     "FILTER(isBlank(?b)) } LIMIT 2000")


@pytest.mark.parametrize("path", [
    "ontology/Trust", "ontology/SecurityDilemma", "id/case/korea", "ontology", "sparql", ".well-known/void",
    "sparql?" + urllib.parse.urlencode({"query": CONSTRUCT_SOURCES}),
])
def test_json_ld_answers_are_compact_against_the_project_context(server: RunningServer, path: str) -> None:
    """The server's JSON-LD was expanded (every IRI in full, no @context), where `coopsec export` compacts
    against ontology/context.jsonld: the same resource read two ways. Each answer now carries the context, and
    reads back (offline: the context is embedded) to the very triples of its N-Triples answer."""
    status, headers, body = fetch(server.url + path, headers={"Accept": "application/ld+json"})
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json"), body
    document = json.loads(body)
    assert isinstance(document, dict) and "@context" in document
    assert document["@context"]["cs"] == "https://w3id.org/coopsec/ontology#"
    status, _, triples = fetch(server.url + path, headers={"Accept": "application/n-triples"})
    assert status == 200
    expected = rdflib.Graph().parse(data=triples, format="nt")
    got = rdflib.Graph().parse(data=body, format="json-ld")
    assert len(expected) > 5 and rdflib.compare.isomorphic(got, expected)


def test_the_service_description_gives_the_data_licence_and_its_void(server: RunningServer) -> None:
    """Only the ontology and the dataset description (export, release) said under which licence the data is: the
    endpoint's own description, what a SPARQL client reads first, said nothing of it."""
    status, _, body = fetch(server.url + "sparql", headers={"Accept": "text/turtle"})
    assert status == 200
    graph = rdflib.Graph().parse(data=body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = graph.value(None, rdflib.RDF.type, sd.Service)
    dataset = graph.value(service, sd.defaultDataset)
    assert dataset is not None and graph.value(dataset, rdflib.DCTERMS.license) == LICENCE
    void = graph.value(dataset, rdflib.RDFS.seeAlso)
    assert void == rdflib.URIRef(server.url + ".well-known/void")
    status, _, body = fetch(str(void), headers={"Accept": "text/turtle"})
    assert status == 200
    described = rdflib.Graph().parse(data=body, format="turtle")
    assert described.value(DATASET, rdflib.DCTERMS.license) == LICENCE  # the same licence both ways


def test_a_store_without_the_ontology_header_describes_its_service_without_a_licence() -> None:
    from cooperative_security.serve.description import dataset_license, description_triples
    from cooperative_security.store import open_store

    empty = open_store("memory:")
    try:
        assert dataset_license(empty) is None
    finally:
        empty.close()
    assert not [t for t in description_triples("http://127.0.0.1:1/sparql", False, None) if "license" in str(t)]


@pytest.mark.parametrize(("construct", "said"), [
    ('<http://example.org/a> <http://example.org/p/> "x"', "cannot hold the property <http://example.org/p/>"),
    ('<http://example.org/a> <http://example.org/p/1> "x"', "cannot hold the property <http://example.org/p/1>"),
    ('<http://example.org/a> <http://example.org/p> "a\\u0001b"', "cannot hold the control character U+0001"),
])
def test_rdf_xml_that_xml_cannot_hold_is_refused_and_other_formats_still_answer(
        server: RunningServer, construct: str, said: str) -> None:
    """A CONSTRUCT may build a property IRI that ends in no XML name, or a literal with a control character:
    valid RDF that RDF/XML cannot write (oxigraph wrote ``<oxprefix: ...>``, which no XML parser reads). The
    server says so (406) and names what to ask for; Turtle of the same query answers."""
    url = server.url + "sparql?" + urllib.parse.urlencode({"query": f"CONSTRUCT {{ {construct} }} WHERE {{}}"})
    status, _, body = fetch(url, headers={"Accept": "application/rdf+xml"})
    assert status == 406 and said in body.decode() and "text/turtle" in body.decode(), body
    status, _, body = fetch(url, headers={"Accept": "text/turtle"})
    assert status == 200 and len(rdflib.Graph().parse(data=body, format="turtle")) == 1, body


def test_rdf_xml_the_server_writes_reads_back(server: RunningServer) -> None:
    """The refusal above is only for what XML cannot hold: an ordinary CONSTRUCT answers RDF/XML that an
    independent parser reads as the same triple."""
    query = 'CONSTRUCT { <http://example.org/a> <http://example.org/p-1.b> "Côte" } WHERE {}'
    status, _, body = fetch(server.url + "sparql?" + urllib.parse.urlencode({"query": query}),
                            headers={"Accept": "application/rdf+xml"})
    assert status == 200, body
    graph = rdflib.Graph().parse(data=body, format="xml")
    assert set(graph) == {(rdflib.URIRef("http://example.org/a"), rdflib.URIRef("http://example.org/p-1.b"),
                           rdflib.Literal("Côte"))}
