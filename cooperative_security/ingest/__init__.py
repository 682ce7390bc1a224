"""The ingest layer: source files -> validated triples -> one atomic write into the store.

Every file is parsed and checked first; only when the whole batch is clean is anything written, in
one transaction, so a bad record leaves the store exactly as it was.
"""

from __future__ import annotations

import csv
import hashlib
import threading
import traceback
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import reproducible
from ..errors import InputError, Problem, UsageError
from ..namespaces import DCTERMS, GRAPH, PROV, RDF_TYPE, XSD, graph, instance
from ..queries import load_query
from ..store import BulkLoading, Store
from ..store.embedded import graph_size
from .actors import ACTORS_GRAPH, Registry, parse_actors, registry_from_rows
from .base import Batch, forget_parsed, load_yaml
from .bibtex import parse_bibtex
from .cases import parse_case
from .citations import parse_citations
from .csl import parse_csl
from .events_csv import EventIds, parse_event_csv
from .naming import PROJECT_NAMESPACE, claims, path_hash, per_file_names, rename_graphs, roots, source_name
from .rdf import bulk_load_file, parse_rdf, rdf_format, stream_batch, stream_source, stream_triples, streamable
from .works import BIBLIOGRAPHY_GRAPH, slugify

#: how many triples a graph holds, as the ingest record states it
VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")

#: the order files of each kind are read in (a folder is read in this order, then by name)
ORDER = ("actors", "bibtex", "csl", "citations", "case", "events", "rdf")


@dataclass
class IngestReport:
    """What an ingest wrote: ``coopsec ingest`` (curated files) and ``coopsec ingest-dataset`` (one
    publisher's file, whose ``ingest_id`` is the data set's name) both report with it."""

    ingest_id: str
    files: list[str] = field(default_factory=list)
    graphs: dict[str, int] = field(default_factory=dict)
    #: True when the same ingest was already in the store, whole: nothing was written
    already: bool = False
    #: the data rows read (ingest-dataset) and the seconds the ingest took (0 where not counted)
    rows: int = 0
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def classify_file(path: Path) -> str:
    """Which reader a file needs, from its extension (and, for YAML, its top-level keys)."""
    suffix = path.suffix.lower()
    if suffix == ".bib":
        return "bibtex"
    if suffix == ".json":
        return "csl"
    if suffix == ".csv":
        return "events"
    if suffix in {".yaml", ".yml"}:
        data = load_yaml(path)
        if isinstance(data, dict):
            if "footnotes" in data:
                return "citations"
            if "events" in data or "members" in data:
                return "case"
            if {"states", "organisations", "people", "societies"} & set(data):
                return "actors"
        raise InputError(Problem(str(path), "cannot tell what this YAML holds: a case has `events:`, "
                                            "citations have `footnotes:`, actors have `states:`/`people:`"))
    if rdf_format(path) is not None:
        return "rdf"
    raise InputError(Problem(str(path), f"unknown file type {suffix!r}: coopsec reads .yaml, .bib, .json "
                                        "(CSL-JSON), .csv (events) and RDF (.ttl .nt .nq .trig .rdf .jsonld)"))


