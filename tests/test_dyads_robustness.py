"""What founds a dyad-year security regime, and how robust each dyad-year's position is (validity audit).

Regressions of the audit of the dyad-year classifier: a multilateral consultation pact (ATOP 3460, the 1962
Geneva agreement on Laos) made every pair of its thirteen signatories a security regime, North and South
Vietnam at war level among them; and the output showed no margin to the thresholds that decide a position
(the United States and Canada move between community and regime on 40, 39 and 40 shared IGOs). Each test
runs the real ingest and the real SPARQL rules on the slices under tests/data (the publishers' files as
shipped, sliced), some with a row added to a copy of them.
"""

from __future__ import annotations

import csv
import gzip
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.classify.dyads import classify
from cooperative_security.export.dyads import COLUMNS, dataframe
from cooperative_security.ingest.dyad_years import RULES_GRAPH, DataFiles, build, new_store
from cooperative_security.namespaces import cs

HERE = Path(__file__).parent / "data"
GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "dyad-years.md"
RULE = "https://w3id.org/coopsec/id/rule/"
THAILAND, MALAYSIA, INDONESIA, YEAR = 800, 820, 850, 1960  # interdependent, no pact, 17 shared IGOs in 1960


def _classified(layout: Path, first: int, last: int, thresholds: dict[tuple[str, str], float] | None = None):  # type: ignore[no-untyped-def]
    """The dyad-years of ``layout`` for first..last, with the rules' thresholds changed as given ((rule slug,
    property) -> value) in the store's rules graph, indexed by ccode1, ccode2, year."""
    store = new_store()
    for (slug, prop), value in (thresholds or {}).items():
        subject = ox.NamedNode(RULE + slug)
        old = list(store.raw.quads_for_pattern(subject, cs(prop), None, RULES_GRAPH))
        assert len(old) == 1, (slug, prop)
        store.raw.remove(old[0])
        store.raw.add(ox.Quad(subject, cs(prop), ox.Literal(str(value), datatype=old[0].object.datatype), RULES_GRAPH))  # type: ignore[union-attr]
    build(store, DataFiles(layout), first, last)
    classify(store, first, last)
    return dataframe(store).set_index(["ccode1", "ccode2", "year"])


def _copy(tmp_path: Path) -> Path:
    layout = tmp_path / "layout"
    shutil.copytree(HERE / "layout", layout)
    return layout


