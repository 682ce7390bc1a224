"""What goes wrong with a SPARQL endpoint: the typed errors of :mod:`.remote`, and which failures are retried.

A low-level failure is classified as transient (a refused connection, a time-out, a 5xx answer: retried
by :class:`~.remote.RemoteStore`, an update only when the server never saw it) or as a typed
:class:`StoreError` naming the endpoint (stop).
"""

from __future__ import annotations

import http.client
import socket
import urllib.error
from collections.abc import Callable
from typing import TypeVar

from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from ..errors import StoreError
from ..namespaces import GRAPH

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
