"""Remote faults against a real ``oxigraph serve`` on 127.0.0.1: killed, slowed, truncated, garbled.

A small HTTP proxy written here sits between coopsec and the server and misbehaves on demand, one
fault per request from a queue: ``delay`` (answers after the client's time-out), ``truncate`` (cuts
the body half way, then closes), ``garbage`` (200 with a broken body), ``drop`` (forwards the request,
then closes without answering: the client cannot know whether an update was applied), ``500``.
Complements tests/test_backends.py (endpoint down, never answering, 5xx retries, 4xx).
"""

from __future__ import annotations

import gc
import http.client
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from oxigraph_server import OxigraphServer, start_server

from cooperative_security.errors import StoreError
from cooperative_security.store.remote import EndpointUnavailable, Limits, PartialUpload, RemoteStore

EX = "http://example.org/"
SELECT_ALL = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


class FaultyProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: int) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream = upstream
        self.faults: list[str] = []
        self.seen: list[str] = []
        self.delay = 3.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_fault(self) -> str:
        return self.faults.pop(0) if self.faults else "pass"


class _ProxyHandler(BaseHTTPRequestHandler):
    server: FaultyProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        fault = self.server.next_fault()
        self.server.seen.append(f"{self.command} {fault}")
        if fault == "500":
            self._reply(500, b"upstream exploded", "text/plain")
            return
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in {"host", "connection"}}
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        upstream.close()
        if fault == "drop":  # the server did the work; the answer never arrives
            self.close_connection = True
            self.connection.close()
            return
        if fault == "delay":
            time.sleep(self.server.delay)
        if fault == "garbage":
            data = b'{"head": {"vars": ["s"]}, "results": {"bindings": [ {"s": {"type": "uri", "val'
        if fault == "truncate":
            self.send_response(response.status)
            self.send_header("Content-Type", response.getheader("Content-Type") or "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.close()
            return
        self._reply(response.status, data, response.getheader("Content-Type") or "application/octet-stream")

    def _reply(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _forward  # noqa: N815


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    srv = start_server(tmp_path / "server")
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def proxy(server: OxigraphServer) -> Iterator[FaultyProxy]:
    p = FaultyProxy(server.port)
    thread = threading.Thread(target=p.serve_forever, daemon=True)
    thread.start()
    try:
        yield p
    finally:
        p.shutdown()
        p.server_close()


LIMITS = Limits(timeout=1.0, retries=2, backoff=0.05)

def remote(base: str, store: bool = False) -> RemoteStore:
    return RemoteStore(f"{base}/query", f"{base}/update", f"{base}/store" if store else None, LIMITS)


def _seed(server: OxigraphServer) -> RemoteStore:
    direct = remote(server.base, store=True)
    direct.replace_graphs({ox.NamedNode(EX + "g"): [
        ox.Triple(ox.NamedNode(EX + f"s{i}"), ox.NamedNode(EX + "p"), ox.Literal(f"v{i}")) for i in range(200)]})
    return direct


def test_a_server_killed_mid_session_gives_an_error_naming_it(server: OxigraphServer) -> None:
    store = _seed(server)
    assert len(store.select(SELECT_ALL)) == 200
    server.stop()
    start = time.perf_counter()
    with pytest.raises(EndpointUnavailable) as info:
        store.select(SELECT_ALL)
    assert f"{server.base}/query" in str(info.value)
    assert "connection refused" in str(info.value) and "3 attempt(s)" in str(info.value)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("fault", ["delay", "truncate", "500"])
def test_a_query_recovers_when_only_the_first_attempt_fails(server: OxigraphServer, proxy: FaultyProxy,
                                                           fault: str) -> None:
    _seed(server)
    proxy.faults = [fault]
    rows = remote(proxy.base).select(SELECT_ALL)
    assert len(rows) == 200
    assert proxy.seen[:2] == [f"POST {fault}", "POST pass"]


@pytest.mark.parametrize("fault", ["delay", "truncate", "500"])
def test_a_query_that_keeps_failing_names_the_endpoint_and_the_cause(server: OxigraphServer, proxy: FaultyProxy,
                                                                    fault: str) -> None:
    _seed(server)
    proxy.faults = [fault] * 3
    start = time.perf_counter()
    with pytest.raises(EndpointUnavailable) as info:
        remote(proxy.base).select(SELECT_ALL)
    message = str(info.value)
    assert f"{proxy.base}/query" in message and "3 attempt(s)" in message
    assert {"delay": "timed out", "truncate": "connection broken", "500": "HTTP 500"}[fault] in message
    # 3 attempts of at most 1 s each, and back-offs of 0.05 + 0.1 s
    assert time.perf_counter() - start < 3 * LIMITS.timeout + 2


def test_a_malformed_answer_is_a_store_error_not_a_traceback(server: OxigraphServer, proxy: FaultyProxy) -> None:
    _seed(server)
    proxy.faults = ["garbage"]
    with pytest.raises(StoreError) as info:
        remote(proxy.base).select(SELECT_ALL)
    assert proxy.base in str(info.value)


def test_an_update_whose_answer_is_lost_says_the_state_is_unknown(server: OxigraphServer,
                                                                 proxy: FaultyProxy) -> None:
    """The update reached the server (it was applied) but the answer was lost: never retried blindly."""
    _seed(server)
    store = remote(proxy.base)  # no Graph Store endpoint: replace_graphs is one SPARQL update
    store._store_probed = True
    proxy.faults = ["drop"]
    g = ox.NamedNode(EX + "new")
    with pytest.raises(StoreError) as info:
        store.replace_graphs({g: [ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "b"), ox.Literal("c"))]})
    message = str(info.value)
    assert "may or may not have been applied" in message and f"{proxy.base}/update" in message
    assert [s for s in proxy.seen if s.startswith("POST")] == ["POST drop"]  # not retried
    # it was applied: checking, as the message says, finds it
    assert remote(server.base).count(g) == 1


