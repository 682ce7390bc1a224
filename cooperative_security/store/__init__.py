"""One interface to the triple store, several backends.

``open_store("memory:")`` gives an in-memory embedded store, ``open_store("oxigraph:DIR")`` an
on-disk one (both pyoxigraph). Every backend answers the same ``.rq`` files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, runtime_checkable

import pyoxigraph as ox

from ..errors import UsageError
from ..queries import Query

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term | None]
Bindings = Mapping[str, Term]


@runtime_checkable
class Store(Protocol):
    """What the rest of coopsec needs from a store."""

    spec: str

    def select(self, query: Query | str, bindings: Bindings | None = None) -> list[Row]:
        """Run a SELECT; each row maps variable names to terms (None when unbound)."""

    def ask(self, query: Query | str, bindings: Bindings | None = None) -> bool: ...

    def construct(self, query: Query | str, bindings: Bindings | None = None) -> list[ox.Triple]: ...

    def update(self, update: Query | str) -> None:
        """Run a SPARQL update atomically."""

    def replace_graphs(self, graphs: Mapping[ox.NamedNode, Iterable[ox.Triple]]) -> int:
        """Atomically replace the content of each named graph; returns the triples written."""

    def graph_names(self) -> list[str]: ...

    def count(self, graph: ox.NamedNode | None = None) -> int: ...

    def quads(self, graph: ox.NamedNode | None = None) -> Iterable[ox.Quad]: ...

    def close(self) -> None: ...


@runtime_checkable
class Capabilities(Protocol):
    """What a store can do, asked of the store instead of testing its class or its spec.

    ``writable``: updates are accepted (a SPARQL endpoint without an update URL is read only).
    ``ephemeral``: the data go when the store is closed (``memory:``), so a command that needs the
    bundled knowledge graph loads it first.
    """

    writable: bool
    ephemeral: bool


@runtime_checkable
class BulkLoading(Protocol):
    """A store that loads N-Triples in bulk into a named graph, bypassing SPARQL updates (the embedded
    pyoxigraph store). Callers check ``isinstance(store, BulkLoading)``."""

    def bulk_load_ntriples(self, data: bytes, graph: ox.NamedNode) -> None:
        """Load N-Triples into ``graph`` (not transactional: load into a temporary graph and switch)."""

    def drop_graph(self, graph: ox.NamedNode) -> None:
        """Remove ``graph`` if it exists (to undo a bulk load that failed)."""


def open_store(spec: str = "memory:") -> Store:
    """Open a store from its spec: ``memory:``, ``oxigraph:DIR`` or ``sparql:QUERY_URL[,UPDATE_URL]``.

    ``sparql:`` reaches any SPARQL 1.1 endpoint (Oxigraph server, Fuseki, Virtuoso, GraphDB; QLever read
    only); without an update URL the store is read only. A third URL, the Graph Store Protocol
    endpoint, is optional (found by itself for Oxigraph and Fuseki). Time-outs and retries come from
    ``COOPSEC_SPARQL_TIMEOUT``, ``COOPSEC_SPARQL_RETRIES`` and ``COOPSEC_SPARQL_BACKOFF``.
    """
    from .embedded import EmbeddedStore

    scheme, _, rest = spec.partition(":")
    if scheme == "memory" and not rest:
        return EmbeddedStore(None)
    if scheme == "oxigraph" and rest:
        return EmbeddedStore(rest)
    if scheme == "sparql" and rest:
        from .remote import RemoteStore

        return RemoteStore.from_spec(rest)
    raise UsageError(
        f"unknown store {spec!r}: use memory: (in memory, the default), "
        "oxigraph:DIR (an on-disk store in folder DIR) or sparql:QUERY_URL[,UPDATE_URL] (a SPARQL 1.1 endpoint)"
    )


__all__ = ["Store", "Capabilities", "BulkLoading", "Row", "Term", "Bindings", "open_store"]
