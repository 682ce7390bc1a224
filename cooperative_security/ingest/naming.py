"""Graph names for ingested files, and who wrote each graph: so that no ingest silently replaces another.

A file's graph is named by its path relative to the ingest root (the folder given, or the file's own
folder), slugged part by part (``projA/notes/refs.bib`` given as the folder ``projA`` becomes
``bibliography/notes/refs``). Letters outside Latin stay as they are (``日本.ttl`` becomes
``file/日本``, an IRI may hold them); a name with no letter or digit at all gets ``unnamed-`` and a
hash of the path. When the name is already taken by a graph another file wrote, a short hash of this
file's path is appended (``bibliography/refs-1a2b3c4d``).

Every ingest record names, for each graph it wrote, the source file (``prov:hadPrimarySource``);
the latest record of a graph is its owner (:func:`claims`). :func:`name_graphs` names a batch's graphs
so and refuses to replace a graph another source wrote unless told to.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError, Problem
from ..namespaces import GRAPH, graph
from ..queries import load_query
from ..store import Store
from .actors import ACTORS_GRAPH
from .base import Batch, slugify
from .source_files import is_bundled, source_key

#: IRIs of the project: a user's TriG or N-Quads file may not name a graph here (``--replace`` to do so)
PROJECT_NAMESPACE = "https://w3id.org/coopsec/"

#: the works every bibliography file adds to (each file's own part named below it, ``bibliography/<file>``)
BIBLIOGRAPHY_GRAPH = graph("bibliography")

#: the per-file graph families: a file ingested gets a graph of its own below one of these
PER_FILE = ("file", "events", "bibliography", "actors")


@dataclass(frozen=True)
class Claim:
    """The latest ingest that wrote a graph: ``source`` is its source file's key (:func:`source_key`, what
    comparisons use) and ``name`` the file as a reader knows it (its path relative to the folder ingested)."""

    ident: str
    ended: str
    source: str | None
    name: str | None = None


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
        key, name, source = row["key"], row["name"], row["source"]
        if key is not None:
            claim = Claim(ident.value, ended.value, key.value, name.value if name is not None else key.value)
        elif isinstance(source, ox.Literal):  # a record from before December 2026: the resolved path
            claim = Claim(ident.value, ended.value, source_key(source.value), source.value)
        else:
            claim = Claim(ident.value, ended.value, None)
        if g.value not in latest or claim.ended > latest[g.value].ended:
            latest[g.value] = claim
    return latest


def file_graph(path: Path) -> ox.NamedNode:
    return graph(f"file/{slugify(path.stem) or 'unnamed'}")


def per_file_names(stem_graph: ox.NamedNode) -> tuple[str, str] | None:
    """(family, slug) when a graph is one of the per-file families, else None."""
    local = stem_graph.value.removeprefix(GRAPH)
    family, _, rest = local.partition("/")
    if stem_graph.value.startswith(GRAPH) and family in PER_FILE and rest:
        return family, rest
    return None


def _named_for_file(g: ox.NamedNode, path: Path) -> bool:
    """Whether coopsec named ``g`` for an RDF file: the graph of its default graph (``file/<stem>``, see
    :func:`file_graph`) or one of a blank-node graph of it (``file/<stem>/graph-N``), not a graph the file
    names itself, which may lie in a per-file family too (a TriG export's ``bibliography/refs``)."""
    own = file_graph(path).value
    return g.value == own or g.value.startswith(own + "/graph-")


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


#: graphs coopsec derives or keeps for itself: never a definition, never a reference that a removal breaks
DERIVED = tuple(GRAPH + name for name in ("ingest/", "inferred", "request", "dyads-inferred", "dyads-request",
                                          "checksums", "void"))

#: graphs the bundled files share by kind; a file a user ingests gets a graph of its own below them
SHARED_GRAPHS = (BIBLIOGRAPHY_GRAPH, ACTORS_GRAPH)


def own_graphs(batches: list[Batch]) -> None:
    """Give each ingested file its own graph below the shared one (``bibliography/<file stem>``).

    Replacing a shared graph would wipe what other files put there (the bundled bibliography, say). An
    RDF file's graphs are the ones the file names (a TriG export, say): they are left as named, and
    :func:`name_graphs` refuses those in coopsec's namespace unless ``--replace`` names them.
    """
    for batch in batches:
        if batch.kind == "rdf":
            continue
        for shared in SHARED_GRAPHS:
            if shared in batch.graphs:
                own = graph(f"{shared.value.removeprefix(GRAPH)}/{slugify(Path(batch.source).stem) or 'file'}")
                batch.graphs.setdefault(own, []).extend(batch.graphs.pop(shared))


def name_graphs(store: Store, batches: list[Batch], file_roots: dict[Path, Path],
                replace: Collection[str] = (), remedy: str | None = None) -> None:
    """Name each file's own graphs by its path (as above), and refuse to replace others' graphs.

    A graph that already exists and that another source wrote (or that no ingest wrote: the ontology,
    the shapes, the rules) is replaced only when named in ``replace`` (``--replace GRAPH``); so is a
    graph a TriG or N-Quads file names in the project's namespace. ``remedy`` replaces the advice to add
    ``--replace`` where the caller offers no such option (``coopsec validate``).
    """
    existing = set(store.graph_names())
    owners = claims(store)
    named: dict[str, str] = {}  # graph -> source key, for this batch's own collisions
    shown: dict[str, str] = {}  # source key -> the file as given
    problems: list[Problem] = []

    def taken(name: str, src: str) -> bool:
        if name in named and named[name] != src:
            return True
        if name in existing:
            owner = owners.get(name)
            return owner is None or owner.source != src
        return False

    for batch in batches:
        src_path = Path(batch.source).resolve()
        src = source_key(src_path)
        shown[src] = batch.source
        root = file_roots.get(src_path, src_path.parent)
        own: set[ox.NamedNode] = set()
        for g in [*batch.graphs, *batch.streams]:
            if batch.kind == "rdf" and not _named_for_file(g, src_path):
                continue  # a graph the file itself names: kept as named, checked below
            family_rest = per_file_names(g)
            if family_rest is not None and "/graph-" in family_rest[1] and g not in own:
                # a graph coopsec named for a blank-node graph of this file: it stays beside the file's graph
                base = graph(f"{family_rest[0]}/{source_name(src_path, root)}")
                if taken(base.value, src):
                    base = graph(f"{base.value.removeprefix(GRAPH)}-{path_hash(src_path)}")
                child = ox.NamedNode(f"{base.value}/graph-{family_rest[1].rpartition('/graph-')[2]}")
                held: tuple[dict[ox.NamedNode, Any], ...] = (batch.graphs, batch.streams)
                for store_of in held:
                    if g in store_of and child != g:
                        store_of[child] = store_of.pop(g)
                own.add(child)
                continue
            if family_rest is None or g in own:
                continue
            new = graph(f"{family_rest[0]}/{source_name(src_path, root)}")
            if taken(new.value, src):
                new = graph(f"{new.value.removeprefix(GRAPH)}-{path_hash(src_path)}")
            mapping = rename_graphs({**batch.graphs, **batch.streams}, g, new)
            for old, renamed in mapping.items():
                if old in batch.graphs:
                    batch.graphs[renamed] = batch.graphs.pop(old)
                if old in batch.streams:
                    batch.streams[renamed] = batch.streams.pop(old)
                own.add(renamed)
        for g in [*batch.graphs, *batch.streams]:
            if g in own:
                named[g.value] = src
                continue
            if named.get(g.value, src) != src:  # another file of this ingest (--replace or not): never both
                problems.append(_both_write(batch.source, shown.get(named[g.value], named[g.value]), g))
            elif _named(g.value, replace):
                named[g.value] = src
                continue
            elif batch.kind == "rdf" and g.value.startswith(PROJECT_NAMESPACE):
                problems.append(Problem(batch.source, f"names the graph <{g.value}>, in coopsec's own namespace "
                                                      f"({PROJECT_NAMESPACE}); ingesting it would replace what "
                                                      "coopsec keeps there. Rename the graph in the file, or, to "
                                                      f"replace it on purpose, add --replace {g.value}"))
            elif taken(g.value, src):
                owner = owners.get(g.value)
                who = ("by coopsec itself (init)" if not (owner and owner.name)
                       else f"by coopsec's bundled {owner.name}" if is_bundled(owner.source, owner.name)
                       else f"by {owner.name}")
                advice = remedy or f"to replace it on purpose, add --replace {g.value}"
                problems.append(Problem(batch.source, f"would replace the graph <{g.value}>, written {who}; {advice}"))
            named[g.value] = src
    if problems:
        raise InputError(problems)


def _both_write(source: str, other: str, g: ox.NamedNode) -> Problem:
    """Two files of one ingest that would write one graph: both named, and what to do."""
    local = g.value.removeprefix(GRAPH)
    if local.startswith("case/"):
        return Problem(source, f"holds the case {local.removeprefix('case/')!r}, and so does {other}, given in the "
                               f"same ingest: both would write the graph <{g.value}>. Ingest the one you mean, or "
                               "give the other case another id (and file name)")
    return Problem(source, f"would write the graph <{g.value}>, and so would {other}, given in the same ingest; "
                           "ingest the one you mean")


def _named(name: str, replace: Collection[str]) -> bool:
    """Whether ``--replace`` names a graph: its IRI, or a prefix ending in ``*`` (``.../graph/*``: all)."""
    return any(name == r or (r.endswith("*") and name.startswith(r[:-1])) for r in replace)


__all__ = ["Claim", "PROJECT_NAMESPACE", "SHARED_GRAPHS", "claims", "name_graphs", "own_graphs", "path_hash",
           "roots", "source_name"]
