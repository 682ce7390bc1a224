"""What the request's headers may do to a read-only server (security audit, December 2026), on a real server on
127.0.0.1: a Host header that names no host, or another site, is not repeated as the endpoint's name (a bracketed
'[..]' failed as an IRI: GET /sparql was a 500 with a traceback, /.well-known/void a 400 'the query failed'; a
foreign name was written as the endpoint), and a request's headers are bounded in all, not only line by line
(100 headers of almost 64 KB each took the server from 129 MB to 1.3 GB over 63 connections)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import rdflib
from http_fetch import send as raw_send

from cooperative_security.serve import Limits, RunningServer, ServerConfig, start_server

SD_ENDPOINT = rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#endpoint")
VOID_ENDPOINT = rdflib.URIRef("http://rdfs.org/ns/void#sparqlEndpoint")
MAX_HEADERS = 16 * 1024


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with start_server(ServerConfig(port=0, classify=False, limits=Limits(timeout=20, max_headers=MAX_HEADERS))) \
            as running:
        yield running


def send(server: RunningServer, head: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one request whose request line and headers are written as given."""
    return raw_send(server.port, head)


def endpoint(server: RunningServer, path: str, host: str) -> tuple[rdflib.term.Node | None, dict[str, str]]:
    status, headers, body = send(server, f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/turtle")
    assert status == 200, (host, status, body)
    graph = rdflib.Graph().parse(data=body, format="turtle")
    return next(graph.objects(None, SD_ENDPOINT if path == "/sparql" else VOID_ENDPOINT), None), headers


@pytest.mark.parametrize("host", ["[..]", "[::::]", "[1.2.3.4]", "[::1", "a>b", "evil.example", "evil.example:{port}",
                                  "a:99999", "localhost:1", "1.2.3.999", "-a.example", "127.0.0.1:{port}, evil"])
def test_a_host_that_does_not_name_this_server_is_not_its_endpoint(server: RunningServer, host: str) -> None:
    """The service description gives the address the server listens on instead, and says it depends on Host."""
    found, headers = endpoint(server, "/sparql", host.format(port=server.port))
    assert found == rdflib.URIRef(f"http://127.0.0.1:{server.port}/sparql")
    assert headers["Vary"] == "Accept, Host"


@pytest.mark.parametrize("host", ["[..]", "[1.2.3.4]", "evil.example"])
def test_the_void_description_names_this_servers_address_whatever_the_host(server: RunningServer,
                                                                          host: str) -> None:
    found, headers = endpoint(server, "/.well-known/void", host)
    assert found == rdflib.URIRef(f"http://127.0.0.1:{server.port}/sparql")
    assert headers["Vary"] == "Accept, Host"


@pytest.mark.parametrize(("host", "named"), [
    ("localhost:{port}", "localhost:{port}"), ("LOCALHOST:{port}", "localhost:{port}"),
    ("[::1]:{port}", "[::1]:{port}"), ("[0:0::1]:{port}", "[::1]:{port}"), ("127.0.0.1", "127.0.0.1"),
])
def test_a_host_that_names_this_server_is_its_endpoint(server: RunningServer, host: str, named: str) -> None:
    for path in ("/sparql", "/.well-known/void"):
        found, _ = endpoint(server, path, host.format(port=server.port))
        assert found == rdflib.URIRef(f"http://{named.format(port=server.port)}/sparql")


def test_headers_larger_than_the_limit_in_all_are_a_431(server: RunningServer) -> None:
    """Each header is well under http.client's 65,536 bytes a line and there are fewer than 100 of them, but
    together they are more than --max-headers: refused before the rest is read, and the server answers on."""
    lines = [f"X-Filler-{i}: {'a' * 2000}" for i in range(MAX_HEADERS // 2000 + 1)]
    status, headers, body = send(server, "\r\n".join(["GET /sparql?query=ASK%7B%7D HTTP/1.1", "Host: 127.0.0.1",
                                                      *lines]))
    assert status == 431 and headers["Content-Type"].startswith("text/plain"), (status, body)
    assert b"--max-headers" in body and f"{MAX_HEADERS:,}".encode() in body and body.count(b"\n") == 1, body
    status, _, body = send(server, "GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/csv")
    assert status == 200 and body.strip().endswith(b"true"), body
    below = [f"X-Filler-{i}: {'a' * 2000}" for i in range(MAX_HEADERS // 2000 - 1)]
    status, _, body = send(server, "\r\n".join(["GET /sparql?query=ASK%7B%7D HTTP/1.1", "Host: 127.0.0.1",
                                                "Accept: text/csv", *below]))
    assert status == 200 and body.strip().endswith(b"true"), body


def test_the_command_refuses_a_header_limit_below_1024_bytes(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("serve", "--max-headers", "100")
    assert result.code == 2 and "--max-headers" in result.err
