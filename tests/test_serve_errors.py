"""Every request gets an HTTP answer, in plain text when it is not a 200 (security review s24, findings 4, 8,
9 and 10), over a real server on 127.0.0.1.

Before, some requests got no answer at all (the handler's thread died with a traceback in the log), and
http.server's own refusals came back as HTML pages.
"""

from __future__ import annotations

import http.client
import logging
import re
import socket
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from cooperative_security.serve import Limits, RunningServer, ServerConfig, start_server
from cooperative_security.serve.negotiate import parse_accept

REQUEST_TIMEOUT = 1.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    site = tmp_path_factory.mktemp("site")
    (site / "index.html").write_text("<p>site</p>")
    config = ServerConfig(port=0, classify=False, site_dir=site,
                          limits=Limits(timeout=20, request_timeout=REQUEST_TIMEOUT))
    with start_server(config) as running:
        yield running


def ask(server: RunningServer, method: str, target: str, body: bytes | None = None,
        headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Status, Content-Type and body of one request sent as given (the target is not re-quoted)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read().decode()
    finally:
        connection.close()


def raw(server: RunningServer, data: bytes, wait: float = 10) -> bytes:
    """What the server sends back to ``data`` on a socket, until it closes the connection."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def assert_alive(server: RunningServer) -> None:
    status, _, body = ask(server, "GET", "/sparql?query=ASK%7B%7D", headers={"Accept": "text/csv"})
    assert status == 200 and body.strip().endswith("true"), body


# --- finding 4: requests that got no answer --------------------------------------------------------

@pytest.mark.parametrize("page", ["%C2%B2", "%D9%A3", "1" * 5000, "1000001", "0", "-1", ""])
def test_a_page_number_int_refuses_is_a_plain_400(server: RunningServer, page: str) -> None:
    """'²' and '٣' passed str.isdigit() and then made int() raise: the connection closed unanswered.
    5,000 digits hit Python's limit on converting long digit strings the same way."""
    status, content_type, body = ask(server, "GET", f"/ontology?page={page}")
    assert status == 400 and content_type.startswith("text/plain"), (status, body)
    assert "give a page number from 1 to 1000000" in body and len(body) < 300
    assert_alive(server)


@pytest.mark.parametrize(("target", "status", "message"), [
    ("/site/x%00y", 400, "cannot hold a NUL character"),
    ("/site/" + "a" * 300, 404, "File name too long"),
    ("/site/" + "a/" * 3000, 404, "no page /site/"),
])
def test_a_site_path_the_file_system_refuses_is_a_plain_answer(server: RunningServer, target: str, status: int,
                                                               message: str) -> None:
    got, content_type, body = ask(server, "GET", target)
    assert got == status and content_type.startswith("text/plain") and message in body, (got, body)
    assert len(body) < 300  # the name is not repeated back whole
    assert ask(server, "GET", "/site/")[2] == "<p>site</p>"


def test_an_unexpected_failure_is_a_plain_500_and_logged_once(server: RunningServer,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    """A bug in the server (here: building /map raises) was a dropped connection and a traceback; now the
    client reads what to report, without the traceback, and the log has it once."""
    def broken(name: str) -> bytes:
        raise RuntimeError("secret detail of the bug")

    monkeypatch.setattr(server.httpd.service, "page", broken)
    with caplog.at_level(logging.ERROR, logger="cooperative_security.serve.http"):
        status, content_type, body = ask(server, "GET", "/map")
    assert status == 500 and content_type.startswith("text/plain")
    assert "a bug in coopsec" in body and "report it" in body and "log" in body
    assert "secret detail" not in body and "Traceback" not in body and "internal error" not in body
    records = [r for r in caplog.records if r.exc_info]
    assert len(records) == 1 and "GET /map" in records[0].getMessage()
    assert "secret detail of the bug" in str(records[0].exc_info[1])  # type: ignore[index]
    monkeypatch.undo()
    assert_alive(server)


# --- finding 8: http.server's own refusals were HTML -----------------------------------------------

def _answer(data: bytes) -> tuple[int, dict[str, str], str]:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    match = re.match(r"HTTP/1\.[01] (\d{3}) ", lines[0])
    assert match, data[:300]
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(match.group(1)), headers, body.decode()


@pytest.mark.parametrize(("request_bytes", "status", "message"), [
    (b"GET /sparql?query=" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414, "POST to /sparql"),
    (b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", 431, "headers are too large (more than 65,536 bytes in all"),
    (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(150)) + b"\r\n", 431, "at most 100 headers"),
    (b"GARBAGE\r\n\r\n", 400, "the request is malformed"),
    (b"GET / HTTP/9.9\r\n\r\n", 505, "speaks HTTP/1.0 and HTTP/1.1"),
    (b"FOO /sparql HTTP/1.1\r\n\r\n", 501, "FOO is not a method this server knows"),
    (b"get / HTTP/1.1\r\n\r\n", 501, "methods are upper case): / answers GET, HEAD"),
])
def test_http_servers_own_refusals_are_plain_text(server: RunningServer, request_bytes: bytes, status: int,
                                                  message: str) -> None:
    got, headers, body = _answer(raw(server, request_bytes))
    assert got == status and headers["content-type"] == "text/plain; charset=utf-8", (got, headers, body)
    assert message in body and body.count("\n") == 1 and "<" not in body, body
    assert int(headers["content-length"]) == len(body.encode()) and headers["connection"] == "close"
    if status == 501:
        assert headers["allow"] in ("GET, HEAD", "GET, HEAD, POST")
    assert_alive(server)


# --- finding 9: a body cut short -------------------------------------------------------------------

def test_a_body_shorter_than_its_content_length_gets_its_400(server: RunningServer) -> None:
    """At --request-timeout the watchdog shut the socket both ways, so the 400 _read_body meant to send
    never left: the client read an empty reply. Now it reads the 400, and the connection is closed then."""
    request = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
               b"Content-Length: 10\r\n\r\nASK {")
    started = time.monotonic()
    got, headers, body = _answer(raw(server, request))  # raw() reads until the server closes
    took = time.monotonic() - started
    assert got == 400 and headers["content-type"].startswith("text/plain"), (got, body)
    assert "the body ended after 5 of its 10 bytes" in body and "--request-timeout of 1 s" in body
    assert REQUEST_TIMEOUT - 0.1 < took < REQUEST_TIMEOUT + 2  # at the deadline, not before, not much after
    assert_alive(server)


def test_a_slow_request_line_is_still_cut_at_the_deadline(server: RunningServer) -> None:
    """Headers still coming at the deadline: the connection is closed both ways, as before (a request
    that never arrived whole is never run)."""
    started = time.monotonic()
    assert raw(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n") == b""
    assert time.monotonic() - started < REQUEST_TIMEOUT + 2


# --- finding 10: q-values, percent-encoded UTF-8, two operations ----------------------------------

@pytest.mark.parametrize("q", ["nan", "inf", "1e999", "-inf", "NaN"])
def test_a_q_that_is_not_a_finite_number_counts_as_zero(server: RunningServer, q: str) -> None:
    """min(1.0, nan) is 1.0: q=nan, inf or 1e999 outranked every other range."""
    assert parse_accept(f"text/csv;q={q}") == [("text/csv", 0.0)]
    status, content_type, _ = ask(server, "GET", "/ontology",
                                  headers={"Accept": f"text/turtle;q={q}, text/html;q=0.1"})
    assert status == 200 and content_type.startswith("text/html")
    status, content_type, _ = ask(server, "GET", "/sparql?query=ASK%7B%7D",
                                  headers={"Accept": f"text/csv;q={q}, application/sparql-results+json;q=0.5"})
    assert status == 200 and content_type.startswith("application/sparql-results+json")


def test_percent_encoded_bytes_that_are_not_utf8_are_a_400(server: RunningServer) -> None:
    """They were replaced by U+FFFD, then failed as SPARQL, where a raw non-UTF-8 body was a clear 400."""
    status, content_type, body = ask(server, "GET", "/sparql?query=ASK%7B%7D%FF")
    assert status == 400 and content_type.startswith("text/plain") and "query string is not UTF-8" in body, body
    status, _, body = ask(server, "POST", "/sparql", b"query=ASK%7B%7D%FF",
                          {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and "the form is not UTF-8" in body, body
    status, _, body = ask(server, "POST", "/sparql", b"query=ASK%7B%7D%C3%A9",  # 'é' is fine
                          {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert status == 400 and "not valid SPARQL" in body, body


@pytest.mark.parametrize(("target", "content_type", "data"), [
    ("/sparql?update=DROP%20ALL", "application/sparql-query", b"ASK {}"),
    ("/sparql?query=ASK%7B%7D", "application/sparql-update", b"DROP ALL"),
    ("/sparql?query=ASK%7B%7D", "application/x-www-form-urlencoded", b"update=DROP%20ALL"),
    ("/sparql", "application/x-www-form-urlencoded", b"query=ASK%7B%7D&update=DROP%20ALL"),
])
def test_a_request_with_a_query_and_an_update_is_a_400(server: RunningServer, target: str, content_type: str,
                                                       data: bytes) -> None:
    """The update in the URL of a POSTed query was silently dropped, and the query answered."""
    status, got_type, body = ask(server, "POST", target, data, {"Content-Type": content_type})
    assert status == 400 and got_type.startswith("text/plain"), (status, body)
    assert "a request carries one operation" in body


@pytest.mark.parametrize(("request_bytes", "status", "quoted"), [
    (b"GET /x\x1b[31mRED\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 404, "nothing at /x\\x1b[31mRED\\x00:"),
    (b"GET /x%1B[31mRED%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 404, "nothing at /x\\x1b[31mRED\\x00:"),
    (b"GET /x" + b"y" * 6000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 404, "nothing at /x" + "y" * 98 + "...:"),
    (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: image/png\x1b[31mRED\x7f"
     + b"z" * 6000 + b"\r\n\r\n", 406, "(image/png\\x1b[31mRED\\x7f" + "z" * 82 + "...)"),
    (b"POST /x\x1b[31m HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n", 405, "/x\\x1b[31m answers GET only"),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/x\x1b[31m\r\nContent-Length: 0\r\n\r\n", 415,
     "not text/x\\x1b[31m"),
])
def test_a_refusal_quotes_the_clients_text_escaped_and_cut_short(server: RunningServer, request_bytes: bytes,
                                                                  status: int, quoted: str) -> None:
    """`GET /x<ESC>[31mRED<NUL>` was answered 'nothing at /x<ESC>[31mRED<NUL>' with the raw escape and NUL bytes
    (a terminal showing the answer obeys them), and a 406 repeated the whole Accept header, however long."""
    got, _, body = _answer(raw(server, request_bytes))
    assert got == status and quoted in body, (got, body[:300])
    assert len(body) < 600 and all(c.isprintable() for c in body.rstrip("\n")), body[:300]


def test_a_graph_that_is_no_iri_is_quoted_escaped_and_cut_short(server: RunningServer) -> None:
    status, _, body = ask(server, "GET", "/sparql?query=ASK%7B%7D&default-graph-uri=a%1B%20" + "g" * 6000)
    assert status == 400 and "a\\x1b ggg" in body and len(body) < 400, body[:300]


@pytest.mark.parametrize(("target", "content_type", "data", "message"), [
    ("/sparql?query=ASK%7B%7D", "application/x-www-form-urlencoded", b"query=ASK%7BFILTER(false)%7D",
     "give exactly one query parameter (got 2"),
    ("/sparql?update=CLEAR%20ALL", "application/x-www-form-urlencoded", b"update=DROP%20ALL",
     "give exactly one update parameter (got 2"),
    ("/sparql?query=ASK%7B%7D", "application/sparql-query", b"ASK {FILTER(false)}",
     "give exactly one query (got 2: the body, and query= in the URL)"),
    ("/sparql?update=CLEAR%20ALL", "application/sparql-update", b"DROP ALL",
     "give exactly one update (got 2: the body, and update= in the URL)"),
])
def test_a_second_query_or_update_in_the_url_of_a_post_is_a_400(server: RunningServer, target: str,
                                                               content_type: str, data: bytes, message: str) -> None:
    """`POST /sparql?query=A` with the form `query=B` ran B and dropped A without a word (the body's won), and a
    POSTed query (or update) with another in the URL ran the body's."""
    status, got_type, body = ask(server, "POST", target, data, {"Content-Type": content_type})
    assert status == 400 and got_type.startswith("text/plain") and message in body, (status, body)


def test_the_graphs_of_a_form_post_come_from_its_url_and_its_body_together(server: RunningServer) -> None:
    """SPARQL 1.1 Protocol puts a form POST's parameters in its body; a default-graph-uri in the URL as well was
    dropped when the body gave one (the body's won): now both are the query's default graph."""
    ontology, empty = quote("https://w3id.org/coopsec/graph/ontology", safe=""), quote("urn:test:empty", safe="")
    for url_graph, body_graph, expected in ((ontology, empty, "true"), (empty, ontology, "true"),
                                            (empty, empty, "false")):
        status, _, body = ask(server, "POST", f"/sparql?default-graph-uri={url_graph}",
                              f"query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D&default-graph-uri={body_graph}".encode(),
                              {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
        assert status == 200 and body.strip().endswith(expected), (url_graph, body_graph, body)
