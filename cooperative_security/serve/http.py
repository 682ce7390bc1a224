"""The HTTP server: ``/sparql`` (SPARQL 1.1 Protocol), ``/`` (query page), ``/id/...`` and ``/ontology``
(dereferenceable IRIs), ``/site/...`` (a static site built by ``coopsec site``, when given)."""

from __future__ import annotations

import ipaddress
import mimetypes
import socket
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pyoxigraph as ox

from .engine import HttpError, QueryService
from .linked import describe, iri_for_path
from .querypage import query_page

_DRAIN_LIMIT = 8 * 1024 * 1024  # read and drop at most this much of a refused body, so the client sees the answer


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class CoopsecHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], service: QueryService, site_dir: Path | None) -> None:
        self.service = service
        self.site_dir = site_dir.resolve() if site_dir else None
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    server: CoopsecHTTPServer
    server_version = "coopsec"
    timeout = 60  # seconds a client may take to send its request

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

    def _handle(self, method: str, head: bool = False) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        path = unquote(url.path)
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
            elif path in ("/map", "/citations") or path.startswith("/vendor/"):  # interactive pictures (site/)
                from ..site.interactive import served_page, vendor_file
                found = vendor_file(path[len("/vendor/"):]) if path.startswith("/vendor/") else (served_page(
                    self.server.kg, "concepts" if path == "/map" else "citations").encode(),  # type: ignore[attr-defined]
                    "text/html; charset=utf-8")
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
                service.update(self._one(form, "update"))
                self._send(204, None, b"", head)
                return
            text = self._one(form, "query")
            graphs = form.get("default-graph-uri", []), form.get("named-graph-uri", [])
        elif content_type == "application/sparql-query":
            text, graphs = self._text(raw), (params.get("default-graph-uri", []), params.get("named-graph-uri", []))
        elif content_type == "application/sparql-update":
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

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise HttpError(411, "send the body with a Content-Length (chunked transfer is not supported)")
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            raise HttpError(411, "a POST needs a Content-Length header")
        try:
            length = int(length_text)
        except ValueError:
            raise HttpError(400, f"bad Content-Length {length_text!r}") from None
        limit = self.server.service.limits.max_body
        if length > limit:
            self._drain(length)
            raise HttpError(413, f"the request body has {length} bytes; this server takes at most {limit} "
                                 "(the server's --max-body)")
        return self.rfile.read(length)

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
        rep = describe(self.server.service.store, iri, self.headers.get("Accept"), params.get("format", [None])[0])
        self._send(rep.status, rep.content_type, rep.data, head, vary=True)

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


__all__ = ["CoopsecHTTPServer", "Handler", "is_loopback"]
