"""Run SPARQL requests against the store under the server's limits.

Queries, and the IRI pages, run in a pool of worker processes (:mod:`.pool`) that open the store
read-only under memory and CPU caps and are killed at the time limit, so no query can take the server
down or hold a core after its answer. Before a worker sees it, the text is checked (:mod:`.guard`):
nesting deeper than ``max_depth`` is refused with a 400, SERVICE and LOAD with a 403 unless their host
is on ``--allow-service``. Updates (``--writable`` only) run in the writer (:class:`.pool.Writer`), a child
that alone holds the store read-write, under the same caps, killed at the time limit (its transaction
then commits nothing); after each update the query workers are replaced, so they see it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from .guard import MAX_DEPTH, check_sparql
from .httperror import HttpError, shown
from .pool import WorkerLimits, WorkerPool, Writer
from .results import (
    Body,
)

T = TypeVar("T")

MIB = 1024 * 1024
# Text that may run a SERVICE or a LOAD (escapes included: SERVIC\u0045): on a server with --allow-service,
# a failure of such a request is answered 502, as the other server's (see worker.answer)
_MAY_FETCH = re.compile(r"service|load|\\u", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    """The server's limits; every one is a command-line option of ``coopsec serve``."""

    timeout: float = 10.0
    max_results: int = 10_000
    max_body: int = 1_000_000
    max_running: int = 4
    query_memory: int = 1024 * MIB  # address space of one query worker (RLIMIT_AS)
    max_answer: int = 64 * MIB  # bytes of one answer
    max_depth: int = MAX_DEPTH  # nesting of brackets and braces in a query
    request_timeout: float = 10.0  # seconds a client has to send its request, and to read each answer
    max_connections: int = 64  # connections open at once; more are answered 503
    page_size: int = 500  # rows of an IRI page's tables, per page
    max_headers: int = 64 * 1024  # bytes of a request's headers, all together (each line is under 64 KiB)


class QueryService:
    """The SPARQL side of the server: the store, its query workers, limits, and the writable switch.

    ``path`` is the store's folder; for an in-memory store (``None``) a copy of ``store`` is written to
    a temporary folder for the workers to open, and, on a writable server, takes the updates. On a
    writable server nothing in this process may hold the folder read-write: the writer does.
    """

    def __init__(self, store: ox.Store | None, limits: Limits, writable: bool = False,
                 path: str | Path | None = None, allow_service: Collection[str] = (),
                 license: str | None = None) -> None:  # noqa: A002
        self.limits = limits
        self.writable = writable
        self.license = license  # the data's licence from the ontology's header, read at start
        self.allow_service = tuple(allow_service)
        self._temporary: Path | None = None
        if path is None:
            if store is None:
                raise ValueError("an in-memory store must be given to be served")
            self._temporary = Path(tempfile.mkdtemp(prefix="coopsec-serve-"))
            copy = ox.Store(str(self._temporary))
            copy.bulk_extend(store.quads_for_pattern(None, None, None, None))
            copy.flush()
            del copy  # the lock is let go: the workers open it read-only, the writer read-write
            path = self._temporary
        self.path = str(path)
        worker_limits = WorkerLimits(limits.timeout, limits.query_memory, limits.max_answer)
        self.writer: Writer | None = None
        try:
            self.pool = WorkerPool(self.path, limits.max_running, worker_limits)
            if writable:
                self.writer = Writer(self.path, worker_limits)
        except BaseException:
            if getattr(self, "pool", None) is not None:
                self.pool.close()
            self._drop_temporary()
            raise

    def query(self, text: str, accept: str | None, default_graphs: Sequence[str] = (),
              named_graphs: Sequence[str] = ()) -> Body:
        """Answer a query; raises :class:`HttpError` for every failure."""
        check_sparql(text, self.allow_service, self.limits.max_depth)
        for g in (*default_graphs, *named_graphs):
            try:
                ox.NamedNode(g)
            except ValueError:
                raise HttpError(400, f"{shown(g)} is not an IRI (default-graph-uri, named-graph-uri)") from None
        header, body = self.pool.run({"kind": "query", "text": text, "accept": accept,
                                      "default_graphs": list(default_graphs), "named_graphs": list(named_graphs),
                                      "max_results": self.limits.max_results, "fetches": self._fetches(text)},
                                     wait=min(1.0, self.limits.timeout))
        return Body(self._content_type(header), body)

    def describe(self, iri: str, accept: str | None, format_parameter: str | None,
                 page: int) -> tuple[int, str, bytes, bool]:
        """An IRI's page (HTML, Turtle...), built by a worker under the same limits as a query, and whether a
        later page holds more of it."""
        header, body = self.pool.run({"kind": "describe", "iri": iri, "accept": accept, "format": format_parameter,
                                      "page": page, "page_size": self.limits.page_size},
                                     wait=min(1.0, self.limits.timeout))
        if "content_type" not in header:
            raise HttpError(int(header.get("status", 500)), str(header.get("message", "the page failed")))
        return int(header["status"]), str(header["content_type"]), body, bool(header.get("more"))

    def void(self, endpoint: str, accept: str | None) -> Body:
        """``/.well-known/void``: the dataset's VoID description, built by a worker under the query limits."""
        header, body = self.pool.run({"kind": "void", "endpoint": endpoint, "accept": accept},
                                     wait=min(1.0, self.limits.timeout))
        return Body(self._content_type(header), body)

    def page(self, name: str) -> bytes:
        """``/map`` (``concepts``) or ``/citations``, built by a worker under the same limits as a query."""
        header, body = self.pool.run({"kind": "page", "page": name}, wait=min(1.0, self.limits.timeout))
        self._content_type(header)
        return body

    @staticmethod
    def _content_type(header: dict[str, Any]) -> str:
        if header.get("status") != 200 or "content_type" not in header:
            raise HttpError(int(header.get("status", 500)), str(header.get("message", "the query failed")))
        return str(header["content_type"])

    def _fetches(self, text: str) -> bool:
        """Whether the request may reach another server: only with --allow-service, and text naming them."""
        return bool(self.allow_service) and _MAY_FETCH.search(text) is not None

    def update(self, text: str) -> None:
        if not self.writable:
            raise HttpError(403, "this endpoint is read-only: updates are refused "
                                 "(start the server with `coopsec serve --writable` to allow them)")
        check_sparql(text, self.allow_service, self.limits.max_depth, what="update")
        assert self.writer is not None
        # an update queues behind the one running (for up to the time limit), then has the time limit itself
        header, _ = self.writer.run({"kind": "update", "text": text, "fetches": self._fetches(text)},
                                    wait=self.limits.timeout)
        if header.get("status") != 204:
            raise HttpError(int(header.get("status", 500)), str(header.get("message", "the update failed")))
        self.pool.refresh()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.pool.close()
        self._drop_temporary()

    def _drop_temporary(self) -> None:
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)
            self._temporary = None
