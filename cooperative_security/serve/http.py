"""The HTTP server: ``/sparql`` (SPARQL 1.1 Protocol), ``/`` (query page), ``/id/...`` and ``/ontology``
(dereferenceable IRIs), ``/site/...`` (a static site built by ``coopsec site``, when given)."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import pyoxigraph as ox

from .access import Access, authorise_update, is_loopback, own_authority
from .answer import GRAPH_OFFERS
from .connections import SMALL_ANSWER, AnswerBudget, BoundedHTTPServer, BoundedRequestHandler
from .cors import Cors
from .description import WELL_KNOWN_VOID
from .engine import QueryService
from .httperror import HttpError, protocol_error, shown
from .linked import FORMAT_PARAMETER, iri_for_path
from .protocol import merged, no_using, none_in_url, one, one_operation, utf8_text
from .querypage import query_page
from .static import site_file

_DRAIN_LIMIT = 8 * 1024 * 1024  # read and drop at most this much of a refused body, so the client sees the answer
_LENGTH = re.compile(r"[0-9]{1,18}")
_PAGE = re.compile(r"[0-9]{1,7}")  # ASCII digits only: str.isdigit() takes '²', which int() refuses
_LOG = logging.getLogger(__name__)
_FAILED = (b"the server failed on this request: a bug in coopsec, not a fault of the request. Please report it "
           b"to whoever runs this server (or to the coopsec maintainers) with the request and the time: the server "
           b"wrote the details to its log\n")


class CoopsecHTTPServer(BoundedHTTPServer):
    """The server: :class:`.connections.BoundedHTTPServer`'s connections, answered by :class:`Handler`, with
    the query service, the static site (when given), who may change the store (:class:`.access.Access`) and
    which other sites' pages may read its answers (:class:`.cors.Cors`, none by default)."""

    def __init__(self, address: tuple[str, int], service: QueryService, site_dir: Path | None,
                 access: Access | None = None, cors: Cors | None = None) -> None:
        self.site_dir = site_dir.resolve() if site_dir else None
        self.access = access or Access.for_host(address[0])
        self.cors = cors or Cors()
        self.answers = AnswerBudget(service.limits.max_running * service.limits.max_answer)
        super().__init__(address, Handler, service)


    def server_close(self) -> None:
        super().server_close()
        self.service.close()


