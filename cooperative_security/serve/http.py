"""The HTTP server: ``/sparql`` (SPARQL 1.1 Protocol), ``/`` (query page), ``/id/...`` and ``/ontology``
(dereferenceable IRIs), ``/site/...`` (a static site built by ``coopsec site``, when given)."""

from __future__ import annotations

import hmac
import ipaddress
import mimetypes
import re
import socket
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pyoxigraph as ox

from .engine import QueryService
from .httperror import HttpError
from .linked import iri_for_path
from .querypage import query_page

_DRAIN_LIMIT = 8 * 1024 * 1024  # read and drop at most this much of a refused body, so the client sees the answer
_LENGTH = re.compile(r"[0-9]{1,18}")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Access:
    """Who may change the store of a ``--writable`` server.

    An update needs a ``Host`` header naming one of ``hosts`` (so a DNS-rebound name is refused), an
    ``Origin`` that is absent or the server's own (so another site's page cannot post one), and, when
    ``token`` is set (``--token-file``), ``Authorization: Bearer TOKEN``.
    """

    hosts: frozenset[str] = frozenset(LOOPBACK_NAMES)
    token: str | None = None

    @classmethod
    def for_host(cls, host: str, extra: Collection[str] = (), token: str | None = None) -> Access:
        return cls(frozenset({*LOOPBACK_NAMES, host.lower().strip("[]"), *(h.lower().strip("[]") for h in extra)}),
                   token)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class CoopsecHTTPServer(ThreadingHTTPServer):
    """A thread per connection, at most ``max_connections`` of them, each with a deadline to send its request.

    A watchdog thread shuts the socket of a client that has not sent its whole request (line, headers
    and body) within ``request_timeout`` seconds, however slowly it drips; connections beyond the cap
    get a 503 at once and are closed, not queued.
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], service: QueryService, site_dir: Path | None,
                 access: Access | None = None) -> None:
        self.service = service
        self.site_dir = site_dir.resolve() if site_dir else None
        self.access = access or Access.for_host(address[0])
        self._open = 0
        self._open_lock = threading.Lock()
        self._deadlines: dict[socket.socket, float] = {}
        self._stopping = threading.Event()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
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

    def unwatch(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._deadlines.pop(connection, None)

    def _watch(self) -> None:
        while not self._stopping.wait(0.1):
            now = time.monotonic()
            with self._open_lock:
                late = [c for c, deadline in self._deadlines.items() if deadline < now]
                for connection in late:
                    del self._deadlines[connection]
            for connection in late:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def server_close(self) -> None:
        self._stopping.set()
        super().server_close()
        self.service.close()


class Handler(BaseHTTPRequestHandler):
    server: CoopsecHTTPServer
    server_version = "coopsec"

    def setup(self) -> None:
        self.timeout = self.server.service.limits.request_timeout  # each read and write; the watchdog bounds the whole
        super().setup()

    def handle_one_request(self) -> None:
        self.server.watch(self.connection)
        try:
            super().handle_one_request()
        finally:
            self.server.unwatch(self.connection)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    # --- routing -------------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        self._handle("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle("GET", head=True)

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def _other_method(self) -> None:
        """PUT, DELETE, PATCH, OPTIONS, TRACE, CONNECT: 405 in plain text, naming the methods the path takes
        (http.server answered 501 with an HTML page). The body is not read, so the connection is closed."""
        path = unquote(urlsplit(self.path).path)
        allowed = "GET, HEAD, POST" if path == "/sparql" else "GET, HEAD"
        data = (f"{path} does not take {self.command}: it answers {allowed}\n").encode()
        self.close_connection = True
        self.send_response(405, HTTPStatus(405).phrase)
        self.send_header("Allow", allowed)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _other_method  # noqa: N815

    def _handle(self, method: str, head: bool = False) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        path = unquote(url.path)
        if method == "GET":
            self.server.unwatch(self.connection)  # the whole request is in: the query's own limit applies now
        try:
            if path == "/sparql":
                self._sparql(method, params, head)
            elif method != "GET":
                raise HttpError(405, f"{path} answers GET only; POST queries and updates to /sparql")
            elif path == "/":
                svc = self.server.service
                html = query_page(svc.writable, svc.limits.timeout, svc.limits.max_results,
                                  self.server.site_dir is not None)
                self._send(200, "text/html; charset=utf-8", html.encode(), head)
            elif path == "/site" or path.startswith("/site/"):
                self._static(path[len("/site"):], head)
            elif path in ("/map", "/citations"):  # interactive pictures (site/), built by a worker
                html = self.server.service.page("concepts" if path == "/map" else "citations")
                self._send(200, "text/html; charset=utf-8", html, head)
            elif path.startswith("/vendor/"):  # their scripts
                from ..site.interactive import vendor_file
                found = vendor_file(path[len("/vendor/"):])
                if found is None:
                    raise HttpError(404, f"no file {path}")
                self._send(200, found[1], found[0], head)
            else:
                self._resource(path, params, head)
        except HttpError as exc:
            self._send(exc.status, "text/plain; charset=utf-8", (exc.message + "\n").encode(), head)

    # --- SPARQL --------------------------------------------------------------------------------

    def _sparql(self, method: str, params: dict[str, list[str]], head: bool) -> None:
        service = self.server.service
        accept = self.headers.get("Accept")
        if method == "GET":
            if "update" in params:
                raise HttpError(405, "updates must be POSTed (SPARQL 1.1 Protocol)")
            text = self._one(params, "query")
            body = service.query(text, accept, params.get("default-graph-uri", []), params.get("named-graph-uri", []))
            self._send(200, body.content_type, body.data, head)
            return
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        raw = self._body()
        if content_type == "application/x-www-form-urlencoded":
            try:
                form = parse_qs(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                raise HttpError(400, "the form is not UTF-8") from None
            for key, values in params.items():
                form.setdefault(key, values)
            if "update" in form:
                self._authorise_update()
                service.update(self._one(form, "update"))
                self._send(204, None, b"", head)
                return
            text = self._one(form, "query")
            graphs = form.get("default-graph-uri", []), form.get("named-graph-uri", [])
        elif content_type == "application/sparql-query":
            text, graphs = self._text(raw), (params.get("default-graph-uri", []), params.get("named-graph-uri", []))
        elif content_type == "application/sparql-update":
            self._authorise_update()
            service.update(self._text(raw))
            self._send(204, None, b"", head)
            return
        else:
            raise HttpError(415, f"POST /sparql takes application/sparql-query, application/sparql-update or "
                                 f"application/x-www-form-urlencoded, not {content_type or 'no Content-Type'}")
        body = service.query(text, accept, *graphs)
        self._send(200, body.content_type, body.data, head)

    @staticmethod
    def _one(params: dict[str, list[str]], name: str) -> str:
        values = params.get(name, [])
        if len(values) != 1:
            raise HttpError(400, f"give exactly one {name} parameter (got {len(values)})")
        return values[0]

    @staticmethod
    def _text(raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, "the request body is not UTF-8") from None

    def _authorise_update(self) -> None:
        """Refuse an update from another site's page, through a rebound DNS name, or without the token."""
        if not self.server.service.writable:
            return  # refused as read-only, with its own message
        access = self.server.access
        port = int(self.server.server_address[1])
        host_header = self.headers.get("Host") or ""
        host, host_port = _host_and_port(host_header, port)
        if host not in access.hosts or host_port != port:
            raise HttpError(403, f"updates are refused for Host {host_header or '(none)'}: this server answers "
                                 f"updates for {', '.join(sorted(access.hosts))} on port {port} (a foreign Host "
                                 "is how DNS rebinding reaches a local server); add a name with --allow-host")
        origin = self.headers.get("Origin")
        if origin is not None:
            parts = urlsplit(origin)
            default = 443 if parts.scheme == "https" else 80
            try:
                origin_port = parts.port or default
            except ValueError:
                origin_port = -1
            if parts.scheme != "http" or (parts.hostname or "").lower() not in access.hosts or origin_port != port:
                raise HttpError(403, f"updates are refused from Origin {origin}: only pages of this server, or "
                                     "clients that send no Origin, may change the store (cross-site request "
                                     "forgery)")
        if access.token is not None:
            given = self.headers.get("Authorization") or ""
            scheme, _, value = given.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), access.token.encode()):
                raise HttpError(401, "updates need the header Authorization: Bearer TOKEN, with the token in "
                                     "the server's --token-file")

    def _body(self) -> bytes:
        try:
            return self._read_body()
        finally:
            self.server.unwatch(self.connection)  # the whole request is in: the query's own limit applies now

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise HttpError(411, "send the body with a Content-Length (chunked transfer is not supported)")
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            self.close_connection = True
            raise HttpError(411, "a POST needs a Content-Length header")
        if len(set(lengths)) != 1 or not _LENGTH.fullmatch(lengths[0].strip()):
            self.close_connection = True  # where this body ends is unknown: the connection cannot be reused
            raise HttpError(400, f"bad Content-Length {', '.join(lengths)!s}: it must be one whole number of "
                                 "bytes, 0 or more")
        length = int(lengths[0])
        limit = self.server.service.limits.max_body
        if length > limit:
            self._drain(length)
            raise HttpError(413, f"the request body has {length} bytes; this server takes at most {limit} "
                                 "(the server's --max-body)")
        data = self.rfile.read(length)
        if len(data) < length:
            self.close_connection = True
            raise HttpError(400, f"the body ended after {len(data)} of its {length} bytes (or took longer than "
                                 f"the server's --request-timeout of {self.server.service.limits.request_timeout:g} s)")
        return data

    def _drain(self, length: int) -> None:
        self.close_connection = True
        if length > _DRAIN_LIMIT:
            return
        try:
            self.connection.settimeout(2)
            while length > 0:
                chunk = self.rfile.read(min(length, 65536))
                if not chunk:
                    break
                length -= len(chunk)
        except OSError:
            pass

    # --- linked data and static files ----------------------------------------------------------

    def _resource(self, path: str, params: dict[str, list[str]], head: bool) -> None:
        term = params.get("term", [None])[0]
        iri = iri_for_path(path, term)
        if iri is None:
            raise HttpError(404, f"nothing at {path}: try / (the query page), /sparql, /ontology or /id/...")
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise HttpError(404, f"{iri!r} is not an IRI") from None
        page_text = params.get("page", ["1"])[0]
        if not page_text.isdigit() or not 1 <= int(page_text) <= 1_000_000:
            raise HttpError(400, f"page={page_text}: give a page number from 1")
        status, content_type, data = self.server.service.describe(iri, self.headers.get("Accept"),
                                                                  params.get("format", [None])[0], int(page_text))
        self._send(status, content_type, data, head, vary=True)

    def _static(self, rest: str, head: bool) -> None:
        root = self.server.site_dir
        if root is None:
            raise HttpError(404, "no site is served: start the server with --site DIR (a folder from `coopsec site`)")
        target = (root / rest.lstrip("/")).resolve()
        if not target.is_relative_to(root):
            raise HttpError(404, "outside the site")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            raise HttpError(404, f"no page /site{rest}")
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith(("xml", "json", "javascript")):
            kind += "; charset=utf-8"
        self._send(200, kind, target.read_bytes(), head)

    # --- writing -------------------------------------------------------------------------------

    def _send(self, status: int, content_type: str | None, data: bytes, head: bool, vary: bool = False) -> None:
        self.send_response(status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else None)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if vary:
            self.send_header("Vary", "Accept")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass


def _host_and_port(header: str, default_port: int) -> tuple[str, int]:
    """``[::1]:8000`` -> ('::1', 8000); a missing port is the server's own; a malformed one is -1."""
    parts = urlsplit("//" + header.strip())
    try:
        port = parts.port
    except ValueError:
        return "", -1
    return (parts.hostname or "").lower(), port if port is not None else default_port


__all__ = ["Access", "CoopsecHTTPServer", "Handler", "is_loopback"]