def expand_paths(paths: Iterable[Path]) -> list[tuple[str, Path]]:
    """Files to read, with their kind, in the documented order (folders: every file inside).

    A file named twice (in a folder and by itself, or by two spellings of its path) is read once, as
    first named: ingesting it twice in one batch would write its triples twice.
    """
    found: list[tuple[str, Path]] = []
    named: set[Path] = set()

    def add(file: Path) -> None:
        resolved = file.resolve()
        if resolved not in named:
            named.add(resolved)
            found.append((classify_file(file), file))

    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            if not files:
                raise UsageError(f"the folder {path} holds no files to ingest")
            for file in files:
                add(file)
        elif path.is_file():
            add(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    return sorted(found, key=lambda kp: (ORDER.index(kp[0]), str(kp[1])))


def _known(store: Store) -> tuple[set[str], set[str], set[str], Registry, set[str]]:
    works = {r["key"].value for r in store.select(load_query("ingest/known-works"))}  # type: ignore[union-attr]
    classes: set[str] = set()
    events: set[str] = set()
    for row in store.select(load_query("ingest/known-classes")):
        local = row["class"].value.rpartition("#")[2]  # type: ignore[union-attr]
        classes.add(local)
        if row["event"] is not None and row["event"].value == "true":
            events.add(local)
    registry = registry_from_rows(store.select(load_query("ingest/actors")))
    cases = {r["slug"].value for r in store.select(load_query("ingest/cases"))}  # type: ignore[union-attr]
    return works, classes, events, registry, cases


def _batch_keys(batch: Batch) -> tuple[set[str], set[str], set[str]]:
    """Works, classes and event types that a batch itself defines."""
    works: set[str] = set()
    classes: set[str] = set()
    events: set[str] = set()
    for triples in batch.graphs.values():
        for t in triples:
            if isinstance(t.object, ox.Triple):  # an RDF 1.2 triple term: neither a key nor a class
                continue
            if t.predicate.value.endswith("#bibKey"):
                works.add(t.object.value)
            if t.predicate == RDF_TYPE and t.object.value.endswith("owl#Class") and isinstance(t.subject, ox.NamedNode):
                classes.add(t.subject.value.rpartition("#")[2])
    return works, classes, events


def _where(exc: BaseException) -> str:
    """The innermost coopsec source line an exception passed through (for a bug report)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "cooperative_security" in f.filename]
    if not frames:
        return "an unknown place"
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"


def parse_all(
    store: Store, files: list[tuple[str, Path]], progress: Callable[[str], None] | None = None,
    bundled: bool = False,
) -> list[Batch]:
    """Parse and check every file against the store and each other; raise before writing anything.
    ``bundled``: the project's own data files (only they may describe the source chapter's footnotes)."""
    works, classes, events, registry, cases = _known(store)
    # who wrote each graph (read once): an actors or events file's own earlier version is replaced, not a clash
    owners = claims(store) if any(kind in ("actors", "events") for kind, _ in files) else {}
    ids = EventIds(store, owners) if any(kind == "events" for kind, _ in files) else None
    batches: list[Batch] = []
    problems: list[Problem] = []
    for kind, path in files:
        if progress:
            progress(str(path))
        try:
            if kind == "actors":
                # the graphs an earlier ingest of this file wrote: this one replaces them
                source = str(path.resolve())
                batch, more = parse_actors(path, registry, {g for g, c in owners.items() if c.source == source})
                registry.update(more)
            elif kind == "bibtex":
                batch = parse_bibtex(path)
            elif kind == "csl":
                batch = parse_csl(path)
            elif kind == "citations":
                batch = parse_citations(path, bundled)
            elif kind == "case":
                batch = parse_case(path, registry)
                cases.add(path.stem)
                if ids is not None:  # an events CSV read later may not reuse this file's event ids
                    ids.case_file(batch)
            elif kind == "events":
                batch = parse_event_csv(path, registry, cases, ids)
            elif can_stream(store) and streamable(path):
                batch = stream_batch(path)
            else:
                batch = parse_rdf(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        except OSError as exc:
            problems.append(Problem(str(path), f"cannot read the file: {exc.strerror or exc}"))
            continue
        except (TypeError, AttributeError, KeyError, IndexError, ValueError, OverflowError, csv.Error,
                RecursionError) as exc:
            # A reader met a shape of data it does not check for yet. Still a located, typed error
            # (never a traceback, nothing written), but it names itself so it gets fixed.
            problems.append(Problem(str(path), f"coopsec cannot read this {kind} file: unexpected "
                                               f"{type(exc).__name__} ({exc}) at {_where(exc)}; please "
                                               "report this with the file"))
            continue
        w, c, _ = _batch_keys(batch)
        works |= w
        classes |= c
        batches.append(batch)
    for batch in batches:
        for what, key, problem in batch.references:
            known = {"work": works, "concept": classes, "event-type": events or classes}[what]
            if key not in known:
                problems.append(problem)
    if problems:
        raise InputError(problems)
    return batches


def can_stream(store: Store) -> bool:
    """Whether the store bulk-loads files from disk (the embedded one; a remote store gets triples)."""
    return isinstance(store, BulkLoading)


def ingest_id(files: list[tuple[str, Path]]) -> str:
    digest = hashlib.sha256()
    for _, path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def already_written(store: Store, ident: str, graphs: dict[ox.NamedNode, int | None]) -> bool:
    """Whether this exact ingest (same files, same bytes) is in the store, whole and unchanged since.

    The ingest record is written in the same transaction as its graphs, so its presence means they
    were written. Each graph must still be this ingest's: its latest ingest record (by time) must be
    this one, which a later ingest of other content into the same graph is not (triple counts alone
    cannot tell two files of the same size apart). The counts then check that no update changed them.
    """
    record = graph(f"ingest/{ident}")
    if record.value not in store.graph_names():
        return False
    owners = claims(store)
    if any(g.value not in owners or owners[g.value].ident != ident for g in graphs):
        return False
    recorded = {q.subject: int(q.object.value) for q in store.quads(record)
                if q.predicate == VOID_TRIPLES and isinstance(q.object, ox.Literal)}
    return all(store.count(g) == (n if n is not None else recorded.get(g, -1)) for g, n in graphs.items())


def ingest_record(ident: str, names: list[str], counts: dict[ox.NamedNode, int],
                  sources: dict[ox.NamedNode, str] | None = None) -> list[ox.Triple]:
    """What an ingest says about itself: when, from which files, which graphs with how many triples,
    and each graph's source file (the resolved path, so that another file of the same name is told apart)."""
    record = instance("ingest", ident)
    log: list[ox.Triple] = [
        ox.Triple(record, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        ox.Triple(record, ox.NamedNode(PROV + "endedAtTime"),
                  ox.Literal(reproducible.now().isoformat(timespec="microseconds"),
                             datatype=ox.NamedNode(XSD + "dateTime"))),
    ]
    log += [ox.Triple(g, ox.NamedNode(PROV + "hadPrimarySource"), ox.Literal(src)) for g, src in (sources or {}).items()
            if g in counts]
    log += [ox.Triple(record, ox.NamedNode(PROV + "used"), ox.Literal(name)) for name in names]
    log += [ox.Triple(record, ox.NamedNode(PROV + "generated"), g) for g in counts]
    log += [ox.Triple(g, VOID_TRIPLES, ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer")))
            for g, n in counts.items()]
    log.append(ox.Triple(record, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(ident)))
    return log


def write_batches(store: Store, batches: list[Batch], ident: str, names: list[str]) -> IngestReport:
    """Write all graphs of all batches, and the ingest record, as one all-or-nothing step."""
    graphs: dict[ox.NamedNode, list[ox.Triple]] = {}
    streams: dict[ox.NamedNode, list[Path]] = {}
    sources: dict[ox.NamedNode, str] = {}
    for batch in batches:
        for g in [*batch.graphs, *batch.streams]:
            sources.setdefault(g, str(Path(batch.source).resolve()))
        for g, triples in batch.graphs.items():
            graphs.setdefault(g, []).extend(triples)
        for g, paths in batch.streams.items():
            streams.setdefault(g, []).extend(paths)
    expected: dict[ox.NamedNode, int | None] = {g: len(ts) for g, ts in graphs.items()}
    expected.update(dict.fromkeys(streams))
    if already_written(store, ident, expected):
        # a retry of an ingest that did land (say, killed after its commit): nothing to do
        counts = {g: store.count(g) for g in expected}
        return IngestReport(ident, names, {g.value: n for g, n in counts.items()}, already=True)
    record_graph = graph(f"ingest/{ident}")
    existing = set(store.graph_names())
    if streams and not any(g.value in existing for g in [*graphs, *streams, record_graph]):
        return _write_streaming(store, graphs, streams, ident, names, sources)
    for g, paths in streams.items():  # replacing graphs: with the triples in memory, parsed as a stream is
        for path in paths:
            graphs.setdefault(g, []).extend(stream_triples(path))
    record = ingest_record(ident, names, {g: len(ts) for g, ts in graphs.items()}, sources)
    graphs[record_graph] = record
    store.replace_graphs(graphs)
    return IngestReport(ident, names, {g.value: len(ts) for g, ts in graphs.items()})


def _write_streaming(store: Store, graphs: dict[ox.NamedNode, list[ox.Triple]],
                     streams: dict[ox.NamedNode, list[Path]], ident: str, names: list[str],
                     sources: dict[ox.NamedNode, str]) -> IngestReport:
    """New graphs, some bulk-loaded straight from their files: published whole, or not at all."""
    record_graph = graph(f"ingest/{ident}")
    counts = {g: len(ts) for g, ts in graphs.items()}
    assert isinstance(store, BulkLoading)  # can_stream(store): the caller checked
    with store.new_graphs([*graphs, *streams, record_graph]) as raw:
        if any(graphs.values()):
            raw.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, g) for g, ts in graphs.items() for t in ts)
        for g in graphs:
            raw.add_graph(g)  # an empty one too
        def copy() -> None:  # the store's copies, made while the bulk loader runs (on the other core)
            for g, paths in streams.items():
                store.keep_copy_of_files(g, [stream_source(p) for p in paths])

        copier = threading.Thread(target=copy, name="coopsec-copies", daemon=True)
        copier.start()
        try:
            for g, paths in streams.items():
                for path in paths:
                    bulk_load_file(raw, path, g)
                counts[g] = graph_size(raw, g)  # still hidden from the Store methods
        finally:
            copier.join()
        record = ingest_record(ident, names, counts, sources)
        raw.extend(ox.Quad(t.subject, t.predicate, t.object, record_graph) for t in record)
    counts[record_graph] = len(record)
    return IngestReport(ident, names, {g.value: n for g, n in counts.items()})


