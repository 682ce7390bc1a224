"""How the dyad-year rules read ATOP's alliances: regressions of the 2026-12 audit of the full run.

ATOP's dyad-year file is directed (a row's flags are the first state's obligations towards the second)
and not symmetric; the non-directed dyad-year carries an obligation when either state has it towards the
other (both graph builds, and bench/dyads-duckdb.sql).
"""

from __future__ import annotations

import csv
import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from cooperative_security.classify.dyads import classify
from cooperative_security.export.dyads import dataframe
from cooperative_security.ingest import dyad_years as dyads
from cooperative_security.ingest.datasets import dyad_graph

HERE = Path(__file__).parent / "data"
ATOP = ("atop", "atop-dyad-years.csv.gz")

#: ATOP's columns after ccode1, ccode2, year
FLAGS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")


def _edited_atop(tmp_path: Path, edit: Callable[[list[str]], list[str] | None]) -> dyads.DataFiles:
    """The slices, with each row of the ATOP dyad-year slice passed through ``edit`` (None drops it)."""
    layout = tmp_path / "layout"
    shutil.copytree(HERE / "layout", layout)
    path = layout.joinpath(*ATOP)
    with gzip.open(path, "rt", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    kept = [r for r in (edit(row) for row in rows) if r is not None]
    with gzip.open(path, "wt", newline="") as handle:
        csv.writer(handle).writerows([header, *kept])
    assert len(kept) > 1000
    return dyads.DataFiles(layout)


def _pair(row: list[str]) -> tuple[int, int, int]:
    return int(float(row[0])), int(float(row[1])), int(float(row[2]))


def _graphs(files: dyads.DataFiles, first: int, last: int) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """(row by row, DuckDB) triples of the dyad-year graph."""
    store = dyads.new_store()
    succession, lookback = dyads.successions(store), dyads.max_window(store)
    rows = "".join(dyads.dyad_lines(files, first, last, lookback, succession)).encode()
    roots = {code: dyads.lineage(code, succession) for code in succession}
    fast = b"".join(dyad_graph.batches(files, first, last, lookback, roots))
    return (set(ox.parse(rows, format=ox.RdfFormat.N_TRIPLES)), set(ox.parse(fast, format=ox.RdfFormat.N_TRIPLES)))


def _frame(files: dyads.DataFiles, first: int, last: int, directed: bool = False):  # type: ignore[no-untyped-def]
    store = dyads.new_store()
    dyads.build(store, files, first, last)
    classify(store, first, last)
    return dataframe(store, directed=directed)


def _only_from_canada(row: list[str]) -> list[str] | None:
    """US-Canada's obligations 1985-1995 on the row from Canada (20) to the United States (2) only, as in
    ATOP's 74 pairs where only the row whose first state is the higher-numbered carries a flag."""
    a, b, y = _pair(row)
    if (a, b) == (2, 20) and 1985 <= y <= 1995:
        return [*row[:3], *("0.0" for _ in FLAGS)]
    return row


def test_an_obligation_only_on_the_high_low_row_reaches_the_dyad_year(tmp_path: Path) -> None:
    """Regression: the graph read ATOP's rows whose first state is the lower-numbered only (``a < b``), so
    Italy's Locarno guarantee to France (325 -> 220, 1930) or Turkey's to Cyprus (640 -> 352) was lost."""
    files = _edited_atop(tmp_path, _only_from_canada)
    rows, fast = _graphs(files, 1990, 1990)
    assert rows == fast  # both builds read both directions
    assert ("https://w3id.org/coopsec/id/dyad-year/2-20-1990", "https://w3id.org/coopsec/ontology#defencePact") in {
        (t.subject.value, t.predicate.value) for t in rows}
    frame = _frame(files, 1990, 1990).set_index(["ccode1", "ccode2", "year"])
    row = frame.loc[(2, 20, 1990)]
    assert row.atop_defense == 1 and row.atop_nonagg == 1 and row.atop_consul == 1
    assert row.position == "security-regime"


def test_an_obligation_only_on_the_low_high_row_still_counts(tmp_path: Path) -> None:
    """The other direction (only the row from the United States to Canada) gives the same dyad-year."""
    def only_from_us(row: list[str]) -> list[str] | None:
        a, b, y = _pair(row)
        return [*row[:3], *("0.0" for _ in FLAGS)] if (a, b) == (20, 2) and 1985 <= y <= 1995 else row

    files = _edited_atop(tmp_path, only_from_us)
    rows, fast = _graphs(files, 1990, 1990)
    assert rows == fast
    row = _frame(files, 1990, 1990).set_index(["ccode1", "ccode2", "year"]).loc[(2, 20, 1990)]
    assert row.atop_defense == 1 and row.position == "security-regime"


def test_directed_rows_carry_the_dyads_obligations_both_ways(tmp_path: Path) -> None:
    """With --directed both rows of a dyad-year carry the non-directed dyad's obligations (either state's
    towards the other), not ATOP's directed values: the position is the dyad's, and so are its grounds."""
    frame = _frame(_edited_atop(tmp_path, _only_from_canada), 1990, 1990, directed=True)
    rows = frame[frame.ccode1.isin([2, 20]) & frame.ccode2.isin([2, 20]) & (frame.year == 1990)]
    assert len(rows) == 2
    assert set(rows.atop_defense) == {1} and len(set(rows.position)) == 1


def _atop_with(tmp_path: Path, extra: list[tuple[int, int, int, str]]) -> dyads.DataFiles:
    """The slices, with ATOP rows (ccode1, ccode2, year, the obligation column set to 1) added."""
    files = _edited_atop(tmp_path, lambda row: row)
    path = files.atop
    with gzip.open(path, "rt", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    for a, b, y, column in extra:
        rows.append([f"{a}.0", f"{b}.0", f"{y}.0", *("1.0" if c == column else "0.0" for c in FLAGS)])
    with gzip.open(path, "wt", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return files


def test_a_pact_within_the_window_keeps_two_states_interdependent(tmp_path: Path) -> None:
    """Regression: rule 10 read a pact in the year itself only, while its reason (cs:whenMissing) said "no
    dispute, war or alliance between them within the window": Cuba and Nicaragua, allies (ATOP defence) to
    1962, were outside the spectrum in 1963-1964 "with no alliance within the window". Paraguay and Iceland
    (far apart, no major power) with a non-aggression pact in 1988 only: interdependent by their past
    alliance to 1997, the window's last year, and outside again in 1998, also when 1988 is in the
    look-back of a shorter span."""
    files = _atop_with(tmp_path, [(150, 395, 1988, "atop_nonagg")])
    rows, fast = _graphs(files, 1990, 1990)
    assert rows == fast
    assert ("https://w3id.org/coopsec/id/dyad-year/150-395-1988",
            "https://w3id.org/coopsec/ontology#nonAggressionPact") in {(t.subject.value, t.predicate.value)
                                                                       for t in rows}  # the look-back has it
    frame = _frame(files, 1986, 2000).set_index(["ccode1", "ccode2", "year"])
    assert frame.loc[(150, 395, 1988)].interdependence == "alliance"
    for year in (1989, 1990, 1997):
        row = frame.loc[(150, 395, year)]
        assert row.interdependence == "past-alliance" and row.position != "no-security-interdependence", year
    after = frame.loc[(150, 395, 1998)]
    assert after.position == "no-security-interdependence" and "alliance" in after.reason
    assert _frame(files, 1990, 1990).set_index(["ccode1", "ccode2", "year"]).loc[
        (150, 395, 1990)].interdependence == "past-alliance"


def test_a_neutrality_or_offence_pact_is_an_alliance(tmp_path: Path) -> None:
    """Regression: rule 10 counted defence, non-aggression and consultation pacts only, while the reason
    said "no ... alliance" of Hungary and Turkey, bound by a neutrality pact in 1929-1938: ATOP counts all
    five obligations as alliances. Paraguay and Iceland with a neutrality pledge (one way) in 1990 and an
    offence pledge in 1992 are interdependent by alliance, and the rows show the pledges."""
    files = _atop_with(tmp_path, [(395, 150, 1990, "atop_neutral"), (150, 395, 1992, "atop_offense")])
    rows, fast = _graphs(files, 1990, 1992)
    assert rows == fast
    frame = _frame(files, 1990, 1992).set_index(["ccode1", "ccode2", "year"])
    neutral, offence = frame.loc[(150, 395, 1990)], frame.loc[(150, 395, 1992)]
    assert neutral.atop_neutral == 1 and neutral.atop_offense == 0 and neutral.interdependence == "alliance"
    assert offence.atop_offense == 1 and offence.interdependence == "alliance"
    # neither founds a regime: not a rule of the two states' conduct towards each other (data/rules.ttl)
    assert neutral.position == offence.position == "undetermined"


def test_a_pact_coded_past_a_states_end_still_reaches_its_successor(tmp_path: Path) -> None:
    """ATOP codes some pacts a year past a state's end (Czechoslovakia and Syria in 1993): the window of
    the pact's last year in the state system still reaches the successor's dyad-years (the Czech Republic
    and Syria 1993-2001). Here Paraguay and the German Federal Republic (ended 1990) with a pact coded
    in 1989-1991: Paraguay and Germany, its successor, are interdependent by it in 1991-1999."""
    files = _atop_with(tmp_path, [(150, 260, y, "atop_nonagg") for y in (1989, 1990, 1991)])
    universe = files.dyad_years  # the slice holds the tests' dyads only
    with gzip.open(universe, "rt", newline="") as handle:
        rows = list(csv.reader(handle))
    for a, b, years in ((150, 260, range(1955, 1991)), (150, 255, range(1991, 2011))):
        rows += [[str(x), str(z), str(y)] for y in years for x, z in ((a, b), (b, a))]
    with gzip.open(universe, "wt", newline="") as handle:
        csv.writer(handle).writerows(rows)
    frame = _frame(files, 1989, 2001).set_index(["ccode1", "ccode2", "year"])
    assert frame.loc[(150, 260, 1990)].interdependence.split(";").count("alliance") == 1
    for year in (1991, 1999):
        assert "past-alliance" in frame.loc[(150, 255, year)].interdependence.split(";"), year
    assert "past-alliance" not in frame.loc[(150, 255, 2000)].interdependence.split(";")
