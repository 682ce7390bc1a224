"""The remote backend: any SPARQL 1.1 endpoint, through SPARQLWrapper.

Spec ``sparql:QUERY_URL[,UPDATE_URL[,STORE_URL]]``: the query endpoint, the update endpoint (without it
the store is read only) and the SPARQL 1.1 Graph Store Protocol endpoint (found by itself for Oxigraph,
``.../store``, and Fuseki, ``.../data``, when not given). Graphs are uploaded by the Graph Store
Protocol where the server has it, otherwise by one update written by :mod:`.sparql_text`.

Safe requests (queries, graph PUTs, which are idempotent) are retried with exponential back-off on
connection errors, time-outs and 5xx answers; updates are retried only when the connection was refused
(the server never saw them). What stays wrong becomes a typed :class:`StoreError` naming the endpoint.
"""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from ..errors import StoreError
from ..namespaces import GRAPH
from ..queries import Query, load_query
from . import Bindings, Rows
from .sparql_text import replace_graphs_update, with_values

T = TypeVar("T")


class EndpointUnavailable(StoreError):
    """The endpoint did not answer (refused, timed out, 5xx) after every retry."""

    def __init__(self, endpoint: str, attempts: int, cause: str) -> None:
        self.endpoint, self.attempts, self.cause = endpoint, attempts, cause
        super().__init__(
            f"the SPARQL endpoint {endpoint} is not answering ({cause}; {attempts} attempt(s)); "
            "check that the server is running and the URL is right (e.g. `curl -I URL`), "
            "or raise the limits with COOPSEC_SPARQL_TIMEOUT / COOPSEC_SPARQL_RETRIES"
        )


class EndpointRejected(StoreError):
    """The endpoint answered with an error that retrying will not fix (4xx, unsupported query, an answer
    that is not SPARQL results)."""

    def __init__(self, endpoint: str, status: int | None, message: str, what: str = "the request") -> None:
        self.endpoint, self.status, self.message = endpoint, status, message
        code = f"HTTP {status}" if status else "an error"
        verb = f"refused {what} with {code}" if status else f"failed {what}"
        super().__init__(f"the SPARQL endpoint {endpoint} {verb}: {message.strip()[:500]}")


class ReadOnlyEndpoint(StoreError):
    """An update was asked of a store opened without an update URL."""


class PartialUpload(StoreError):
    """Some graphs of an upload were written, others not: the server holds a mix."""

    def __init__(self, endpoint: str, written: list[str], missing: list[str], cause: str) -> None:
        self.endpoint, self.written, self.missing = endpoint, written, missing
        ingest = [g for g in missing if g.startswith(GRAPH + "ingest/")]
        check = (f" The ingest record {ingest[0]} is written last, so while it is absent the upload is "
                 "incomplete." if ingest else "")
        super().__init__(
            f"the upload to {endpoint} stopped part way ({cause}): {len(written)} graph(s) were replaced "
            f"({', '.join(written[:5])}{' ...' if len(written) > 5 else ''}), {len(missing)} were not "
            f"({', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}); the graphs not written keep "
            f"their old content.{check} Each graph is replaced whole, so running the same upload again "
            "(e.g. `coopsec push`) is safe; list the graphs on the server with "
            "`coopsec query export/store-graph-names --store SPEC`."
        )


@dataclass(frozen=True)
class Limits:
    """Time-out per read (seconds), retries after the first attempt, first back-off wait (doubles), the
    whole time one request may take however the server drips its answer (seconds), and the largest
    answer read (bytes)."""

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    deadline: float = 300.0
    max_response: int = 1024 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.retries < 0 or self.backoff < 0 or self.deadline <= 0 or self.max_response < 1:
            raise StoreError(f"SPARQL limits must be positive: timeout {self.timeout}, retries {self.retries}, "
                             f"backoff {self.backoff}, deadline {self.deadline}, max response {self.max_response}")

    @classmethod
    def from_environment(cls) -> Limits:
        try:
            return cls(
                timeout=float(os.environ.get("COOPSEC_SPARQL_TIMEOUT", cls.timeout)),
                retries=int(os.environ.get("COOPSEC_SPARQL_RETRIES", cls.retries)),
                backoff=float(os.environ.get("COOPSEC_SPARQL_BACKOFF", cls.backoff)),
                deadline=float(os.environ.get("COOPSEC_SPARQL_DEADLINE", cls.deadline)),
                max_response=int(os.environ.get("COOPSEC_SPARQL_MAX_RESPONSE", cls.max_response)),
            )
        except ValueError as exc:
            raise StoreError("COOPSEC_SPARQL_TIMEOUT/RETRIES/BACKOFF/DEADLINE/MAX_RESPONSE must be numbers: "
                             f"{exc}") from exc


