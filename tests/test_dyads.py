"""Dyad-years that mean something: the known facts of issue 12 on the slices under tests/data.

Each assertion runs the real ingest (the publishers' files as shipped, sliced) and the real SPARQL rules
(queries/classify/dyads/) in an in-memory Oxigraph store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cooperative_security.datasets.dyads import DataFiles, build, classify, dataframe, new_store

HERE = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def frame():  # type: ignore[no-untyped-def]
    store = new_store()
    build(store, DataFiles(HERE / "layout"), 1950, 2010)
    classify(store, 1950, 2010)
    return dataframe(store).set_index(["ccode1", "ccode2", "year"])


def test_paraguay_iceland_1990_is_outside_the_spectrum(frame) -> None:  # type: ignore[no-untyped-def]
    row = frame.loc[(150, 395, 1990)]
    assert row.position == "no-security-interdependence"
    assert row.rule == "dyad-no-security-interdependence"
    assert "not contiguous" in row.reason and "major power" in row.reason
    assert not row.no_data and row.cowmaj1 == 0 and row.cowmaj2 == 0 and row.mindist > 644


def test_us_canada_1990_is_not_a_conflict_formation(frame) -> None:  # type: ignore[no-untyped-def]
    row = frame.loc[(2, 20, 1990)]
    assert row.last_dispute_year == 1989  # the 1989 dispute is seen ...
    assert row.position != "conflict-formation"  # ... but an isolated incident between allies is not one
    assert row.position == "security-regime" and row.atop_defense == 1


def test_us_uk_1960_is_not_a_conflict_formation(frame) -> None:  # type: ignore[no-untyped-def]
    row = frame.loc[(2, 200, 1960)]
    assert row.last_dispute_year == 1953
    assert row.position != "conflict-formation"


def test_france_gfr_1955_is_not_a_community(frame) -> None:  # type: ignore[no-untyped-def]
    row = frame.loc[(220, 260, 1955)]
    assert row.position != "security-community"
    # the GFR continues Germany's record with France: the Second World War is inside the window
    assert row.last_dispute_year == 1945


def test_france_germany_becomes_a_community_only_after_a_whole_window(frame) -> None:  # type: ignore[no-untyped-def]
    community = frame[frame.position == "security-community"].reset_index()
    years = community[(community.ccode1 == 220) & community.ccode2.isin([255, 260])].year
    assert len(years) and years.min() >= 1975


def test_indonesia_malaysia_1964_is_a_conflict_formation(frame) -> None:  # type: ignore[no-untyped-def]
    row = frame.loc[(820, 850, 1964)]
    assert row.position == "conflict-formation"
    assert row.rule in ("dyad-sustained-force", "dyad-rivalry", "dyad-war")


def test_active_rivals_are_never_communities(frame) -> None:  # type: ignore[no-untyped-def]
    greece_turkey = frame.loc[(350, 640)]
    assert (greece_turkey.loc[1975:2000].position == "conflict-formation").any()
    assert not (greece_turkey.position == "security-community").any()
    rivalry = frame[frame.rule == "dyad-rivalry"]
    assert len(rivalry) and (rivalry.gml_disputes_window >= 3).all()


def test_undetermined_where_interdependent_without_evidence(frame) -> None:  # type: ignore[no-untyped-def]
    undetermined = frame[frame.position == "undetermined"]
    assert len(undetermined)
    assert undetermined.interdependence.notna().all()
    assert (undetermined.atop_defense + undetermined.atop_nonagg + undetermined.atop_consul == 0).all()


def test_directed_frame_has_both_directions() -> None:
    store = new_store()
    build(store, DataFiles(HERE / "layout"), 1990, 1990)
    classify(store, 1990, 1990)
    undirected = dataframe(store)
    directed = dataframe(store, directed=True)
    assert len(directed) == 2 * len(undirected)
    forward = directed[(directed.ccode1 == 2) & (directed.ccode2 == 20)].iloc[0]
    back = directed[(directed.ccode1 == 20) & (directed.ccode2 == 2)].iloc[0]
    assert forward.position == back.position and forward.cowmaj1 == back.cowmaj2 == 1
    assert undirected.no_data.dtype == bool
