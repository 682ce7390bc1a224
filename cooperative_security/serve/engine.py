"""Run SPARQL requests against the store under the server's limits.

Each query runs in its own worker thread; the request waits for it at most ``timeout`` seconds.
pyoxigraph cannot cancel a running query: after the deadline the request answers 503 and the worker
stops at the next result row it reads, but a query that computes everything before its first row
(an ORDER BY or a COUNT over a cross product) runs on until it ends. ``max_running`` bounds how
many such workers can exist at once, so runaway queries cannot pile up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from .negotiate import choose
from .results import (
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    Body,
    Cancelled,
    TooManyResults,
    boolean_body,
    solutions_body,
    triples_body,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """The server's limits; every one is a command-line option of ``coopsec serve``."""

    timeout: float = 10.0
    max_results: int = 10_000
    max_body: int = 1_000_000
    max_running: int = 4


class HttpError(Exception):
    """An answer other than 200, with the message a person reads."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


SOLUTION_OFFERS = list(SOLUTION_FORMATS)
GRAPH_OFFERS = list(GRAPH_FORMATS)


class QueryService:
    """The SPARQL side of the server: one pyoxigraph store, limits, and the writable switch."""

    def __init__(self, store: ox.Store, limits: Limits, writable: bool = False) -> None:
        self.store = store
        self.limits = limits
        self.writable = writable
        self._slots = threading.BoundedSemaphore(limits.max_running)

    def query(self, text: str, accept: str | None, default_graphs: Sequence[str] = (),
              named_graphs: Sequence[str] = ()) -> Body:
        """Answer a query; raises :class:`HttpError` for every failure."""
        options: dict[str, object] = {}
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            options["use_default_graph_as_union"] = True
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]

        def work(cancel: threading.Event) -> Body:
            try:
                result = self.store.query(text, **options)  # type: ignore[arg-type]
            except SyntaxError as exc:
                raise HttpError(400, f"the query is not valid SPARQL: {exc}") from None
            if isinstance(result, ox.QueryBoolean):
                media = self._media(accept, SOLUTION_OFFERS, "an ASK query")
                return boolean_body(result, media)
            if isinstance(result, ox.QuerySolutions):
                media = self._media(accept, SOLUTION_OFFERS, "a SELECT query")
                return solutions_body(result, media, self.limits.max_results, cancel)
            media = self._media(accept, GRAPH_OFFERS, "a CONSTRUCT or DESCRIBE query")
            return triples_body(result, media, self.limits.max_results, cancel)

        return self._run(work, "query")

    def update(self, text: str) -> None:
        if not self.writable:
            raise HttpError(403, "this endpoint is read-only: updates are refused "
                                 "(start the server with `coopsec serve --writable` to allow them)")

        def work(cancel: threading.Event) -> None:
            try:
                self.store.update(text)
            except SyntaxError as exc:
                raise HttpError(400, f"the update is not valid SPARQL: {exc}") from None

        self._run(work, "update")

    @staticmethod
    def _media(accept: str | None, offers: list[str], what: str) -> str:
        media = choose(accept, offers)
        if media is None:
            raise HttpError(406, f"cannot answer {what} in any type the Accept header allows ({accept}); "
                                 f"available: {', '.join(offers)}")
        return media

    def _run(self, work: Callable[[threading.Event], T], what: str) -> T:
        if not self._slots.acquire(timeout=min(1.0, self.limits.timeout)):
            raise HttpError(503, f"the server is busy: {self.limits.max_running} queries are running "
                                 "(the server's --max-running); retry later")
        cancel = threading.Event()
        outcome: dict[str, object] = {}

        def target() -> None:
            try:
                outcome["value"] = work(cancel)
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting request
                # Drop the traceback here: its frames hold pyoxigraph results, which must die on this thread.
                outcome["error"] = exc.with_traceback(None)
                exc.__context__ = exc.__cause__ = None
            finally:
                self._slots.release()

        worker = threading.Thread(target=target, name=f"coopsec-{what}", daemon=True)
        worker.start()
        worker.join(self.limits.timeout)
        if worker.is_alive():
            cancel.set()
            if what == "update":
                raise HttpError(503, f"the update took longer than {self.limits.timeout:g} s (the server's "
                                     "--timeout); it may still complete: check the store before retrying")
            raise HttpError(503, f"the query took longer than {self.limits.timeout:g} s (the server's --timeout); "
                                 "narrow it or add a LIMIT")
        error = outcome.get("error")
        if isinstance(error, HttpError):
            raise error
        if isinstance(error, TooManyResults):
            raise HttpError(422, str(error))
        if isinstance(error, Cancelled):
            raise HttpError(503, "the query was cancelled")
        if isinstance(error, OSError):
            raise HttpError(500, f"the store failed: {error}")
        if isinstance(error, BaseException):
            raise HttpError(500, f"{type(error).__name__}: {error}")
        return outcome.get("value")  # type: ignore[return-value]
