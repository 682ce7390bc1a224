"""The dyad-year graph made by DuckDB (ingest/datasets/dyad_graph.py) against the row-by-row readers it replaced.

The same triples from the same files (the slices under tests/data, with and without a restriction to
some dyads); a file in a form only the row-by-row reader takes is read by it, with the same result; a
bad row is located by file, line and column and leaves the store without the dyad-year graph.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.errors import InputError
from cooperative_security.ingest import dyad_years as dyads
from cooperative_security.ingest.datasets import dyad_graph

LAYOUT = Path(__file__).parent / "data" / "layout"


def _triples(files: dyads.DataFiles, first: int, last: int, only: set[tuple[int, int]] | None = None
             ) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """(row by row, DuckDB) triples of the dyad-year graph."""
    store = dyads.new_store()
    succession, lookback = dyads.successions(store), dyads.max_window(store)
    rows = "".join(dyads.dyad_lines(files, first, last, lookback, succession, None, only)).encode()
    keep = None
    if only:
        wanted = {dyads._lineage_pair(min(a, b), max(a, b), succession) for a, b in only}

        def keep(a: int, b: int) -> bool:
            return dyads._lineage_pair(a, b, succession) in wanted

    roots = {code: dyads.lineage(code, succession) for code in succession}
    fast = b"".join(dyad_graph.batches(files, first, last, lookback, roots, keep))
    return (set(ox.parse(rows, format=ox.RdfFormat.N_TRIPLES)), set(ox.parse(fast, format=ox.RdfFormat.N_TRIPLES)))


@pytest.mark.parametrize("only", [None, {(2, 20), (220, 260), (850, 820)}])
def test_duckdb_graph_is_the_row_by_row_graph(only: set[tuple[int, int]] | None) -> None:
    rows, fast = _triples(dyads.DataFiles(LAYOUT), 1950, 2010, only)
    assert len(rows) > (100 if only else 5000)
    if only is None:  # every kind of indicator is in the comparison, fatal disputes included
        assert {t.predicate.value.rpartition("#")[2] for t in rows} >= {
            "dyad", "year", "ccode1", "ccode2", "lineage", "majorPower1", "contiguity", "minimumDistance",
            "hostility", "dispute", "fatalDispute", "war", "defencePact", "sharedIgos", "bilateralConsultationPact"}
        # the look-back (the rules' 30 years before 1950) carries only what the rules read there
        before = {t.predicate.value.rpartition("#")[2] for t in rows
                  if "/dyad-year/" in t.subject.value and int(t.subject.value.rpartition("-")[2]) < 1950}
        assert {"dyad", "year", "defencePact", "dispute"} <= before
        assert before <= {"dyad", "year", "hostility", "dispute", "fatalDispute", "war", "defencePact",
                          "offencePact", "neutralityPact", "nonAggressionPact", "consultationPact"}
    assert rows == fast


def _layout(tmp_path: Path, name: str, text: str) -> dyads.DataFiles:
    """The slices' layout with one file replaced."""
    files = dyads.DataFiles(LAYOUT)
    copy = dyads.DataFiles(tmp_path)
    for path in files.all():
        target = tmp_path / path.relative_to(LAYOUT)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.name == name:
            data = text.encode()
            target.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
        else:
            target.symlink_to(path.resolve())
    return copy


def _text(path: Path) -> str:
    return (gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()).decode()


def test_forms_only_the_row_by_row_reader_takes_are_read_by_it(tmp_path: Path) -> None:
    """``7.00`` and ``1.95e3`` fail DuckDB's strict check; the row-by-row reader takes them as 7 and 1950."""
    original = _text(LAYOUT / "cow" / "igo-shared-memberships-dyad-years.csv.gz")
    lines = original.splitlines()
    header, first = lines[0], lines[1].split(",")
    first[3] = first[3].split(".")[0] + ".00"
    changed = "\n".join([header, ",".join(first), *lines[2:]]) + "\n"
    files = _layout(tmp_path, "igo-shared-memberships-dyad-years.csv.gz", changed)
    rows, fast = _triples(files, 1950, 2010)
    assert rows == fast
    assert rows == _triples(dyads.DataFiles(LAYOUT), 1950, 2010)[0]


@pytest.mark.parametrize(("name", "bad", "where"), [
    ("minimum-distance-dyad-years.csv.gz", "2,41,1990,far", "field 'mindist'"),
    ("directed-dyad-years.csv.gz", "2.0,20.0,19x0", "field 'year'"),
    ("gml-mid-dyad-years-2.1.1.csv", None, "field 'hostlev'"),
    ("atop-dyad-years.csv.gz", "2.0,20.0,1990.0,2.0,0.0,0.0,0.0,0.0", "field 'atop_defense'"),
    ("direct-contiguity.csv", "2,20,1,1920-01-01", "expected 5 fields, found 4"),
    ("atop-member-level.csv", None, "field 'consul'"),
])
def test_bad_row_is_located_and_the_store_has_no_dyad_graph(tmp_path: Path, name: str, bad: str | None,
                                                            where: str) -> None:
    path = next(p for p in dyads.DataFiles(LAYOUT).all() if p.name == name)
    lines = _text(path).splitlines()
    if bad is None:  # a MID row at hostility 7, an ATOP member pledging consultation "2"
        column, value = ("consul", "2") if name == "atop-member-level.csv" else ("hostlev", "7")
        columns = lines[0].split(",")
        row = lines[1].split(",")
        row[columns.index(column)] = value
        bad = ",".join(row)
    lines.insert(2, bad)
    files = _layout(tmp_path, name, "\n".join(lines) + "\n")
    store = dyads.new_store()
    with pytest.raises(InputError) as info:
        dyads.build(store, files, 1950, 2010)
    problem = info.value.problems[0]
    assert problem.line == 3
    assert where in str(info.value) and name in str(info.value)
    assert store.count(dyads.DYADS_GRAPH) == 0
