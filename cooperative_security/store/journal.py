"""Loads written whole or not at all (``new_graphs``): the journal of unpublished loads (``JOURNAL_FILE``),
the graphs it hides until they are published, and the drop of what a killed load left.

``Loads`` is the first base of ``EmbeddedStore`` (embedded.py); it declares the state the store's parts
share.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from ..errors import StoreError
from .folder import DROP_CHUNK, JOURNAL_FILE, disk_full, free_space, megabytes, pending_bytes
from .sparql_text import drop_some_update


def journal_graphs(folder: Path, name: str, what: str, remedy: str) -> list[ox.NamedNode]:
    """The graphs a journal file in the store's folder names (none when it is absent); a damaged one is a
    StoreError that says ``what`` was interrupted and how to recover (``remedy``, then re-run the ingest)."""
    journal = folder / name
    try:
        return [ox.NamedNode(g) for g in json.loads(journal.read_text(encoding="utf-8"))["graphs"]]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"the store {folder} holds a damaged journal of {what} ({journal}: {exc}); if no coopsec "
                         f"process is using the store, {remedy}, then re-run the last ingest") from exc

class Loads:
    """Bulk loads published through the journal, and the guards every write of the store passes."""

    path: Path | None
    spec: str
    #: why the store is open read-only (its folder cannot be written), or None when it is writable
    read_only_reason: str | None
    _store: ox.Store
    #: graphs queries must not see: unpublished bulk loads, and leftovers being dropped
    _hidden: frozenset[ox.NamedNode]
    _cleaner: threading.Thread | None
    _cleaner_error: BaseException | None

    def _writable(self) -> None:
        if self.read_only_reason is not None:
            raise StoreError(f"the store {self.path} is open read-only ({self.read_only_reason}: this user cannot "
                             "write its folder), so it cannot be changed; run the command as a user who can "
                             "write it, or copy the store somewhere writable")

    def _full(self, exc: OSError, needed: int) -> StoreError:
        """The error for a write that met a full disk: which store, what is free, about what is needed."""
        del exc  # chained by the caller
        amount = f"about {megabytes(needed)}" if needed else "more than that"
        return StoreError(f"the disk holding the store {self.path or '(in memory)'} is full ({free_space(self.path)} "
                          f"free): this write needs {amount} more; nothing of it was kept. Free space on that "
                          "disk (or move the store) and run the command again")

    def _read_journal(self) -> list[ox.NamedNode]:
        assert self.path is not None
        return journal_graphs(self.path, JOURNAL_FILE, "an interrupted load", "delete that file")



    def _write_journal(self, graphs: Iterable[ox.NamedNode]) -> None:
        """Name the graphs about to be loaded, durably, before any of them is written."""
        assert self.path is not None
        text = json.dumps({"graphs": [g.value for g in graphs], "pid": os.getpid(),
                           "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
        draft = self.path / (JOURNAL_FILE + ".tmp")
        with draft.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(draft, self.path / JOURNAL_FILE)
        self._sync_folder()

    def _publish(self) -> None:
        """The commit point of a bulk load: the journal goes, and with it the graphs' invisibility."""
        assert self.path is not None
        (self.path / JOURNAL_FILE).unlink(missing_ok=True)
        self._sync_folder()

    def _sync_folder(self) -> None:
        assert self.path is not None
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _drop(self, graphs: Iterable[ox.NamedNode]) -> None:
        """Delete graphs in bounded transactions (a kill meanwhile leaves them hidden, to finish later)."""
        for g in graphs:
            update = drop_some_update(g, DROP_CHUNK)
            while next(iter(self._store.quads_for_pattern(None, None, None, g)), None) is not None:
                self._store.update(update)
                self._store.flush()
            self._store.remove_graph(g)
        self._store.flush()

    def _drop_hidden(self) -> None:
        try:
            self._drop(self._hidden)
            self._publish()  # nothing is left to hide: the journal can go
            self._hidden = frozenset()
        except BaseException as exc:  # reported by the next write or close, in the caller's thread
            self._cleaner_error = exc

    def _settle(self) -> None:
        """Wait for the recovery thread before writing: the store must be whole again first."""
        if self._cleaner is None:
            return
        self._cleaner.join()
        self._cleaner = None
        if self._cleaner_error is not None:
            exc, self._cleaner_error = self._cleaner_error, None
            raise StoreError(f"cannot drop the data an interrupted load left in {self.path}: {exc}; it stays "
                             "hidden from queries, and the next open tries again") from exc

    @property
    def recovering(self) -> bool:
        """Whether data an interrupted load left is still being dropped (it is hidden meanwhile)."""
        return self._cleaner is not None and self._cleaner.is_alive()

    @contextmanager
    def new_graphs(self, names: Iterable[ox.NamedNode]) -> Iterator[ox.Store]:
        """Write graphs that do not exist yet with the bulk loader, all or nothing.

        Inside the block, write the graphs through the pyoxigraph store it gives (``bulk_extend``,
        ``bulk_load``, ``extend``). The bulk loader writes table files straight into the store
        (nothing for the next open to replay) but in steps of a million quads, so: the journal
        names the graphs first, they stay hidden from every query while the block runs, and
        deleting the journal when it ends publishes them. If the block raises, they are dropped;
        if the process dies, the next open hides and drops them.
        """
        self._writable()
        self._settle()
        names = frozenset(names)
        there = sorted(g.value for g in names if self._store.contains_named_graph(g))
        if there:
            raise StoreError(f"cannot bulk-write graphs the store {self.spec} already holds: {', '.join(there)}")
        self._hidden |= names  # other threads of this process do not see the load half-done either
        try:
            if self.path:
                self._write_journal(names)
        except OSError as exc:
            self._hidden -= names
            raise StoreError(f"cannot write to the store {self.path}: {exc}; nothing was written") from exc
        try:
            yield self._store
            if self.path:
                self._store.flush()
        except BaseException as exc:
            try:
                self._drop(names)
                if self.path:
                    self._publish()
                self._hidden -= names
            except Exception:
                pass  # still journalled and hidden: the next open drops them
            if isinstance(exc, OSError) and disk_full(exc):
                raise self._full(exc, pending_bytes(self.path)) from exc
            if isinstance(exc, OSError):
                raise StoreError(f"cannot write to the store {self.spec}: {exc}; nothing of this batch "
                                 "was kept") from exc
            raise
        if self.path:
            self._publish()
        self._hidden -= names
