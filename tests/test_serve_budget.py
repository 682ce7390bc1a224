"""The answers the server holds while slow clients read them are bounded together, not only one by one
(security review s24, finding 3: 24 clients that asked for large answers and did not read them took the
server from 134 to 813 MB), and in time: a client that reads a little at a time keeps its answer, its
connection and its share of the budget for --request-timeout at most. On a real server on 127.0.0.1."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import quote

import pytest

from cooperative_security.serve import Limits, RunningServer, ServerConfig, start_server

MAX_ANSWER = 16 * 1024 * 1024  # with one worker, the budget is one such answer
ANSWER = 10_485_957  # bytes of big_query()'s CSV answer
WRITE_DEADLINE = 2.0  # the quick server's --request-timeout, which bounds writing one answer too


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


@pytest.fixture(scope="module")
def quick() -> Iterator[RunningServer]:
    config = ServerConfig(port=0, classify=False, limits=Limits(timeout=20, max_running=1, max_answer=MAX_ANSWER,
                                                                request_timeout=WRITE_DEADLINE))
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


def _until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_client_reading_a_large_answer_slowly_is_cut_at_the_deadline(quick: RunningServer) -> None:
    """A client that reads 64 KiB every quarter of a second (40 s for this answer) never lets one send
    wait as long as --request-timeout, but the whole answer has that long: then the server closes the
    connection and gives back its slot and its share of the budget. The body is one sendall(), whose
    timeout bounds the whole call; written in 64 KiB pieces, each with its own timeout, the answer kept
    this client's slot and budget for 38 s (19 times --request-timeout of 2 s)."""
    slow = socket.create_connection(("127.0.0.1", quick.port), timeout=60)
    received: list[bytes] = []
    stop = threading.Event()

    def read_slowly() -> None:
        while not stop.is_set() and (chunk := slow.recv(65536)):
            received.append(chunk)
            stop.wait(0.25)

    reader = threading.Thread(target=read_slowly, daemon=True)
    try:
        slow.sendall(f"GET /sparql?query={quote(big_query())} HTTP/1.1\r\nHost: 127.0.0.1:{quick.port}\r\n"
                     "Accept: text/csv\r\n\r\n".encode())
        reader.start()
        assert _until(lambda: quick.httpd.answers.held == ANSWER, 30), "the answer was never being written"
        # freed at the deadline, while the client is still reading (what the kernel's buffers hold)
        assert _until(lambda: quick.httpd.answers.held == 0 and quick.httpd.open_connections == 0, 15), \
            (quick.httpd.answers.held, quick.httpd.open_connections)
        assert reader.is_alive()
        status, body = ask(quick, big_query())  # the budget serves the next client
        assert status == 200 and len(body) == ANSWER, (status, body[:200])
    finally:
        stop.set()
        reader.join(5)
        try:  # the rest, at full speed, to see where the server stopped
            while chunk := slow.recv(1 << 20):
                received.append(chunk)
        finally:
            slow.close()
    head, _, body = b"".join(received).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200") and f"Content-Length: {ANSWER}".encode() in head, head[:300]
    assert len(body) < ANSWER  # cut short: the client can tell from the Content-Length


def test_a_client_reading_at_full_speed_gets_the_whole_large_answer(quick: RunningServer) -> None:
    status, body = ask(quick, big_query())
    assert status == 200 and len(body) == ANSWER and body.startswith(b"k,v13\r\n0,abc"), (status, body[:200])
