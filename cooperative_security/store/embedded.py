"""The embedded backend: pyoxigraph, in memory or in an on-disk folder."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from ..errors import StoreError
from ..queries import Query
from . import Bindings, Row
from .sparql_text import replace_graphs_update, with_values


class EmbeddedStore:
    """A pyoxigraph ``Store``; ``path=None`` keeps it in memory."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path is not None else None
        self.spec = f"oxigraph:{self.path}" if self.path else "memory:"
        try:
            self._store = ox.Store(str(self.path)) if self.path else ox.Store()
        except OSError as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise StoreError(
                    f"the store {self.path} is in use by another process (it holds the lock); "
                    "close that process, or share the store through `coopsec serve`"
                ) from exc
            raise StoreError(f"cannot open the store {self.path}: {text}") from exc

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store, for bulk work that needs it directly."""
        return self._store

    def _run(self, query: Query | str, bindings: Bindings | None):  # type: ignore[no-untyped-def]
        text = query.text if isinstance(query, Query) else query
        return self._store.query(with_values(text, bindings or {}))

    def select(self, query: Query | str, bindings: Bindings | None = None) -> list[Row]:
        result = self._run(query, bindings)
        names = [v.value for v in result.variables]
        return [{n: sol[n] for n in names} for sol in result]

    def ask(self, query: Query | str, bindings: Bindings | None = None) -> bool:
        return bool(self._run(query, bindings))

    def construct(self, query: Query | str, bindings: Bindings | None = None) -> list[ox.Triple]:
        return list(self._run(query, bindings))

    def update(self, update: Query | str) -> None:
        self._store.update(update.text if isinstance(update, Query) else update)

    def replace_graphs(self, graphs: Mapping[ox.NamedNode, Iterable[ox.Triple]]) -> int:
        materialised = {g: list(ts) for g, ts in graphs.items()}
        if not any(self._store.contains_named_graph(g) for g in materialised):
            # Nothing to replace: one transactional extend is enough and much faster.
            quads = [ox.Quad(t.subject, t.predicate, t.object, g) for g, ts in materialised.items() for t in ts]
            self._store.extend(quads)
            for g, ts in materialised.items():
                if not ts:
                    self._store.add_graph(g)
            return len(quads)
        self._store.update(replace_graphs_update(materialised))
        return sum(len(ts) for ts in materialised.values())

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: ox.NamedNode | None = None) -> int:
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, graph))

    def quads(self, graph: ox.NamedNode | None = None) -> Iterable[ox.Quad]:
        if graph is None:
            return iter(self._store)
        return self._store.quads_for_pattern(None, None, None, graph)

    def close(self) -> None:
        if self.path:
            self._store.flush()
        del self._store