class DeadlinePassed(StoreError):
    """The endpoint did not finish its answer within the whole-request deadline (never retried)."""


class ResponseTooLarge(StoreError):
    """The endpoint's answer is larger than the cap (never retried)."""


def read_bounded(response: object, endpoint: str, limits: Limits, deadline: float) -> bytes:
    """Read an HTTP answer in pieces, stopping at the deadline or at the size cap, whichever comes first.

    ``read()`` would wait for the whole body: an endless answer would fill the memory, and one byte
    every few seconds would never time out (the time-out applies to each read).
    """
    chunks: list[bytes] = []
    size = 0
    sock = _socket_of(response)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _late(endpoint, limits, size)
        if sock is not None:
            sock.settimeout(max(0.05, min(left, limits.timeout)))
        try:
            chunk = response.read1(65536)  # type: ignore[attr-defined]
        except TimeoutError:
            if time.monotonic() >= deadline - 0.05:
                raise _late(endpoint, limits, size) from None
            raise
        if not chunk:
            missing = getattr(response, "length", None)  # what Content-Length promised and never came
            if isinstance(missing, int) and missing > 0:
                raise http.client.IncompleteRead(b"".join(chunks), missing)
            return b"".join(chunks)
        size += len(chunk)
        if size > limits.max_response:
            raise ResponseTooLarge(
                f"the SPARQL endpoint {endpoint} sent more than {limits.max_response:,} bytes "
                "(COOPSEC_SPARQL_MAX_RESPONSE) and was cut off; add a LIMIT to the query, or raise "
                "COOPSEC_SPARQL_MAX_RESPONSE")
        chunks.append(chunk)


def open_bounded(request: urllib.request.Request, endpoint: str, limits: Limits,
                 deadline: float) -> http.client.HTTPResponse:
    """Send a request and read the answer's status line and headers by ``deadline``, however slowly they drip.

    Each read of the status line and headers waits at most ``limits.timeout``; a timer shuts the
    connection's socket when the deadline passes, so dripping a byte at a time does not buy more. The
    body is then read by :func:`read_bounded`, against the same deadline.
    """
    sockets: list[socket.socket] = []
    fired = threading.Event()
    timer = threading.Timer(max(0.0, deadline - time.monotonic()), _shut, (sockets, fired))
    timer.daemon = True
    timer.start()
    try:
        response = _opener(sockets).open(request, timeout=max(0.05, min(limits.timeout,
                                                                         deadline - time.monotonic())))
    except urllib.error.HTTPError:
        raise
    except (OSError, http.client.HTTPException) as exc:
        if fired.is_set() or time.monotonic() >= deadline - 0.05:
            raise _late(endpoint, limits, 0, "its status line and headers") from exc
        raise
    finally:
        timer.cancel()
    if fired.is_set():  # the headers seemed to end where the socket was shut
        response.close()
        raise _late(endpoint, limits, 0, "its status line and headers")
    return response  # type: ignore[no-any-return]


