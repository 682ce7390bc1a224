"""The Host header an update is checked against is read strictly, on a real writable server on 127.0.0.1.

It was read as the authority of a URL, which drops a user name (``evil@127.0.0.1``), a path, a query or
a fragment, so such a Host passed as this server's own; and of two Host headers only the first was read.
Now anything but one host with an optional port is a 400, and the update does not run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from http_fetch import send as raw_send

from cooperative_security.serve import RunningServer, ServerConfig, start_server

GRAPH = "urn:test:host"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with start_server(ServerConfig(port=0, classify=False, writable=True)) as running:
        yield running


def send(server: RunningServer, head: str, body: bytes = b"") -> tuple[int, bytes]:
    """Status and body of one request whose request line and headers are written as given."""
    status, _, answer = raw_send(server.port, head, body)
    return status, answer


def update(server: RunningServer, *hosts: str, value: str) -> tuple[int, bytes]:
    body = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:a> <urn:b> "{value}" }} }}'.encode()
    head = "\r\n".join(["POST /sparql HTTP/1.1", *(f"Host: {host}" for host in hosts),
                        "Content-Type: application/sparql-update", f"Content-Length: {len(body)}"])
    return send(server, head, body)


def written(server: RunningServer, value: str) -> bool:
    query = quote(f'ASK {{ GRAPH <{GRAPH}> {{ <urn:a> <urn:b> "{value}" }} }}')
    status, body = send(server, f"GET /sparql?query={query} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}")
    assert status == 200, body
    return bool(json.loads(body)["boolean"])


@pytest.mark.parametrize("host", [
    "evil@127.0.0.1:{port}", "evil:secret@127.0.0.1:{port}", "@127.0.0.1:{port}", "evil@localhost",
    "127.0.0.1:{port}/path", "127.0.0.1:{port}?query", "127.0.0.1:{port}#fragment", "127.0.0.1:port",
    "127.0.0.1 :{port}", "127.0.0.1:{port}, evil.example", "127.0.0.1:99999",
    "[..]:{port}", "[1.2.3.4]:{port}", "[fe80::1%eth0]:{port}", "127.0.0.999:{port}", "-localhost:{port}",
])
def test_a_host_with_a_user_name_or_anything_beyond_host_and_port_is_a_400(server: RunningServer,
                                                                          host: str) -> None:
    value = f"refused {host}"
    status, body = update(server, host.format(port=server.port), value=value)
    assert status == 400 and b"Host" in body and b"\n" == body[-1:], (status, body)
    assert not written(server, value)


def test_two_host_headers_are_a_400(server: RunningServer) -> None:
    status, body = update(server, f"127.0.0.1:{server.port}", "evil.example", value="two")
    assert status == 400 and b"2 Host headers" in body, (status, body)
    assert not written(server, "two")


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "127.0.0.1", "localhost:{port}", "LOCALHOST:{port}",
                                  "[::1]:{port}", "[0:0::1]:{port}", " 127.0.0.1:{port} "])
def test_this_servers_own_host_is_still_accepted(server: RunningServer, host: str) -> None:
    value = f"accepted {host}"
    assert update(server, host.format(port=server.port), value=value)[0] == 204
    assert written(server, value)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", ""])
def test_another_host_is_still_a_403(server: RunningServer, host: str) -> None:
    value = f"foreign {host}"
    status, body = update(server, host.format(port=server.port), value=value)
    assert status == 403 and b"updates are refused for Host" in body, (status, body)
    assert not written(server, value)


def test_a_refused_origin_is_quoted_escaped_and_cut_short(server: RunningServer) -> None:
    body = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:a> <urn:b> "origin" }} }}'.encode()
    origin = "http://evil\x1b.example/" + "o" * 6000
    head = "\r\n".join(["POST /sparql HTTP/1.1", f"Host: 127.0.0.1:{server.port}", f"Origin: {origin}",
                        "Content-Type: application/sparql-update", f"Content-Length: {len(body)}"])
    status, answer = send(server, head, body)
    assert status == 403 and b"Origin http://evil\\x1b.example/ooo" in answer and len(answer) < 600, answer[:300]
    assert not written(server, "origin")


@pytest.mark.parametrize("origin", ["http://[", "http://[::1", "http://127.0.0.1:x", "http://127.0.0.1:99999"])
def test_an_origin_that_is_no_url_is_a_403(server: RunningServer, origin: str) -> None:
    """urlsplit() raised on an unclosed '[' and the update was a 500 with a traceback in the log."""
    body = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:a> <urn:b> "{origin}" }} }}'.encode()
    head = "\r\n".join(["POST /sparql HTTP/1.1", f"Host: 127.0.0.1:{server.port}", f"Origin: {origin}",
                        "Content-Type: application/sparql-update", f"Content-Length: {len(body)}"])
    status, answer = send(server, head, body)
    assert status == 403 and b"updates are refused from Origin" in answer, (status, answer[:300])
    assert not written(server, origin)
