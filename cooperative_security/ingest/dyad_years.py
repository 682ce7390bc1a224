"""The dyad-year graph: every non-directed dyad-year of the state system, from the field's files.

:func:`build` makes a fresh in-memory store (:func:`new_store`, holding the rules graph) hold one lean
node per non-directed dyad-year (``id/dyad-year/<ccode1>-<ccode2>-<year>``) with its indicators as
literals, and each dyad with its lineage (the dyad of the predecessor states that ``data/rules.ttl``
names), in the graph ``.../graph/dyads``. The files (``DataFiles``: the dyad-year universe, contiguity,
major powers, minimum distance, disputes, wars, ATOP alliances, shared IGOs) are read by DuckDB
(``ingest/datasets/dyad_graph.py``), or row by row where a file needs it. The rules that classify the
dyad-years are run by ``classify/dyads.py``; the tables are written by ``export/dyads.py``.
"""

from __future__ import annotations

import os
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, Problem, UsageError
from ..namespaces import graph
from ..ontology import parse_rdf_file
from ..queries import load_query
from ..resources import data_dir
from ..store import LocalStore, Store, open_store
from .datasets import atop, dyadyears, igo, mid, relevance, wars
from .datasets.files import DataFiles
from .datasets.ntriples import TRUE, XSD_DECIMAL, bulk_load_chunks, integer, node, p, triple

DYADS_GRAPH = graph("dyads")
INFERRED_GRAPH = graph("dyads-inferred")
REQUEST_GRAPH = graph("dyads-request")
RULES_GRAPH = graph("rules")
FIRST_YEAR, LAST_YEAR = 1816, 2010
#: the longest window the rules' offsets (VALUES ?k in queries/classify/dyads/) allow
MAX_WINDOW = 50


def _dyad_year(a: int, b: int, y: int) -> str:
    return node("dyad-year", f"{a}-{b}-{y}")


def successions(store: Store) -> dict[int, int]:
    """successor COW number -> predecessor COW number, from the rules graph (data/rules.ttl)."""
    out: dict[int, int] = {}
    for row in store.select(load_query("dyads/read-successions")):
        out[int(row["successor"].value)] = int(row["predecessor"].value)  # type: ignore[union-attr]
    return out


def lineage(code: int, succession: dict[int, int]) -> int:
    seen = set()
    while code in succession and code not in seen:
        seen.add(code)
        code = succession[code]
    return code


def _lineage_pair(a: int, b: int, succession: dict[int, int]) -> tuple[int, int]:
    la, lb = lineage(a, succession), lineage(b, succession)
    return min(la, lb), max(la, lb)


