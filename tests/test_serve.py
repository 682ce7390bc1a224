"""The SPARQL endpoint and the dereferenceable IRIs, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import csv
import http.client
import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import rdflib
from http_fetch import fetch

from cooperative_security.errors import UsageError
from cooperative_security.serve import Limits, RunningServer, ServerConfig, make_server, start_server
from cooperative_security.serve.negotiate import choose

LABELS = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX owl: <http://www.w3.org/2002/07/owl#> "
          "SELECT ?c ?label WHERE { ?c a owl:Class ; rdfs:label ?label } ORDER BY ?label")
CONSTRUCT = ("PREFIX cs: <https://w3id.org/coopsec/ontology#> "
             "CONSTRUCT { cs:SecurityDilemma ?p ?o } WHERE { cs:SecurityDilemma ?p ?o FILTER(isLiteral(?o)) }")
# Every triple against every triple: 10^8 rows on the bundled data, far longer than a second to read.
CROSS = "SELECT * WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?x ?y ?z } }"
ASK_MARKER = "ASK { GRAPH <urn:test> { <urn:a> <urn:b> \"marker\" } }"
INSERT_MARKER = "INSERT DATA { GRAPH <urn:test> { <urn:a> <urn:b> \"marker\" } }"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with start_server(ServerConfig(port=0, limits=Limits(timeout=20, max_results=5000, max_body=4000))) as running:
        yield running


def get_query(server: RunningServer, query: str, accept: str) -> tuple[int, dict[str, str], bytes]:
    return fetch(server.url + "sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept})


def test_get_and_both_kinds_of_post_give_the_same_results(server: RunningServer) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    status, _, by_get = get_query(server, LABELS, accept["Accept"])
    assert status == 200
    _, _, by_form = fetch(server.url + "sparql", urllib.parse.urlencode({"query": LABELS}).encode(),
                          {**accept, "Content-Type": "application/x-www-form-urlencoded"})
    _, _, by_body = fetch(server.url + "sparql", LABELS.encode(), {**accept, "Content-Type": "application/sparql-query"})
    results = json.loads(by_get)
    labels = [b["label"]["value"] for b in results["results"]["bindings"]]
    assert "security dilemma" in labels and len(labels) > 100
    assert json.loads(by_form) == results == json.loads(by_body)


def test_select_results_in_each_format(server: RunningServer) -> None:
    query = LABELS + " LIMIT 7"
    _, headers, body = get_query(server, query, "application/sparql-results+xml")
    assert headers["Content-Type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert len(ET.fromstring(body).findall(".//r:result", ns)) == 7
    _, headers, body = get_query(server, query, "text/csv")
    assert headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0] == ["c", "label"] and len(rows) == 8
    _, headers, body = get_query(server, query, "text/tab-separated-values")
    lines = body.decode().splitlines()
    assert lines[0] == "?c\t?label" and len(lines) == 8 and lines[1].startswith("<https://w3id.org/coopsec/")
    _, headers, body = get_query(server, query, "application/sparql-results+json, text/csv;q=0.5")
    assert len(json.loads(body)["results"]["bindings"]) == 7
    status, _, body = get_query(server, "ASK { GRAPH ?g { ?s ?p ?o } }", "application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_construct_answers_in_turtle_and_json_ld_with_the_same_triples(server: RunningServer) -> None:
    graphs = {}
    for media, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                       ("application/n-triples", "nt"), ("application/rdf+xml", "xml")):
        status, headers, body = get_query(server, CONSTRUCT, media)
        assert status == 200 and headers["Content-Type"].startswith(media)
        graphs[fmt] = rdflib.Graph().parse(data=body, format=fmt)
    assert len(graphs["turtle"]) >= 2
    assert all(len(g) == len(graphs["turtle"]) for g in graphs.values())
    assert rdflib.Literal("security dilemma", lang="en") in set(graphs["json-ld"].objects())
    status, _, body = get_query(server, CONSTRUCT, "application/sparql-results+json")
    assert status == 406 and b"text/turtle" in body
    status, _, _ = get_query(server, LABELS, "text/turtle")
    assert status == 406


def test_a_bad_query_is_400_with_the_parser_message(server: RunningServer) -> None:
    status, _, body = get_query(server, "SELEKT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert status == 400
    assert b"not valid SPARQL" in body and b"1:1" in body


def test_updates_are_refused_when_read_only(server: RunningServer) -> None:
    status, _, body = fetch(server.url + "sparql", INSERT_MARKER.encode(), {"Content-Type": "application/sparql-update"})
    assert status == 403 and b"--writable" in body
    status, _, _ = fetch(server.url + "sparql", urllib.parse.urlencode({"update": INSERT_MARKER}).encode(),
                         {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    _, _, body = get_query(server, ASK_MARKER, "application/sparql-results+json")
    assert json.loads(body)["boolean"] is False


def test_updates_are_accepted_when_writable() -> None:
    with start_server(ServerConfig(port=0, writable=True, classify=False)) as server:
        status, _, _ = fetch(server.url + "sparql", INSERT_MARKER.encode(), {"Content-Type": "application/sparql-update"})
        assert status == 204
        _, _, body = get_query(server, ASK_MARKER, "application/sparql-results+json")
        assert json.loads(body)["boolean"] is True
        status, _, body = fetch(server.url + "sparql", b"INSERT DATA {", {"Content-Type": "application/sparql-update"})
        assert status == 400 and b"not valid SPARQL" in body


def test_a_body_over_the_limit_is_413(server: RunningServer) -> None:
    padded = LABELS + " #" + "x" * 5000
    status, _, body = fetch(server.url + "sparql", padded.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 413 and b"at most 4000" in body and b"--max-body" in body
    status, _, _ = fetch(server.url + "sparql", (LABELS + " #" + "x" * 100).encode(),
                         {"Content-Type": "application/sparql-query"})
    assert status == 200


def test_more_results_than_the_limit_is_422(server: RunningServer) -> None:
    status, _, body = get_query(server, CROSS, "application/sparql-results+json")
    assert status == 422 and b"more than 5000 results" in body and b"--max-results" in body
    status, _, body = get_query(server, CROSS + " LIMIT 5000", "text/csv")
    assert status == 200 and len(body.decode().splitlines()) == 5001


def test_a_query_over_the_time_limit_is_503_and_frees_its_slot() -> None:
    config = ServerConfig(port=0, classify=False, limits=Limits(timeout=1, max_results=10**9, max_running=1))
    with start_server(config) as server:
        started = time.monotonic()
        # Counting streams the cross product: it takes CPU time, and no memory to speak of.
        status, _, body = get_query(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s ?p ?o } "
                                            "GRAPH ?b { ?x ?y ?z } }", "application/sparql-results+json")
        assert status == 503 and b"longer than 1 s" in body
        assert time.monotonic() - started < 10
        # The worker was killed and another started in its place: the only slot is free again.
        status, _, _ = get_query(server, "ASK {}", "application/sparql-results+json")
        assert status == 200


def test_content_negotiation_of_a_concept(server: RunningServer) -> None:
    url = server.url + "ontology/SecurityDilemma"
    status, headers, body = fetch(url, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle") and headers["Vary"] == "Accept"
    turtle = rdflib.Graph().parse(data=body, format="turtle")
    sd = rdflib.URIRef("https://w3id.org/coopsec/ontology#SecurityDilemma")
    assert (sd, rdflib.RDFS.label, rdflib.Literal("security dilemma", lang="en")) in turtle
    status, headers, body = fetch(url, headers={"Accept": "text/turtle;q=0.5, application/ld+json"})
    assert headers["Content-Type"].startswith("application/ld+json")
    assert len(rdflib.Graph().parse(data=body, format="json-ld")) == len(turtle)
    status, headers, body = fetch(url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert "<h1>security dilemma</h1>" in page and 'href="/id/work/keating-wheeler-2013"' in page
    status, headers, _ = fetch(url, headers={"Accept": "text/html;q=0.1, text/turtle"})
    assert headers["Content-Type"].startswith("text/turtle")
    assert fetch(server.url + "ontology?term=SecurityDilemma", headers={"Accept": "text/turtle"})[2] == \
        fetch(url, headers={"Accept": "text/turtle"})[2]
    assert fetch(url, headers={"Accept": "image/png"})[0] == 406


def test_instances_and_the_ontology_dereference(server: RunningServer) -> None:
    status, _, body = fetch(server.url + "id/work/herz-1950", headers={"Accept": "text/html"})
    assert status == 200 and b"Herz" in body
    status, _, body = fetch(server.url + "id/case/france-germany", headers={"Accept": "application/n-triples"})
    assert status == 200 and b"<https://w3id.org/coopsec/id/case/france-germany>" in body
    status, _, body = fetch(server.url + "ontology", headers={"Accept": "text/html"})
    assert status == 200 and b'id="SecurityDilemma"' in body  # /ontology#SecurityDilemma scrolls to it


@pytest.mark.parametrize("path", ["id/work/no-such-work", "ontology/NoSuchTerm", "id/", "elsewhere"])
def test_unknown_iris_are_404(server: RunningServer, path: str) -> None:
    for accept in ("text/html", "text/turtle"):
        assert fetch(server.url + path, headers={"Accept": accept})[0] == 404


def test_values_from_the_graph_are_escaped_in_html() -> None:
    with start_server(ServerConfig(port=0, writable=True, classify=False)) as server:
        hostile = 'INSERT DATA { GRAPH <urn:t> { <https://w3id.org/coopsec/id/work/x> ' \
                  '<http://www.w3.org/2000/01/rdf-schema#label> "<script>alert(1)</script>" } }'
        assert fetch(server.url + "sparql", hostile.encode(), {"Content-Type": "application/sparql-update"})[0] == 204
        _, _, body = fetch(server.url + "id/work/x", headers={"Accept": "text/html"})
        assert b"<script>alert" not in body and b"&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_query_page_offers_the_example_queries(server: RunningServer) -> None:
    status, headers, body = fetch(server.url, headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b'<div id="yasgui">' in body and b"concepts/list" in body and b"read-only" in body
    # YASGUI and the pictures' script are served from the package, so the page works offline
    for name, kind in (("yasgui.min.js", "text/javascript"), ("yasgui.min.css", "text/css"),
                       ("cytoscape.min.js", "text/javascript"), ("yasgui.LICENSE", "text/plain")):
        status, headers, data = fetch(server.url + "vendor/" + name)
        assert status == 200 and headers["Content-Type"].startswith(kind) and len(data) > 1000
    assert fetch(server.url + "vendor/../../etc/passwd")[0] == 404
    assert fetch(server.url + "vendor/nothing.js")[0] == 404


def test_site_files_are_served_and_nothing_outside(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "index.html").write_text("<p>site</p>")
    (tmp_path.parent / "secret.txt").write_text("secret")
    with start_server(ServerConfig(port=0, classify=False, site_dir=tmp_path)) as server:
        assert fetch(server.url + "site/")[2] == b"<p>site</p>"
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", "/site/../secret.txt")
        response = connection.getresponse()
        assert response.status == 404 and b"secret" not in response.read()
        connection.close()


def test_a_non_loopback_address_needs_an_explicit_host(kg) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="refusing to listen on 0.0.0.0"):
        make_server(ServerConfig(host="0.0.0.0", port=0), kg)


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "text/html"),
    ("*/*", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json;q=0.9, text/turtle;q=0.8", "application/ld+json"),
    ("text/*;q=0.3, text/turtle;q=0.9", "text/turtle"),
    ("text/*, text/html;q=0", "text/turtle"),
    ("image/png", None),
])
def test_choose_follows_q_values(accept: str | None, expected: str | None) -> None:
    assert choose(accept, ["text/html", "text/turtle", "application/ld+json"]) == expected


def test_cli_refuses_bad_limits(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("serve", "--timeout", "0")
    assert result.code == 2 and "must be positive" in result.err
    _ = ox  # pyoxigraph parses what rdflib parses above


def test_the_command_serves_until_sigterm_and_stops_cleanly() -> None:
    import re
    import signal
    import subprocess
    import sys

    command = [sys.executable, "-c", "from cooperative_security.cli import entry_point; entry_point()"]
    process = subprocess.Popen([*command, "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line + (process.stderr.read() if process.stderr else "")
        url = match.group(0)
        status, _, body = fetch(url + "sparql?" + urllib.parse.urlencode(
            {"query": "ASK { GRAPH <https://w3id.org/coopsec/graph/inferred> { ?s ?p ?o } }"}),
            headers={"Accept": "application/sparql-results+json"})
        assert status == 200 and json.loads(body)["boolean"] is True  # classified at start
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert "stopped" in err
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_service_federation_is_on(server: RunningServer) -> None:
    """Issue 13, item 4: without --allow-service, SERVICE reaches no host, loopback included."""
    status, _, body = get_query(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
                                "application/sparql-results+json")
    assert status == 403 and b"federation is off" in body and b"--allow-service" in body


def test_the_map_and_the_citations_are_built_under_the_query_limits(server: RunningServer) -> None:
    for path, marker in (("map", b"SecurityDilemma"), ("citations", b"herz-1950")):
        status, headers, body = fetch(server.url + path)
        assert status == 200 and headers["Content-Type"].startswith("text/html") and marker in body, path
    # Built by a query worker, so its caps apply: an answer over --max-answer is refused, and the server
    # itself never builds the page (it answers the next request).
    with start_server(ServerConfig(port=0, classify=False, limits=Limits(max_answer=20_000))) as small:
        for path in ("map", "citations"):
            status, _, body = fetch(small.url + path)
            assert status == 422 and b"--max-answer" in body, body
        assert get_query(small, "ASK { ?s ?p ?o }", "application/sparql-results+json")[0] == 200


def test_an_unknown_iri_asked_for_as_data_is_a_plain_text_404(server: RunningServer) -> None:
    """It was the HTML page, whatever the Accept; a browser still gets that page."""
    status, headers, body = fetch(server.url + "id/case/nosuch", headers={"Accept": "text/turtle"})
    assert status == 404 and headers["Content-Type"].startswith("text/plain")
    assert body.decode().startswith("the graph knows nothing about https://w3id.org/coopsec/id/case/nosuch")
    status, headers, _ = fetch(server.url + "id/case/nosuch", headers={"Accept": "text/html"})
    assert status == 404 and headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("PUT", "sparql", "GET, HEAD, POST"), ("DELETE", "sparql", "GET, HEAD, POST"), ("PATCH", "", "GET, HEAD"),
    ("OPTIONS", "id/work/herz-1950", "GET, HEAD"),
])
def test_other_methods_are_a_plain_text_405(server: RunningServer, method: str, path: str, allowed: str) -> None:
    """http.server answered these with 501 and an HTML page; a PUT to /sparql must never run as a POST."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, "/" + path, body=b"update=DROP ALL" if method == "PUT" else None,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        body = response.read().decode()
        assert response.status == 405 and response.getheader("Allow") == allowed
        assert response.getheader("Content-Type").startswith("text/plain") and f"does not take {method}" in body
    finally:
        connection.close()
    assert get_query(server, "ASK { ?s ?p ?o }", "application/sparql-results+json")[0] == 200


