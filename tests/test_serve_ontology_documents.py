"""The ontology's IRIs dereference to documents a tool can load: ``/ontology`` (and its version IRI) to the whole
ontology, a module's IRI to that module. They answered the owl:Ontology header alone, whose owl:imports named
modules whose answers were again headers: a tool that opened the IRI found no class and no property. Each test
runs against a real server on 127.0.0.1, its answers read back by rdflib and owlready2."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import rdflib
from http_fetch import fetch
from rdflib.namespace import OWL, RDF, SKOS

from cooperative_security.serve import Limits, RunningServer, ServerConfig, start_server

CS = rdflib.Namespace("https://w3id.org/coopsec/ontology#")
ONTOLOGY = rdflib.URIRef("https://w3id.org/coopsec/ontology")
VERSION = rdflib.URIRef("https://w3id.org/coopsec/ontology/0.1.0")
MODULES = "https://w3id.org/coopsec/ontology/modules/"
RDFLIB_FORMATS = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld",
                  "application/n-triples": "nt"}


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with start_server(ServerConfig(port=0, limits=Limits(timeout=20))) as running:
        yield running


def load(server: RunningServer, path: str, accept: str) -> rdflib.Graph:
    """The answer to ``path`` read by rdflib in the format it says it is in (``?format=`` wins over ``accept``)."""
    status, headers, body = fetch(server.url + path, headers={"Accept": accept})
    media = headers.get("Content-Type", "").partition(";")[0]
    assert status == 200 and media in RDFLIB_FORMATS, (status, body[:300])
    assert "Link" not in headers  # one document, not a first page
    return rdflib.Graph().parse(data=body, format=RDFLIB_FORMATS[media])


@pytest.mark.parametrize(("path", "accept"), [
    *(("ontology", accept) for accept in RDFLIB_FORMATS), ("ontology/0.1.0", "text/turtle"),
    ("ontology/0.1.0", "application/rdf+xml"), ("ontology?format=rdfxml", "application/rdf+xml"),
])
def test_the_ontology_iri_answers_the_whole_ontology(server: RunningServer, path: str, accept: str) -> None:
    graph = load(server, path, accept if "format=" not in path else "text/html")
    assert (CS.Trust, RDF.type, OWL.Class) in graph
    assert str(graph.value(CS.Trust, SKOS.definition)).startswith("A psychological state")
    assert (CS.SecurityCommunity, RDF.type, OWL.Class) in graph  # another module's class: all of them, merged
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph and graph.value(ONTOLOGY, OWL.versionIRI) == VERSION
    assert [o for o in graph.objects(ONTOLOGY, OWL.imports) if str(o).startswith(MODULES)] == []
    assert not [s for s in graph.subjects(RDF.type, OWL.Ontology) if str(s).startswith(MODULES)]
    assert len(set(graph.subjects(RDF.type, OWL.Class))) > 100 and len(graph) > 3000


def test_the_ontology_as_rdf_xml_loads_into_owlready2(server: RunningServer) -> None:
    """What Protege's "open from URL" and owlready2 do: read the RDF/XML answer as an ontology, fetching nothing."""
    import owlready2

    status, _, body = fetch(server.url + "ontology", headers={"Accept": "application/rdf+xml"})
    assert status == 200
    world = owlready2.World()
    try:
        onto = world.get_ontology(str(ONTOLOGY)).load(fileobj=io.BytesIO(body))
        classes = {c.iri for c in onto.classes()}
        assert str(CS.Trust) in classes and str(CS.SecurityCommunity) in classes and len(classes) > 100
        assert str(CS.PsychologicalState) in {c.iri for c in world[str(CS.Trust)].is_a if hasattr(c, "iri")}
        assert onto.imported_ontologies == []
    finally:
        world.close()


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml"])
def test_a_module_iri_answers_that_module_alone(server: RunningServer, accept: str) -> None:
    trust = rdflib.URIRef(MODULES + "trust")
    graph = load(server, "ontology/modules/trust", accept)
    assert (trust, RDF.type, OWL.Ontology) in graph
    assert (CS.Trust, RDF.type, OWL.Class) in graph and (CS.RationalTrust, RDF.type, OWL.Class) in graph
    assert graph.value(CS.Trust, SKOS.definition) is not None
    assert (CS.SecurityCommunity, RDF.type, OWL.Class) not in graph  # the communities module's
    assert (ONTOLOGY, RDF.type, OWL.Ontology) not in graph  # the hub's header
    communities = load(server, "ontology/modules/communities", accept)
    assert (CS.SecurityCommunity, RDF.type, OWL.Class) in communities and (CS.Trust, RDF.type, OWL.Class) \
        not in communities


