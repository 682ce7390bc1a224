"""Graph names for ingested files, and who wrote each graph: so that no ingest silently replaces another.

A file's graph is named by its path relative to the ingest root (the folder given, or the file's own
folder), slugged part by part (``projA/notes/refs.bib`` given as the folder ``projA`` becomes
``bibliography/notes/refs``). Letters outside Latin stay as they are (``日本.ttl`` becomes
``file/日本``, an IRI may hold them); a name with no letter or digit at all gets ``unnamed-`` and a
hash of the path. When the name is already taken by a graph another file wrote, a short hash of this
file's path is appended (``bibliography/refs-1a2b3c4d``).

Every ingest record names, for each graph it wrote, the source file (``prov:hadPrimarySource``);
the latest record of a graph is its owner (:func:`claims`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import GRAPH
from ..queries import load_query
from ..store import Store

#: IRIs of the project: a user's TriG or N-Quads file may not name a graph here (``--replace`` to do so)
PROJECT_NAMESPACE = "https://w3id.org/coopsec/"

#: the per-file graph families: a file ingested gets a graph of its own below one of these
PER_FILE = ("file", "events", "bibliography", "actors")


@dataclass(frozen=True)
class Claim:
    """The latest ingest that wrote a graph."""

    ident: str
    ended: str
    source: str | None


def _slug_part(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    latin = unicodedata.normalize("NFC", "".join(c for c in folded if not unicodedata.combining(c)))
    return re.sub(r"[^\w]+", "-", latin.lower(), flags=re.UNICODE).replace("_", "-").strip("-")


def path_hash(path: Path) -> str:
    return hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:8]


def source_name(path: Path, root: Path) -> str:
    """``notes/refs`` for ``ROOT/notes/refs.bib``: readable, one slug per folder, never empty."""
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:
        relative = Path(path.name)
    parts = [_slug_part(p) for p in relative.with_suffix("").parts]
    parts = [p for p in parts if p]
    if not parts:
        return f"unnamed-{path_hash(path)}"
    return "/".join(parts)


def roots(paths: Iterable[Path]) -> dict[Path, Path]:
    """The ingest root of every file under the arguments: a folder given, or a file's own folder."""
    found: dict[Path, Path] = {}
    for path in paths:
        if path.is_dir():
            for p in path.rglob("*"):
                if p.is_file():
                    found.setdefault(p.resolve(), path)
        else:
            found.setdefault(path.resolve(), path.parent)
    return found


def claims(store: Store) -> dict[str, Claim]:
    """For each graph an ingest wrote, its latest ingest (identifier, time, source file)."""
    latest: dict[str, Claim] = {}
    for row in store.select(load_query("ingest/graph-claims")):
        g, ident, ended = row["graph"], row["ident"], row["ended"]
        if g is None or ident is None or ended is None:
            continue
        source = row["source"].value if row["source"] is not None else None
        claim = Claim(ident.value, ended.value, source)
        if g.value not in latest or claim.ended > latest[g.value].ended:
            latest[g.value] = claim
    return latest


def per_file_names(stem_graph: ox.NamedNode) -> tuple[str, str] | None:
    """(family, slug) when a graph is one of the per-file families, else None."""
    local = stem_graph.value.removeprefix(GRAPH)
    family, _, rest = local.partition("/")
    if stem_graph.value.startswith(GRAPH) and family in PER_FILE and rest:
        return family, rest
    return None


def rename_graphs(graphs: Mapping[ox.NamedNode, object], old: ox.NamedNode, new: ox.NamedNode) -> dict[ox.NamedNode,
                                                                                                       ox.NamedNode]:
    """The renaming of ``old`` and of the graphs below it (``old/graph-1``) to ``new``."""
    mapping: dict[ox.NamedNode, ox.NamedNode] = {}
    for g in graphs:
        if g == old:
            mapping[g] = new
        elif g.value.startswith(old.value + "/graph-"):
            mapping[g] = ox.NamedNode(new.value + g.value[len(old.value):])
    return mapping


__all__ = ["Claim", "PROJECT_NAMESPACE", "claims", "path_hash", "roots", "source_name"]
