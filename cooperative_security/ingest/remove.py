"""``coopsec remove SOURCE...``: take out of the store what ingesting files (or a folder) put there.

The ingest records say which graphs each source file wrote (``prov:hadPrimarySource``: the file by its
path relative to the folder ingested, and a key, a hash of where it was). A source is given by its path, or
by the name the records and coopsec's messages give it, when only one file has that name. Removing a source
drops the graphs it still owns (those no later ingest of another file took over), and the records of
ingests left with no graph, in one atomic update.

A removal that would leave other data pointing at nothing is refused (:class:`RemovalRefused`) unless
``force`` is given: what the removed graphs define (an IRI they give a type: a case, a work, an actor, an
event) and no other graph defines, while another graph still refers to it (an events CSV's events in the
case, a case's evidence citing the work). The refusal lists each such reference and the file that holds
it, so the user can remove that file first; ``coopsec check`` reports the same references after a forced
removal. Derived graphs (ingest records, the classifier's inferred graphs) are not data and are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import CoopsecError, UnknownTerm
from ..namespaces import compact, graph
from ..queries import load_query
from ..store import Store
from ..store.sparql_text import drop_graphs_update
from .formats import expand_paths
from .naming import DERIVED, Claim, claims
from .source_files import source_key

#: the most broken references a refusal lists (the count of the rest follows)
SHOWN = 20


@dataclass(frozen=True)
class Dangling:
    """A reference a removal would break: ``referrer`` (in ``graph``, written from ``source``) refers to
    ``term`` through ``via``, and only the removed graphs define ``term``."""

    term: str
    referrer: str | None  # for a blank node (an evidence entry, say) the IRI holding it; None if none does
    via: str
    graph: str
    source: str | None

    def __str__(self) -> str:
        where = compact(self.graph) + (f" (from {self.source})" if self.source else "")
        who = compact(self.referrer) if self.referrer else "an entry"
        return f"{where}: {who} refers to {compact(self.term)} ({compact(self.via)})"


class RemovalRefused(CoopsecError):
    """Removing the source would leave references broken; nothing was removed (exit 1: the command was well
    formed, the store's data stop it)."""

    exit_code = 1

    def __init__(self, source: str, dangling: list[Dangling]) -> None:
        self.source = source
        self.dangling = dangling
        files = sorted({d.source for d in dangling if d.source})
        lines = [f"  {d}" for d in dangling[:SHOWN]]
        if len(dangling) > SHOWN:
            lines.append(f"  ... and {len(dangling) - SHOWN} more")
        first = (f"remove {', '.join(files)} first (coopsec remove FILE), or " if files else "")
        super().__init__(
            f"nothing removed: removing {source} would leave {len(dangling)} reference(s) to what only it defines "
            "pointing at nothing:\n" + "\n".join(lines) + f"\n{first}pass --force to remove it anyway "
            "(`coopsec check` then lists the broken references)")


@dataclass
class Removal:
    source: str
    graphs: dict[str, int] = field(default_factory=dict)  # graph -> triples it held
    records: list[str] = field(default_factory=list)
    #: the references the removal left pointing at nothing (only with ``force``)
    dangling: list[Dangling] = field(default_factory=list)
    #: the files removed, resolved
    files: list[str] = field(default_factory=list)


def dangling_references(store: Store, removed: list[str], owners: dict[str, Claim] | None = None) -> list[Dangling]:
    """The references from graphs outside ``removed`` to IRIs that only graphs in ``removed`` define."""
    gone = set(removed)
    owners = claims(store) if owners is None else owners

    def kept(name: str | None) -> bool:
        return name is not None and name not in gone and not name.startswith(DERIVED)

    found: set[Dangling] = set()
    defined: dict[str, bool] = {}  # IRI -> whether a graph that stays defines it too
    for name in removed:
        for r in store.select(load_query("ingest/graph-references"), {"removed": ox.NamedNode(name)}):
            term, referrer, via, where = r["term"], r["referrer"], r["via"], r["g"]
            if term is None or via is None or where is None or not kept(where.value):
                continue
            if term.value not in defined:  # looked up only for what is referred to: few, even in a big graph
                defined[term.value] = any(kept(row["g"].value if row["g"] is not None else None) for row in
                                          store.select(load_query("ingest/entity-types"), {"entity": term}))
            if defined[term.value]:
                continue
            claim = owners.get(where.value)
            who = referrer if isinstance(referrer, ox.NamedNode) else r["holder"]  # an entry: who holds it
            found.add(Dangling(term.value, who.value if isinstance(who, ox.NamedNode) else None,
                               via.value, where.value, claim.name if claim else None))
    return sorted(found, key=lambda d: (d.graph, d.term, d.referrer or "", d.via))


def remove_source(store: Store, source: Path | str, force: bool = False) -> Removal:
    """Drop the graphs ``source`` wrote (by its resolved path, or its recorded name) and the ingest records
    left empty: a file, or a folder (:func:`remove_sources`)."""
    return remove_sources(store, [Path(source)], force)


def source_files(sources: Sequence[Path | str]) -> list[Path]:
    """The files whose ingests ``sources`` name, resolved: a folder stands for the files ``coopsec ingest``
    would read in it (:func:`expand_paths`), any other path for itself (it need not exist any more)."""
    files: list[Path] = []
    for source in map(Path, sources):
        found = [p for _, p in expand_paths([source])] if source.is_dir() else [source]
        files += [p.resolve() for p in found if p.resolve() not in files]
    return files


def remove_sources(store: Store, sources: Sequence[Path | str], force: bool = False) -> Removal:
    """Drop the graphs the files of ``sources`` wrote (files or folders, as ``coopsec ingest`` takes them)
    and the ingest records left empty, all in one atomic update.

    A file the store holds nothing from is an :class:`UnknownTerm` naming it, and nothing is removed. Refused
    with :class:`RemovalRefused`, nothing dropped, when other graphs refer to what only the removed graphs
    define (a reference between two files removed together breaks nothing); with ``force`` the removal goes
    ahead and :attr:`Removal.dangling` lists those references."""
    files = source_files(sources)
    owners = claims(store)
    keys = {path: _key(path, sources, owners) for path in files}
    unknown = [path for path in files if not any(c.source == keys[path] for c in owners.values())]
    if unknown:
        raise UnknownTerm(_not_held(store, unknown, owners, any(Path(s).is_dir() for s in sources), len(files)))
    held = set(keys.values())
    mine = sorted(g for g, claim in owners.items() if claim.source in held)
    what = str(files[0]) if len(files) == 1 else f"{len(files)} files ({', '.join(map(str, sources))})"
    dangling = dangling_references(store, mine, owners)
    if dangling and not force:
        raise RemovalRefused(what, dangling)
    removal = Removal(what, {g: store.count(ox.NamedNode(g)) for g in mine}, dangling=dangling,
                      files=[str(path) for path in files])
    by_ingest: dict[str, set[str]] = {}
    for row in store.select(load_query("ingest/graph-claims")):
        if row["ident"] is not None and row["graph"] is not None:
            by_ingest.setdefault(row["ident"].value, set()).add(row["graph"].value)
    remaining = set(store.graph_names()) - set(mine)
    for ident, graphs in sorted(by_ingest.items()):
        if not graphs & remaining:
            removal.records.append(graph(f"ingest/{ident}").value)
    store.update(drop_graphs_update([ox.NamedNode(g) for g in [*mine, *removal.records]]))
    return removal


def _key(path: Path, sources: Sequence[Path | str], owners: dict[str, Claim]) -> str:
    """The key of the source ``path`` names: by where it is, or else, for a path given as the store records a
    file (``notes/refs.bib``, relative to the folder ingested: what messages name it by), that file's key when
    only one file is recorded so."""
    key = source_key(path)
    if any(c.source == key for c in owners.values()):
        return key
    given = [Path(s).as_posix() for s in sources if Path(s).resolve() == path]
    named = {c.source for c in owners.values() if c.source and c.name in given}
    return named.pop() if len(named) == 1 else key


def _not_held(store: Store, unknown: list[Path], owners: dict[str, Claim], folder: bool, total: int) -> str:
    """The files the store holds nothing from, each with the files of its name it does hold."""
    def named(path: Path) -> str:
        known = sorted({c.name for c in owners.values() if c.name and Path(c.name).name == path.name})
        return f"files of that name it holds: {', '.join(known)}" if known else ""

    advice = ("coopsec remove takes the path of a file given to `coopsec ingest`, as it was then"
              + ("; a folder stands for every file `coopsec ingest` would read in it, and each must have been "
                 "ingested: name the files that were instead" if folder else ""))
    if len(unknown) == 1:
        found = named(unknown[0])
        return (f"{store.spec} holds nothing ingested from {unknown[0]}{'; ' + found if found else ''}"
                + (f", so nothing of the {total} files was removed" if total > 1 else "") + f" ({advice})")
    lines = [f"  {path}" + (f" ({named(path)})" if named(path) else "") for path in unknown]
    return (f"{store.spec} holds nothing ingested from {len(unknown)} of these files, so nothing was removed "
            f"({advice}):\n" + "\n".join(lines))


__all__ = ["Dangling", "Removal", "RemovalRefused", "dangling_references", "remove_source", "remove_sources",
           "source_files"]
