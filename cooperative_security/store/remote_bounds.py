"""HTTP requests to a SPARQL endpoint, bounded in time and size (the limits of :mod:`.remote`).

Each read waits at most ``Limits.timeout``; the whole request, however slowly the server drips its status
line, headers and body, ends at a deadline; an answer larger than ``Limits.max_response`` is cut off.
Both failures are typed errors that are never retried.
"""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from ..errors import StoreError


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