def test_an_upload_cut_part_way_names_what_landed_and_a_rerun_completes_it(server: OxigraphServer,
                                                                          proxy: FaultyProxy) -> None:
    graphs = {ox.NamedNode(EX + f"g{i}"): [ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"),
                                                     ox.Literal(str(i)))] for i in range(3)}
    ingest = ox.NamedNode("https://w3id.org/coopsec/graph/ingest/abc")
    graphs[ingest] = [ox.Triple(ox.NamedNode(EX + "record"), ox.NamedNode(EX + "p"), ox.Literal("x"))]
    store = remote(proxy.base, store=True)
    proxy.faults = ["pass", "500", "500", "500"]  # the second PUT fails on every attempt
    with pytest.raises(PartialUpload) as info:
        store.replace_graphs(graphs)
    message = str(info.value)
    assert "1 graph(s) were replaced" in message and "3 were not" in message
    assert "The ingest record https://w3id.org/coopsec/graph/ingest/abc is written last" in message
    assert "running the same upload again" in message
    direct = remote(server.base, store=True)
    assert direct.count(ingest) == 0  # the record is absent: the upload is known to be incomplete
    store.replace_graphs(graphs)  # the rerun the message suggests
    assert all(direct.count(g) == 1 for g in graphs)


def test_the_command_line_shows_no_traceback_when_the_endpoint_dies(server: OxigraphServer, cli,  # type: ignore[no-untyped-def]
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPSEC_SPARQL_RETRIES", "1")
    monkeypatch.setenv("COOPSEC_SPARQL_BACKOFF", "0.05")
    spec = server.spec
    server.stop()
    result = cli("cases", "--store", spec)
    assert result.code == 2
    assert "Traceback" not in result.err and f"{server.base}/query" in result.err


def test_a_malformed_answer_leaves_no_pyoxigraph_result_for_another_thread_to_drop(server: OxigraphServer,
                                                                                  proxy: FaultyProxy) -> None:
    """pyoxigraph's query results belong to the thread that made them. A malformed answer fails while
    its results are read; the failure's traceback then kept them, in a reference cycle that the garbage
    collector broke in whatever thread ran it (a server's, a timer's): "PyQuerySolutions is unsendable,
    but is being dropped on another thread". Collecting in another thread must find nothing of the kind."""
    _seed(server)
    proxy.faults = ["garbage"]
    with pytest.raises(StoreError):
        remote(proxy.base).select(SELECT_ALL)
    seen: list[str] = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda info: seen.append(f"{info.exc_type.__name__}: {info.exc_value}")
    try:
        collector = threading.Thread(target=gc.collect)
        collector.start()
        collector.join()
    finally:
        sys.unraisablehook = previous
    assert not [s for s in seen if "unsendable" in s], seen