def test_a_named_query_answers_as_coopsec_query_does_with_its_lists_in_order() -> None:
    """The server gave the items of a named query's lists in the engine's order (a property's domains as
    BetaThing, KappaThing, MuThing, AlphaThing, ZetaThing), where `coopsec query` sorts them, so the query page's
    concepts/properties and the command line disagreed. The text as the page sends it (form-encoded POST) and
    as a file (with a Windows line ending); a query that is not a named one keeps the engine's order."""
    from probes import PROBE, probe_quads, store_of

    from cooperative_security import api as cs
    from cooperative_security.queries import load_query

    store = store_of(probe_quads("properties.trig") + probe_quads("characterised-as.trig"))
    try:
        expected = {name: cs.query(name, store=store, **params).fillna("").to_dict("records")
                    for name, params in (("concepts/properties", {}), ("cases/characterised-as", {"concept": PROBE}))}
        with start_server(ServerConfig(port=0, classify=False), store=store) as server:
            answers = {}
            for name, body, kind in (
                    ("concepts/properties", urllib.parse.urlencode({"query": load_query("concepts/properties").text}),
                     "application/x-www-form-urlencoded"),
                    ("cases/characterised-as", load_query("cases/characterised-as").text.replace("\n", "\r\n", 1),
                     "application/sparql-query")):
                status, _, data = fetch(server.url + "sparql", body.encode(),
                                        {"Content-Type": kind, "Accept": "application/sparql-results+json"})
                assert status == 200, data
                bindings = json.loads(data)["results"]["bindings"]
                answers[name] = [{k: b.get(k, {}).get("value", "") for k in expected[name][0]} for b in bindings]
            # the same text with a comment added is not a named query: the lists come in the engine's order
            _, _, data = get_query(server, "# mine\n" + load_query("concepts/properties").text,
                                   "application/sparql-results+json")
            unsorted = json.loads(data)["results"]["bindings"][0]["domains"]["value"]
    finally:
        store.close()
    assert answers == expected
    assert expected["concepts/properties"][0]["domains"].split(" ")[0].endswith("#AlphaThing")
    assert expected["cases/characterised-as"][0]["disputedBy"] == "Alpha 2002, Beta 2005, Kappa 2004, Mu 2003, Zeta 2001"
    assert unsorted.split(" ") != sorted(unsorted.split(" "))
