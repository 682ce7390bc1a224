"""What the SERVICE and LOAD check reads as a keyword (cooperative_security/serve/guard.py).

Oxigraph matches SERVICE and LOAD without word boundaries and decodes escapes only inside strings and
IRIs, so the check reads the letters anywhere, strings and comments included, with what follows them as
the target. These tests pin both sides: each form below reached the network through the scan it replaced
(or would, by oxigraph's grammar), and the texts that merely hold the words pass. The same forms go to a
real server, whose listener must never be knocked, in tests/test_serve_limits.py.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cooperative_security.serve.guard import check_sparql
from cooperative_security.serve.httperror import HttpError

TARGET = "<http://127.0.0.1:9/x>"  # port 9: oxigraph refuses to connect, so a fetch shows as an OSError

FETCHING = [
    f"SELECT * {{ BIND('\\u0027' AS ?x) SERVICE {TARGET} {{ ?s ?p ?o }} BIND('\\u0027' AS ?y) }}",
    f'SELECT * {{ BIND("\\u0022" AS ?x) SERVICE {TARGET} {{ ?s ?p ?o }} BIND("\\u0022" AS ?y) }}',
    f"SELECT * {{ BIND(1<'a>' AS ?q) SERVICE {TARGET} {{ ?s ?p ?o }} BIND('x' AS ?y) }}",
    "PREFIX s: <http://127.0.0.1:9/> SELECT * { SERVICEs:x { ?a ?b ?c } }",
    "PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x { ?a ?b ?c } }",
    f"SELECT * {{ <http://e/a> <http://e/b> 1SERVICE {TARGET} {{ ?a ?b ?c }} }}",
    f"SELECT * {{ SERVICE#a comment\n {TARGET} {{ ?a ?b ?c }} }}",
    "SELECT * { SERVICE <http://127.0.0.1:9/\\u0078> { ?a ?b ?c } }",
    f"BASE {TARGET} SELECT * {{ SERVICE <y> {{ ?a ?b ?c }} }}",
    # prefixes of characters beyond \w, which oxigraph takes (a review of the new check, 3 December 2026)
    "PREFIX €: <http://127.0.0.1:9/> SELECT * { SERVICE €:d { ?a ?b ?c } }",
    "PREFIX a\u200d: <http://127.0.0.1:9/> SELECT * { SERVICE a\u200d:d { ?a ?b ?c } }",
    "PREFIX a€: <http://127.0.0.1:9/> SELECT * { SERVICE a€:d { ?a ?b ?c } }",
]


def _store() -> ox.Store:
    store = ox.Store()
    node = ox.NamedNode
    store.add(ox.Quad(node("http://e/a"), node("http://e/b"), ox.Literal(1)))
    return store


@pytest.mark.parametrize("text", FETCHING)
def test_each_form_fetches_in_oxigraph_and_is_refused(text: str) -> None:
    with pytest.raises(OSError, match="port 9"):  # oxigraph itself reads a SERVICE call here
        list(_store().query(text))  # type: ignore[arg-type]
    with pytest.raises(HttpError) as refused:
        check_sparql(text, ["good.example"])
    assert refused.value.status == 403 and "--allow-service" in str(refused.value)


@pytest.mark.parametrize("text", ["LOADSILENT<http://127.0.0.1:9/x>", "PREFIX : <http://127.0.0.1:9/> LOAD :x",
                                  "CLEAR SILENT GRAPH <http://e/g>;LOAD<http://127.0.0.1:9/x>",
                                  "PREFIX €: <http://127.0.0.1:9/> LOAD €:d"])
def test_each_load_is_refused(text: str) -> None:
    with pytest.raises(HttpError) as refused:
        check_sparql(text, ["good.example"], what="update")
    assert refused.value.status == 403 and "LOAD" in str(refused.value)


@pytest.mark.parametrize("text", [
    "SELECT * { ?s <http://e/label> 'customer services are good' . ?s <http://e/download> ?o }",
    "SELECT ?serviceable WHERE { ?serviceable ?p ?o } # services, loads, downloads",
    "SELECT * { SERVICE <http://good.example/sparql> { ?s ?p ?o } }",
    "SELECT * { SERVICE SILENT <https://GOOD.example:8443/sparql> { ?s ?p ?o } }",
])
def test_words_and_allowed_hosts_pass(text: str) -> None:
    check_sparql(text, ["good.example"])


@pytest.mark.parametrize("text", [
    "SELECT * { SERVICE <http://good.example\\u0040evil/sparql> { ?s ?p ?o } }",  # user info: the host is evil
    "SELECT * { SERVICE <ftp://good.example/> { ?s ?p ?o } }",
    "SELECT * { SERVICE <http://[good.example/> { ?s ?p ?o } }",  # not a URL (urlsplit raises)
    "PREFIX a€: <http://good.example/> SELECT * { SERVICE SILENT a€:d { ?s ?p ?o } }",  # SILENT hides a fetch
    "SELECT * { # each service\n ?s ?p ?o }",  # the word before a variable: refused, with advice
    "SELECT * { SERVICE ?where { ?s ?p ?o } VALUES ?where { <http://good.example/> } }",
])
def test_what_cannot_be_proved_harmless_is_refused(text: str) -> None:
    with pytest.raises(HttpError) as refused:
        check_sparql(text, ["good.example"])
    assert refused.value.status == 403


def test_no_allowed_host_refuses_every_target() -> None:
    with pytest.raises(HttpError, match="federation is off"):
        check_sparql("SELECT * { SERVICE <http://good.example/sparql> { ?s ?p ?o } }")


QUOTES = [  # text whose strings never close: each scan once took time quadratic in its length
    "'" + "\\'" * 500_000,  # a 1 MB request (the server's --max-body) took hours in the server's own process
    '"' + '\\"' * 500_000,
    "'" + "\\'" * 500_000 + "\\",
    "SELECT * { " + "'a\\' { " * 100_000,
]


@pytest.mark.parametrize("text", QUOTES, ids=["single", "double", "trailing-backslash", "braces-in-strings"])
def test_the_scans_of_a_request_stay_linear_on_strings_that_never_close(text: str) -> None:
    # a bound that only a quadratic scan exceeds (the linear one takes under a second), not a measure of speed
    import subprocess
    import sys
    code = ("import sys\nfrom cooperative_security.serve.guard import check_sparql\n"
            "from cooperative_security.store.dataset import names_default_graph\n"
            "text = sys.stdin.read()\ncheck_sparql(text)\nprint(names_default_graph(text))\n")
    done = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr


def test_an_unclosed_string_hides_the_rest_of_its_line_only() -> None:
    deep = "SELECT * { BIND('an unclosed string {{{{\n" + "{" * 101 + "}" * 101 + " }"
    with pytest.raises(HttpError) as refused:
        check_sparql(deep)
    assert refused.value.status == 400 and "(line 2)" in str(refused.value)
    check_sparql("SELECT * { BIND('{{{{' AS ?x) " + "{" * 99 + "}" * 99 + " }")  # closed: its braces are text


@pytest.fixture(scope="module")
def server():  # type: ignore[no-untyped-def]
    from cooperative_security.serve import ServerConfig, start_server

    with start_server(ServerConfig(port=0, classify=False, allow_service=("good.example",))) as running:
        yield running


LONG = "a" * 50_000


@pytest.mark.parametrize(("text", "start"), [
    (f"SELECT * {{ SERVICE <http://127.0.0.1:9/{LONG}> {{ ?s ?p ?o }} }}", "SERVICE <http://127.0.0.1:9/aaa"),
    (f"SELECT * {{ SERVICE <http://{LONG}.example/> {{ ?s ?p ?o }} }}", "SERVICE <http://aaa"),
    (f"SELECT * {{ SERVICE #{LONG}\n ?where {{ ?s ?p ?o }} }}", "'SERVICE #aaa"),
])
def test_a_refused_service_target_is_quoted_short(server, text: str, start: str) -> None:  # type: ignore[no-untyped-def]
    """A 50,000-character SERVICE target (or a long comment before one) came back whole in the 403, twice for the
    IRI and its host: it is quoted as other refusals quote a client's text (``shown``: at most 100 characters)."""
    from http_fetch import fetch

    status, _, body = fetch(f"http://127.0.0.1:{server.port}/sparql", text.encode(),
                            {"Content-Type": "application/sparql-query"})
    said = body.decode()
    assert status == 403, said
    assert said.startswith(start) and "..." in said and "--allow-service" in said
    assert len(said) < 1_000 and LONG[:200] not in said