def dyad_lines(files: DataFiles, first: int, last: int, lookback: int, succession: dict[int, int] | None = None,
               progress: Callable[[str, int, int, int], None] | None = None,
               only: set[tuple[int, int]] | None = None) -> Iterator[str]:
    """The N-Triples of the dyad-year graph: the universe (each dyad with its lineage: the dyad of the
    predecessor states, e.g. France-Germany for France-GFR), then the indicators, as literals. The
    ``lookback`` years before ``first`` carry only what the rules read there (the dyad-years, disputes,
    wars and pacts): contiguity, major powers, distance and shared IGOs count for their own year alone.

    ``only`` keeps the dyads whose lineage is one of those pairs' lineages (the rules read nothing
    outside a dyad's lineage, so their positions are the same as in a full run)."""
    start = first - lookback + 1
    succession = succession or {}
    wanted = {_lineage_pair(min(a, b), max(a, b), succession) for a, b in only} if only else None
    kept: dict[tuple[int, int], bool] = {}

    def keep(a: int, b: int) -> bool:
        if wanted is None:
            return True
        pair = (min(a, b), max(a, b))
        if pair not in kept:
            kept[pair] = _lineage_pair(*pair, succession) in wanted
        return kept[pair]

    def report(name: str) -> Callable[[int, int, int], None] | None:
        return (lambda rows, done, total: progress(name, rows, done, total)) if progress else None

    majors: dict[int, list[tuple[int, int]]] = {}
    for code, s, e in relevance.read_majors(files.majors, report("major powers")):
        majors.setdefault(code, []).append((s, e))

    def major(code: int, y: int) -> bool:
        return any(s <= y <= e for s, e in majors.get(code, ()))

    seen: set[tuple[int, int]] = set()
    universe: set[tuple[int, int, int]] = set()
    year_p, dyad_p, c1, c2, lin = p("year"), p("dyad"), p("ccode1"), p("ccode2"), p("lineage")
    m1, m2 = p("majorPower1"), p("majorPower2")
    for a, b, y in dyadyears.read(files.dyad_years, start, last, report("dyad-years")):
        if not keep(a, b):
            continue
        d = node("dyad", f"{a}-{b}")
        dy = _dyad_year(a, b, y)
        universe.add((a, b, y))
        yield f"{dy} {dyad_p} {d} .\n"
        yield f"{dy} {year_p} {integer(y)} .\n"
        if majors and (a in majors or b in majors) and y >= first:
            if major(a, y):
                yield f"{dy} {m1} {TRUE} .\n"
            if major(b, y):
                yield f"{dy} {m2} {TRUE} .\n"
        if (a, b) not in seen:
            seen.add((a, b))
            la, lb = _lineage_pair(a, b, succession)
            yield f"{d} {c1} {integer(a)} .\n"
            yield f"{d} {c2} {integer(b)} .\n"
            yield f"{d} {lin} {node('dyad', f'{la}-{lb}')} .\n"
    contiguity: dict[tuple[int, int, int], int] = {}
    for a, b, kind, s, e in relevance.read_contiguity(files.contiguity, report("contiguity")):
        for y in range(max(s, first), min(e, last) + 1):
            key = (a, b, y)
            if key in universe and kind < contiguity.get(key, 9):
                contiguity[key] = kind
    for (a, b, y), kind in contiguity.items():
        yield triple(_dyad_year(a, b, y), p("contiguity"), integer(kind))
    del contiguity
    km_p = p("minimumDistance")
    measured: set[tuple[int, int, int]] = set()
    for a, b, y, km in relevance.read_distance(files.distance, report("distance")):
        if first <= y <= last and (min(a, b), max(a, b), y) in universe:
            measured.add((min(a, b), max(a, b), y))
            yield f'{_dyad_year(min(a, b), max(a, b), y)} {km_p} "{km}"^^{XSD_DECIMAL} .\n'
    hostility: dict[tuple[int, int, int], int] = {}
    disputes: set[tuple[int, int, int, int]] = set()
    fatal: set[tuple[int, int, int, int]] = set()
    for r in mid.read(files.mid, report("disputes")):
        if not keep(r.ccode1, r.ccode2):
            continue
        key = (min(r.ccode1, r.ccode2), max(r.ccode1, r.ccode2), r.year)
        hostility[key] = max(hostility.get(key, 0), r.hostlev)
        disputes.add((*key, r.dispnum))
        if r.fatal:
            fatal.add((*key, r.dispnum))
    for (a, b, y), h in hostility.items():
        if start <= y <= last:
            yield triple(_dyad_year(a, b, y), p("hostility"), integer(h))
    for a, b, y, n in disputes:
        if start <= y <= last:
            yield triple(_dyad_year(a, b, y), p("dispute"), integer(n))
    for a, b, y, n in fatal:
        if start <= y <= last:
            yield triple(_dyad_year(a, b, y), p("fatalDispute"), integer(n))
    for _, a, b, y in wars.read(files.wars, report("wars")):
        if a < b and start <= y <= last and keep(a, b):
            yield triple(_dyad_year(a, b, y), p("war"), TRUE)
    # ATOP's dyad-year file is directed (a row's flags are the first state's obligations towards the
    # second): the non-directed dyad-year holds an obligation when either state has it towards the other
    pledged: set[tuple[int, int, int, str]] = set()
    for a, b, y, held in atop.read_dyad_years(files.atop, report("alliances")):
        if a != b and start <= y <= last and keep(a, b):
            for prop in held:
                pledged.add((min(a, b), max(a, b), y, prop))
    for a, b, y, prop in pledged:
        yield triple(_dyad_year(a, b, y), p(prop), TRUE)
    del pledged
    bilateral = p("bilateralConsultationPact")
    for a, b, s, e in atop.bilateral_consultation(atop.read_spells(files.atop_members, report("alliance members"))):
        for y in range(max(s, first), min(e, last) + 1):
            if (a, b, y) in universe:
                yield f"{_dyad_year(a, b, y)} {bilateral} {TRUE} .\n"
    counted: set[tuple[int, int, int]] = set()
    for a, b, y, shared in igo.read(files.igo, report("shared IGOs")):
        if shared is not None and first <= y <= last and keep(a, b):
            counted.add((min(a, b), max(a, b), y))
            yield triple(_dyad_year(min(a, b), max(a, b), y), p("sharedIgos"), integer(shared))
    # a dyad-year of the span that a year-by-year file gives no value for: said, not left to absence
    unrecorded = p("unrecorded")
    for key in sorted(universe):
        if key[2] >= first:
            for recorded, prop in ((measured, "minimumDistance"), (counted, "sharedIgos")):
                if key not in recorded:
                    yield f"{_dyad_year(*key)} {unrecorded} {p(prop)} .\n"


def max_window(store: Store) -> int:
    rows = store.select(load_query("dyads/max-window"))
    value = rows[0]["window"] if rows else None
    return int(value.value) if isinstance(value, ox.Literal) else 1


def new_store() -> LocalStore:
    """An in-memory store holding the rules graph."""
    store = open_store("memory:")
    assert isinstance(store, LocalStore)
    store.replace_graphs({RULES_GRAPH: parse_rdf_file(data_dir() / "rules.ttl")})
    return store


