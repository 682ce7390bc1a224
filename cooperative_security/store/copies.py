"""Graph copies (``COPIES_DIR``): the N-Triples of each big graph coopsec wrote, as last written, kept
so that a replacement finds what to delete without reading the old graph back out of the store."""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .folder import COPIES_DIR, SMALL_REPLACEMENT
from .graphs import ntriples


def _write(text: bytes, fh: BinaryIO) -> None:
    fh.write(text)

class Copies:
    """Write, read and prune the copies of an on-disk store's big graphs (a hint, never the data)."""

    path: Path | None
    _store: ox.Store

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
                self._write_copy(g, functools.partial(_write, text))

    def _keep_copies_of(self, graphs: Mapping[ox.NamedNode, list[ox.Triple]]) -> None:
        """``_keep_copies`` of graphs given as triples (serialised only if big enough for a copy)."""
        self._keep_copies(ntriples({g: ts if len(ts) >= SMALL_REPLACEMENT else [] for g, ts in graphs.items()}))
