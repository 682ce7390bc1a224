"""What a linked-data consumer found in a first hour with the endpoint and the exports, each a regression
test against the real component: the server on 127.0.0.1, the exports read back by an independent parser."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from http_fetch import fetch

from cooperative_security.serve import Limits, RunningServer, ServerConfig, start_server

KOREA = "https://w3id.org/coopsec/graph/case/korea"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with start_server(ServerConfig(port=0, limits=Limits(timeout=20, max_results=50000))) as running:
        yield running


def count(server: RunningServer, query: str, **protocol: str) -> int:
    params = urllib.parse.urlencode({"query": query, **protocol})
    status, _, body = fetch(server.url + "sparql?" + params, headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_a_from_clause_names_the_default_graph_of_a_query(server: RunningServer) -> None:
    """The union default graph replaced the query's own FROM: a count FROM one case's graph was the whole store's."""
    in_korea = count(server, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{KOREA}> {{ ?s ?p ?o }} }}")
    everything = count(server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert 50 < in_korea < everything / 10
    assert count(server, f"SELECT (COUNT(*) AS ?n) FROM <{KOREA}> {{ ?s ?p ?o }}") == in_korea
    assert count(server, f"select (count(*) as ?n)\n# a comment\nfrom\n<{KOREA}> where {{ ?s ?p ?o }}") == in_korea
    # FROM NAMED alone keeps the union default graph, and restricts GRAPH to the graphs it names
    assert count(server, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{KOREA}> {{ ?s ?p ?o }}") == everything
    assert count(server, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{KOREA}> {{ GRAPH ?g {{ ?s ?p ?o }} }}") == in_korea
    # the word as a name, in a string, an IRI or a comment is no FROM
    for text in ("PREFIX from: <urn:from:> SELECT (COUNT(*) AS ?from) { ?s ?p ?o FILTER(?o != from:x) }",
                 "SELECT (COUNT(*) AS ?n) { ?s ?p ?o FILTER(?o != 'from' && ?o != <urn:from>) } # from <urn:x>"):
        assert count(server, text.replace("?from)", "?n)")) == everything
    # the protocol's default-graph-uri wins over FROM (SPARQL 1.1 Protocol, 2.1.4)
    assert count(server, "SELECT (COUNT(*) AS ?n) FROM <urn:nothing> { ?s ?p ?o }", **{"default-graph-uri": KOREA}) \
        == in_korea


def test_a_sparql_answer_says_that_it_varies_by_accept(server: RunningServer) -> None:
    """/sparql chose its answer's format by Accept without saying so: a cache could give CSV to a JSON client."""
    query = "SELECT ?s { ?s ?p ?o } LIMIT 1"
    for accept in ("text/csv", "application/sparql-results+json"):
        status, headers, _ = fetch(server.url + "sparql?" + urllib.parse.urlencode({"query": query}),
                                   headers={"Accept": accept})
        assert status == 200 and headers["Content-Type"].startswith(accept)
        assert "accept" in headers.get("Vary", "").lower()
    status, headers, _ = fetch(server.url + "sparql", query.encode(),
                               {"Accept": "text/csv", "Content-Type": "application/sparql-query"})
    assert status == 200 and "accept" in headers.get("Vary", "").lower()


#: the terms of CiTO 2.8 (http://purl.org/spar/cito): the class of a citation, its three properties, and the
#: object properties that characterise a citation (their inverses, ``isCitedBy`` and the like, left out)
CITO_TERMS = {
    "Citation", "hasCitingEntity", "hasCitedEntity", "hasCitationCharacterization", "cites", "agreesWith",
    "citesAsAuthority", "citesAsDataSource", "citesAsEvidence", "citesAsMetadataDocument",
    "citesAsPotentialSolution", "citesAsRecommendedReading", "citesAsRelated", "citesAsSourceDocument",
    "citesForInformation", "compiles", "confirms", "containsAssertionFrom", "corrects", "credits", "critiques",
    "derides", "describes", "disagreesWith", "discusses", "disputes", "documents", "extends",
    "givesBackgroundTo", "givesSupportTo", "hasReplyFrom", "includesExcerptFrom", "includesQuotationFrom",
    "linksTo", "obtainsBackgroundFrom", "obtainsSupportFrom", "parodies", "plagiarizes", "qualifies", "refutes",
    "repliesTo", "retracts", "reviews", "ridicules", "speculatesOn", "supports", "updates",
    "usesConclusionsFrom", "usesDataFrom", "usesMethodIn",
}


def test_every_cito_term_of_the_export_is_one_cito_defines(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """29 footnotes were characterised by cito:quotes, which CiTO does not define (its term is
    cito:includesQuotationFrom): a consumer's query for quotations found none of them."""
    import rdflib

    out = tmp_path / "bibliography.nt"
    assert cli("export", "--format", "ntriples", "--graph", "bibliography", "--no-classify", "-o", str(out)).code == 0
    graph = rdflib.Graph().parse(out, format="nt")
    cito = "http://purl.org/spar/cito/"
    used = {str(t).removeprefix(cito) for triple in graph for t in triple if str(t).startswith(cito)}
    assert len(graph) > 1000 and {"Citation", "citesAsEvidence"} <= used
    assert used - CITO_TERMS == set()
    quotations = list(graph.triples((None, rdflib.URIRef(cito + "hasCitationCharacterization"),
                                     rdflib.URIRef(cito + "includesQuotationFrom"))))
    assert len(quotations) >= 20


def test_each_release_file_is_a_dcat_distribution_with_a_media_type_iri_and_a_licence(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The distributions' dcat:mediaType was a string ("text/turtle"), where DCAT's range is a dcterms:MediaType
    (IANA's IRI), and a distribution said nothing of its licence: DCAT validators flagged all six."""
    import rdflib

    assert cli("release", "-o", str(tmp_path)).code == 0
    void = next(tmp_path.glob("coopsec-void-*.ttl"))
    graph = rdflib.Graph().parse(void, format="turtle")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    distributions = set(graph.subjects(rdflib.RDF.type, dcat.Distribution))
    assert len(distributions) == 6
    for dist in distributions:
        media = graph.value(dist, dcat.mediaType)
        assert isinstance(media, rdflib.URIRef), (dist, media)
        assert str(media).startswith("https://www.iana.org/assignments/media-types/")
        assert str(media).split("/", 5)[-1] in ("text/turtle", "application/rdf+xml", "application/ld+json",
                                                 "application/trig", "application/n-quads")
        assert graph.value(dist, rdflib.DCTERMS.license) == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")


def test_the_html_page_of_a_term_links_to_each_of_its_data_formats(server: RunningServer) -> None:
    """The page offered Turtle, JSON-LD and N-Triples but not RDF/XML, which the server gives too (Protégé's)."""
    import re

    import rdflib

    status, _, page = fetch(server.url + "ontology/Trust", headers={"Accept": "text/html"})
    assert status == 200
    links = dict((f, href) for href, f in re.findall(r'href="(/ontology/Trust\?format=(\w+))"', page.decode()))
    assert set(links) == {"turtle", "jsonld", "nt", "rdfxml"}
    for name, parser in (("turtle", "turtle"), ("jsonld", "json-ld"), ("nt", "nt"), ("rdfxml", "xml")):
        status, _, body = fetch(server.url + links[name].lstrip("/"))
        graph = rdflib.Graph().parse(data=body, format=parser)
        assert status == 200 and (rdflib.URIRef("https://w3id.org/coopsec/ontology#Trust"), None, None) in graph


def test_an_unknown_format_parameter_is_a_400_that_lists_the_formats(server: RunningServer) -> None:
    """?format=turtel (a typo) was ignored: the script that sent it got the HTML page, 200, with no word why."""
    status, headers, body = fetch(server.url + "ontology/Trust?format=turtel", headers={"Accept": "*/*"})
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert "format=turtel" in body.decode() and "rdfxml" in body.decode()
    status, headers, _ = fetch(server.url + "ontology/Trust?format=TTL")  # the names are read in any case
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    status, headers, _ = fetch(server.url + "ontology/Trust?format=", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")  # empty: the header decides


def test_the_context_term_in_footnote_is_cs_in_footnote(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The shipped context mapped inFootnote to cs:footnote (a source's footnote number): the export never used
    the term, and a document written with the context stated cs:footnote <footnote/1> instead of cs:inFootnote."""
    import rdflib

    context = json.loads((Path(__file__).parent.parent / "ontology" / "context.jsonld").read_text())
    document = {**context, "@id": "citation:fn1-1", "inFootnote": "footnote:1"}
    graph = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    cs, ident = "https://w3id.org/coopsec/ontology#", "https://w3id.org/coopsec/id/"
    assert set(graph) == {(rdflib.URIRef(ident + "citation/fn1-1"), rdflib.URIRef(cs + "inFootnote"),
                           rdflib.URIRef(ident + "footnote/1"))}
    out = tmp_path / "bibliography.jsonld"
    assert cli("export", "--format", "jsonld", "--graph", "bibliography", "--no-classify", "-o", str(out)).code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count('"inFootnote": "footnote:') > 100 and '"cs:inFootnote": ' not in text


@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_a_page_past_the_last_of_a_known_iri_says_so(server: RunningServer, accept: str) -> None:
    """?page=2 of a term with one page said 'the graph knows nothing about' the term, which it knows."""
    status, headers, body = fetch(server.url + "ontology/Trust?page=2", headers={"Accept": accept})
    assert status == 404 and headers["Content-Type"].startswith("text/plain")
    assert "page 2 of https://w3id.org/coopsec/ontology#Trust is past its last page" in body.decode()
    assert "knows nothing" not in body.decode()
    status, _, body = fetch(server.url + "ontology/NoSuchTerm?page=2", headers={"Accept": accept})
    assert status == 404 and "knows nothing about" in body.decode()


def test_get_sparql_without_parameters_is_the_service_description(server: RunningServer) -> None:
    """GET /sparql with no query was 400 'give exactly one query parameter': SPARQL 1.1 Service Description
    asks an endpoint to describe itself there (endpoint, languages, result formats, its union default graph)."""
    import rdflib

    status, headers, body = fetch(server.url + "sparql", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle") and "accept" in headers["Vary"].lower()
    graph = rdflib.Graph().parse(data=body, format="turtle")
    sd, formats = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#"), "http://www.w3.org/ns/formats/"
    service = graph.value(None, rdflib.RDF.type, sd.Service)
    assert service is not None
    assert graph.value(service, sd.endpoint) == rdflib.URIRef(server.url + "sparql")
    assert set(graph.objects(service, sd.supportedLanguage)) == {sd.SPARQL11Query}  # read-only: no updates
    assert {rdflib.URIRef(formats + f) for f in ("SPARQL_Results_JSON", "SPARQL_Results_CSV", "Turtle")} \
        <= set(graph.objects(service, sd.resultFormat))
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    status, headers, body = fetch(server.url + "sparql", headers={"Accept": "application/ld+json"})
    assert status == 200 and len(rdflib.Graph().parse(data=body, format="json-ld")) == len(graph)
    status, _, _ = fetch(server.url + "sparql", headers={"Accept": "text/csv"})
    assert status == 406
    status, _, body = fetch(server.url + "sparql?default-graph-uri=" + urllib.parse.quote(KOREA))
    assert status == 400 and b"query" in body  # a parameter, but no query: still a mistake


def test_the_path_of_every_project_iri_names_that_iri_again(kg) -> None:  # type: ignore[no-untyped-def]
    """The ontology's version IRI (https://w3id.org/coopsec/ontology/0.1.0) was linked as /ontology/0.1.0,
    which the server read as cs:0.1.0: its page said the graph knew nothing about ...ontology#0.1.0."""
    from cooperative_security.serve.linked import iri_for_path, path_for_iri

    iris = {t.value for q in kg.quads() for t in (q.subject, q.object)
            if isinstance(t, ox.NamedNode) and path_for_iri(t.value) is not None}
    iris |= {"https://w3id.org/coopsec/ontology#0day", "https://w3id.org/coopsec/ontology#a/b"}  # none yet
    assert len(iris) > 1000 and "https://w3id.org/coopsec/ontology/0.1.0" in iris
    wrong = []
    for iri in sorted(iris):
        parts = urllib.parse.urlsplit(path_for_iri(iri) or "")
        term = urllib.parse.parse_qs(parts.query).get("term", [None])[0]
        if iri_for_path(urllib.parse.unquote(parts.path), term) != iri:
            wrong.append((iri, path_for_iri(iri)))
    assert wrong == []


def test_every_local_link_of_the_ontology_page_answers(server: RunningServer) -> None:
    import re

    status, _, page = fetch(server.url + "ontology", headers={"Accept": "text/html"})
    links = sorted({href.replace("&amp;", "&") for href in re.findall(r'href="(/[^"]*)"', page.decode())})
    assert len(links) > 400 and "/ontology/0.1.0" in links
    broken = [href for href in links if fetch(server.url + href.lstrip("/"))[0] != 200]
    assert broken == []


@pytest.fixture(scope="module")
def small_pages() -> Iterator[RunningServer]:
    with start_server(ServerConfig(port=0, limits=Limits(timeout=20, page_size=4))) as running:
        yield running


@pytest.mark.parametrize("path", ["ontology/Trust", "ontology?term=Trust", "id/case/korea"])
def test_an_rdf_answer_cut_at_its_page_size_links_to_the_next_page(  # type: ignore[no-untyped-def]
        server: RunningServer, small_pages: RunningServer, path: str) -> None:
    """An IRI asked for as data holds at most the page size of triples: it was cut there without a word, so a
    client took a part for the whole. It now carries ``Link: <...page=N+1>; rel="next"`` (RFC 8288) while more
    follow, and following the links gives every triple of the one-page answer."""
    status, _, whole = fetch(server.url + path, headers={"Accept": "application/n-triples"})
    assert status == 200
    expected = set(ox.parse(whole, format=ox.RdfFormat.N_TRIPLES))
    assert len(expected) > 8  # three pages or more of four
    got: set[ox.Triple] = set()
    url, pages = small_pages.url + path, 0
    while url:
        status, headers, body = fetch(url, headers={"Accept": "application/n-triples"})
        assert status == 200, body
        page = set(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        assert 0 < len(page) <= 4 and not page & got
        got |= page
        pages += 1
        link = headers.get("Link")
        url = ""
        if link:
            target, rel = link.split(";", 1)
            assert rel.strip() == 'rel="next"' and target.startswith("</") and target.endswith(">"), link
            url = small_pages.url + target[2:-1]
            assert f"page={pages + 1}" in url
    assert got == expected and pages == -(-len(expected) // 4)
