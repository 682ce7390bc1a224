"""A query worker: a child process that opens the store read-only and answers one request at a time.

The same code, started with ``writer=True``, is the server's one writer: it opens the store
read-write and runs updates (``--writable``), under the same caps.

Forked by :class:`~cooperative_security.serve.pool.WorkerPool` (from a fork server that has imported
this module, and so pyoxigraph and the page builders, once). Once it has opened the store it caps its
own address space (``RLIMIT_AS``: what it maps by then plus ``--query-memory``), so a query that asks
for more memory fails here, in this process, and never in the server. Before each request it caps
its CPU time (``RLIMIT_CPU``) a little above the time limit, a second line behind the server, which
kills it at the time limit.

On its pipe, a request is one JSON message; an answer is two messages, a JSON header (status,
content_type or message) and the body.
"""

from __future__ import annotations

import json
import math
import resource
import sys
from typing import Any

from ..errors import StoreError
from ..site.interactive import served_page
from ..store import LocalStore, open_snapshot, open_store
from .answer import run_query
from .httperror import HttpError
from .linked import describe, path_for_iri
from .results import TooManyResults
from .vocabulary import ontology_document
from .void import void_body

MAX_REQUEST = 64 * 1024 * 1024
_PARSER = "error at "  # how oxigraph's SPARQL parser begins its messages: "error at 1:6: expected [_]"


def _limit_cpu(seconds: float) -> None:
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(spent + seconds) + 1
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _address_space() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _capped(data: bytes, request: dict[str, Any], how: str) -> bytes:
    if len(data) > request["max_answer"]:
        raise HttpError(422, f"the answer has {len(data)} bytes, more than the {request['max_answer']} "
                             f"this server sends (the server's --max-answer); {how}")
    return data


def answer(kg: LocalStore, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Run one request; every failure becomes a status and a message."""
    store = kg.reader  # the graphs of an unpublished load or an unfinished replacement stay hidden
    try:
        kind = request["kind"]
        if kind == "update":
            try:
                kg.update(request["text"])  # one transaction: all of it, or (killed, failed) nothing
            except StoreError as exc:
                raise HttpError(507 if "is full" in str(exc) else 500, str(exc)) from None
            return {"status": 204}, b""
        if kind == "describe":
            document = ontology_document(kg, request["iri"], request.get("accept"), request.get("format"),
                                         request.get("page", 1))
            rep = document or describe(store, request["iri"], request.get("accept"), request.get("format"),
                                       request.get("page", 1), request["page_size"])
            how = "the ontology is one document, not paged: ask /sparql for a part" if document else \
                "ask for a later page"
            return ({"status": rep.status, "content_type": rep.content_type, "more": rep.more},
                    _capped(rep.data, request, how))
        if kind == "void":  # /.well-known/void
            body = void_body(kg, request["endpoint"], request.get("accept"))
            return {"status": 200, "content_type": body.content_type}, _capped(
                body.data, request, "ask /sparql for the counts instead")
        if kind == "page":  # /map and /citations
            html = served_page(kg, "concepts" if request["page"] == "concepts" else "citations", path_for_iri).encode()
            return {"status": 200, "content_type": "text/html; charset=utf-8"}, _capped(
                html, request, "the graph has outgrown this picture; query it at /sparql instead")
        body = run_query(store, request["text"], request.get("accept"), request.get("default_graphs", []),
                         request.get("named_graphs", []), request["max_results"])
        return {"status": 200, "content_type": body.content_type}, _capped(
            body.data, request, "add a LIMIT or select fewer or shorter values")
    except HttpError as exc:
        return {"status": exc.status, "message": exc.message}, b""
    except TooManyResults as exc:
        return {"status": 422, "message": str(exc)}, b""
    except MemoryError:
        return {"status": 503, "message": "the query needed more memory than this server gives one query "
                                          "(the server's --query-memory); narrow it or add a LIMIT"}, b""
    except (SyntaxError, OSError, RuntimeError, ValueError, TypeError) as exc:
        status, message = _failure(exc, request)
        return {"status": status, "message": message}, b""


def _failure(exc: Exception, request: dict[str, Any]) -> tuple[int, str]:
    """The status and message of a request pyoxigraph failed. What another server said (a SERVICE's or a
    LOAD's answer, which oxigraph puts in its error) is never relayed: it goes to the server's log."""
    what = "update" if request["kind"] == "update" else "query"
    if isinstance(exc, SyntaxError) and str(exc).startswith(_PARSER):
        return 400, f"the {what} is not valid SPARQL: {exc}"
    fetched = request.get("fetches") or isinstance(exc, SyntaxError)  # a syntax error in data read, not the text
    if isinstance(exc, (ValueError, TypeError)) and not fetched:
        return 400, f"the {what} failed: {exc}"
    text = str(exc) if len(str(exc)) <= 500 else str(exc)[:500] + "..."
    print(f"coopsec serve: a {what} failed: {type(exc).__name__}: {text!r}", file=sys.stderr, flush=True)
    if fetched:  # OSError is how oxigraph reports an HTTP error, a refused connection, a LOAD that failed
        return 502, (f"a SERVICE or LOAD of this {what} failed: the host it names did not answer, or answered "
                     "with an error or with data that could not be read (what it said is not relayed; the "
                     "server's log has it)")
    return 500, f"the store failed on this {what} (the server's log has the details)"


def serve_pipe(connection: Any, path: str, memory: int, writer: bool = False) -> None:
    """The worker's life: open the store (read-only; read-write for the writer), cap its memory, answer
    requests until the pipe closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle; it stops the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file behind
    try:
        store = open_store(f"oxigraph:{path}") if writer else open_snapshot(path)
        assert isinstance(store, LocalStore)  # an oxigraph:DIR store is one
    except (OSError, StoreError) as exc:
        connection.send_bytes(json.dumps({"ready": False, "error": str(exc)}).encode())
        return
    if memory > 0:
        # the cap is on top of what the worker maps once the store is open (the interpreter, pyoxigraph,
        # the store's threads, their stacks and malloc arenas, its caches: several hundred MB of address
        # space, most of it never touched, and more on a machine with more cores), so it is what a query
        # may add. Capping before the open made RocksDB's thread start fail on some machines (EAGAIN).
        cap = _address_space() + memory
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    connection.send_bytes(b'{"ready": true}')
    while True:
        try:
            data = connection.recv_bytes(MAX_REQUEST)
        except (EOFError, OSError):
            store.close()  # the writer's last writes flushed, its lock let go
            return
        request = json.loads(data)
        _limit_cpu(float(request.get("cpu", 60)))
        header, body = answer(store, request)
        connection.send_bytes(json.dumps(header).encode())
        connection.send_bytes(body)
