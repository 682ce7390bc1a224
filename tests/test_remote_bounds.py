"""Issue 13, item 13: a remote store bounds each request in time and in size, and says which bound.

Two hostile endpoints on 127.0.0.1: one drips its answer a byte at a time (each read is quick, so a
per-read time-out never fires), one sends an endless 200 answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cooperative_security.store.remote import DeadlinePassed, Limits, RemoteStore, ResponseTooLarge

STOP = threading.Event()


class _Hostile(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/slow-headers"):  # the status line, then one header a byte at a time
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            self._write(lambda: b"a", pause=0.1, seconds=20)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        if self.path.startswith("/drip"):
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self._write(lambda: b"{", pause=0.1, seconds=20)
        else:
            self.end_headers()  # no length: the answer ends when the connection does, i.e. never
            block = b" " * 65536
            self._write(lambda: block, pause=0, seconds=20)

    def _write(self, piece, pause: float, seconds: float) -> None:  # type: ignore[no-untyped-def]
        until = time.monotonic() + seconds  # bounded: the test stops by itself whatever happens
        try:
            while not STOP.is_set() and time.monotonic() < until:
                self.wfile.write(piece())
                self.wfile.flush()
                if pause:
                    time.sleep(pause)
        except OSError:
            pass


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    STOP.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        STOP.set()
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("path", "ask", "says"), [
    ("/drip", True, "COOPSEC_SPARQL_DEADLINE"),  # the body, one byte at a time
    ("/slow-headers", False, "status line and headers"),  # the headers, each byte 0.1 s apart: under the 5 s per read
])
def test_the_dripping_remote_endpoint_hangs_coopsec(hostile: str, path: str, ask: bool, says: str) -> None:
    store = RemoteStore(hostile + path, limits=Limits(timeout=5, retries=2, backoff=0.01, deadline=1.5))
    started = time.monotonic()
    with pytest.raises(DeadlinePassed) as caught:
        if ask:
            store.ask("ASK {}")
        else:
            store.select("SELECT * WHERE { ?s ?p ?o }")
    took = time.monotonic() - started
    assert 1.4 < took < 4  # the whole request's deadline, once: a request past its deadline is not retried
    message = str(caught.value)
    assert hostile + path in message and "1.5 s" in message and says in message


def test_the_endless_remote_endpoint_fills_the_memory(hostile: str) -> None:
    import resource

    store = RemoteStore(hostile + "/endless", limits=Limits(timeout=5, retries=2, deadline=30,
                                                            max_response=4 * 1024 * 1024))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(ResponseTooLarge) as caught:
        store.select("SELECT * WHERE { ?s ?p ?o }")
    assert time.monotonic() - started < 10
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KB: under 100 MB more
    message = str(caught.value)
    assert "4,194,304 bytes" in message and "COOPSEC_SPARQL_MAX_RESPONSE" in message and "/endless" in message
