"""The embedded backend: pyoxigraph, in memory or in an on-disk folder."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from ..errors import StoreError
from ..queries import Query
from . import Bindings, Row
from .sparql_text import replace_graphs_update, with_values

#: batches at least this big are flushed from the write-ahead log to table files at once
FLUSH_AFTER = 100_000

#: written inside an on-disk store while a process has it open, to name that process to others
OWNER_FILE = "coopsec-owner.json"


def _owner(path: Path) -> str:
    """Who holds the store, from the owner file its process wrote: ' (process 123: coopsec ingest ...)'."""
    try:
        info = json.loads((path / OWNER_FILE).read_text(encoding="utf-8"))
        return f" (process {int(info['pid'])}: {info['command']}, since {info['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


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
                    f"the store {self.path} is in use by another process{_owner(self.path) if self.path else ''}; "
                    "close that process, or share the store through `coopsec serve`"
                ) from exc
            raise StoreError(f"cannot open the store {self.path}: {text}") from exc
        if self.path:
            self._write_owner()

    def _write_owner(self) -> None:
        assert self.path is not None
        info = {"pid": os.getpid(), "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200],
                "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        try:
            (self.path / OWNER_FILE).write_text(json.dumps(info), encoding="utf-8")
        except OSError:
            pass  # naming the owner is a courtesy; the lock itself is RocksDB's

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
        materialised = {g: ts if isinstance(ts, list) else list(ts) for g, ts in graphs.items()}
        if not any(self._store.contains_named_graph(g) for g in materialised):
            # Nothing to replace: one transactional extend is enough and much faster. The quads are
            # made as extend consumes them (inside its one transaction), never held in a list.
            self._store.extend(ox.Quad(t.subject, t.predicate, t.object, g)
                               for g, ts in materialised.items() for t in ts)
            if self.path and sum(len(ts) for ts in materialised.values()) >= FLUSH_AFTER:
                # Until flushed, a big transaction lives in the write-ahead log, which the next open
                # replays (~10 s per million triples): flush now to keep that window short.
                self._store.flush()
            for g, ts in materialised.items():
                if not ts:
                    self._store.add_graph(g)
            return sum(len(ts) for ts in materialised.values())
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
        if not hasattr(self, "_store"):
            return
        if self.path:
            self._store.flush()
            try:
                owner = json.loads((self.path / OWNER_FILE).read_text(encoding="utf-8"))
                if owner.get("pid") == os.getpid():
                    (self.path / OWNER_FILE).unlink()
            except (OSError, ValueError, AttributeError):
                pass
        del self._store
