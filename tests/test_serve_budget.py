"""The answers the server holds while slow clients read them are bounded together, not only one by one
(security review s24, finding 3: 24 clients that asked for large answers and did not read them took the
server from 134 to 813 MB), on a real server on 127.0.0.1."""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from cooperative_security.serve import Limits, RunningServer, ServerConfig, start_server

MAX_ANSWER = 16 * 1024 * 1024  # with one worker, the budget is one such answer


def big_query() -> str:
    """About 10.5 MB of answer (40 rows of one 262 kB string), more than loopback's socket buffers hold (4 MB
    at most here), so a client that does not read keeps the server writing it."""
    binds = ['BIND("abcdefghijklmnopqrstuvwxyz012345" AS ?v0)'] + [f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})"
                                                                   for i in range(13)]
    rows = " ".join(str(k) for k in range(40))
    return f"SELECT ?k ?v13 WHERE {{ VALUES ?k {{ {rows} }} {' '.join(binds)} }}"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    config = ServerConfig(port=0, classify=False,
                          limits=Limits(timeout=20, max_running=1, max_answer=MAX_ANSWER, request_timeout=20))
    with start_server(config) as running:
        yield running


def ask(server: RunningServer, query: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("GET", "/sparql?query=" + quote(query), headers={"Accept": "text/csv"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_answers_held_for_slow_clients_are_bounded_together(server: RunningServer) -> None:
    request = f"GET /sparql?query={quote(big_query())} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nAccept: text/csv\r\n\r\n"
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # reads nothing: the server keeps writing
    slow.connect(("127.0.0.1", server.port))
    try:
        slow.sendall(request.encode())
        # the second big answer does not fit beside the first (a 503 for a busy worker is retried)
        deadline, status, body = time.monotonic() + 30, 0, b""
        while time.monotonic() < deadline:
            status, body = ask(server, big_query())
            if status == 503 and b"answers that other clients are still reading" in body:
                break
            time.sleep(0.5)
        assert status == 503 and b"--max-running x --max-answer" in body, (status, body[:200])
        status, body = ask(server, "ASK {}")  # a small answer is sent whatever the budget
        assert status == 200 and b"true" in body
    finally:
        slow.close()  # the server's write fails, and the budget is given back
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status, body = ask(server, big_query())
        if status == 200:
            break
        time.sleep(0.5)
    assert status == 200 and len(body) > 10_000_000, (status, body[:200])
