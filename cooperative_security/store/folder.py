"""The on-disk store's folder: the files coopsec keeps beside the database, the tunings of its writes,
and what is done to the folder itself (leftovers of a killed load, RocksDB's lock probed, the owner file,
a full or read-only disk told apart), none of which needs the store open."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import re
import shutil
import sys
from pathlib import Path

from ..errors import StoreError
from ..namespaces import GRAPH

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

#: written with ``REPLACEMENT_DATA`` when a replacement rebuilds the store instead of deleting (see
#: ``REBUILD_AFTER``): every quad of the graphs the replacement keeps, as N-Quads. The journal then names
#: those graphs under "rebuild", and finishing it empties the store and loads both files
REBUILD_DATA = "coopsec-replacing-rest.nq"

#: a replacement that would delete at least this many triples, from a store whose other graphs hold at
#: most half as many (``REBUILD_SHARE``), empties the store and bulk-loads the other graphs and the new
#: content instead: Oxigraph deletes a triple on disk in about 21-31 µs (so a replacement of wholly new
#: content cost 2.0-2.3x a first load at 1,000,000 triples), while emptying the store is instant and
#: writing out and loading again a triple that stays costs about 30 µs (docs/operations/limits.md)
REBUILD_AFTER = 100_000
REBUILD_SHARE = 2

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


def holder(path: Path) -> str:
    """Who holds the store, from the owner file its process wrote: ' (process 123: coopsec ingest ...)'."""
    try:
        info = json.loads((path / OWNER_FILE).read_text(encoding="utf-8"))
        return f" (process {int(info['pid'])}: {info['command']}, since {info['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


#: roughly what one triple costs on disk (six indexes and the strings): to say how much space a write needs
BYTES_PER_TRIPLE = 300


def remove_leftovers(path: Path, check_lock: bool = True) -> None:
    """Delete the bulk loader's temporary files a killed load left: needs no free space, only unlinks.

    Before the store is opened, only when no process holds it (RocksDB's lock on ``LOCK`` is free): the
    files of a load running in another process are not leftovers.
    """
    if check_lock and (str(path.resolve()) in OPEN_HERE or not unheld(path / "LOCK")):
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
OPEN_HERE: set[str] = set()


def unheld(lock: Path) -> bool:
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


def pending_bytes(path: Path | None) -> int:
    """Bytes of the bulk loader's temporary files now in the store (what the failed load had reached)."""
    if path is None:
        return 0
    try:
        return sum(p.stat().st_size for p in path.iterdir() if BULK_TEMPORARY.fullmatch(p.name) and p.is_file())
    except OSError:
        return 0


def disk_full(exc: BaseException) -> bool:
    return getattr(exc, "errno", None) == errno.ENOSPC or "no space left" in str(exc).lower()


def cannot_write(exc: BaseException) -> bool:
    text = str(exc).lower()
    return (getattr(exc, "errno", None) in (errno.EACCES, errno.EROFS, errno.EPERM)
            or "permission denied" in text or "read-only file system" in text)


def megabytes(n: int) -> str:
    return f"{max(1, round(n / 1e6)):,} MB"


def free_space(path: Path | None) -> str:
    try:
        return megabytes(shutil.disk_usage(path or ".").free) if path else "unknown"
    except OSError:
        return "unknown"


def not_another_folder(path: Path) -> None:
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


def write_owner(path: Path) -> None:
    """Name this process in the store's owner file (``OWNER_FILE``), for another that finds it locked."""
    info = {"pid": os.getpid(), "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200],
            "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    try:
        (path / OWNER_FILE).write_text(json.dumps(info), encoding="utf-8")
    except OSError:
        pass  # naming the owner is a courtesy; the lock itself is RocksDB's


def release_owner(path: Path) -> None:
    """Delete the owner file if this process wrote it."""
    try:
        owner = json.loads((path / OWNER_FILE).read_text(encoding="utf-8"))
        if owner.get("pid") == os.getpid():
            (path / OWNER_FILE).unlink()
    except (OSError, ValueError, AttributeError):
        pass
