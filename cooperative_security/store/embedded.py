"""The embedded backend: pyoxigraph, in memory or in an on-disk folder."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import itertools
import json
import os
import re
import shutil
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..errors import ClosedStore, StoreError
from ..namespaces import GRAPH
from ..queries import Query, load_query
from . import Bindings, Rows
from .sparql_text import delete_lines_update, difference_update, drop_some_update, move_graph_update, with_values

#: batches at least this big go into an on-disk store through the bulk loader (table files, no
#: write-ahead log to replay after a crash), published when whole (see ``JOURNAL_FILE``)
BULK_AFTER = 100_000

#: written inside an on-disk store while a process has it open, to name that process to others
OWNER_FILE = "coopsec-owner.json"

#: written before a bulk load and deleted once it is whole: while it exists, the graphs it names are
#: unpublished (queries do not see them) and the next open drops them
JOURNAL_FILE = "coopsec-unpublished.json"

#: written, with ``REPLACEMENT_DATA``, when a big graph is replaced: its existence is the commit point of
#: the replacement. While it exists the graphs it names are hidden, and the next open finishes the
#: replacement from ``REPLACEMENT_DATA`` (drop the graphs, load the file), so a crash leaves the old
#: graphs (before the journal) or the new ones (after), never a mix
REPLACEMENT_FILE = "coopsec-replacing.json"
REPLACEMENT_DATA = "coopsec-replacing.nq"

#: a replacement that changes at most this many triples (deleted plus added) runs as one SPARQL update
#: (one transaction); a bigger one goes through ``REPLACEMENT_FILE`` and the bulk loader
SMALL_REPLACEMENT = 20_000

#: a folder in an on-disk store holding, for each graph of at least ``SMALL_REPLACEMENT`` triples coopsec
#: wrote (and no blank node), its N-Triples as last written: ``coopsec-graphs/<SHA-256 of the graph IRI>.nt``.
#: A replacement finds there what to delete, instead of reading the old graph back out of the store (about
#: 15 µs a triple, as much as loading it), and deletes it while the bulk loader loads the new triples. A
#: copy is only a hint: a line is deleted only if the new content lacks it, and the graph's size is checked
#: afterwards (what a stale copy missed is then found in the store and removed), so a stale, damaged or
#: deleted copy costs time, never data. Deleting the folder is safe.
COPIES_DIR = "coopsec-graphs"

#: triples of a big graph read to tell whether most of it is replaced (then the difference is not computed)
SAMPLE = 2_000

#: the bulk loader's temporary table files, left behind when a load is killed (RocksDB's own files
#: are numbered with six digits: 000012.sst)
BULK_TEMPORARY = re.compile(r"bulk-\d+\.sst|\d{7,}")

#: graphs only a running load writes into (an in-memory ``replace_graph_ntriples`` stages in ``tmp/replacing/...``)
STAGING_PREFIX = GRAPH + "tmp/"

#: triples deleted per transaction when dropping unpublished data, so that a crash meanwhile leaves
#: a short write-ahead log
DROP_CHUNK = 100_000

#: triples deleted per transaction when a journalled replacement drops the old graphs: at least
#: ``REPLACE_CHUNK``, and an eighth of the graph (``replace_chunk``). Oxigraph's deletion costs more per
#: triple the bigger its transaction (``remove_graph`` of a whole graph: 25 µs a triple at 12,500, 51 µs
#: at 200,000), while each chunk's query starts over at the top of the graph, past the tombstones of the
#: chunks before: 25,000 was the fastest of 10,000 to 100,000 at 200,000 triples, and 125,000 (89 µs a
#: triple) beat 25,000 (112 µs) and 50,000 (108 µs) at 1,000,000 (docs/operations/limits.md)
REPLACE_CHUNK = 25_000


#: triples per ``DELETE DATA`` when a replacement deletes the old triples its copies list: 10,000 to
#: 100,000 cost the same per triple at 200,000 (about 21 µs on disk, most of it the transaction's locks
#: and look-ups, not parsing); small enough that two threads share the tail of the work
DELETE_CHUNK = 10_000


def replace_chunk(size: int) -> int:
    """Triples to delete per transaction when dropping a graph of ``size`` triples (see ``REPLACE_CHUNK``)."""
    return max(REPLACE_CHUNK, -(-size // 8))


def _owner(path: Path) -> str:
    """Who holds the store, from the owner file its process wrote: ' (process 123: coopsec ingest ...)'."""
    try:
        info = json.loads((path / OWNER_FILE).read_text(encoding="utf-8"))
        return f" (process {int(info['pid'])}: {info['command']}, since {info['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


#: roughly what one triple costs on disk (six indexes and the strings): to say how much space a write needs
BYTES_PER_TRIPLE = 300


def _remove_leftovers(path: Path, check_lock: bool = True) -> None:
    """Delete the bulk loader's temporary files a killed load left: needs no free space, only unlinks.

    Before the store is opened, only when no process holds it (RocksDB's lock on ``LOCK`` is free): the
    files of a load running in another process are not leftovers.
    """
    if check_lock and (str(path.resolve()) in _OPEN_HERE or not _unheld(path / "LOCK")):
        return
    try:
        entries = list(path.iterdir())
    except OSError:
        return
    for leftover in entries:
        if BULK_TEMPORARY.fullmatch(leftover.name) and leftover.is_file():
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass


#: stores this process holds open: never probe their lock (closing any descriptor of a locked file
#: drops the process's POSIX locks on it, RocksDB's included)
_OPEN_HERE: set[str] = set()


def _unheld(lock: Path) -> bool:
    """Whether no process holds the store's lock file (a missing one is free; an unreadable one is not)."""
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)  # released before RocksDB takes it: POSIX locks are per process


