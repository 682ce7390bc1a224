"""The `unassessed` column marks a test only where the missing value could have changed its outcome.

Regression of the 2026-12 audit: rule-95 marked every regime or undetermined dyad-year without a shared-IGO
count "security community not tested", though for 82 of the 109 regimes of 1990 the community test already
failed on recorded data (no defence pact, a dispute inside the 30 years, under 30 years on record), and
for none of the 11 undetermined ones could it hold (no defence pact).
"""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pandas as pd

from cooperative_security.classify.dyads import classify
from cooperative_security.export.dyads import dataframe
from cooperative_security.ingest.dyad_years import DataFiles, build, new_store

HERE = Path(__file__).parent / "data"
COMMUNITY = "security community not tested: no shared-IGO count is recorded for this year"
REGIME = "security regime tested on pacts only: no shared-IGO count is recorded for this year"


def _without_igos(tmp_path: Path, pairs: set[frozenset[int]], year: int) -> DataFiles:
    """The slices, less the shared-IGO rows of ``pairs`` in ``year``."""
    layout = tmp_path / "layout"
    shutil.copytree(HERE / "layout", layout)
    path = layout / "cow" / "igo-shared-memberships-dyad-years.csv.gz"
    with gzip.open(path, "rt", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    c1, c2, y = header.index("ccode1"), header.index("ccode2"), header.index("year")
    keep = [r for r in rows if not (frozenset((int(float(r[c1])), int(float(r[c2])))) in pairs
                                    and int(float(r[y])) == year)]
    assert len(rows) - len(keep) >= len(pairs)
    with gzip.open(path, "wt", newline="") as handle:
        csv.writer(handle).writerows([header, *keep])
    return DataFiles(layout)


def _rows(files: DataFiles, year: int):  # type: ignore[no-untyped-def]
    store = new_store()
    build(store, files, year, year)
    classify(store, year, year)
    return dataframe(store).set_index(["ccode1", "ccode2", "year"])


def test_a_regime_whose_community_test_fails_on_recorded_data_is_not_marked(tmp_path: Path) -> None:
    """The United States with Canada and with the United Kingdom in 1990: regimes from their defence pacts,
    each with a dispute inside the community's 30 years (1989, and the 1960s-70s incidents), so a count of
    shared IGOs could not make them communities: without the count, no mark. France and the German Federal
    Republic, whose every other community test holds, keep theirs."""
    whole = _rows(DataFiles(HERE / "layout"), 1990)
    rows = _rows(_without_igos(tmp_path, {frozenset((2, 20)), frozenset((2, 200))}, 1990), 1990)
    for pair in ((2, 20), (2, 200)):
        recorded, row = whole.loc[(*pair, 1990)], rows.loc[(*pair, 1990)]
        # with their count (40 or more) still no community: another test fails on recorded data
        assert recorded.dyadigos >= 40 and recorded.position == "security-regime", pair
        assert pd.isna(row.dyadigos) and row.position == "security-regime" and row.atop_defense == 1, pair
        assert pd.isna(row.unassessed), pair
    assert rows.loc[(220, 260, 1990)].unassessed == COMMUNITY


def test_undetermined_without_an_igo_count_names_only_the_regime_test(tmp_path: Path) -> None:
    """Thailand-Malaysia 1960: interdependent, no pact, 17 shared IGOs. Without the count, the regime test
    is named (30 shared IGOs would have made a regime) and the community test is not (it needs a regime
    with a defence pact)."""
    a, b, year = 800, 820, 1960
    assert _rows(DataFiles(HERE / "layout"), year).loc[(a, b, year)].dyadigos == 17
    row = _rows(_without_igos(tmp_path, {frozenset((a, b))}, year), year).loc[(a, b, year)]
    assert row.position == "undetermined" and row.unassessed == REGIME
