"""The Python API given what a notebook hands it: numpy and pandas values, dates, paths, specs, wrong types.

One regression test per fault found by probing ``cs.*`` with such values; a wrong value is a
:class:`UsageError` that names the argument, what was given and what is expected.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cooperative_security as cs
from cooperative_security.errors import UsageError

LAYOUT = Path(__file__).parent / "data" / "layout"


@pytest.fixture(scope="module")
def kg():  # type: ignore[no-untyped-def]
    store = cs.open()
    yield store
    cs.close()


# -- 1. numpy and pandas values ---------------------------------------------------------------------------

def test_classify_takes_a_numpy_array_or_a_series_of_case_ids(kg) -> None:  # type: ignore[no-untyped-def]
    expected = cs.classify(["asean", "korea"])
    assert set(expected.relationship) == {"asean", "korea"}
    for cases in (np.array(["asean", "korea"]), pd.Series(["asean", "korea"]), (c for c in ["asean", "korea"])):
        assert cs.classify(cases).equals(expected), type(cases)
    long = cs.classify_long(pd.Series(["korea"]).unique())
    assert set(long.relationship) == {"korea"} and set(long[long.item == "member"].label) == {"PRK", "KOR"}


def test_classify_of_no_case_ids_is_an_empty_frame_not_every_case(kg) -> None:  # type: ignore[no-untyped-def]
    every = cs.classify()
    assert len(set(every.relationship)) >= 10
    for empty in ([], pd.Series([], dtype=str), np.array([], dtype=str)):
        frame = cs.classify(empty)
        assert frame.empty and list(frame.columns) == list(every.columns), type(empty)
        assert cs.classify_long(empty).empty


def test_classify_at_takes_a_numpy_year_and_a_date(kg) -> None:  # type: ignore[no-untyped-def]
    as_text = cs.classify("asean", at="1990")[["period", "position"]]
    assert list(as_text.position) == ["security-regime"]
    assert cs.classify("asean", at=np.int64(1990))[["period", "position"]].equals(as_text)
    assert cs.classify("asean", at=1990)[["period", "position"]].equals(as_text)
    day = cs.classify("asean", at="1990-01-01")[["period", "position"]]
    assert cs.classify("asean", at=datetime.date(1990, 1, 1))[["period", "position"]].equals(day)
    assert cs.classify("asean", at=pd.Timestamp("1990-01-01"))[["period", "position"]].equals(day)
    assert cs.classify_long("asean", at=datetime.datetime(1990, 1, 1, 12, 30)).period.nunique() == len(day)


@pytest.mark.parametrize("at", [0, -5, 10_000, 1990.0, 1990.5, True, "", "nineteen", ["1990"], np.float64(1990)])
def test_classify_refuses_an_at_that_is_no_date(kg, at) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=r"^at: ") as info:
        cs.classify("asean", at=at)
    assert repr(at) in str(info.value) and "YYYY" in str(info.value)


def test_dyads_takes_numpy_years_and_refuses_float_years() -> None:
    frame = cs.dyads(1990, 1990, data_dir=LAYOUT, jobs=1)
    assert len(frame) == 15 and set(frame.year) == {1990}
    assert cs.dyads(np.int64(1990), np.int32(1990), data_dir=LAYOUT, jobs=np.int64(1)).equals(frame)
    for first, last, name in ((1990.0, 1990, "first"), (1990, 1990.5, "last"), ("1990", 1990, "first"),
                              (None, 1990, "first"), (True, 1990, "first")):
        with pytest.raises(UsageError, match=f"^{name}: ") as info:
            cs.dyads(first, last, data_dir=LAYOUT, jobs=1)  # type: ignore[arg-type]
        assert "whole number" in str(info.value)


# -- 2. jobs ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("jobs", [0, 17, 10**9, "2", 1.5, 2.0, True])
def test_dyads_refuses_jobs_outside_1_to_16_before_making_any_store(jobs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def no_store() -> None:
        raise AssertionError("a store was made for a refused jobs")  # jobs=10**9 made stores until 16 GB

    monkeypatch.setattr("cooperative_security.ingest.dyad_years.new_store", no_store)
    with pytest.raises(UsageError, match=r"^jobs: .*from 1 to 16") as info:
        cs.dyads(1990, 1990, data_dir=LAYOUT, jobs=jobs)
    assert repr(jobs) in str(info.value)


def test_dyads_refuses_a_directed_that_is_no_bool() -> None:
    with pytest.raises(UsageError, match=r"^directed: 'no'"):
        cs.dyads(1990, 1990, data_dir=LAYOUT, jobs=1, directed="no")  # type: ignore[arg-type]
    both = cs.dyads(1990, 1990, data_dir=LAYOUT, jobs=1, directed=np.bool_(True))
    assert len(both) == 30


# -- 3. wrong types, specs and paths ----------------------------------------------------------------------

@pytest.mark.parametrize("spec", [None, 5, b"memory:"])
def test_open_refuses_a_spec_that_is_no_string_or_path(spec) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=r"^spec: ") as info:
        cs.open(spec)
    assert repr(spec) in str(info.value) and "oxigraph:DIR" in str(info.value)


def test_open_takes_a_path_as_an_on_disk_store(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    subprocess.run([sys.executable, "-m", "cooperative_security.cli", "init", "--store", f"oxigraph:{folder}"],
                   check=True, capture_output=True, timeout=300)
    store = cs.open(folder)
    try:
        assert cs.open(f"oxigraph:{folder}") is store  # the same store as its spec
        assert "korea" in set(cs.cases(store=folder).case)
    finally:
        cs.close(store)  # this one only: the module's in-memory store stays open


@pytest.mark.parametrize(("cases", "shown"), [(5, "5"), ([5], "5"), ([None], "None"), (["korea", 1.5], "1.5"),
                                              (b"korea", "b'korea'")])
def test_classify_refuses_case_ids_that_are_no_strings(kg, cases, shown) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=r"^cases: ") as info:
        cs.classify(cases)
    assert shown in str(info.value) and "'korea'" in str(info.value)
    with pytest.raises(UsageError, match=r"^cases: "):
        cs.classify_long(cases)


@pytest.mark.parametrize("case", [5, ["asean"], b"asean"])
def test_cases_refuses_a_case_that_is_no_string(kg, case) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=r"^case: ") as info:
        cs.cases(case)
    assert repr(case) in str(info.value)


def test_store_takes_a_spec_without_changing_the_current_store(kg) -> None:  # type: ignore[no-untyped-def]
    frame = cs.classify("korea", store="memory:")
    assert list(frame.position) == ["undetermined"]
    assert len(cs.cases("korea", store="memory:")) == len(cs.cases("korea"))
    assert cs.open() is kg  # "memory:" is the store already open, and it stays the current one


@pytest.mark.parametrize("store", [5, object(), ["memory:"]])
def test_store_refuses_what_is_no_store(kg, store) -> None:  # type: ignore[no-untyped-def]
    for call in (lambda: cs.classify("korea", store=store), lambda: cs.concepts(store=store),
                 lambda: cs.query("cases/list", store=store)):
        with pytest.raises(UsageError, match=r"^store: .*a store from cs.open\(\)"):
            call()


# -- 4. close(spec) ---------------------------------------------------------------------------------------

def test_close_with_the_spec_releases_the_on_disk_lock(tmp_path: Path) -> None:
    spec = f"oxigraph:{tmp_path / 'kb'}"
    cli = [sys.executable, "-m", "cooperative_security.cli"]
    subprocess.run([*cli, "init", "--store", spec], check=True, capture_output=True, timeout=300)
    store = cs.open(spec)
    try:
        cs.close(f"oxigraph:{tmp_path / 'kb'}/")  # another spelling of the same store
        assert store.closed
        # a terminal `coopsec` can use the store now (before, it said the store was in use)
        done = subprocess.run([*cli, "cases", "--store", spec], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "korea" in done.stdout
        with pytest.raises(UsageError, match=r"^store: no store opened with .* is open"):
            cs.close(spec)
        with pytest.raises(UsageError, match=r"^store: 5 "):
            cs.close(5)  # type: ignore[arg-type]
    finally:
        cs.close(store)


# -- 5. a query that finds nothing ------------------------------------------------------------------------

def test_a_query_that_finds_nothing_keeps_its_columns(kg) -> None:  # type: ignore[no-untyped-def]
    found = cs.query("concepts/find", text="security dilemma")
    assert list(found.columns) == ["concept"] and len(found) == 1
    none = cs.query("concepts/find", text="zzz")
    assert none.shape == (0, 1) and list(none["concept"]) == []


def test_a_query_parameter_that_is_not_a_value_is_refused() -> None:
    """`case=None` was looked up as the text "None" (and found nothing, without a word)."""
    import cooperative_security as cs
    from cooperative_security.errors import UsageError

    for value in (None, True, ["asean"], 1.5):
        with pytest.raises(UsageError, match="^case: "):
            cs.query("cases/timeline", case=value)
    assert len(cs.query("cases/timeline", case="asean")) > 0
