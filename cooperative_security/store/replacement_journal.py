"""Journalled replacements: a big replacement committed by writing the new graphs to ``REPLACEMENT_DATA``
and a journal naming them (``REPLACEMENT_FILE``), then finished (old graphs dropped or their old triples
deleted, the file bulk-loaded), by the process that wrote it or, after a crash, by the next open. When
the replaced graphs are most of the store, the rest is written out too (``REBUILD_DATA``) and finishing
empties the store and loads both files: a rebuild, cheaper than Oxigraph's delete."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..errors import StoreError
from .folder import (
    DELETE_CHUNK,
    REBUILD_AFTER,
    REBUILD_DATA,
    REBUILD_SHARE,
    REPLACEMENT_DATA,
    REPLACEMENT_FILE,
    disk_full,
    free_space,
    replace_chunk,
)
from .graphs import graph_size, ntriples
from .journal import Loads, journal_graphs
from .sparql_text import delete_lines_update, drop_some_update


class JournalledReplacement(Loads):
    """The commit of a big replacement, and its finishing (``_redo_replacement``), idempotent."""

    def _replace_through_journal(self, graphs: dict[ox.NamedNode, list[ox.Triple]],
                                 sizes: Mapping[ox.NamedNode, int], texts: Mapping[ox.NamedNode, bytes] | None = None,
                                 gone: Mapping[ox.NamedNode, list[bytes]] | None = None,
                                 distinct: Mapping[ox.NamedNode, int] | None = None,
                                 write_data: Callable[[BinaryIO], None] | None = None) -> None:
        assert self.path is not None
        names = list(graphs)
        data = self.path / REPLACEMENT_DATA
        rest = self.path / REBUILD_DATA
        draft = self.path / (REPLACEMENT_FILE + ".tmp")
        deleting = sum(map(len, gone.values())) if gone is not None else sum(sizes.values())
        kept = self._kept_if_rebuild_pays(names, deleting)
        texts = texts if texts is not None or write_data is not None else ntriples(graphs)
        try:
            with data.open("wb") as fh:
                if write_data is not None:  # the new content, written as it is made
                    write_data(fh)
                for g, text in (texts or {}).items():  # N-Triples lines ("S P O .") made N-Quads: four times
                    tail = str(g).encode() + b" .\n"  # faster than serialising Quad objects made in Python
                    fh.write(b"".join(line[:-1] + tail for line in text.splitlines()))
                fh.flush()
                os.fsync(fh.fileno())
            if kept is not None:
                self._write_rest(rest, kept)
            journal = {"graphs": [g.value for g in names], "pid": os.getpid(),
                       "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
            if kept is not None:
                journal["rebuild"] = [g.value for g in kept]
            with draft.open("w", encoding="utf-8") as fh:
                fh.write(json.dumps(journal))
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            draft.unlink(missing_ok=True)
            data.unlink(missing_ok=True)
            rest.unlink(missing_ok=True)
            raise
        self._hidden = self._hidden | frozenset(names)  # from here on: the new graphs, once finished
        os.replace(draft, self.path / REPLACEMENT_FILE)
        self._sync_folder()  # the commit point
        try:  # a failure from here on is finished by the next open
            if kept is not None:
                self._redo_rebuild(names, kept)
            elif gone is None:
                self._redo_replacement(names, sizes)
            else:
                self._redo_replacement(names, gone=gone, wanted=graphs, distinct=distinct)
        except OSError as exc:
            if not disk_full(exc):
                raise
            hidden = "the whole store is empty" if kept is not None else "those graphs are hidden"
            raise StoreError(f"the disk holding the store {self.path} is full ({free_space(self.path)} free), part way "
                             f"through replacing {', '.join(g.value for g in names)}: the replacement is "
                             f"committed ({REPLACEMENT_FILE}), so until it is finished {hidden}. "
                             "Free space on that disk and open the store again (any coopsec command on it): "
                             "opening finishes the replacement") from exc

    def _read_replacement(self) -> list[ox.NamedNode]:
        assert self.path is not None
        return journal_graphs(self.path, REPLACEMENT_FILE, "an interrupted replacement",
                              f"delete that file and {REPLACEMENT_DATA}")

    def _finish_replacement(self) -> None:
        """Finish a replacement a killed process committed (its journal is there), or forget one it had not."""
        assert self.path is not None
        graphs = self._read_replacement()
        if not graphs:  # never committed: the old graphs are whole; the new data goes
            (self.path / (REPLACEMENT_FILE + ".tmp")).unlink(missing_ok=True)
            (self.path / REPLACEMENT_DATA).unlink(missing_ok=True)
            (self.path / REBUILD_DATA).unlink(missing_ok=True)
            return
        self._hidden = self._hidden | frozenset(graphs)
        kept = self._read_rebuild()
        if kept is not None:
            self._redo_rebuild(graphs, kept)
        else:
            self._redo_replacement(graphs)

    def _read_rebuild(self) -> list[ox.NamedNode] | None:
        """The graphs a committed rebuild keeps (its journal's "rebuild"), or None for a replacement that
        deletes; the journal was read whole by ``_read_replacement`` a moment before."""
        assert self.path is not None
        kept = json.loads((self.path / REPLACEMENT_FILE).read_text(encoding="utf-8")).get("rebuild")
        return None if kept is None else [ox.NamedNode(g) for g in kept]

    def _refuse_half_rebuilt(self) -> None:
        """For a store opened read-only: a committed rebuild that is not finished leaves the store empty or
        part loaded, which no query may be answered from; say so, and how it is finished."""
        if (self._read_replacement() and self._read_rebuild() is not None) and self.path is not None:
            journal = self.path / REPLACEMENT_FILE
            raise StoreError(f"the store {self.path} is being rebuilt: a replacement ({journal}) has emptied it and is "
                             "loading it again, so it cannot be read until that finishes. Try again in a moment; if "
                             "no coopsec process is writing it (it was killed), run any command that writes it, "
                             f"such as `coopsec check --store oxigraph:{self.path}`, as a user who can write the "
                             "folder: opening it finishes the rebuild")

    def _kept_if_rebuild_pays(self, names: list[ox.NamedNode], deleting: int) -> list[ox.NamedNode] | None:
        """The store's other named graphs when rebuilding it is cheaper than deleting ``deleting`` triples
        (``REBUILD_AFTER``: the others hold at most 1/``REBUILD_SHARE`` as many), else None. Counted inside
        the store graph by graph, and stopped as soon as the others are too big."""
        if deleting < REBUILD_AFTER:
            return None
        budget = deleting // REBUILD_SHARE
        held = sum(1 for _ in itertools.islice(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()),
                                               budget + 1))
        kept = []
        for g in self._store.named_graphs():
            if held > budget or not isinstance(g, ox.NamedNode):
                return None  # too much to keep, or a blank-node graph name (N-Quads would rename it)
            if g not in names:
                kept.append(g)
                held += graph_size(self._store, g)
        return kept if held <= budget else None

    def _write_rest(self, rest: Path, kept: list[ox.NamedNode]) -> None:
        """Every quad of the graphs a rebuild keeps (and of the default graph) as N-Quads, durably: one file,
        so that a blank node shared by two graphs is still one node when it is loaded again."""
        graphs: list[ox.NamedNode | ox.DefaultGraph] = [ox.DefaultGraph(), *kept]
        with rest.open("wb") as fh:
            ox.serialize(itertools.chain.from_iterable(self._store.quads_for_pattern(None, None, None, g)
                                                       for g in graphs), fh, format=ox.RdfFormat.N_QUADS)
            fh.flush()
            os.fsync(fh.fileno())

    def _redo_rebuild(self, graphs: list[ox.NamedNode], kept: list[ox.NamedNode]) -> None:
        """Finish a committed rebuild: empty the store (instant in Oxigraph), bulk-load the kept graphs
        (``REBUILD_DATA``) and the new content (``REPLACEMENT_DATA``), name every graph (an empty one stays
        named), then the journal goes. Idempotent: run again after a crash part way, it ends the same."""
        assert self.path is not None
        self._store.clear()
        for name in (REBUILD_DATA, REPLACEMENT_DATA):
            if (self.path / name).stat().st_size:
                self._store.bulk_load(path=str(self.path / name), format=ox.RdfFormat.N_QUADS)
        for g in [*kept, *graphs]:
            self._store.add_graph(g)
        self._store.flush()
        (self.path / REPLACEMENT_FILE).unlink(missing_ok=True)
        self._sync_folder()
        (self.path / REPLACEMENT_DATA).unlink(missing_ok=True)
        (self.path / REBUILD_DATA).unlink(missing_ok=True)
        self._hidden = self._hidden - frozenset(graphs)

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
                    if g is None or lines is None or failure:
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