def _shut(sockets: list[socket.socket], fired: threading.Event) -> None:
    fired.set()
    for sock in list(sockets):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _opener(sockets: list[socket.socket]) -> urllib.request.OpenerDirector:
    """An opener like urllib's own, whose connections put their socket in ``sockets`` once connected."""

    class Connection(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            sockets.append(self.sock)

    class SecureConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            sockets.append(self.sock)

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Connection, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(SecureConnection, req, context=self._context)  # type: ignore[attr-defined]

    return urllib.request.build_opener(Handler, SecureHandler)


def _late(endpoint: str, limits: Limits, size: int, what: str = "its answer") -> DeadlinePassed:
    return DeadlinePassed(
        f"the SPARQL endpoint {endpoint} did not finish {what} within {limits.deadline:g} s "
        f"(COOPSEC_SPARQL_DEADLINE; {size:,} bytes of the body had come): it may be overloaded, or not a SPARQL "
        "endpoint; raise COOPSEC_SPARQL_DEADLINE for a slow server")


def _socket_of(response: object) -> socket.socket | None:
    """The socket under a urllib answer, to bound each wait by the deadline (None if not found)."""
    fp = getattr(response, "fp", None)
    raw = getattr(fp, "raw", None)
    sock = getattr(raw, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


class _Transient(Exception):
    """A failure worth retrying; ``sent`` says whether the server may have seen the request."""

    def __init__(self, cause: str, sent: bool) -> None:
        super().__init__(cause)
        self.cause, self.sent = cause, sent


def _status_of(exc: BaseException) -> int | None:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code
    text = str(exc)
    for code in (500, 502, 503, 504):
        if str(code) in text[:40]:
            return code
    return None


def _classify(exc: BaseException, endpoint: str, what: str) -> Exception:
    """Turn a low-level failure into _Transient (retry) or a typed StoreError (stop)."""
    if isinstance(exc, urllib.error.HTTPError):
        try:
            body = exc.read1(65536).decode("utf-8", "replace") if exc.fp else ""  # one read: the body is not capped
        except OSError:
            body = ""
        finally:
            exc.close()  # its connection, at once rather than when the error is collected
        if exc.code >= 500:
            return _Transient(f"HTTP {exc.code}", sent=True)
        return EndpointRejected(endpoint, exc.code, body or exc.reason, what)
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError):
            return _Transient("connection refused", sent=False)
        if isinstance(reason, TimeoutError | socket.timeout):
            return _Transient("timed out", sent=True)
        if isinstance(reason, socket.gaierror):
            return EndpointRejected(endpoint, None, f"unknown host: {reason}", what)
        return _Transient(str(reason), sent=True)
    if isinstance(exc, ConnectionRefusedError):
        return _Transient("connection refused", sent=False)
    if isinstance(exc, TimeoutError | socket.timeout):
        return _Transient("timed out", sent=True)
    if isinstance(exc, http.client.HTTPException | ConnectionError):
        return _Transient(f"connection broken: {type(exc).__name__}", sent=True)
    if isinstance(exc, SyntaxError | ValueError):
        return EndpointRejected(endpoint, None, f"its answer is not valid SPARQL results or RDF ({exc}); is the "
                                                "URL a SPARQL endpoint, or is a proxy in between?", what)
    if isinstance(exc, SPARQLWrapperException):
        if type(exc).__name__ == "EndPointInternalError":
            return _Transient("HTTP 500", sent=True)
        status = _status_of(exc)
        if status and status >= 500:
            return _Transient(f"HTTP {status}", sent=True)
        codes = {"QueryBadFormed": 400, "Unauthorized": 401, "EndPointNotFound": 404, "URITooLong": 414}
        return EndpointRejected(endpoint, codes.get(type(exc).__name__), str(exc), what)
    return exc if isinstance(exc, Exception) else RuntimeError(str(exc))


def _detached(parse: Callable[[bytes], T], body: bytes) -> T:
    """``parse(body)``; a malformed answer's error raised again from here, without its traceback. pyoxigraph's
    parsers and results belong to the thread that made them, and the traceback's frames would keep them in
    a reference cycle (the retry loop's error refers to its own frame) that the garbage collector may break
    in another thread: "PyQuerySolutions is unsendable, but is being dropped on another thread"."""
    try:
        return parse(body)
    except (SyntaxError, ValueError) as exc:
        message = str(exc) or type(exc).__name__
    raise ValueError(message)  # out of the except block: the old traceback, and what it held, are gone


class RemoteStore:
    """A :class:`~cooperative_security.store.Store` over SPARQL 1.1 Protocol endpoints."""

    def __init__(self, query_url: str, update_url: str | None = None, store_url: str | None = None,
                 limits: Limits | None = None) -> None:
        for url in (query_url, update_url, store_url):
            if url and urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
                raise StoreError(f"{url!r} is not an http(s) URL; use sparql:QUERY_URL[,UPDATE_URL]")
        self.query_url, self.update_url = query_url, update_url
        self.limits = limits or Limits.from_environment()
        self.spec = "sparql:" + ",".join(u for u in (query_url, update_url, store_url) if u)
        self._store_url: str | None = store_url
        self._store_probed = store_url is not None
        self._sleep: Callable[[float], None] = time.sleep

    @classmethod
    def from_spec(cls, rest: str, limits: Limits | None = None) -> RemoteStore:
        """``QUERY_URL[,UPDATE_URL[,STORE_URL]]`` (what follows ``sparql:``)."""
        parts = [p.strip() for p in rest.split(",")]
        if not parts[0] or len(parts) > 3:
            raise StoreError(f"bad store spec sparql:{rest}: use sparql:QUERY_URL[,UPDATE_URL[,STORE_URL]]")
        return cls(parts[0], parts[1] if len(parts) > 1 and parts[1] else None,
                   parts[2] if len(parts) > 2 and parts[2] else None, limits)

    # -- retries ---------------------------------------------------------------------------------

    def _attempt(self, endpoint: str, what: str, call: Callable[[], T], safe: bool) -> T:
        """Run ``call``, retrying transient failures (all of them if ``safe``, else unsent ones only)."""
        attempts = 0
        while True:
            attempts += 1
            try:
                return call()
            except StoreError:
                raise
            except Exception as exc:  # noqa: BLE001 - classified just below
                problem = _classify(exc, endpoint, what)
                if not isinstance(problem, _Transient):
                    raise problem from exc
                if not (safe or not problem.sent):
                    raise StoreError(
                        f"{what} on {endpoint} may or may not have been applied ({problem.cause}); updates "
                        "are not retried blindly: check the server's state before running it again"
                    ) from exc
                if attempts > self.limits.retries:
                    raise EndpointUnavailable(endpoint, attempts, problem.cause) from exc
                self._sleep(self.limits.backoff * 2 ** (attempts - 1))

    def _wrapper(self, url: str, text: str, kind: str) -> SPARQLWrapper:
        sw = SPARQLWrapper(url)
        sw.setMethod(POST)
        # setTimeout() truncates to int, and int(0.5) == 0 would mean no time-out at all
        sw.timeout = self.limits.timeout  # type: ignore[assignment]
        sw.setQuery(text)
        # SPARQLWrapper guesses the kind from the text, and a comment holding the word "asking" or an
        # apostrophe can fool it into sending an update as an ASK query: we know what we send.
        sw.queryType = kind
        return sw

    def _query(self, query: Query | str, bindings: Bindings | None, fmt: str, parse: Callable[[bytes], T],
               kind: str) -> T:
        """Send a query and parse its answer; a malformed answer counts as a failed attempt."""
        text = with_values(query.text if isinstance(query, Query) else query, bindings or {})
        name = f"query {query.name}" if isinstance(query, Query) else "a query"

        def call() -> T:
            deadline = time.monotonic() + self.limits.deadline
            sw = self._wrapper(self.query_url, text, kind)
            sw.setReturnFormat(fmt)
            with open_bounded(sw._createRequest(), self.query_url, self.limits, deadline) as response:
                return _detached(parse, read_bounded(response, self.query_url, self.limits, deadline))

        return self._attempt(self.query_url, name, call, safe=True)

    # -- the Store protocol ----------------------------------------------------------------------

    def select(self, query: Query | str, bindings: Bindings | None = None) -> Rows:
        def parse(body: bytes) -> Rows:
            results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            if isinstance(results, ox.QueryBoolean):
                raise ValueError("expected the answer of a SELECT query, got a boolean")
            names = [v.value for v in results.variables]
            return Rows(({n: sol[n] for n in names} for sol in results), names)

        return self._query(query, bindings, JSON, parse, "SELECT")

    def ask(self, query: Query | str, bindings: Bindings | None = None) -> bool:
        def parse(body: bytes) -> bool:
            result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            if not isinstance(result, ox.QueryBoolean):
                raise ValueError("expected the answer of an ASK query, got solutions")
            return bool(result)

        return self._query(query, bindings, JSON, parse, "ASK")

    def construct(self, query: Query | str, bindings: Bindings | None = None) -> list[ox.Triple]:
        def parse(body: bytes) -> list[ox.Triple]:
            return [q.triple for q in ox.parse(body, ox.RdfFormat.TURTLE)]

        return self._query(query, bindings, TURTLE, parse, "CONSTRUCT")

    def update(self, update: Query | str) -> None:
        if not self.update_url:
            raise ReadOnlyEndpoint(
                f"the store {self.spec} is read only: give the update endpoint too, "
                "sparql:QUERY_URL,UPDATE_URL"
            )
        text = update.text if isinstance(update, Query) else update
        name = f"update {update.name}" if isinstance(update, Query) else "an update"
        url = self.update_url

        def call() -> None:
            deadline = time.monotonic() + self.limits.deadline
            sw = self._wrapper(url, text, "INSERT")
            with open_bounded(sw._createRequest(), url, self.limits, deadline) as response:
                read_bounded(response, url, self.limits, deadline)

        self._attempt(url, name, call, safe=False)

    def replace_graphs(self, graphs: Mapping[ox.NamedNode, Iterable[ox.Triple]]) -> int:
        materialised = {g: list(ts) for g, ts in graphs.items()}
        store_url = self.store_url()
        if store_url is None:
            self.update(replace_graphs_update(materialised))
        else:
            # ingest records last: while one is absent, its upload is known to be incomplete
            order = sorted(materialised, key=lambda g: g.value.startswith(GRAPH + "ingest/"))
            written: list[str] = []
            for g in order:
                try:
                    self.put_graph(g, materialised[g])
                except StoreError as exc:
                    if not written:
                        raise
                    raise PartialUpload(store_url, written, [x.value for x in order[len(written):]],
                                        str(exc)) from exc
                written.append(g.value)
        return sum(len(ts) for ts in materialised.values())

    def put_graph(self, g: ox.NamedNode, triples: list[ox.Triple]) -> None:
        """Replace one graph by a Graph Store Protocol PUT (idempotent, so retried)."""
        store_url = self.store_url()
        if store_url is None:
            raise StoreError(f"{self.spec} has no Graph Store Protocol endpoint")
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        url = store_url + ("&" if "?" in store_url else "?") + urllib.parse.urlencode({"graph": g.value})

        def call() -> None:
            request = urllib.request.Request(url, data=body, method="PUT",
                                             headers={"Content-Type": "application/n-triples"})
            deadline = time.monotonic() + self.limits.deadline
            with open_bounded(request, store_url, self.limits, deadline) as response:
                read_bounded(response, store_url, self.limits, deadline)

        self._attempt(store_url, f"the upload of graph {g.value}", call, safe=True)

    def store_url(self) -> str | None:
        """The Graph Store Protocol endpoint: given, or found next to the update endpoint, or None."""
        if self._store_probed:
            return self._store_url
        self._store_probed = True
        if not self.update_url:
            return None
        base = self.update_url.rstrip("/").rpartition("/")[0]
        for candidate in (base + "/store", base + "/data"):
            try:
                request = urllib.request.Request(candidate + "?default", method="HEAD")
                deadline = time.monotonic() + min(self.limits.deadline, 2 * self.limits.timeout)
                with open_bounded(request, candidate, self.limits, deadline) as response:
                    if response.status == 200:
                        self._store_url = candidate
                        break
            except (urllib.error.URLError, OSError, http.client.HTTPException, DeadlinePassed):
                continue
        return self._store_url

    def graph_names(self) -> list[str]:
        rows = self.select(load_query("export/store-graph-names"))
        if not any(r["g"] is not None for r in rows):
            # Virtuoso answers GRAPH ?g {} with one unbound row: ask for the graphs that hold triples
            rows = self.select(load_query("export/store-graph-names-scan"))
        return sorted(r["g"].value for r in rows if isinstance(r["g"], ox.NamedNode))

    # capabilities (store/__init__.py: Capabilities); no bulk loading: triples go through the Graph Store Protocol
    ephemeral = False
    shared = True  # other clients reach the endpoint too
    closed = False  # nothing to close: every request opens and closes its own connection

    @property
    def writable(self) -> bool:
        return self.update_url is not None

    def count(self, graph: ox.NamedNode | None = None) -> int:
        if graph is None:
            row = self.select(load_query("export/store-count-all"))[0]
        else:
            rows = self.select(load_query("export/store-graph-counts"), {"g": graph})
            if not rows:
                return 0
            row = rows[0]
        return int(row["triples"].value) if row["triples"] is not None else 0

    def quads(self, graph: ox.NamedNode | None = None) -> Iterable[ox.Quad]:
        if graph is None:
            rows = self.select(load_query("export/store-quads"))
            return [ox.Quad(r["s"], r["p"], r["o"], r["g"] or ox.DefaultGraph())  # type: ignore[arg-type]
                    for r in rows]
        rows = self.select(load_query("export/store-graph-quads"), {"g": graph})
        return [ox.Quad(r["s"], r["p"], r["o"], graph) for r in rows]  # type: ignore[arg-type]

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""


__all__ = ["RemoteStore", "Limits", "EndpointUnavailable", "EndpointRejected", "ReadOnlyEndpoint",
           "PartialUpload", "DeadlinePassed", "ResponseTooLarge", "read_bounded", "open_bounded"]