def _lookback(store: Store, files: DataFiles, first: int, last: int) -> int:
    """The rules' longest window, after checking the span, the files and the rules graph."""
    if first > last:
        raise UsageError(f"--from {first} is after --to {last}")
    files.check()
    if not store.select(load_query("dyads/max-window")):
        raise UsageError(f"{store.spec}: the store holds no dyad-year rules (graph rules, from data/rules.ttl); "
                         "`coopsec init --store SPEC` loads them")
    lookback = max_window(store)
    if lookback > MAX_WINDOW:
        raise UsageError(f"data/rules.ttl: a dyad-year rule's cs:windowYears is {lookback}; the rules' windows run "
                         f"over the offsets 0..{MAX_WINDOW - 1} (queries/classify/dyads/), so at most {MAX_WINDOW} "
                         "years")
    return lookback


def build(store: Store, files: DataFiles, first: int = FIRST_YEAR, last: int = LAST_YEAR,
          progress: Callable[[str, int, int, int], None] | None = None,
          only: set[tuple[int, int]] | None = None, replace: bool = False,
          beside: Mapping[ox.NamedNode, list[ox.Triple]] | None = None) -> int:
    """Load the dyad-year graph for ``first..last`` (and the rules' longest window before it); returns
    the triples written. With ``replace`` (for a store that lives on) the graph replaces the one in the
    store, all or nothing, as ``ingest-dataset`` does, with the graphs ``beside`` (its record), the results
    of the old one dropped first (``dyads/drop-results``); otherwise it goes straight in."""
    lookback = _lookback(store, files, first, last)
    from .datasets.dyad_graph import batches

    succession = successions(store)
    keep = None
    if only:
        wanted = {_lineage_pair(min(a, b), max(a, b), succession) for a, b in only}

        def keep(a: int, b: int) -> bool:
            return _lineage_pair(a, b, succession) in wanted

    roots = {code: lineage(code, succession) for code in succession}
    # lenient: every line is made by dyad_graph.sql from numbers and checked values (tests/test_dyads_graph.py
    # parses the same text strictly)
    return bulk_load_chunks(store, batches(files, first, last, lookback, roots, keep, progress), DYADS_GRAPH,
                            replace=replace, before="dyads/drop-results" if replace else None, lenient=True,
                            beside=beside)


def default_jobs() -> int:
    """How many parts ``coopsec dyads`` classifies at once by default: the usable cores, at most 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def part_of(a: int, b: int, succession: dict[int, int], parts: int) -> int:
    """Which of ``parts`` stores holds the dyad ``a``-``b``: chosen by its lineage (the dyad of the two
    states' earliest predecessors), so that one store holds every dyad-year the rules relate to one
    another (every window and look-back of queries/classify/dyads/ stays within a lineage)."""
    la, lb = _lineage_pair(min(a, b), max(a, b), succession)
    return zlib.crc32(f"{la}-{lb}".encode()) % parts


def build_parts(stores: Sequence[Store], files: DataFiles, first: int = FIRST_YEAR, last: int = LAST_YEAR,
                progress: Callable[[str, int, int | None, int | None], None] | None = None) -> int:
    """Load the dyad-year graph for ``first..last`` into one or more fresh stores (:func:`new_store`), each
    the dyads of some lineages (:func:`part_of`), all at once: the files are read once, and each part is
    made by DuckDB and bulk-loaded by Oxigraph in its own thread. The rules then run on every part at once
    (``classify.dyads.classify_parts``) and the tables read them back together (``export.dyads``), which
    gives the same rows as one store, in about half the time on two cores. ``progress`` is called as each
    file is read (name, rows, bytes done, bytes in all) and as each chunk is loaded ("loading", triples
    loaded so far, None, None). Returns the triples written."""
    lookback = _lookback(stores[0], files, first, last)
    from .datasets.dyad_graph import BATCH, dyads_in_files, lines, read_tables

    succession = successions(stores[0])
    roots = {code: lineage(code, succession) for code in succession}
    con = read_tables(files, first, last, lookback, roots, progress)  # type: ignore[arg-type]
    loaded, lock = 0, threading.Lock()

    def counted(chunks: Iterator[bytes]) -> Iterator[bytes]:
        nonlocal loaded
        for chunk in chunks:
            yield chunk
            with lock:
                loaded += chunk.count(b"\n")
                if progress:
                    progress("loading", loaded, None, None)

    try:
        groups: list[list[tuple[int, int]] | None] = [None]  # one part: every dyad, no list to keep
        if len(stores) > 1:
            groups = [[] for _ in stores]
            for a, b in dyads_in_files(con):
                groups[part_of(a, b, succession, len(stores))].append((a, b))  # type: ignore[union-attr]

        def load(store: Store, pairs: list[tuple[int, int]] | None) -> int:
            cursor = con.cursor()
            try:
                chunks = counted(lines(cursor, first, last, lookback, pairs, BATCH // len(stores)))
                return bulk_load_chunks(store, chunks, DYADS_GRAPH, lenient=True)
            finally:
                cursor.close()

        with ThreadPoolExecutor(max_workers=len(stores)) as pool:
            futures = [pool.submit(load, store, pairs) for store, pairs in zip(stores, groups, strict=True)]
            return sum(f.result() for f in futures)
    finally:
        con.close()


def check_input(path: Path) -> None:
    if not path.is_file():
        raise InputError(Problem(str(path), "no such file"))