@pytest.mark.parametrize("path", ["ontology/modules/nosuch", "ontology/modules/", "ontology/modules/../coopsec",
                                  "ontology/modules/%2e%2e/%2e%2e/id/case/korea", "ontology/modules/..%2Fcoopsec",
                                  "ontology/modules/trust/", "ontology/modules/%2Fetc%2Fpasswd",
                                  "ontology/modules/trust.ttl"])
def test_a_name_that_is_no_module_is_a_plain_404(server: RunningServer, path: str) -> None:
    status, headers, body = fetch(server.url + path, headers={"Accept": "text/turtle"})
    assert status == 404 and headers["Content-Type"].startswith("text/plain"), (status, body[:200])
    assert b"has no module" in body and b"trust" in body and b"@prefix" not in body
    assert fetch(server.url + path, headers={"Accept": "text/html"})[0] == 404


def test_an_unknown_version_and_a_later_page_are_404(server: RunningServer) -> None:
    status, _, body = fetch(server.url + "ontology/0.0.9", headers={"Accept": "text/turtle"})
    assert status == 404 and b"knows nothing about https://w3id.org/coopsec/ontology/0.0.9" in body
    status, _, body = fetch(server.url + "ontology?page=2", headers={"Accept": "text/turtle"})
    assert status == 404 and b"one document" in body