def _add_pact(layout: Path, members: tuple[int, ...], year: int) -> None:
    """A consultation-only pact of ``members`` in force in ``year``: its member-level rows (``bilat`` 1 when
    it has two members, as ATOP codes it), and ATOP's dyad-year flag for the Thailand-Malaysia pair (both
    directions), as ATOP gives every pair of members."""
    path = layout / "atop" / "atop-member-level.csv"
    text = path.read_text()
    path.unlink()  # the layout links to the slice: write a file of its own
    header = text.splitlines()[0].split(",")
    with path.open("w", newline="") as handle:
        handle.write(text)
        writer = csv.DictWriter(handle, header, restval="0")
        for member in members:
            writer.writerow({"atopid": 99990, "member": member, "yrent": year, "moent": 1, "dayent": 1,
                             "yrexit": year, "moexit": 12, "dayexit": 31, "bilat": int(len(members) == 2),
                             "phase": 0, "consul": 1})
    dyads = layout / "atop" / "atop-dyad-years.csv.gz"
    with gzip.open(dyads, "rt", newline="") as handle:
        rows = list(csv.reader(handle))
    dyads.unlink()
    for a, b in ((THAILAND, MALAYSIA), (MALAYSIA, THAILAND)):
        rows.append([f"{a}.0", f"{b}.0", f"{year}.0", "0.0", "0.0", "0.0", "0.0", "1.0"])
    with gzip.open(dyads, "wt", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _add_dispute(layout: Path, year: int, level: int) -> None:
    """A militarized dispute between Thailand and Malaysia in ``year`` in which their highest level is ``level``."""
    path = layout / "mid" / "gml-mid-dyad-years-2.1.1.csv"
    text = path.read_text()
    path.unlink()
    header = text.splitlines()[0].split(",")
    with path.open("w", newline="") as handle:
        handle.write(text)
        writer = csv.DictWriter(handle, header, restval="0")
        for a, b in ((THAILAND, MALAYSIA), (MALAYSIA, THAILAND)):
            writer.writerow({"dispnum": 9990, "ccode1": a, "ccode2": b, "year": year, "hostlev": level,
                             "hostlev1": level, "hostlev2": level, "sidea1": int(a == THAILAND),
                             "sidea2": int(b == THAILAND), "fatality": 0, "numa": 1, "numb": 1})


def test_a_multilateral_consultation_pact_does_not_make_each_pair_a_regime(tmp_path: Path) -> None:
    """ATOP gives every pair of a pact's members its obligations; a consultation pledge shared with a third
    state binds no pair to a rule of its own, while the same pledge between the two alone does."""
    shared = _copy(tmp_path / "three")
    _add_pact(shared, (THAILAND, MALAYSIA, INDONESIA), YEAR)
    row = _classified(shared, YEAR, YEAR).loc[(THAILAND, MALAYSIA, YEAR)]
    assert row.atop_consul == 1 and row.atop_consul_bilateral == 0
    assert row.position == "undetermined" and "alliance" in row.interdependence
    assert row.margin_on == "dyadigos" and row.margin == 17 - 30
    own = _copy(tmp_path / "two")
    _add_pact(own, (THAILAND, MALAYSIA), YEAR)
    row = _classified(own, YEAR, YEAR).loc[(THAILAND, MALAYSIA, YEAR)]
    assert row.atop_consul == 1 and row.atop_consul_bilateral == 1
    assert row.position == "security-regime" and row.rule == "dyad-security-regime"
    assert row.margin_on == "atop_consul_bilateral" and row.margin == 0  # the one ground of the regime


def test_the_united_kingdom_and_france_are_no_regime_on_the_1856_guarantee_of_the_ottoman_empire() -> None:
    """ATOP 1195 (1856: the United Kingdom, France and Austria guarantee the Ottoman Empire's integrity and
    undertake to consult) is their only pact in 1857-1877; before the audit it made the pair a regime. The
    1947 Treaty of Dunkirk is theirs alone, and counts."""
    frame = _classified(HERE / "layout", 1860, 1860)
    row = frame.loc[(200, 220, 1860)]
    assert row.atop_consul == 1 and row.atop_consul_bilateral == 0 and row.atop_defense == 0 and row.atop_nonagg == 0
    assert row.position == "undetermined"
    dunkirk = _classified(HERE / "layout", 1950, 1950).loc[(200, 220, 1950)]
    assert dunkirk.atop_consul_bilateral == 1 and dunkirk.position == "security-regime"


@pytest.mark.parametrize(("level", "position"), [(5, "undetermined"), (4, "security-regime")])
def test_force_at_war_level_between_the_two_excludes_a_regime_that_year(tmp_path: Path, level: int,
                                                                        position: str) -> None:
    """A regime is restraint shown in conduct: a year in which the two fought at war level is no regime year,
    whatever their pacts; force below war level leaves the regime standing."""
    layout = _copy(tmp_path)
    _add_pact(layout, (THAILAND, MALAYSIA), YEAR)
    _add_dispute(layout, YEAR, level)
    row = _classified(layout, YEAR, YEAR).loc[(THAILAND, MALAYSIA, YEAR)]
    assert row.hostlev == level and row.atop_consul_bilateral == 1
    assert row.position == position
    if level == 5:  # the one fact that keeps it from a regime: the war-level hostility
        assert row.margin_on == "hostlev" and row.margin == 0


@pytest.fixture(scope="module")
def slices():  # type: ignore[no-untyped-def]
    return _classified(HERE / "layout", 1950, 2010)


def test_us_canada_shows_its_margin_to_the_community_threshold(slices) -> None:  # type: ignore[no-untyped-def]
    us_canada = slices.loc[(2, 20)].loc[1963:1965]
    assert list(us_canada.dyadigos) == [40, 39, 40]
    assert list(us_canada.position) == ["security-community", "security-regime", "security-community"]
    assert list(us_canada.margin) == [0, -1, 0] and set(us_canada.margin_on) == {"dyadigos"}


def test_the_directed_frame_carries_the_margin_in_both_directions() -> None:
    """Regression: the directed frame's second direction took its columns by position, shifted by the two
    new ones."""
    store = new_store()
    build(store, DataFiles(HERE / "layout"), 1963, 1965)
    classify(store, 1963, 1965)
    both = dataframe(store, directed=True)
    for a, b in ((2, 20), (20, 2)):
        rows = both[(both.ccode1 == a) & (both.ccode2 == b)]
        assert list(rows.margin) == [0, -1, 0] and set(rows.margin_on) == {"dyadigos"}, (a, b)
        assert not rows.no_data.any() and rows.no_data_reason.isna().all()


@pytest.mark.parametrize(("slug", "prop", "step", "rule", "margin", "becomes"), [
    ("dyad-security-community", "minimumSharedIgos", 1, "dyad-security-community", 0, "security-regime"),
    ("dyad-security-community", "minimumSharedIgos", -1, "dyad-security-regime", -1, "security-community"),
    ("dyad-security-regime", "minimumSharedIgos", 1, "dyad-security-regime", 0, "undetermined"),
    ("dyad-security-regime", "minimumSharedIgos", -1, "dyad-undetermined", -1, "security-regime"),
])
def test_moving_a_threshold_by_one_changes_exactly_the_rows_at_that_margin(slices, slug: str, prop: str, step: int,  # type: ignore[no-untyped-def]
                                                                           rule: str, margin: int, becomes: str) -> None:
    (quad,) = new_store().raw.quads_for_pattern(ox.NamedNode(RULE + slug), cs(prop), None, RULES_GRAPH)
    moved = _classified(HERE / "layout", 1950, 2010, {(slug, prop): int(quad.object.value) + step})
    at = (slices.rule == rule) & (slices.margin_on == "dyadigos") & (slices.margin == margin)
    assert at.sum() > 0, "the slices hold no dyad-year at this margin: the test would prove nothing"
    changed = slices.position.fillna("") != moved.position.fillna("")
    assert changed[at].all() and (moved.position[at] == becomes).all()
    assert not changed[~at].any(), slices[changed & ~at]


def test_a_rivalry_at_margin_zero_is_one_dispute_from_ending(slices) -> None:  # type: ignore[no-untyped-def]
    moved = _classified(HERE / "layout", 1950, 2010, {("dyad-rivalry", "minimumDisputes"): 4,
                                                       ("dyad-rivalry", "minimumDisputesAllied"): 7})
    at = (slices.rule == "dyad-rivalry") & (slices.margin == 0)
    assert at.sum() > 0
    changed = slices.rule != moved.rule
    assert changed[at].all() and not changed[~at].any()
    assert (slices.margin[slices.rule == "dyad-rivalry"] >= 0).all()


def test_the_distance_margin_is_the_whole_km_beyond_the_proximity_threshold(slices) -> None:  # type: ignore[no-untyped-def]
    outside = slices[(slices.rule == "dyad-no-security-interdependence") & slices.mindist.notna()]
    assert len(outside) and (outside.margin_on == "mindist").all() and (outside.margin >= 0).all()
    nearest = outside.margin.min()
    moved = _classified(HERE / "layout", 1950, 2010,
                        {("dyad-no-security-interdependence", "maximumDistanceKm"): 644 + int(nearest) + 1})
    at = outside.index[outside.margin == nearest]
    assert (moved.loc[at].position != "no-security-interdependence").all()


def test_rows_without_a_single_deciding_column_have_no_margin(slices) -> None:  # type: ignore[no-untyped-def]
    assert slices.rule.isin(["dyad-war", "dyad-sustained-force"]).any()
    for rule in ("dyad-war", "dyad-sustained-force"):
        rows = slices[slices.rule == rule]
        assert rows.margin.isna().all() and rows.margin_on.isna().all(), rule
    assert (slices.margin.isna() == slices.margin_on.isna()).all()


def test_the_guide_documents_every_column_and_no_other() -> None:
    """docs/guide/dyad-years.md's column table names each column of the output once, in the table's order."""
    section = GUIDE.read_text().split("## Columns", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    documented = [name for line in rows for name in re.findall(r"`([a-z0-9_]+)`", line.split(" | ")[0])]
    assert documented == list(COLUMNS)