def _pending(path: Path | None) -> int:
    """Bytes of the bulk loader's temporary files now in the store (what the failed load had reached)."""
    if path is None:
        return 0
    try:
        return sum(p.stat().st_size for p in path.iterdir() if BULK_TEMPORARY.fullmatch(p.name) and p.is_file())
    except OSError:
        return 0


def _disk_full(exc: BaseException) -> bool:
    return getattr(exc, "errno", None) == errno.ENOSPC or "no space left" in str(exc).lower()


def _cannot_write(exc: BaseException) -> bool:
    text = str(exc).lower()
    return (getattr(exc, "errno", None) in (errno.EACCES, errno.EROFS, errno.EPERM)
            or "permission denied" in text or "read-only file system" in text)


def _megabytes(n: int) -> str:
    return f"{max(1, round(n / 1e6)):,} MB"


def _free(path: Path | None) -> str:
    try:
        return _megabytes(shutil.disk_usage(path or ".").free) if path else "unknown"
    except OSError:
        return "unknown"


def _ntriples(graphs: Mapping[ox.NamedNode, list[ox.Triple]]) -> dict[ox.NamedNode, bytes]:
    """Each graph's triples as N-Triples text, one ``S P O .`` line each (oxigraph's serialiser)."""
    return {g: (ox.serialize(ts, format=ox.RdfFormat.N_TRIPLES) or b"") if ts else b"" for g, ts in graphs.items()}


def graph_size(store: ox.Store, graph: ox.NamedNode) -> int:
    """Triples in one graph, counted inside the store (ten times faster than iterating in Python)."""
    for solution in store.query(with_values(load_query("ingest/graph-size").text, {"graph": graph})):
        return int(solution["triples"].value)  # type: ignore[union-attr]
    return 0


class VisibleStore:
    """A pyoxigraph store whose queries leave some graphs out (an unpublished load, a replacement under
    way), for code that runs queries on the pyoxigraph store itself (``coopsec serve``'s query workers).

    Every query gets an explicit dataset: the named graphs are the visible ones (or those of them the
    caller names), and a union default graph is the default graph plus the visible named graphs.
    """

    def __init__(self, store: ox.Store, hidden: frozenset[ox.NamedNode]) -> None:
        self._store = store
        self._hidden = hidden

    def query(self, query: str, **options):  # type: ignore[no-untyped-def]
        hidden = self._hidden
        visible = [g for g in self._store.named_graphs() if isinstance(g, ox.NamedNode) and g not in hidden]
        union = options.pop("use_default_graph_as_union", False)
        if "default_graph" in options:
            chosen = options["default_graph"]
            chosen = chosen if isinstance(chosen, list) else [chosen]
            options["default_graph"] = [g for g in chosen if g not in hidden]
        elif union:
            options["default_graph"] = [ox.DefaultGraph(), *visible]
        named = options.get("named_graphs")
        options["named_graphs"] = visible if named is None else [g for g in named if g not in hidden]
        return self._store.query(query, **options)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._store, name)


