"""The ingest layer: source files -> validated triples -> one atomic write into the store.

Every file is parsed and checked first; only when the whole batch is clean is anything written, in
one transaction, so a bad record leaves the store exactly as it was.

The steps, in order: :mod:`.formats` tells each file's kind and reader, :mod:`.parse` reads and checks
them all, :mod:`.naming` gives each file its own graphs (refusing to replace another's), and this module
writes them with the ingest record of :mod:`.record`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import graph
from ..store import BulkLoading, Store
from ..store.embedded import graph_size
from .base import Batch, forget_parsed
from .formats import can_stream as can_stream
from .formats import expand_paths
from .naming import name_graphs, own_graphs, roots
from .parse import parse_all
from .rdf import bulk_load_file, stream_source, stream_triples
from .record import VOID_TRIPLES as VOID_TRIPLES
from .record import IngestReport, Skipped, already_written, ingest_id, ingest_record
from .source_files import Source, describe_source


def write_batches(store: Store, batches: list[Batch], ident: str, names: list[str],
                  file_roots: dict[Path, Path] | None = None, used: Sequence[Path] = ()) -> IngestReport:
    """Write all graphs of all batches, and the ingest record, as one all-or-nothing step.

    ``names`` are the files as the report shows them; the record names ``used`` (the files read) and each
    graph's source by its path relative to its ingest root in ``file_roots`` (see :class:`Source`)."""
    def describe(path: Path) -> Source:
        return describe_source(path, (file_roots or {}).get(path.resolve()))

    graphs: dict[ox.NamedNode, list[ox.Triple]] = {}
    streams: dict[ox.NamedNode, list[Path]] = {}
    sources: dict[ox.NamedNode, Source] = {}
    described: dict[str, Source] = {}
    for batch in batches:
        source = described.setdefault(batch.source, describe(Path(batch.source)))
        for g in [*batch.graphs, *batch.streams]:
            sources.setdefault(g, source)
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
        return _write_streaming(store, graphs, streams, ident, names, sources, [describe(p) for p in used])
    for g, paths in streams.items():  # replacing graphs: with the triples in memory, parsed as a stream is
        for path in paths:
            graphs.setdefault(g, []).extend(stream_triples(path))
    files = [describe(p) for p in used]
    record = ingest_record(ident, files, {g: len(ts) for g, ts in graphs.items()}, sources)
    graphs[record_graph] = record
    store.replace_graphs(graphs)
    return IngestReport(ident, names, {g.value: len(ts) for g, ts in graphs.items()})


def _write_streaming(store: Store, graphs: dict[ox.NamedNode, list[ox.Triple]],
                     streams: dict[ox.NamedNode, list[Path]], ident: str, names: list[str],
                     sources: dict[ox.NamedNode, Source], files: list[Source]) -> IngestReport:
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
        record = ingest_record(ident, files, counts, sources)
        raw.extend(ox.Quad(t.subject, t.predicate, t.object, record_graph) for t in record)
    counts[record_graph] = len(record)
    return IngestReport(ident, names, {g.value: n for g, n in counts.items()})



def ingest_paths(
    store: Store, paths: Iterable[Path], progress: Callable[[str], None] | None = None,
    replace: Collection[str] = (),
) -> IngestReport:
    """Ingest files and folders into the store: all of them, or (on any problem) none.

    No graph another file wrote is replaced unless named in ``replace`` (see :func:`name_graphs`).
    """
    paths = list(paths)
    skipped: list[Skipped] = []  # the files of a folder that hold no data: the report lists them
    try:
        files = expand_paths(paths, skipped)
        batches = parse_all(store, files, progress)
    finally:
        forget_parsed()
    own_graphs(batches)
    name_graphs(store, batches, roots(paths), replace)
    from .validate import shacl_problems

    problems = shacl_problems(store, [b for b in batches if b.shacl])
    if problems:
        raise InputError(problems)
    report = write_batches(store, batches, ingest_id(files), [str(p) for _, p in files], roots(paths),
                           [p for _, p in files])
    report.skipped = skipped
    return report


__all__ = ["IngestReport", "Skipped", "ingest_paths", "expand_paths", "name_graphs", "parse_all", "write_batches"]
