"""One interface to the triple store, several backends.

``open_store("memory:")`` gives an in-memory embedded store, ``open_store("oxigraph:DIR")`` an
on-disk one (both pyoxigraph). Every backend answers the same ``.rq`` files.

Code outside this package asks a store what it can do, never what it is: the :class:`Capabilities`
every store has (``writable``, ``ephemeral``, ``shared``, ``closed``), and the optional protocols
:class:`BulkLoading` (loads and publishes new graphs with the bulk loader) and :class:`InProcess` (hands
over its pyoxigraph store, for ``coopsec serve``), checked with ``isinstance``. A spec is read by
:func:`parse_spec` alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import pyoxigraph as ox

from ..errors import UsageError
from ..queries import Query
from .rows import Bindings, Row, Rows, Term


@runtime_checkable
class Capabilities(Protocol):
    """What a store can do, asked of the store instead of testing its class or its spec.

    ``writable``: updates are accepted (a SPARQL endpoint without an update URL is read only; an on-disk
    store whose folder this user cannot write is opened read only).
    ``ephemeral``: the data go when the store is closed (``memory:``), so a command that needs the
    bundled knowledge graph loads it first, and what is written into it is not kept.
    ``shared``: other processes reach the store while this one uses it (a SPARQL endpoint); an embedded
    store is private to its process (in memory) or locked by it (on disk).
    ``closed``: :meth:`Store.close` was called (an embedded store let its data or its lock go).
    """

    @property
    def writable(self) -> bool: ...

    @property
    def ephemeral(self) -> bool: ...

    @property
    def shared(self) -> bool: ...

    @property
    def closed(self) -> bool: ...


@runtime_checkable
class Store(Capabilities, Protocol):
    """What the rest of coopsec needs from a store: its queries and writes, and its capabilities."""

    spec: str

    def select(self, query: Query | str, bindings: Bindings | None = None) -> Rows:
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
class BulkLoading(Protocol):
    """A store that loads RDF in bulk into named graphs, bypassing SPARQL updates (the embedded
    pyoxigraph store). Callers check ``isinstance(store, BulkLoading)``."""

    def bulk_load_ntriples(self, data: bytes, graph: ox.NamedNode, lenient: bool = False) -> None:
        """Load N-Triples into ``graph`` (not transactional: for a graph that may exist, use
        :meth:`replace_graph_ntriples`).
        ``lenient`` skips the parser's validation of IRIs: only for text the project wrote itself from
        checked values (the dyad-year graph), never for a user's file."""

    def drop_graph(self, graph: ox.NamedNode) -> None:
        """Remove ``graph`` if it exists (to undo a bulk load that failed)."""

    def replace_graph_ntriples(self, graph: ox.NamedNode, chunks: Iterable[bytes], lenient: bool = False,
                               beside: Mapping[ox.NamedNode, list[ox.Triple]] | None = None) -> int:
        """Replace ``graph`` whole with N-Triples text in chunks, all or nothing, at the bulk loader's speed;
        returns the lines loaded. The small graphs ``beside`` (the load's record) replace theirs in the same
        step."""

    def new_graphs(self, names: Iterable[ox.NamedNode]) -> AbstractContextManager[ox.Store]:
        """Write graphs that do not exist yet through the pyoxigraph store the block gets (``bulk_load``
        straight from a file, ``bulk_extend``): hidden from queries while the block runs, published whole
        when it ends, dropped if it raises or the process dies."""

    def keep_copy_of_files(self, graph: ox.NamedNode, files: Sequence[tuple[Path, ox.RdfFormat, str]]) -> None:
        """Record the N-Triples of a graph that ``new_graphs`` loads straight from ``files`` (path, format,
        base IRI), parsed as the bulk loader parses them, so that replacing the graph later need not read
        it back out of the store. Safe to run in a thread beside the load; any failure only means no copy."""