def _not_another_folder(path: Path) -> None:
    """Refuse to make a store where it would mix its database files with other files: a path that is a
    file, or a folder that holds files but no store (every Oxigraph store has RocksDB's ``CURRENT``)."""
    if path.is_file():
        raise StoreError(f"cannot open the store {path}: it is a file; an on-disk store is a folder "
                         "(give a new or empty folder, e.g. `coopsec init --store oxigraph:kb`)")
    try:
        entries = [p.name for p in path.iterdir()] if path.is_dir() else []
    except OSError:
        return  # unreadable: opening it says why
    if entries and "CURRENT" not in entries:
        shown = ", ".join(sorted(entries)[:3]) + (", ..." if len(entries) > 3 else "")
        raise StoreError(f"{path} is a folder that holds other files ({shown}) but no store: opening it would "
                         "write the store's database files among them. Give a new or empty folder "
                         "(`coopsec init --store oxigraph:NEW-FOLDER`)")


class EmbeddedStore:
    """A pyoxigraph ``Store``; ``path=None`` keeps it in memory."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path).expanduser() if path is not None else None
        self.spec = f"oxigraph:{self.path}" if self.path else "memory:"
        #: why the store is open read-only (its folder cannot be written), or None when it is writable
        self.read_only_reason: str | None = None
        if self.path:
            _not_another_folder(self.path)
            _remove_leftovers(self.path)  # first: on a full disk, they may be what keeps the store from opening
        try:
            self._store = ox.Store(str(self.path)) if self.path else ox.Store()
        except OSError as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise StoreError(
                    f"the store {self.path} is in use by another process{_owner(self.path) if self.path else ''}; "
                    "close that process, or share the store through `coopsec serve`"
                ) from exc
            if self.path and _cannot_write(exc):
                self._store = self._open_read_only(exc)
            elif self.path and _disk_full(exc):
                raise StoreError(f"cannot open the store {self.path}: the disk holding it is full "
                                 f"({_free(self.path)} free; opening needs a few MB for its log); free some "
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
        elif self.path:
            _OPEN_HERE.add(str(self.path.resolve()))
            self._write_owner()
            try:
                self._recover()
            except BaseException:
                self._release_owner()
                _OPEN_HERE.discard(str(self.path.resolve()))
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

    def _writable(self) -> None:
        if self.read_only_reason is not None:
            raise StoreError(f"the store {self.path} is open read-only ({self.read_only_reason}: this user cannot "
                             "write its folder), so it cannot be changed; run the command as a user who can "
                             "write it, or copy the store somewhere writable")

    def _full(self, exc: OSError, needed: int) -> StoreError:
        """The error for a write that met a full disk: which store, what is free, about what is needed."""
        del exc  # chained by the caller
        amount = f"about {_megabytes(needed)}" if needed else "more than that"
        return StoreError(f"the disk holding the store {self.path or '(in memory)'} is full ({_free(self.path)} "
                          f"free): this write needs {amount} more; nothing of it was kept. Free space on that "
                          "disk (or move the store) and run the command again")

    # -- crash recovery ---------------------------------------------------------------------------

    def _recover(self) -> None:
        """Undo what a killed process left: temporary files, and graphs it never published.

        Temporary table files are deleted at once. Unpublished graphs are hidden from every query
        at once and dropped by a background thread (about 10 s per million triples), so the store
        opens in well under a second; writing waits for the drop, and so does ``close``.
        """
        assert self.path is not None
        _remove_leftovers(self.path, check_lock=False)  # this process holds the store now
        (self.path / (JOURNAL_FILE + ".tmp")).unlink(missing_ok=True)  # the load never began
        self._finish_replacement()
        unpublished = set(self._read_journal())
        unpublished |= {g for g in self._store.named_graphs()
                        if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX)}
        if unpublished:
            self._hidden = frozenset(unpublished)
            self._cleaner = threading.Thread(target=self._drop_hidden, name="coopsec-recovery", daemon=True)
            self._cleaner.start()

    def _read_replacement(self) -> list[ox.NamedNode]:
        assert self.path is not None
        journal = self.path / REPLACEMENT_FILE
        try:
            return [ox.NamedNode(g) for g in json.loads(journal.read_text(encoding="utf-8"))["graphs"]]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"the store {self.path} holds a damaged journal of an interrupted replacement "
                             f"({journal}: {exc}); if no coopsec process is using the store, delete that file "
                             f"and {REPLACEMENT_DATA}, then re-run the last ingest") from exc

    def _finish_replacement(self) -> None:
        """Finish a replacement a killed process committed (its journal is there), or forget one it had not."""
        assert self.path is not None
        graphs = self._read_replacement()
        if not graphs:  # never committed: the old graphs are whole; the new data goes
            (self.path / (REPLACEMENT_FILE + ".tmp")).unlink(missing_ok=True)
            (self.path / REPLACEMENT_DATA).unlink(missing_ok=True)
            return
        self._hidden = self._hidden | frozenset(graphs)
        self._redo_replacement(graphs)

    def _redo_replacement(self, graphs: list[ox.NamedNode], sizes: Mapping[ox.NamedNode, int] | None = None,
                          gone: Mapping[ox.NamedNode, list[bytes]] | None = None,
                          wanted: Mapping[ox.NamedNode, list[ox.Triple]] | None = None,
                          distinct: Mapping[ox.NamedNode, int] | None = None) -> None:
        """Drop the graphs and load their new content from ``REPLACEMENT_DATA``; then the journal goes.

        Idempotent: run again after a crash part way, it ends in the same state. With the graphs' sizes
        known, they are dropped in that many chunks, without looking again (past the deleted triples)
        whether any is left. With the old triples the new content lacks (``gone``, from the copies), those
        are deleted while the new content loads, and what the copies missed is removed after (``wanted``).
        """
        assert self.path is not None
        if gone is not None and wanted is not None:
            self._load_while_deleting(gone)
            for g in graphs:
                self._store.add_graph(g)
            sizes = {}  # counted while the store flushes (both release the interpreter's lock)
            counter = threading.Thread(target=lambda: sizes.update((g, graph_size(self._store, g)) for g in graphs),
                                       name="coopsec-count", daemon=True)
            counter.start()
            try:
                self._store.flush()
            finally:
                counter.join()
            if self._remove_strays(wanted, sizes, distinct):
                self._store.flush()
            (self.path / REPLACEMENT_FILE).unlink(missing_ok=True)
            self._sync_folder()
            (self.path / REPLACEMENT_DATA).unlink(missing_ok=True)
            self._hidden = self._hidden - frozenset(graphs)
            return
        if sizes is None:
            self._drop(graphs)
        else:
            for g in graphs:
                chunk = replace_chunk(sizes.get(g, 0))
                update = drop_some_update(g, chunk)
                for _ in range(-(-sizes.get(g, 0) // chunk) - 1):
                    self._store.update(update)
                self._store.remove_graph(g)  # the last chunk (or the only one) and the graph's name
        self._store.bulk_load(path=str(self.path / REPLACEMENT_DATA), format=ox.RdfFormat.N_QUADS)
        for g in graphs:
            self._store.add_graph(g)  # an empty new graph stays named
        self._store.flush()
        (self.path / REPLACEMENT_FILE).unlink(missing_ok=True)
        self._sync_folder()
        (self.path / REPLACEMENT_DATA).unlink(missing_ok=True)
        self._hidden = self._hidden - frozenset(graphs)

    def _load_while_deleting(self, gone: Mapping[ox.NamedNode, list[bytes]]) -> None:
        """Bulk-load ``REPLACEMENT_DATA`` while a thread deletes the ``gone`` lines, ``DELETE DATA`` of
        ``DELETE_CHUNK`` triples at a time (the loader and updates release the interpreter's lock, so both
        cores work); once the load is done, this thread deletes too. A deletion that fails on anything but
        the disk stops, and what it left is removed afterwards as strays."""
        assert self.path is not None
        failure: list[OSError] = []
        chunks = iter([(g, lines[i:i + DELETE_CHUNK]) for g, lines in gone.items()
                       for i in range(0, len(lines), DELETE_CHUNK)])
        taking = threading.Lock()

        def delete() -> None:
            try:
                while True:
                    with taking:
                        g, lines = next(chunks, (None, None))
                    if g is None or failure:
                        return
                    self._store.update(delete_lines_update(g, lines))
            except OSError as exc:
                failure.append(exc)
            except Exception:  # noqa: BLE001 - a line the update cannot read: left for _remove_strays
                pass

        worker = threading.Thread(target=delete, name="coopsec-replace", daemon=True)
        worker.start()
        try:
            self._store.bulk_load(path=str(self.path / REPLACEMENT_DATA), format=ox.RdfFormat.N_QUADS)
            delete()
        finally:
            worker.join()
        if failure:
            raise failure[0]

    def _read_journal(self) -> list[ox.NamedNode]:
        assert self.path is not None
        journal = self.path / JOURNAL_FILE
        try:
            return [ox.NamedNode(g) for g in json.loads(journal.read_text(encoding="utf-8"))["graphs"]]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"the store {self.path} holds a damaged journal of an interrupted load ({journal}: "
                             f"{exc}); if no coopsec process is using the store, delete that file and "
                             "re-run the last ingest") from exc

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

    def _dataset(self) -> dict[str, list[ox.NamedNode]]:
        """Query options that keep hidden graphs out of ``GRAPH ?g`` (none in the usual case)."""
        hidden = self._hidden
        if not hidden:
            return {}
        return {"named_graphs": [g for g in self._store.named_graphs()
                                 if isinstance(g, ox.NamedNode) and g not in hidden]}

    def _write_owner(self) -> None:
        assert self.path is not None
        info = {"pid": os.getpid(), "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200],
                "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        try:
            (self.path / OWNER_FILE).write_text(json.dumps(info), encoding="utf-8")
        except OSError:
            pass  # naming the owner is a courtesy; the lock itself is RocksDB's

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
    def reader(self) -> ox.Store | VisibleStore:
        """The pyoxigraph store for running queries on directly, without the graphs this store hides
        (the store itself when it hides none)."""
        hidden = self._hidden
        return VisibleStore(self._store, hidden) if hidden else self._store

    def _run(self, query: Query | str, bindings: Bindings | None):  # type: ignore[no-untyped-def]
        text = query.text if isinstance(query, Query) else query
        return self._store.query(with_values(text, bindings or {}), **self._dataset())

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
        except OSError as exc:
            if _disk_full(exc):
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
            if _disk_full(exc):
                raise self._full(exc, BYTES_PER_TRIPLE * written) from exc
            raise

    def _replace(self, materialised: dict[ox.NamedNode, list[ox.Triple]], written: int) -> int:
        if any(self._store.contains_named_graph(g) for g in materialised):
            self._replace_existing(materialised)
        elif self.path and written >= BULK_AFTER:
            self._bulk_publish(materialised)
        else:
            # Nothing to replace: one transactional extend is enough and much faster. The quads are
            # made as extend consumes them (inside its one transaction), never held in a list.
            self._store.extend(ox.Quad(t.subject, t.predicate, t.object, g)
                               for g, ts in materialised.items() for t in ts)
            for g, ts in materialised.items():
                if not ts:
                    self._store.add_graph(g)
            if self.path:
                self._keep_copies_of(materialised)
        return written

    def _replace_existing(self, graphs: dict[ox.NamedNode, list[ox.Triple]]) -> None:
        """Replace graphs some of which exist, all or nothing, at the cost of what changes.

        What changes is found by comparing the old graphs with the new ones. A small change (or any
        change in memory) is one SPARQL update: ``DELETE DATA`` and ``INSERT DATA`` of the difference
        (a graph losing blank nodes, which ``DELETE DATA`` cannot name, is dropped and inserted whole).
        A big change on disk is committed by writing the new graphs to a file and a journal naming
        them, then the graphs are dropped and the file bulk-loaded (see ``REPLACEMENT_FILE``): no
        SPARQL text to parse, and the bulk loader's speed for the new triples. Reading a big old graph
        costs about a third of loading it, so when a sample of it shows that most of it goes, the
        difference is not computed: the big change is certain.
        """
        if self.path and self._replace_from_copies(graphs):
            return
        news = {g: set(triples) for g, triples in graphs.items()}
        if self.path:
            sizes = {g: graph_size(self._store, g) for g in graphs}
            if sum(sizes.values()) > SMALL_REPLACEMENT:
                sample = [(q.triple, q.graph_name) for g in graphs
                          for q in itertools.islice(self._store.quads_for_pattern(None, None, None, g), SAMPLE)]
                kept = sum(1 for t, g in sample if t in news[g])  # type: ignore[index]
                if sample and kept < len(sample) / 2:
                    self._replace_through_journal(graphs, sizes)
                    return
        sizes = {}
        deletions: dict[ox.NamedNode, set[ox.Triple]] = {}
        insertions: dict[ox.NamedNode, set[ox.Triple] | list[ox.Triple]] = {}
        whole: list[ox.NamedNode] = []
        cost = 0
        for g, triples in graphs.items():
            new = news[g]
            old = {q.triple for q in self._store.quads_for_pattern(None, None, None, g)}
            sizes[g] = len(old)
            gone = old - new
            if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in gone):
                whole.append(g)
                insertions[g] = triples
                cost += len(old) + len(triples)
            else:
                deletions[g] = gone
                insertions[g] = new - old
                cost += len(gone) + len(new - old)
            del old
        if self.path and cost > SMALL_REPLACEMENT:
            self._replace_through_journal(graphs, sizes)
            return
        self._store.update(difference_update(deletions, insertions, whole))
        for g in graphs:
            self._store.add_graph(g)  # an empty new graph stays named (no-op for the others)
        if self.path:
            self._keep_copies_of(graphs)

    def _replace_from_copies(self, graphs: dict[ox.NamedNode, list[ox.Triple]]) -> bool:
        """A big replacement that knows the old triples from the graphs' copies (``COPIES_DIR``), without
        reading the store: committed like any (``REPLACEMENT_FILE``), then the old triples the new text
        lacks are deleted while the bulk loader loads all the new ones, and the graphs' sizes are checked.
        False (nothing done) when an existing graph has no copy, blank nodes are involved (``DELETE DATA``
        cannot name them), or the copies show a small change: that is computed from the store itself, as
        one update, since a stale copy could hide a triple the new content needs."""
        olds: dict[ox.NamedNode, list[bytes]] = {}
        for g in graphs:
            lines = self._read_copy(g) if self._store.contains_named_graph(g) else []
            if lines is None:
                return False
            olds[g] = lines
        texts = _ntriples(graphs)
        if any(b"_:" in text for text in texts.values()):
            return False
        news = {g: set(text.splitlines()) for g, text in texts.items()}
        # in the copy's order (the serialiser's: by subject), which the deletion needs: in a hash set's
        # order it takes a quarter longer
        gone = {g: [line for line in olds[g] if line not in news[g]] for g in graphs}
        changed = sum(map(len, gone.values())) + sum(len(news[g].difference(olds[g])) for g in graphs)
        if changed <= SMALL_REPLACEMENT:
            return False
        self._replace_through_journal(graphs, {}, texts=texts, gone=gone, distinct={g: len(news[g]) for g in graphs})
        self._keep_copies(texts)
        return True

    def _remove_strays(self, graphs: Mapping[ox.NamedNode, list[ox.Triple]],
                       sizes: Mapping[ox.NamedNode, int] | None = None,
                       distinct: Mapping[ox.NamedNode, int] | None = None) -> bool:
        """Delete what a graph holding all its new triples holds beyond them (old ones a stale copy missed:
        the graph was changed by a SPARQL update since), found by counting (or the ``sizes`` counted
        already) against the number of distinct new triples (``distinct``, when the caller knows it;
        else a set of them is made), then by reading the graph. Whether any was found."""
        found = False
        for g, ts in graphs.items():
            size = sizes[g] if sizes is not None and g in sizes else graph_size(self._store, g)
            if distinct is not None and size == distinct.get(g):  # holds all of them, so nothing else
                continue
            wanted = set(ts)
            if size == len(wanted):
                continue
            strays = [q for q in self._store.quads_for_pattern(None, None, None, g) if q.triple not in wanted]
            for q in strays:
                self._store.remove(q)
            found = found or bool(strays)
        return found

    def replace_graph_ntriples(self, graph: ox.NamedNode, chunks: Iterable[bytes], lenient: bool = False) -> int:
        """Replace ``graph`` whole with N-Triples text in chunks (whole lines each, as the project writes them:
        ``S P O .``), all or nothing, at the bulk loader's speed; returns the lines loaded. A graph that does
        not exist yet is loaded hidden and published at the end (:meth:`new_graphs`). An existing one is
        replaced through the journal, as a big :meth:`replace_graphs` is (the text is written to
        ``REPLACEMENT_DATA`` as it comes, then the old graph is dropped and the file loaded). A SPARQL
        ``MOVE`` of a loaded temporary graph, the way this used to be done, holds the whole move in one
        transaction: 2.3 million triples took 11 minutes and 8 GB."""
        self._writable()
        self._settle()
        count = 0
        exists = self._store.contains_named_graph(graph)
        if not exists or self.path is None:
            # in memory an existing graph is loaded beside (hidden) and moved over it in one transaction
            into = ox.NamedNode(f"{STAGING_PREFIX}replacing/{uuid.uuid4().hex}") if exists else graph
            with self.new_graphs([into]) as raw:
                for chunk in chunks:
                    count += chunk.count(b"\n")
                    raw.bulk_load(input=chunk, format=ox.RdfFormat.N_TRIPLES, to_graph=into, lenient=lenient)
                raw.add_graph(into)
                if exists:
                    raw.update(move_graph_update(into, graph))
            return count
        tail = str(graph).encode() + b" .\n"

        def write(fh: BinaryIO) -> None:
            nonlocal count
            for chunk in chunks:
                count += chunk.count(b"\n")
                fh.write(b"".join(line[:-1] + tail for line in chunk.splitlines()))

        try:
            self._replace_through_journal({graph: []}, {graph: graph_size(self._store, graph)}, write_data=write)
        except OSError as exc:
            if _disk_full(exc):
                raise self._full(exc, BYTES_PER_TRIPLE * max(count, 1)) from exc
            raise
        return count

    def _replace_through_journal(self, graphs: dict[ox.NamedNode, list[ox.Triple]],
                                 sizes: Mapping[ox.NamedNode, int], texts: Mapping[ox.NamedNode, bytes] | None = None,
                                 gone: Mapping[ox.NamedNode, list[bytes]] | None = None,
                                 distinct: Mapping[ox.NamedNode, int] | None = None,
                                 write_data: Callable[[BinaryIO], None] | None = None) -> None:
        assert self.path is not None
        names = list(graphs)
        data = self.path / REPLACEMENT_DATA
        draft = self.path / (REPLACEMENT_FILE + ".tmp")
        texts = texts if texts is not None or write_data is not None else _ntriples(graphs)
        try:
            with data.open("wb") as fh:
                if write_data is not None:  # the new content, written as it is made
                    write_data(fh)
                for g, text in (texts or {}).items():  # N-Triples lines ("S P O .") made N-Quads: four times
                    tail = str(g).encode() + b" .\n"  # faster than serialising Quad objects made in Python
                    fh.write(b"".join(line[:-1] + tail for line in text.splitlines()))
                fh.flush()
                os.fsync(fh.fileno())
            with draft.open("w", encoding="utf-8") as fh:
                fh.write(json.dumps({"graphs": [g.value for g in names], "pid": os.getpid(),
                                     "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}))
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            draft.unlink(missing_ok=True)
            data.unlink(missing_ok=True)
            raise
        self._hidden = self._hidden | frozenset(names)  # from here on: the new graphs, once finished
        os.replace(draft, self.path / REPLACEMENT_FILE)
        self._sync_folder()  # the commit point
        try:  # a failure from here on is finished by the next open
            if gone is None:
                self._redo_replacement(names, sizes)
            else:
                self._redo_replacement(names, gone=gone, wanted=graphs, distinct=distinct)
        except OSError as exc:
            if not _disk_full(exc):
                raise
            raise StoreError(f"the disk holding the store {self.path} is full ({_free(self.path)} free), part way "
                             f"through replacing {', '.join(g.value for g in names)}: the replacement is "
                             f"committed ({REPLACEMENT_FILE}), so until it is finished those graphs are hidden. "
                             "Free space on that disk and open the store again (any coopsec command on it): "
                             "opening finishes the replacement") from exc

    def _bulk_publish(self, graphs: Mapping[ox.NamedNode, list[ox.Triple]]) -> None:
        """New graphs through the bulk loader, from their N-Triples text (about 1 s faster at 200,000 triples
        than handing it Python quads), which is then kept as the graphs' copies (``COPIES_DIR``)."""
        texts = _ntriples(graphs)
        with self.new_graphs(graphs) as raw:
            if any(b"_:" in text for text in texts.values()):  # blank nodes keep their identity as objects
                raw.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, g) for g, ts in graphs.items() for t in ts)
            else:
                for g, text in texts.items():
                    if text:
                        raw.bulk_load(input=text, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
            for g, ts in graphs.items():
                if not ts:
                    raw.add_graph(g)
        self._keep_copies(texts)

    def keep_copy_of_files(self, graph: ox.NamedNode, files: Sequence[tuple[Path, ox.RdfFormat, str]]) -> None:
        def fill(fh: BinaryIO) -> None:  # written as parsed: memory stays flat whatever the files' size
            for path, fmt, base in files:
                ox.serialize(ox.parse(path=str(path), format=fmt, base_iri=base), fh, format=ox.RdfFormat.N_TRIPLES)

        self._write_copy(graph, fill)

    def _write_copy(self, graph: ox.NamedNode, fill: Callable[[BinaryIO], None]) -> None:
        """Write a graph's copy (``COPIES_DIR``): a line naming the graph, then what ``fill`` writes, through
        a draft; no copy is kept if the text holds blank nodes or under ``SMALL_REPLACEMENT`` triples, or
        if anything fails (a full disk, a file that does not parse): a copy is only a hint."""
        if not self.path:
            return
        target = self._copy_file(graph)
        draft = target.with_suffix(f".{threading.get_ident()}.tmp")
        try:
            target.parent.mkdir(exist_ok=True)
            with draft.open("wb") as fh:
                fh.write(b"# " + graph.value.encode() + b"\n")
                fill(fh)
            lines = 0
            with draft.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    if b"_:" in chunk:
                        raise ValueError("blank nodes")
                    lines += chunk.count(b"\n")
            if lines - 1 < SMALL_REPLACEMENT:
                raise ValueError("small")
            os.replace(draft, target)
        except (OSError, SyntaxError, ValueError):
            for leftover in (draft, target):
                try:
                    leftover.unlink(missing_ok=True)
                except OSError:
                    pass

    def _copy_file(self, graph: ox.NamedNode) -> Path:
        assert self.path is not None
        return self.path / COPIES_DIR / (hashlib.sha256(graph.value.encode()).hexdigest()[:32] + ".nt")

    def _read_copy(self, graph: ox.NamedNode) -> list[bytes] | None:
        try:
            lines = self._copy_file(graph).read_bytes().splitlines()
        except OSError:
            return None
        return lines[1:] if lines and lines[0].startswith(b"#") else lines  # the first names the graph

    def _prune_copies(self) -> None:
        """Delete the copies of graphs the store no longer holds (``coopsec remove``, ``DROP GRAPH``), and
        drafts a killed process left."""
        assert self.path is not None
        try:
            copies = list((self.path / COPIES_DIR).glob("*.nt"))
            for draft in (self.path / COPIES_DIR).glob("*.tmp"):  # left by a killed process
                draft.unlink(missing_ok=True)
        except OSError:
            return
        for copy in copies:
            try:
                with copy.open("rb") as fh:
                    first = fh.readline()
                name = first[2:].strip().decode() if first.startswith(b"# ") else ""
                if not name or not self._store.contains_named_graph(ox.NamedNode(name)):
                    copy.unlink(missing_ok=True)
            except (OSError, ValueError):
                pass

    def _keep_copies(self, texts: Mapping[ox.NamedNode, bytes]) -> None:
        """Record each graph's N-Triples as just written (``COPIES_DIR``), or forget its copy."""
        for g, text in texts.items():
            if self.path and text.count(b"\n") < SMALL_REPLACEMENT:
                self._copy_file(g).unlink(missing_ok=True)  # no copy needed, and an older one is stale
            else:
                self._write_copy(g, lambda fh, text=text: fh.write(text))

    def _keep_copies_of(self, graphs: Mapping[ox.NamedNode, list[ox.Triple]]) -> None:
        """``_keep_copies`` of graphs given as triples (serialised only if big enough for a copy)."""
        self._keep_copies(_ntriples({g: ts if len(ts) >= SMALL_REPLACEMENT else [] for g, ts in graphs.items()}))

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
            if isinstance(exc, OSError) and _disk_full(exc):
                raise self._full(exc, _pending(self.path)) from exc
            if isinstance(exc, OSError):
                raise StoreError(f"cannot write to the store {self.spec}: {exc}; nothing of this batch "
                                 "was kept") from exc
            raise
        if self.path:
            self._publish()
        self._hidden -= names

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
                    if not _disk_full(exc):
                        raise
                    raise StoreError(f"the disk holding the store {self.path} is full ({_free(self.path)} free): "
                                     "the last writes may not be kept; free some space, then open the store "
                                     "again (it recovers by itself)") from exc
                finally:
                    self._release_owner()
                    _OPEN_HERE.discard(str(self.path.resolve()))
            del self._store

    def _release_owner(self) -> None:
        assert self.path is not None
        try:
            owner = json.loads((self.path / OWNER_FILE).read_text(encoding="utf-8"))
            if owner.get("pid") == os.getpid():
                (self.path / OWNER_FILE).unlink()
        except (OSError, ValueError, AttributeError):
            pass