class Handler(BoundedRequestHandler):
    server: CoopsecHTTPServer
    server_version = "coopsec"

    def setup(self) -> None:
        self.timeout = self.server.service.limits.request_timeout  # type: ignore[misc]  # each read and write; the watchdog bounds the whole
        super().setup()

    def handle_one_request(self) -> None:
        self._answered = False  # whether this request's status line has been written
        # the last request's headers, which http.server keeps until it parses this one's: a refusal sent before
        # then (a malformed or too long request line, headers too large) must not take its CORS headers from them
        vars(self).pop("headers", None)
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

    def _other_method(self, status: int = 405) -> None:
        """PUT, DELETE, PATCH, OPTIONS, TRACE, CONNECT: 405 in plain text, naming the methods the path takes
        (http.server answered 501 with an HTML page); a method it does not know (``FOO``, ``get``: methods
        are case-sensitive) the same way, as 501. The body is not read, so the connection is closed."""
        path = unquote(urlsplit(self.path).path)
        allowed = "GET, HEAD, POST" if path == "/sparql" else "GET, HEAD"
        if status == 405:
            message = f"{shown(path)} does not take {self.command}: it answers {allowed}"
        else:
            message = (f"{shown(self.command)} is not a method this server knows (methods are upper case): "
                       f"{shown(path)} answers {allowed}")
        self._refuse(status, message, {"Allow": allowed})

    error_content_type = "text/plain; charset=utf-8"  # for any caller of the base class's send_error
    error_message_format = "%(message)s: %(explain)s\n"

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (a request line or headers too long, a malformed request line, an HTTP
        version other than 1.x, an unknown method) in plain text, one line, like every other error."""
        self.log_error("code %d, message %s", code, message)
        if code == 501 and self.command:  # no do_<METHOD>
            self._other_method(501)
            return
        if self.request_version in ("", "HTTP/0.9"):
            self.request_version = "HTTP/1.0"  # a status line, even to a request line that could not be read
        self._refuse(code, protocol_error(code, message))

    def _refuse(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        """A refusal before the body was read: the connection is closed after it."""
        self.close_connection = True
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode(), self.command == "HEAD",
                   headers={**(headers or {}), "Connection": "close"})

    do_PUT = do_DELETE = do_PATCH = do_TRACE = do_CONNECT = _other_method  # noqa: N815

    def do_OPTIONS(self) -> None:  # noqa: N802
        """A browser's CORS preflight on a server with ``--cors``: 204, with CORS's headers for an origin it
        names and none for another (the browser then refuses the request itself); any other OPTIONS is 405."""
        if not self.server.cors.is_preflight(self.headers):
            self._other_method()
            return
        if self.headers.get("Transfer-Encoding") or (self.headers.get("Content-Length") or "0").strip() != "0":
            self.close_connection = True  # a preflight has no body: where this one ends is not read
        self._send(204, None, b"", False, headers=self.server.cors.preflight(self.headers))

    def _handle(self, method: str, head: bool = False) -> None:
        if method == "GET":
            self.server.unwatch(self.connection)  # the whole request is in: the query's own limit applies now
        try:
            try:
                self._route(method, head)
            except HttpError as exc:
                self._send(exc.status, "text/plain; charset=utf-8", (exc.message + "\n").encode(), head)
        except Exception:  # noqa: BLE001 - the last resort: a client always gets an answer, never a traceback
            _LOG.exception("coopsec serve: %s %s failed", self.command, shown(self.path, 300))
            self.close_connection = True
            if not self._answered:
                self._send(500, "text/plain; charset=utf-8", _FAILED, head)

    def _route(self, method: str, head: bool) -> None:
        url = urlsplit(self.path)
        try:
            params = parse_qs(url.query, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise HttpError(400, "the query string is not UTF-8 (once its %XX escapes are decoded)") from None
        path = unquote(url.path)
        if path == "/sparql":
            self._sparql(method, params, head)
        elif method != "GET":
            raise HttpError(405, f"{shown(path)} answers GET only; POST queries and updates to /sparql")
        elif path == "/":
            svc = self.server.service
            html = query_page(svc.writable, svc.limits.timeout, svc.limits.max_results,
                              self.server.site_dir is not None)
            self._send(200, "text/html; charset=utf-8", html.encode(), head)
        elif path == "/site" or path.startswith("/site/"):
            self._static(path[len("/site"):], head)
        elif path == WELL_KNOWN_VOID:
            body = self.server.service.void(self._endpoint(), self.headers.get("Accept"))
            self._send(200, body.content_type, body.data, head, vary=True, headers={"Vary": "Host"})
        elif path in ("/map", "/citations"):  # interactive pictures (site/), built by a worker
            picture = self.server.service.page("concepts" if path == "/map" else "citations")
            self._send(200, "text/html; charset=utf-8", picture, head)
        elif path.startswith("/vendor/"):  # their scripts
            from ..site.interactive import vendor_file
            found = vendor_file(path[len("/vendor/"):])
            if found is None:
                raise HttpError(404, f"no file {shown(path)}")
            self._send(200, found[1], found[0], head)
        else:
            self._resource(path, params, head)

    # --- SPARQL --------------------------------------------------------------------------------

    def _sparql(self, method: str, params: dict[str, list[str]], head: bool) -> None:
        service = self.server.service
        accept = self.headers.get("Accept")
        if method == "GET":
            if not params:  # SPARQL 1.1 Service Description, section 2: the endpoint describes itself
                self._describe_service(accept, head)
                return
            if "update" in params:
                raise HttpError(405, "updates must be POSTed (SPARQL 1.1 Protocol)")
            text = one(params, "query")
            body = service.query(text, accept, params.get("default-graph-uri", []), params.get("named-graph-uri", []))
            self._send(200, body.content_type, body.data, head, vary=True)  # chosen by Accept: caches must know
            return
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        raw = self._body()
        if content_type == "application/x-www-form-urlencoded":
            try:
                form = parse_qs(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False, errors="strict")
            except UnicodeDecodeError:
                raise HttpError(400, "the form is not UTF-8 (once its %XX escapes are decoded)") from None
            form = merged(params, form)
            one_operation("query" in form and "update" in form)
            if "update" in form:
                self._authorise_update(form)
                service.update(one(form, "update"))
                self._send(204, None, b"", head)
                return
            text = one(form, "query")
            graphs = form.get("default-graph-uri", []), form.get("named-graph-uri", [])
        elif content_type == "application/sparql-query":
            one_operation("update" in params)
            none_in_url(params, "query")
            text, graphs = utf8_text(raw), (params.get("default-graph-uri", []), params.get("named-graph-uri", []))
        elif content_type == "application/sparql-update":
            one_operation("query" in params)
            none_in_url(params, "update")
            self._authorise_update(params)
            service.update(utf8_text(raw))
            self._send(204, None, b"", head)
            return
        else:
            raise HttpError(415, f"POST /sparql takes application/sparql-query, application/sparql-update or "
                                 f"application/x-www-form-urlencoded, not {shown(content_type) or 'no Content-Type'}")
        body = service.query(text, accept, *graphs)
        self._send(200, body.content_type, body.data, head, vary=True)

    def _describe_service(self, accept: str | None, head: bool) -> None:
        from .description import service_description

        svc = self.server.service
        body = service_description(self._endpoint(), svc.writable, accept, svc.license)
        if body is None:
            raise HttpError(406, f"the service description is RDF: ask for one of {', '.join(GRAPH_OFFERS)}")
        self._send(200, body.content_type, body.data, head, vary=True, headers={"Vary": "Host"})  # the endpoint's name

    def _endpoint(self) -> str:
        """This server's ``/sparql`` URL, by the Host the client named if that is one of the server's own names
        (loopback, ``--host``, ``--allow-host``: :func:`.access.own_authority`), else by the address it listens on."""
        host, port = str(self.server.server_address[0]), int(self.server.server_address[1])
        authority = own_authority(self.server.access, port, self.headers)
        return f"http://{authority or (f'[{host}]' if ':' in host else host) + f':{port}'}/sparql"

    def _authorise_update(self, params: dict[str, list[str]]) -> None:
        """Refuse an update from another site's page, through a rebound DNS name, or without the token; then one
        that names graphs in parameters the store cannot honour (:func:`.protocol.no_using`)."""
        if not self.server.service.writable:
            return  # refused as read-only, with its own message
        authorise_update(self.server.access, int(self.server.server_address[1]), self.headers)
        no_using(params)

    def _body(self) -> bytes:
        self.server.reading_body(self.connection)  # a body cut short by the deadline is still answered 400
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
            raise HttpError(400, f"bad Content-Length {shown(', '.join(lengths))}: it must be one whole number of "
                                 "bytes, 0 or more")
        length = int(lengths[0])
        limit = self.server.service.limits.max_body
        if length > limit:
            self._drain(length)
            raise HttpError(413, f"the request body has {length} bytes; this server takes at most {limit} "
                                 "(the server's --max-body)")
        chunks: list[bytes] = []
        received = 0
        try:
            while received < length:  # piece by piece, so that what came before a timeout is counted
                chunk = self.rfile.read1(min(length - received, 65536))
                if not chunk:
                    break
                chunks.append(chunk)
                received += len(chunk)
        except OSError:  # one read waited longer than --request-timeout, or the connection broke
            pass
        data = b"".join(chunks)
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
            raise HttpError(404, f"nothing at {shown(path)}: try / (the query page), /sparql, /ontology or /id/...")
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise HttpError(404, f"{shown(iri)} is not an IRI") from None
        page_text = params.get("page", ["1"])[0]
        if not _PAGE.fullmatch(page_text) or not 1 <= int(page_text) <= 1_000_000:
            raise HttpError(400, f"page={shown(page_text)}: give a page number from 1 to 1000000 (digits 0-9)")
        wanted = params.get("format", [None])[0]
        if wanted and wanted.lower() not in FORMAT_PARAMETER:  # not silently the Accept header's choice
            raise HttpError(400, f"format={shown(wanted)}: give one of {', '.join(FORMAT_PARAMETER)}")
        status, content_type, data, more = self.server.service.describe(iri, self.headers.get("Accept"), wanted,
                                                                        int(page_text))
        following = quote(path, safe="/-_.~") + "?" + urlencode(  # RFC 8288: a client pages on by the Link
            {k: v for k, v in (("term", term), ("format", wanted)) if v} | {"page": str(int(page_text) + 1)})
        self._send(status, content_type, data, head, vary=True,
                   headers={"Link": f'<{following}>; rel="next"'} if more else None)

    def _static(self, rest: str, head: bool) -> None:
        kind, data = site_file(self.server.site_dir, rest)
        self._send(200, kind, data, head)

    # --- writing -------------------------------------------------------------------------------

    def _send(self, status: int, content_type: str | None, data: bytes, head: bool, vary: bool = False,
              headers: dict[str, str] | None = None) -> None:
        held = len(data) if len(data) > SMALL_ANSWER and not head else 0
        if held and not self.server.answers.take(held):
            mib = self.server.answers.limit / (1024 * 1024)
            data = (f"the server holds {mib:g} MiB of answers that other clients are still reading, its limit "
                    "(--max-running x --max-answer); retry later, or narrow the query\n").encode()
            status, content_type, held = 503, "text/plain; charset=utf-8", 0
            headers = {**(headers or {}), "Retry-After": "5"}
        try:
            self._write(status, content_type, data, head, vary, headers)
        finally:
            if held:
                self.server.answers.give(held)

    def _write(self, status: int, content_type: str | None, data: bytes, head: bool, vary: bool,
               headers: dict[str, str] | None) -> None:
        self._answered = True
        self.send_response(status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else None)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        cors, own = self.server.cors, dict(headers or {})
        varies = ((["Accept"] if vary else []) + ([own.pop("Vary")] if "Vary" in own else [])
                  + (["Origin"] if cors.origins else []))  # caches must know
        if varies:
            self.send_header("Vary", ", ".join(varies))
        for name, value in {**own, **cors.headers(getattr(self, "headers", None))}.items():
            self.send_header(name, value)
        self.send_header("X-Content-Type-Options", "nosniff")
        try:
            self.end_headers()
            if not head:
                self.wfile.write(data)  # one sendall(), whose timeout bounds the whole answer: keep it one call
        except OSError:  # the client left, or did not take the whole answer within --request-timeout
            self.close_connection = True


__all__ = ["Access", "CoopsecHTTPServer", "Handler", "is_loopback"]
