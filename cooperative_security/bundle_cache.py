"""A per-user cache of the parsed bundled knowledge graph, so that a ``memory:`` store opens fast.

Parsing the bundled files (chiefly the BibTeX) takes most of a ``coopsec classify`` run, and gives
the same quads every time until either the files or the code that reads them change. The cache
holds those quads as N-Quads under a key that is the SHA-256 of every bundled file read (and where it
is), every Python source file of the package, and the pyoxigraph version; any edit gives a new key, so a stale
entry is never read. Entries are written whole (beside the target, then renamed), and the cache is
only an optimisation: a cache that cannot be read or written is ignored and the files are parsed.

``COOPSEC_CACHE_DIR`` moves the cache (default ``$XDG_CACHE_HOME/coopsec`` or ``~/.cache/coopsec``);
``COOPSEC_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

KEEP = 4  # entries kept; older ones (other checkouts, earlier edits) are removed
_PACKAGE = Path(__file__).resolve().parent
PREFIX = "bundled-"
STALE_SECONDS = 3600  # a partial entry this old belongs to no running writer


def cache_dir() -> Path | None:
    """Where cached bundles live, or None when caching is off."""
    if os.environ.get("COOPSEC_NO_CACHE", "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get("COOPSEC_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coopsec"


def bundle_key(files: Iterable[Path]) -> str:
    """The SHA-256 of the bundled files (with their paths in the package: ``data/cases/korea.yaml``), the
    package's Python sources and the pyoxigraph version. The quads name each graph's file by that path and
    never by where the package is (ingest/source_files.py), so two checkouts with the same files share
    an entry."""
    digest = hashlib.sha256(f"pyoxigraph {ox.__version__}\n".encode())
    sources = sorted(p for p in _PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
    for path in sorted(set(files)):
        digest.update(f"{_in_package(path)}\n".encode())
        digest.update(path.read_bytes())
    for path in sources:
        digest.update(f"{path.name}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _in_package(path: Path) -> str:
    """The file's path below the resource folder, or its resolved path when it lies elsewhere."""
    from .resources import resource_root

    try:
        return path.resolve().relative_to(resource_root().resolve()).as_posix()
    except ValueError:
        return str(path.resolve())


def read(key: str) -> dict[ox.NamedNode, list[ox.Triple]] | None:
    """The cached graphs for ``key``, or None when there is no usable entry."""
    folder = cache_dir()
    if folder is None:
        return None
    entry = folder / f"{PREFIX}{key}.nq"
    try:
        data = entry.read_bytes()
        graphs: dict[ox.NamedNode, list[ox.Triple]] = defaultdict(list)
        for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
            if not isinstance(quad.graph_name, ox.NamedNode):
                return None  # coopsec writes named graphs only: not an entry it wrote
            graphs[quad.graph_name].append(ox.Triple(quad.subject, quad.predicate, quad.object))
    except (OSError, SyntaxError, ValueError):
        return None
    return dict(graphs) or None


def write(key: str, quads: Iterable[ox.Quad]) -> None:
    """Keep ``quads`` under ``key``; silently does nothing where the cache cannot be written."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        data = ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS)
        fd, tmp = tempfile.mkstemp(prefix=f".{PREFIX}", suffix=".partial", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data or b"")
            os.replace(tmp, folder / f"{PREFIX}{key}.nq")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        entries = sorted(folder.glob(f"{PREFIX}*.nq"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
        for partial in folder.glob(f".{PREFIX}*.partial"):  # left by a process killed while writing
            if time.time() - partial.stat().st_mtime > STALE_SECONDS:
                partial.unlink(missing_ok=True)
    except OSError:
        return