@runtime_checkable
class InProcess(Protocol):
    """A store held in this process whose pyoxigraph store can be handed to code that runs queries itself
    (``coopsec serve`` answers from it in worker processes). ``path`` is its folder, None in memory."""

    path: Path | None

    @property
    def raw(self) -> ox.Store: ...

    @property
    def reader(self) -> ox.Store:
        """The pyoxigraph store to run queries on, without the graphs it hides (an unpublished load)."""
        ...


@runtime_checkable
class LocalStore(Store, InProcess, Protocol):
    """A store held in this process (``memory:`` or ``oxigraph:DIR``): the :class:`Store` interface, and its
    pyoxigraph store for code that runs queries itself (:class:`InProcess`)."""


@dataclass(frozen=True)
class StoreSpec:
    """A store spec as read (:func:`parse_spec`): what the store will be, before it is opened."""

    scheme: str  # memory, oxigraph or sparql
    location: str  # the folder, or the endpoint URLs; empty for memory

    @property
    def ephemeral(self) -> bool:
        return self.scheme == "memory"

    @property
    def shared(self) -> bool:
        return self.scheme == "sparql"

    def exists(self) -> bool:
        """False for an on-disk store whose folder does not exist yet (opening it would create it)."""
        return self.scheme != "oxigraph" or Path(self.location).expanduser().exists()

    @property
    def key(self) -> str:
        """The same for two specs of the same store (``oxigraph:kb`` and ``oxigraph:./kb/``)."""
        if self.scheme == "oxigraph":
            return "oxigraph:" + str(Path(self.location).expanduser().resolve())
        return f"{self.scheme}:{self.location}"


def parse_spec(spec: str) -> StoreSpec:
    """Read a spec (``memory:``, ``oxigraph:DIR``, ``sparql:QUERY_URL[,UPDATE_URL]``), or a usage error that
    lists the three."""
    scheme, _, rest = spec.partition(":")
    if (scheme == "memory" and not rest) or (scheme in ("oxigraph", "sparql") and rest):
        return StoreSpec(scheme, rest)
    raise UsageError(
        f"unknown store {spec!r}: use memory: (in memory, the default), "
        "oxigraph:DIR (an on-disk store in folder DIR) or sparql:QUERY_URL[,UPDATE_URL] (a SPARQL 1.1 endpoint)"
    )


def open_store(spec: str = "memory:") -> Store:
    """Open a store from its spec: ``memory:``, ``oxigraph:DIR`` or ``sparql:QUERY_URL[,UPDATE_URL]``.

    ``sparql:`` reaches any SPARQL 1.1 endpoint (Oxigraph server, Fuseki, Virtuoso, GraphDB; QLever read
    only); without an update URL the store is read only. A third URL, the Graph Store Protocol
    endpoint, is optional (found by itself for Oxigraph and Fuseki). Time-outs and retries come from
    ``COOPSEC_SPARQL_TIMEOUT``, ``COOPSEC_SPARQL_RETRIES`` and ``COOPSEC_SPARQL_BACKOFF``.
    """
    from .embedded import EmbeddedStore

    parsed = parse_spec(spec)
    if parsed.scheme == "memory":
        return EmbeddedStore(None)
    if parsed.scheme == "oxigraph":
        return EmbeddedStore(parsed.location)
    from .remote import RemoteStore

    return RemoteStore.from_spec(parsed.location)


def open_snapshot(path: str) -> LocalStore:
    """The on-disk store at ``path`` as it is now, read-only, beside the process that may be writing it
    (``coopsec serve``'s query workers); an :class:`InProcess` store. Graphs of an unpublished load stay hidden."""
    from .embedded import EmbeddedStore

    return EmbeddedStore.snapshot(path)


__all__ = ["Store", "Capabilities", "BulkLoading", "InProcess", "LocalStore", "StoreSpec", "Row", "Rows", "Term",
           "Bindings", "open_store", "open_snapshot", "parse_spec"]
