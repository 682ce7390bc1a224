"""Source files as the store names them: by a path relative to the folder ingested and a checksum, never
by an absolute path (which would publish the user's folders in every export, and make two machines'
exports differ); and by a key, a hash of where the file is, that tells two files of one name apart."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..resources import resource_root

#: the SHA-256 of a source file's bytes (the term ``coopsec init`` uses for its graph checksums)
CHECKSUM = ox.NamedNode("http://spdx.org/rdf/terms#checksumValue")


@dataclass(frozen=True)
class Source:
    """A source file as an ingest record names it.

    ``label`` is what a reader sees: the path relative to the folder ingested (``cases/x.yaml``), the file's
    name when the file itself was given, ``data/cases/korea.yaml`` for the bundled data. ``sha256`` is the
    checksum of its bytes. ``key`` tells two files apart where the labels agree (``projA/refs.bib`` and
    ``projB/refs.bib``): a hash of the resolved path (see :func:`source_key`), never the path itself."""

    key: str
    label: str
    sha256: str


#: the folders of the package whose files are named relative to it (``data/cases/korea.yaml``)
BUNDLED = ("data", "validation")


def _bundled(path: Path) -> str | None:
    """``data/cases/korea.yaml`` for a file of the bundled data or validation set, else None."""
    try:
        relative = path.resolve().relative_to(resource_root().resolve())
    except (ValueError, OSError):
        return None
    return relative.as_posix() if relative.parts[0] in BUNDLED else None


def source_key(path: Path | str) -> str:
    """How the store tells one source file from another: the SHA-256 (20 hex digits) of its resolved path,
    or, for a file of the bundled data or validation set, of its path in the package (the same wherever the
    package is installed)."""
    path = Path(path)
    text = _bundled(path) or str(path.resolve())
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def is_bundled(key: str | None, label: str | None) -> bool:
    """Whether a recorded source (its key and label) is a file of the bundled data or validation set: its
    label is a path in the package and its key the hash of that path (a user's own ``data/x.yaml`` has the
    hash of its resolved path instead)."""
    return bool(key and label and label.split("/")[0] in BUNDLED
                and hashlib.sha256(label.encode()).hexdigest()[:20] == key)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_source(path: Path, root: Path | None = None) -> Source:
    """The :class:`Source` of a file ingested under ``root`` (the folder given; the file's own folder when the
    file was given)."""
    label = _bundled(path)
    if label is None:
        try:
            label = path.resolve().relative_to((root or path.parent).resolve()).as_posix()
        except ValueError:
            label = path.name
    try:
        checksum = file_sha256(path)
    except OSError:
        checksum = ""
    return Source(source_key(path), label, checksum)


__all__ = ["BUNDLED", "CHECKSUM", "Source", "describe_source", "file_sha256", "is_bundled", "source_key"]
