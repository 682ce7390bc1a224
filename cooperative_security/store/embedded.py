"""The embedded backend: pyoxigraph, in memory or in an on-disk folder.

``EmbeddedStore`` is built from parts, each in its own module: the folder's files and checks (folder.py),
loads published through a journal (journal.py, ``Loads``), graph copies (copies.py, ``Copies``), and
replacements (replacement.py, ``Replacement``; journalled ones in replacement_journal.py). This module
opens, recovers, queries and closes the store.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from ..errors import ClosedStore, StoreError
from ..queries import Query
from .dataset import names_default_graph
from .folder import (
    BYTES_PER_TRIPLE,
    JOURNAL_FILE,
    OPEN_HERE,
    STAGING_PREFIX,
    cannot_write,
    disk_full,
    free_space,
    holder,
    not_another_folder,
    release_owner,
    remove_leftovers,
    write_owner,
)
from .graphs import VisibleStore, graph_size
from .replacement import Replacement
from .rows import Bindings, Rows
from .sparql_text import with_values

__all__ = ["EmbeddedStore", "VisibleStore", "graph_size"]


class EmbeddedStore(Replacement):
    """A pyoxigraph ``Store``; ``path=None`` keeps it in memory."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path).expanduser() if path is not None else None
        self.spec = f"oxigraph:{self.path}" if self.path else "memory:"
        #: why the store is open read-only (its folder cannot be written), or None when it is writable
        self.read_only_reason: str | None = None
        if self.path:
            not_another_folder(self.path)
            remove_leftovers(self.path)  # first: on a full disk, they may be what keeps the store from opening
        try:
            self._store = ox.Store(str(self.path)) if self.path else ox.Store()
        except OSError as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise StoreError(
                    f"the store {self.path} is in use by another process{holder(self.path) if self.path else ''}; "
                    "close that process, or share the store through `coopsec serve`"
                ) from exc
            if self.path and cannot_write(exc):
                self._store = self._open_read_only(exc)
            elif self.path and disk_full(exc):
                raise StoreError(f"cannot open the store {self.path}: the disk holding it is full "
                                 f"({free_space(self.path)} free; opening needs a few MB for its log); free some "
                                 "space on that disk and retry") from exc
            else:
                raise StoreError(f"cannot open the store {self.path}: {text}") from exc
        #: graphs queries must not see: unpublished bulk loads, and leftovers being dropped
        self._hidden: frozenset[ox.NamedNode] = frozenset()
        self._cleaner: threading.Thread | None = None
        self._cleaner_error: BaseException | None = None
        if self.path and self.read_only_reason:
            # an interrupted load or replacement stays hidden; no one finishes it
            self._hidden = frozenset(self._read_journal()) | frozenset(self._read_replacement())
            self._refuse_half_rebuilt()
        elif self.path:
            OPEN_HERE.add(str(self.path.resolve()))
            write_owner(self.path)
            try:
                self._recover()
            except BaseException:
                release_owner(self.path)
                OPEN_HERE.discard(str(self.path.resolve()))
                del self._store  # let the lock go: the caller gets the error, not a held store
                raise

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        # only for attributes not found: after close(), the pyoxigraph store is gone, and a property that
        # reads it (``raw``, ``reader``) fails with an AttributeError that lands here under its own name
        if "_store" not in self.__dict__ and (name == "_store" or hasattr(type(self), name)):
            raise ClosedStore(f"the store {self.spec} was closed; open it again (`cs.open(...)`, `open_store(...)`)")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @classmethod
    def snapshot(cls, path: str | os.PathLike[str]) -> EmbeddedStore:
        """The store at ``path`` as it is now, read-only, beside the process that may be writing it
        (``coopsec serve``'s query workers). Graphs of an unpublished load stay hidden."""
        self = cls.__new__(cls)
        self.path = Path(path)
        self.spec = f"oxigraph:{self.path}"
        self.read_only_reason = "a read-only snapshot"
        self._store = ox.Store.read_only(str(self.path))
        self._cleaner = None
        self._cleaner_error = None
        self._hidden = (frozenset(self._read_journal()) | frozenset(self._read_replacement())
                        | frozenset(g for g in self._store.named_graphs()
                                    if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX)))
        self._refuse_half_rebuilt()
        return self

    def _open_read_only(self, exc: OSError) -> ox.Store:
        """A folder this user cannot write: open it read-only, for the commands that only read."""
        assert self.path is not None
        try:
            store = ox.Store.read_only(str(self.path))
        except OSError as again:
            raise StoreError(f"cannot open the store {self.path}: {exc}; read-only neither: {again}") from again
        self.read_only_reason = exc.strerror or str(exc)
        return store

    # -- crash recovery ---------------------------------------------------------------------------

    def _recover(self) -> None:
        """Undo what a killed process left: temporary files, and graphs it never published.

        Temporary table files are deleted at once. Unpublished graphs are hidden from every query
        at once and dropped by a background thread (about 10 s per million triples), so the store
        opens in well under a second; writing waits for the drop, and so does ``close``.
        """
        assert self.path is not None
        remove_leftovers(self.path, check_lock=False)  # this process holds the store now
        (self.path / (JOURNAL_FILE + ".tmp")).unlink(missing_ok=True)  # the load never began
        self._finish_replacement()
        unpublished = set(self._read_journal())
        unpublished |= {g for g in self._store.named_graphs()
                        if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX)}
        if unpublished:
            self._hidden = frozenset(unpublished)
            self._cleaner = threading.Thread(target=self._drop_hidden, name="coopsec-recovery", daemon=True)
            self._cleaner.start()

    def _dataset(self, text: str) -> dict[str, Any]:
        """Query options: the default graph is the union of the named graphs, as on the server (unless the
        query names its own with ``FROM``: :func:`.dataset.names_default_graph`), and hidden graphs are
        kept out of both it and ``GRAPH ?g`` (none are hidden in the usual case)."""
        union = not names_default_graph(text)
        hidden = self._hidden
        if not hidden:
            return {"use_default_graph_as_union": True} if union else {}
        visible = [g for g in self._store.named_graphs() if isinstance(g, ox.NamedNode) and g not in hidden]
        return {"named_graphs": visible, **({"default_graph": visible} if union else {})}

    # capabilities (store/__init__.py: Capabilities, BulkLoading)
    @property
    def writable(self) -> bool:
        """False when the store's folder could only be opened read-only (see ``read_only_reason``)."""
        return self.read_only_reason is None

    @property
    def ephemeral(self) -> bool:
        return self.path is None

    #: private to this process (in memory) or locked by it (on disk): share it through `coopsec serve`
    shared = False

    @property
    def closed(self) -> bool:
        return "_store" not in self.__dict__

    def bulk_load_ntriples(self, data: bytes, graph: ox.NamedNode, lenient: bool = False) -> None:
        self._writable()
        self.raw.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=lenient)

    def drop_graph(self, graph: ox.NamedNode) -> None:
        if self.raw.contains_named_graph(graph):
            self.raw.remove_graph(graph)

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store, for bulk work that needs it directly (after any recovery is done)."""
        self._settle()
        return self._store

    @property
    def reader(self) -> ox.Store:
        """The pyoxigraph store for running queries on directly, without the graphs this store hides
        (the store itself when it hides none; else a :class:`VisibleStore`, which stands in for it)."""
        hidden = self._hidden
        return cast(ox.Store, VisibleStore(self._store, hidden)) if hidden else self._store

    def _run(self, query: Query | str, bindings: Bindings | None):  # type: ignore[no-untyped-def]
        text = query.text if isinstance(query, Query) else query
        try:
            return self._store.query(with_values(text, bindings or {}), **self._dataset(text))
        except SyntaxError as exc:
            if isinstance(query, Query):  # a query file someone wrote: name it, and the line
                raise query.syntax_error(exc) from exc
            raise

    def select(self, query: Query | str, bindings: Bindings | None = None) -> Rows:
        result = self._run(query, bindings)
        names = [v.value for v in result.variables]
        return Rows(({n: sol[n] for n in names} for sol in result), names)

    def ask(self, query: Query | str, bindings: Bindings | None = None) -> bool:
        return bool(self._run(query, bindings))

    def construct(self, query: Query | str, bindings: Bindings | None = None) -> list[ox.Triple]:
        return list(self._run(query, bindings))

    def update(self, update: Query | str) -> None:
        self._writable()
        self._settle()
        text = update.text if isinstance(update, Query) else update
        try:
            self._store.update(text)
        except SyntaxError as exc:
            if isinstance(update, Query):  # a rule file someone wrote: name it, and the line
                raise update.syntax_error(exc) from exc
            raise
        except OSError as exc:
            if disk_full(exc):
                raise self._full(exc, 3 * len(text)) from exc
            raise

    def replace_graphs(self, graphs: Mapping[ox.NamedNode, Iterable[ox.Triple]]) -> int:
        self._writable()
        self._settle()
        materialised = {g: ts if isinstance(ts, list) else list(ts) for g, ts in graphs.items()}
        written = sum(len(ts) for ts in materialised.values())
        try:
            return self._replace(materialised, written)
        except OSError as exc:
            if disk_full(exc):
                raise self._full(exc, BYTES_PER_TRIPLE * written) from exc
            raise

    def graph_names(self) -> list[str]:
        hidden = self._hidden
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode) and g not in hidden)

    def count(self, graph: ox.NamedNode | None = None) -> int:
        hidden = self._hidden
        if graph is None:
            if hidden:
                return sum(1 for q in self._store if q.graph_name not in hidden)
            return len(self._store)
        if graph in hidden:
            return 0
        return graph_size(self._store, graph)

    def quads(self, graph: ox.NamedNode | None = None) -> Iterable[ox.Quad]:
        hidden = self._hidden
        if graph is None:
            if hidden:
                return (q for q in self._store if q.graph_name not in hidden)
            return iter(self._store)
        if graph in hidden:
            return iter(())
        return self._store.quads_for_pattern(None, None, None, graph)

    def close(self) -> None:
        if self.closed:
            return
        try:
            if self.path:
                self._settle()  # an interrupted load's data is dropped before the store is let go
        finally:
            if self.path and self.read_only_reason is None:
                try:
                    self._prune_copies()
                    self._store.flush()
                except OSError as exc:
                    if not disk_full(exc):
                        raise
                    raise StoreError(f"the disk holding the store {self.path} is full ({free_space(self.path)} free): "
                                     "the last writes may not be kept; free some space, then open the store "
                                     "again (it recovers by itself)") from exc
                finally:
                    release_owner(self.path)
                    OPEN_HERE.discard(str(self.path.resolve()))
            del self._store
