"""``coopsec ingest-dataset``: stream one publisher's file into the graph ``events/<dataset>``, or, for
``dyad-years``, a data folder into the dyad-year graph (``ingest/dyad_years.py``).

All or nothing at the bulk loader's speed (``EmbeddedStore.replace_graph_ntriples``: a new graph is loaded
hidden and published at the end; an existing one is replaced through the store's journal); bad rows stop
the load (every one told, up to twenty) and the store is left as it was. The graph's record (which files it
was loaded from, with their checksums: ``ingest/dataset_record.py``) is replaced with it, in the same step.
The readers of each file are in ``ingest/datasets/``.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, Problem, UsageError
from ..namespaces import graph
from ..store import Store
from . import field_datasets
from .dataset_record import Uses, dataset_record
from .datasets import atop, cameo, cow_states, icews, igo, mid
from .datasets.ntriples import bulk_load_lines
from .datasets.reader import Progress
from .dyad_years import DYADS_GRAPH, DataFiles, build
from .record import IngestReport

DATASETS = ("mid", "atop", "igo", "cow-states", "icews", "dyad-years")


def _beside(file: Path, *parts: str) -> Path | None:
    for base in (file.parent.parent, file.parent):
        candidate = base.joinpath(*parts)
        if candidate.is_file():
            return candidate
    return None


def _states_file(file: Path, states: Path | None) -> Path | None:
    return states or _beside(file, "cow", "states.csv")


def _states(file: Path, states: Path | None) -> tuple[dict[int, str], dict[str, int]]:
    path = _states_file(file, states)
    if path is None:
        return {}, {}
    codes: dict[int, str] = {}
    names: dict[str, int] = {}
    for _, abb, name, start, _ in cow_states.read_states(path):
        codes[start[0]] = abb
        names[name] = start[0]
    return codes, names


def dataset_lines(dataset: str, file: Path, states: Path | None, progress: Progress | None) -> Iterator[str]:
    if dataset == "cow-states":
        return cow_states.triples(file, progress)
    if dataset == "igo":
        return igo.triples(file, progress)
    codes, names = _states(file, states)
    if dataset == "mid":
        return mid.triples(file, codes, progress)
    if dataset == "atop":
        kind = atop.kind(file)
        if kind == "alliance":
            return atop.alliance_triples(file, progress)
        if kind == "member":
            return atop.member_triples(file, codes, progress)
        return atop.dyad_triples(file, progress)
    if dataset == "icews":
        book_path = _codebook(file)
        book = cameo.codebook(book_path) if book_path else None
        return icews.triples(file, icews.country_states(names, codes), book, progress)
    raise UsageError(f"unknown data set {dataset!r}; known: {', '.join(DATASETS)}")


def _codebook(file: Path) -> Path | None:
    return _beside(file, "cameo", "cameo-codes.csv")


def files_read(dataset: str, file: Path, states: Path | None) -> list[tuple[str, Path]]:
    """The files :func:`dataset_lines` reads for ``dataset``, each with the data set it is read as: the file,
    and the states and CAMEO code book beside it that name the states and event types."""
    read = [(dataset, file)]
    if dataset in ("cow-states", "igo"):
        return read
    if (path := _states_file(file, states)) is not None:
        read.append(("cow-states", path))
    if dataset == "icews" and (book := _codebook(file)) is not None:
        read.append(("cameo", book))
    return read


def _uses(read: list[tuple[str, Path]]) -> Uses:
    return lambda run: [t for name, path in read for t in field_datasets.file_used(run, name, path)]


def _dyad_years(store: Store, folder: Path, started: float) -> IngestReport:
    """The dyad-year graph of 1816-2010 from a data folder (``coopsec datasets check`` accepts it), all or
    nothing, for ``coopsec dyads --store``."""
    if not folder.is_dir():
        raise UsageError(f"{folder}: dyad-years takes the data folder (holding cow/, mid/ and atop/ as shipped; "
                         "`coopsec datasets` lists the files), not a file")
    files = DataFiles(folder)
    count = build(store, files, replace=True,
                  beside=dataset_record(DYADS_GRAPH, lambda run: field_datasets.used_by(run, folder)))
    return IngestReport("dyad-years", [str(f) for f in files.all()], {DYADS_GRAPH.value: count},
                        seconds=time.perf_counter() - started)


def ingest_dataset(store: Store, dataset: str, file: Path, states: Path | None = None,
                   progress: Progress | None = None) -> IngestReport:
    """Load ``file`` as ``dataset`` into its graph (:func:`dataset_graph`: ``events/<dataset>``), replacing
    it, all or nothing."""
    if dataset not in DATASETS:
        raise UsageError(f"unknown data set {dataset!r}; known: {', '.join(DATASETS)}")
    rows = [0]

    def track(n: int, done: int, total: int) -> None:
        rows[0] = n
        if progress:
            progress(n, done, total)

    started = time.perf_counter()
    if dataset == "dyad-years":
        return _dyad_years(store, file, started)
    target = dataset_graph(dataset, file)
    lines = dataset_lines(dataset, file, states, track)
    first = next(lines, None)  # the file read up to its first good row (every row bad: all are told here)
    if first is None:
        raise InputError(Problem(str(file), f"the file holds no data rows, only a header: nothing to load as "
                                            f"{dataset}; the graph {target.value} in the store is left as it was",
                                 line=2))  # where the first data row belongs
    bulk_load_lines(store, itertools.chain([first], lines), target, replace=True,
                    beside=dataset_record(target, _uses(files_read(dataset, file, states))))
    seconds = time.perf_counter() - started
    # the triples the graph now holds: a file listing each dyad in both directions (MID) makes the same
    # triples twice, which the store keeps once
    return IngestReport(dataset, [str(file)], {target.value: store.count(target)}, rows=rows[0], seconds=seconds)


def dataset_graph(dataset: str, file: Path) -> ox.NamedNode:
    """The graph a data set file is loaded into, and replaces: ``events/<dataset>``; for ATOP, whose three
    files hold different things (treaties, memberships, obligations per dyad-year), ``events/atop/<kind>``,
    so that loading one does not replace what another loaded."""
    if dataset == "atop":
        return graph(f"events/atop/{atop.kind(file)}")
    return graph(f"events/{dataset}")


Callback = Callable[[int, int, int], None]
