"""The connections of ``coopsec serve``: a thread each, at most ``--max-connections`` of them, a deadline
for each to send its request, and at most ``--max-headers`` bytes of headers a request."""

from __future__ import annotations

import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .engine import QueryService


class BoundedHTTPServer(ThreadingHTTPServer):
    """A thread per connection, at most ``max_connections`` of them, each with a deadline to send its request.

    A watchdog thread shuts the socket of a client that has not sent its whole request (line, headers
    and body) within ``request_timeout`` seconds, however slowly it drips: both ways while the line and
    headers come in, only the reading side once the body does (:meth:`reading_body`), so that the
    handler can still tell the client its body was cut short (a 400 of a few hundred bytes, which the
    socket's buffer takes at once, and then the connection is closed); connections beyond the cap
    get a 503 at once and are closed, not queued. Both limits are the ``service``'s.
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 service: QueryService) -> None:
        self.service = service
        self._open = 0
        self._open_lock = threading.Lock()
        self._deadlines: dict[socket.socket, float] = {}
        self._bodies: set[socket.socket] = set()  # watched connections whose body is being read
        self._stopping = threading.Event()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)
        self._watchdog = threading.Thread(target=self._watch, name="coopsec-deadlines", daemon=True)
        self._watchdog.start()

    # --- connection cap ------------------------------------------------------------------------

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            refuse = self._open >= self.service.limits.max_connections
            if not refuse:
                self._open += 1
        if refuse:
            message = (f"the server has {self.service.limits.max_connections} connections open (the server's "
                       "--max-connections); retry later\n").encode()
            try:
                request.settimeout(1)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Retry-After: 1\r\nConnection: close\r\nContent-Length: "
                                + str(len(message)).encode() + b"\r\n\r\n" + message)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._closed_one()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._closed_one()

    def _closed_one(self) -> None:
        with self._open_lock:
            self._open -= 1

    @property
    def open_connections(self) -> int:
        return self._open

    # --- request deadlines ---------------------------------------------------------------------

    def watch(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._deadlines[connection] = time.monotonic() + self.service.limits.request_timeout

    def reading_body(self, connection: socket.socket) -> None:
        """The request's line and headers are in: at its deadline, stop reading but let the answer out."""
        with self._open_lock:
            if connection in self._deadlines:
                self._bodies.add(connection)

    def unwatch(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._deadlines.pop(connection, None)
            self._bodies.discard(connection)

    def _watch(self) -> None:
        while not self._stopping.wait(0.1):
            now = time.monotonic()
            with self._open_lock:
                late = [(c, socket.SHUT_RD if c in self._bodies else socket.SHUT_RDWR)
                        for c, deadline in self._deadlines.items() if deadline < now]
                for connection, _ in late:
                    del self._deadlines[connection]
                    self._bodies.discard(connection)
            for connection, how in late:
                try:
                    connection.shutdown(how)
                except OSError:
                    pass

    def server_close(self) -> None:
        self._stopping.set()
        super().server_close()


class BoundedRequestHandler(BaseHTTPRequestHandler):
    """A request's headers, read at most ``--max-headers`` bytes of them together: http.client bounds each line
    (65,536 bytes) and their number (100), which let a request send 6.4 MB of headers, held several times over
    while they are parsed (a security audit, December 2026: 63 such connections took the server from 129 MB to
    1.3 GB). Over the limit, the rest is not read: the answer is 431 and the connection is closed."""

    server: BoundedHTTPServer

    def parse_request(self) -> bool:
        rfile, limit = self.rfile, self.server.service.limits.max_headers
        self.rfile = _HeaderReader(rfile, limit)  # type: ignore[assignment]  # http.client reads lines only
        try:
            return super().parse_request()
        except _HeadersTooLarge:
            self.send_error(431, f"more than {limit:,} bytes in all, the server's --max-headers")
            return False
        finally:
            self.rfile = rfile


class _HeadersTooLarge(Exception):
    pass


class _HeaderReader:
    """The request's stream while its headers are read: lines, never more than ``budget`` bytes of them."""

    def __init__(self, stream: io.BufferedIOBase, budget: int) -> None:
        self._stream = stream
        self._left = budget

    def readline(self, size: int = -1) -> bytes:
        wanted = self._left + 1 if size < 0 else min(size, self._left + 1)
        line = self._stream.readline(wanted)  # one byte more than is left tells that there was more
        if len(line) > self._left:
            raise _HeadersTooLarge
        self._left -= len(line)
        return line


#: answers up to this size are sent whatever the budget (errors, pages, most query results)
SMALL_ANSWER = 256 * 1024


class AnswerBudget:
    """The bytes of answers the server holds while clients read them, at most ``limit`` together
    (``--max-running`` x ``--max-answer``: what the workers could hand over at once). Without it, clients
    that ask for large answers and do not read them would each keep one in the server's memory, up to
    ``--max-connections`` of them (a security review, 3 December 2026: 24 such clients took the server from
    134 to 813 MB)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self._lock = threading.Lock()

    def take(self, size: int) -> bool:
        with self._lock:
            if self.held + size > self.limit:
                return False
            self.held += size
            return True

    def give(self, size: int) -> None:
        with self._lock:
            self.held -= size


__all__ = ["SMALL_ANSWER", "AnswerBudget", "BoundedHTTPServer", "BoundedRequestHandler"]
