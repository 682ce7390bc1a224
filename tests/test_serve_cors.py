"""Cross-origin reads, opt-in (``coopsec serve --cors ORIGIN``), over real HTTP on 127.0.0.1: a web page of a
named origin may read the answers; no other page may, and no page may change the store."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from collections.abc import Iterator

import pytest

from cooperative_security.errors import UsageError
from cooperative_security.serve import Limits, RunningServer, ServerConfig, check_config, start_server
from cooperative_security.serve.cors import check_origin

ORIGIN = "https://example.org"
OTHER = "https://evil.example"
ASK = "ASK { ?s ?p ?o }"
INSERT = "INSERT DATA { GRAPH <urn:test> { <urn:a> <urn:b> \"cors\" } }"
ASK_INSERTED = "ASK { GRAPH <urn:test> { <urn:a> <urn:b> \"cors\" } }"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    config = ServerConfig(port=0, limits=Limits(timeout=20), cors=(ORIGIN, "http://localhost:3000"), classify=False)
    with start_server(config) as running:
        yield running


def ask(connection: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
        headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPResponse, bytes]:
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, response, response.read()


def preflight(origin: str) -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"}


def test_a_preflight_from_an_allowed_origin_is_204_and_its_post_is_readable(server: RunningServer) -> None:
    """A page of https://example.org POSTing a query (a preflight first: application/sparql-query is not a
    simple type) got 405 to the OPTIONS, and no answer a browser would let it read."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    try:
        status, response, body = ask(connection, "OPTIONS", "/sparql", headers=preflight(ORIGIN))
        assert status == 204 and body == b""
        assert response.getheader("Access-Control-Allow-Origin") == ORIGIN
        assert response.getheader("Access-Control-Allow-Methods") == "GET, POST, OPTIONS"
        assert response.getheader("Access-Control-Allow-Headers") == "Content-Type, Accept"
        assert int(response.getheader("Access-Control-Max-Age")) > 0
        assert "Origin" in response.getheader("Vary")
        # the POST the browser sends next
        status, response, body = ask(connection, "POST", "/sparql", ASK.encode(), {
            "Origin": ORIGIN, "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json"})
        assert status == 200 and json.loads(body)["boolean"] is True
        assert response.getheader("Access-Control-Allow-Origin") == ORIGIN
        assert {v.strip() for v in response.getheader("Vary").split(",")} == {"Accept", "Origin"}
    finally:
        connection.close()


def test_a_preflight_from_another_origin_gets_no_cors_headers_and_breaks_nothing(server: RunningServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    try:
        for origin in (OTHER, "null", "https://example.org.evil.example", "http://example.org"):
            status, response, _ = ask(connection, "OPTIONS", "/sparql", headers=preflight(origin))
            assert status == 204, origin
            assert not [h for h, _ in response.getheaders() if h.lower().startswith("access-control-")], origin
        status, response, _ = ask(connection, "GET", "/sparql?" + urllib.parse.urlencode({"query": ASK}),
                                  headers={"Origin": OTHER})
        assert status == 200 and response.getheader("Access-Control-Allow-Origin") is None
        assert "Origin" in response.getheader("Vary")  # what a cache keeps for one origin is not another's
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/sparql?query=" + urllib.parse.quote(ASK), "/ontology/Trust", "/sparql",
                                  "/sparql?query=SELECT", "/id/case/nosuch"])