def test_the_html_pages_of_the_ontology_iris_stay_pages(server: RunningServer) -> None:
    status, headers, body = fetch(server.url + "ontology", headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b'id="Trust"' in body
    status, headers, body = fetch(server.url + "ontology/modules/trust", headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b"coopsec module: trust" in body


def test_a_store_whose_ontology_is_not_the_bundled_one_gives_no_module_document() -> None:
    """A store loaded by another version (or changed by an update) holds the modules merged: which triples are a
    module's cannot be told from it, so the bundled file is not passed off as that store's module."""
    from cooperative_security.kb import load_theory
    from cooperative_security.ontology import ONTOLOGY_GRAPH
    from cooperative_security.serve.vocabulary import module_document, ontology_document
    from cooperative_security.store import open_store

    store = open_store("memory:")
    try:
        load_theory(store)
        trust = module_document(store, MODULES + "trust")
        assert isinstance(trust, list) and ox.Triple(ox.NamedNode(str(CS.Trust)), ox.NamedNode(str(RDF.type)),
                                                     ox.NamedNode(str(OWL.Class))) in trust
        changed = [q.triple for q in store.quads(ONTOLOGY_GRAPH)]
        changed.append(ox.Triple(ox.NamedNode(str(CS.Trust)), ox.NamedNode(str(SKOS.note)), ox.Literal("edited")))
        store.replace_graphs({ONTOLOGY_GRAPH: changed})
        answer = ontology_document(store, MODULES + "trust", "text/turtle")
        assert answer is not None and answer.status == 404 and b"/ontology answers the whole ontology" in answer.data
        whole = ontology_document(store, str(ONTOLOGY), "application/n-triples")
        assert whole is not None and whole.status == 200 and b'"edited"' in whole.data  # the store's, as it is
    finally:
        store.close()


def test_a_server_over_an_on_disk_store_answers_the_documents_too(initialised_spec: str) -> None:
    """``coopsec serve --store oxigraph:DIR``: the ontology graph there is the one ``coopsec init`` loaded."""
    with start_server(ServerConfig(port=0, limits=Limits(timeout=20)), spec=initialised_spec) as running:
        whole = load(running, "ontology", "text/turtle")
        assert (CS.Trust, RDF.type, OWL.Class) in whole and whole.value(ONTOLOGY, OWL.versionIRI) == VERSION
        trust = load(running, "ontology/modules/trust", "application/n-triples")
        assert (CS.Trust, RDF.type, OWL.Class) in trust and (CS.SecurityCommunity, RDF.type, OWL.Class) not in trust


def test_an_ontology_document_over_the_answer_cap_says_it_is_not_paged() -> None:
    """A server with a small --max-answer refuses the whole ontology: the refusal must not send the client to a
    later page, which an ontology document does not have."""
    with start_server(ServerConfig(port=0, classify=False, limits=Limits(timeout=20, max_answer=50_000))) as running:
        status, _, body = fetch(running.url + "ontology", headers={"Accept": "text/turtle"})
        assert status == 422 and b"not paged" in body and b"later page" not in body
        assert fetch(running.url + "ontology/modules/trust", headers={"Accept": "text/turtle"})[0] == 200


def test_a_module_document_compares_the_ontology_once_for_each_graph_it_finds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each /ontology/modules/NAME request parsed the bundled files and compared them with the store's ontology
    graph, blank nodes canonical (about 0.1 s): now once for each graph the requests find, with the same answers,
    and anew once an update has changed the graph (or changed it back)."""
    from concurrent.futures import ThreadPoolExecutor

    from cooperative_security.kb import load_theory
    from cooperative_security.ontology import ONTOLOGY_GRAPH
    from cooperative_security.serve import vocabulary
    from cooperative_security.store import open_store

    compared: list[int] = []
    real = vocabulary.same_graph

    def counted(quads, triples):  # type: ignore[no-untyped-def]
        compared.append(1)
        return real(quads, triples)

    monkeypatch.setattr(vocabulary, "same_graph", counted)
    monkeypatch.setattr(vocabulary, "_compared", None, raising=False)  # a fresh start
    store = open_store("memory:")
    try:
        load_theory(store)
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda name: vocabulary.module_document(store, MODULES + name),
                                    ["trust", "regimes"] * 6))
        assert len(compared) == 1
        assert all(isinstance(a, list) and a == answers[i % 2] for i, a in enumerate(answers))
        assert answers[0] != answers[1]  # each module its own document
        bundled = [q.triple for q in store.quads(ONTOLOGY_GRAPH)]
        edited = [*bundled, ox.Triple(ox.NamedNode(str(CS.Trust)), ox.NamedNode(str(SKOS.note)), ox.Literal("x"))]
        store.replace_graphs({ONTOLOGY_GRAPH: edited})
        assert isinstance(vocabulary.module_document(store, MODULES + "trust"), str)  # 404: changed
        assert isinstance(vocabulary.module_document(store, MODULES + "trust"), str)
        store.replace_graphs({ONTOLOGY_GRAPH: bundled})
        assert vocabulary.module_document(store, MODULES + "trust") == answers[0]  # the bundled one again
        assert len(compared) == 3
    finally:
        store.close()


def test_repeated_module_requests_answer_the_same_document(server: RunningServer) -> None:
    from rdflib.compare import isomorphic

    graphs = [load(server, "ontology/modules/trust", "application/n-triples") for _ in range(3)]
    assert (CS.Trust, RDF.type, OWL.Class) in graphs[0] and len(graphs[0]) > 100
    assert all(isomorphic(graphs[0], g) for g in graphs[1:])  # blank nodes labelled anew by each worker's parse
