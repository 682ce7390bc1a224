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
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from ..errors import StoreError
from ..namespaces import GRAPH
from ..queries import Query, load_query
from .remote_bounds import DeadlinePassed, Limits, ResponseTooLarge, open_bounded, read_bounded
from .remote_errors import (
    EndpointRejected,
    EndpointUnavailable,
    PartialUpload,
    ReadOnlyEndpoint,
    _classify,
    _detached,
    _Transient,
)
from .rows import Bindings, Rows
from .sparql_text import replace_graphs_update, with_values

T = TypeVar("T")


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