def test_every_answer_to_an_allowed_origin_names_it(server: RunningServer, path: str) -> None:
    """Errors too: a page reads why its query was refused."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    try:
        status, response, _ = ask(connection, "GET", path, headers={"Origin": "http://localhost:3000",
                                                                    "Accept": "text/turtle, */*;q=0.1"})
        assert status in (200, 400, 404)
        assert response.getheader("Access-Control-Allow-Origin") == "http://localhost:3000"
        assert response.getheader("Access-Control-Expose-Headers") == "Link"
    finally:
        connection.close()


def test_without_cors_nothing_changes() -> None:
    with start_server(ServerConfig(port=0, classify=False)) as plain:
        connection = http.client.HTTPConnection("127.0.0.1", plain.port, timeout=20)
        try:
            status, response, _ = ask(connection, "GET", "/sparql?" + urllib.parse.urlencode({"query": ASK}),
                                      headers={"Origin": ORIGIN})
            assert status == 200 and response.getheader("Vary") == "Accept"
            assert not [h for h, _ in response.getheaders() if h.lower().startswith("access-control-")]
            status, response, _ = ask(connection, "OPTIONS", "/sparql", headers=preflight(ORIGIN))
            assert status == 405 and response.getheader("Allow") == "GET, HEAD, POST"
            assert response.getheader("Access-Control-Allow-Origin") is None
        finally:
            connection.close()


def test_an_allowed_origin_still_cannot_change_a_writable_store() -> None:
    """--cors opens reads: an update from the named origin's page is refused as from any other site's."""
    config = ServerConfig(port=0, writable=True, classify=False, cors=(ORIGIN,))
    with start_server(config) as server:
        def connect() -> http.client.HTTPConnection:
            return http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)

        _, response, _ = ask(connect(), "OPTIONS", "/sparql", headers={
            **preflight(ORIGIN), "Access-Control-Request-Headers": "content-type, authorization"})
        assert "authorization" not in response.getheader("Access-Control-Allow-Headers").lower()
        for body, kind in ((INSERT.encode(), "application/sparql-update"),
                           (urllib.parse.urlencode({"update": INSERT}).encode(), "application/x-www-form-urlencoded")):
            status, _, text = ask(connect(), "POST", "/sparql", body, {"Origin": ORIGIN, "Content-Type": kind})
            assert status == 403 and b"Origin https://example.org" in text
        status, _, text = ask(connect(), "GET", "/sparql?" + urllib.parse.urlencode({"query": ASK_INSERTED}),
                              headers={"Accept": "application/sparql-results+json"})
        assert status == 200 and json.loads(text)["boolean"] is False
        status, _, _ = ask(connect(), "POST", "/sparql", INSERT.encode(),  # the server's own page still may
                           {"Content-Type": "application/sparql-update"})
        assert status == 204


@pytest.mark.parametrize("origin", ["*", "null", "https://example.org/", "example.org", "ftp://example.org",
                                    "https://example.org/path", "https://user@example.org", "https://example.org:0",
                                    "https://example.org:99999", ""])
def test_a_wildcard_or_malformed_origin_is_refused_at_start(origin: str) -> None:
    with pytest.raises(UsageError, match="--cors"):
        check_config(ServerConfig(port=0, cors=(ORIGIN, origin)))


def test_the_command_refuses_a_wildcard_origin_before_loading(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("serve", "--port", "0", "--cors", "*")
    assert result.code == 2 and "--cors *" in result.err and "private cases" in result.err


def test_an_origin_is_compared_as_a_browser_writes_it() -> None:
    assert check_origin("HTTPS://Example.ORG:443") == "https://example.org"
    assert check_origin("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert check_origin("http://[::1]:80") == "http://[::1]"



@pytest.mark.parametrize("second", [
    b"GARBAGE\r\n\r\n",  # a malformed request line: refused by http.server before any header is read
    b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",  # a request line too long (414)
    b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 70_000 + b"\r\n\r\n",  # a header too long (431)
])
def test_a_refusal_never_carries_the_cors_headers_of_an_earlier_request(server: RunningServer,
                                                                         second: bytes) -> None:
    """The CORS headers are computed from the handler's ``self.headers``, which http.server leaves from the
    previous request until it parses the next one's: a refusal sent before that (these three) would carry the
    previous request's Origin. That cannot happen while the server answers one request per connection (it speaks
    HTTP/1.0 and closes after each answer, whatever the client asks), which this pins: a second request
    pipelined on the connection, even with keep-alive asked for, is never answered."""

    first = (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nOrigin: "
             + ORIGIN.encode() + b"\r\nAccept: text/csv\r\n\r\n")
    answer = _exchange(server.port, first + second)
    assert answer.count(b"HTTP/1.") == 1 and answer.startswith(b"HTTP/1.0 200 ")  # the first, then closed
    assert b"\r\nAccess-Control-Allow-Origin: https://example.org\r\n" in answer and answer.endswith(b"true")


def test_a_refusal_on_a_kept_alive_connection_takes_no_cors_headers_from_the_request_before(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the server to keep connections alive (HTTP/1.1), a refusal made before the next request's headers are
    read took the previous request's Origin: it carried that origin's Access-Control-Allow-Origin. The handler
    forgets each request's headers before reading the next."""

    from cooperative_security.serve.http import Handler

    monkeypatch.setattr(Handler, "protocol_version", "HTTP/1.1")
    first = (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: " + ORIGIN.encode()
             + b"\r\nAccept: text/csv\r\n\r\n")
    config = ServerConfig(port=0, limits=Limits(timeout=20), cors=(ORIGIN,), classify=False)
    with start_server(config) as running:
        for second, status in ((b"GARBAGE\r\n\r\n", b"400"), (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", b"414"),
                               (b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 70_000 + b"\r\n\r\n", b"431")):
            answer = _exchange(running.port, first + second)
            one, _, refusal = answer.partition(b"true")  # the first answer's body ends it
            assert one.startswith(b"HTTP/1.1 200 ") and b"Access-Control-Allow-Origin: " + ORIGIN.encode() in one
            assert refusal.startswith(b"HTTP/1.1 " + status), refusal[:100]
            assert b"Access-Control-" not in refusal, refusal[:400]


def _exchange(port: int, data: bytes) -> bytes:
    """Send ``data`` on one connection and read until the server closes it."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)