#: graphs the bundled files share by kind; a file a user ingests gets a graph of its own below them
SHARED_GRAPHS = (BIBLIOGRAPHY_GRAPH, ACTORS_GRAPH)


def own_graphs(batches: list[Batch]) -> None:
    """Give each ingested file its own graph below the shared one (``bibliography/<file stem>``).

    Replacing a shared graph would wipe what other files put there (the bundled bibliography, say).
    """
    for batch in batches:
        for shared in SHARED_GRAPHS:
            if shared in batch.graphs:
                own = graph(f"{shared.value.removeprefix(GRAPH)}/{slugify(Path(batch.source).stem) or 'file'}")
                batch.graphs.setdefault(own, []).extend(batch.graphs.pop(shared))


def name_graphs(store: Store, batches: list[Batch], file_roots: dict[Path, Path],
                replace: Collection[str] = ()) -> None:
    """Name each file's own graphs by its path (see :mod:`.naming`), and refuse to replace others' graphs.

    A graph that already exists and that another source wrote (or that no ingest wrote: the ontology,
    the shapes, the rules) is replaced only when named in ``replace`` (``--replace GRAPH``); so is a
    graph a TriG or N-Quads file names in the project's namespace.
    """
    existing = set(store.graph_names())
    owners = claims(store)
    named: dict[str, str] = {}  # graph -> source, for this batch's own collisions
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
        src = str(src_path)
        root = file_roots.get(src_path, src_path.parent)
        own: set[ox.NamedNode] = set()
        for g in [*batch.graphs, *batch.streams]:
            family_rest = per_file_names(g)
            if family_rest is not None and "/graph-" in family_rest[1] and g not in own:
                # a graph coopsec named for a blank-node graph of this file: it stays beside the file's graph
                base = graph(f"{family_rest[0]}/{source_name(src_path, root)}")
                if taken(base.value, src):
                    base = graph(f"{base.value.removeprefix(GRAPH)}-{path_hash(src_path)}")
                child = ox.NamedNode(f"{base.value}/graph-{family_rest[1].rpartition('/graph-')[2]}")
                for store_of in (batch.graphs, batch.streams):
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
            if _named(g.value, replace):
                continue
            if batch.kind == "rdf" and g.value.startswith(PROJECT_NAMESPACE):
                problems.append(Problem(batch.source, f"names the graph <{g.value}>, in coopsec's own namespace "
                                                      f"({PROJECT_NAMESPACE}); ingesting it would replace what "
                                                      "coopsec keeps there. Rename the graph in the file, or, to "
                                                      f"replace it on purpose, add --replace {g.value}"))
            elif taken(g.value, src):
                owner = owners.get(g.value)
                who = f"by {owner.source}" if owner and owner.source else "by coopsec itself (init)"
                problems.append(Problem(batch.source, f"would replace the graph <{g.value}>, written {who}; "
                                                      f"to replace it on purpose, add --replace {g.value}"))
            named[g.value] = src
    if problems:
        raise InputError(problems)


def _named(name: str, replace: Collection[str]) -> bool:
    """Whether ``--replace`` names a graph: its IRI, or a prefix ending in ``*`` (``.../graph/*``: all)."""
    return any(name == r or (r.endswith("*") and name.startswith(r[:-1])) for r in replace)


def ingest_paths(
    store: Store, paths: Iterable[Path], progress: Callable[[str], None] | None = None,
    replace: Collection[str] = (),
) -> IngestReport:
    """Ingest files and folders into the store: all of them, or (on any problem) none.

    No graph another file wrote is replaced unless named in ``replace`` (see :func:`name_graphs`).
    """
    paths = list(paths)
    try:
        files = expand_paths(paths)
        batches = parse_all(store, files, progress)
    finally:
        forget_parsed()
    own_graphs(batches)
    name_graphs(store, batches, roots(paths), replace)
    from .validate import shacl_problems

    problems = shacl_problems(store, [b for b in batches if b.shacl])
    if problems:
        raise InputError(problems)
    return write_batches(store, batches, ingest_id(files), [str(p) for _, p in files])


__all__ = ["IngestReport", "ingest_paths", "expand_paths", "name_graphs", "parse_all", "write_batches"]
