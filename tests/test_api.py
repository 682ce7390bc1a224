"""The Python API for notebooks: import cooperative_security as cs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import cooperative_security as cs
from cooperative_security.errors import UnknownTerm


@pytest.fixture(scope="module")
def kg():  # type: ignore[no-untyped-def]
    store = cs.open()
    yield store
    cs.close()


def test_version_comes_from_the_package_metadata() -> None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        assert cs.__version__ == version("coopsec")
    except PackageNotFoundError:  # a checkout that was never installed: pyproject.toml says
        import tomllib

        pyproject = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
        assert cs.__version__ == pyproject["project"]["version"]


def test_open_twice_gives_the_same_store(kg) -> None:  # type: ignore[no-untyped-def]
    assert cs.open() is kg
    assert cs.open("memory:") is kg


def test_classify_is_tidy(kg) -> None:  # type: ignore[no-untyped-def]
    frame = cs.classify(["korea", "france-germany"])
    periods = frame.groupby("relationship")["period"].apply(list)
    assert list(periods["france-germany"]) == list(range(1, len(periods["france-germany"]) + 1))
    assert len(periods["france-germany"]) >= 4 and list(periods["korea"]) == [1]
    for column in frame.columns:
        assert not frame[column].map(lambda v: isinstance(v, list | dict | tuple)).any(), column
    assert str(frame["start"].dtype).startswith("datetime64")
    korea = frame[frame.relationship == "korea"].iloc[0]
    assert korea.start == pd.Timestamp("1971-01-01") and korea.start_precision == "year"
    assert korea.position == "undetermined"  # a joint statement is no agreement (issue 11)
    assert (korea.iso_a, korea.iso_b, korea.cow_a, korea.cow_b) == ("PRK", "KOR", 731, 732)
    fg = frame[frame.relationship == "france-germany"]
    assert set(fg.start_precision.dropna()) >= {"year", "day"}
    assert fg.iloc[0].position == "conflict-formation"
    assert "rule:checkpoints" in korea.rules.split(";")


def test_rules_are_named_as_the_csv_names_them(kg, capsys) -> None:  # type: ignore[no-untyped-def]
    """The frame's ``rules`` and the long table's rules are the CSV's ``rule:`` CURIEs (the frame gave bare
    slugs, the long table full IRIs, the CSV CURIEs: three spellings of one rule)."""
    import csv
    import io

    from cooperative_security.cli import main

    frame = cs.classify("france-germany")
    capsys.readouterr()
    assert main(["classify", "france-germany", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["rules"] for r in rows] == list(frame.rules)
    assert all(rule.startswith("rule:") for cell in frame.rules for rule in cell.split(";"))
    long = cs.classify_long("france-germany")
    named = [r for cell in long[long.item.isin(["evidence", "missing"])].detail.dropna() for r in cell.split(";")]
    assert named and all(r.startswith("rule:") for r in named)


def test_dates_before_1677_are_kept(kg) -> None:  # type: ignore[no-untyped-def]
    frame = cs.classify("italian-unification")
    assert frame.start.min() == pd.Timestamp("1859-04-01")


def test_the_long_table_holds_the_lists(kg) -> None:  # type: ignore[no-untyped-def]
    long = cs.classify_long("france-germany")
    assert set(long["item"]) >= {"member", "evidence", "missing", "strategy"}
    assert set(long[(long.item == "member") & (long.period == 1)]["label"]) == {"FRA", "DEU"}
    evidence = long[long.item == "evidence"]
    assert evidence["sources"].str.contains("Keating and Wheeler 2013").any()
    assert (evidence["sources"].str.len() > 0).all()


def test_query_takes_labels_ids_and_curies(kg) -> None:  # type: ignore[no-untyped-def]
    by_id = cs.query("cases/timeline", case="asean")
    assert len(by_id) > 5 and "label" in by_id.columns
    assert by_id.equals(cs.query("cases/timeline", case="case:asean"))
    subtypes = cs.query("concepts/subtypes", concept="security regime")
    assert subtypes["subtype"].str.endswith("#CommonSecurity").any()
    with pytest.raises(UnknownTerm, match="did you mean 'asean'"):
        cs.query("cases/timeline", case="aseann")
    assert "export/store-quads" not in set(cs.list_queries()["name"])
    assert "export/store-quads" in set(cs.list_queries(all=True)["name"])


def test_concepts_and_cases(kg, cli) -> None:  # type: ignore[no-untyped-def]
    concepts = cs.concepts()
    assert len(concepts) >= 90 and "security community" in set(concepts.label)
    events = cs.cases("korea")
    assert set(events.case) == {"korea"} and str(events["date"].dtype).startswith("datetime64")
    assert set(events.actors.str.split(";").explode()) <= {"PRK", "KOR"}, "actors as the members are: ISO codes"
    # the type as coopsec cases gives it (its IRI), and its label beside it
    cli_events = {e["id"]: e for c in json.loads(cli("cases", "korea", "--format", "json").out) for e in c["events"]}
    for row in events.itertuples():
        assert (row.type, row.type_label) == (cli_events[row.event]["type"], cli_events[row.event]["type_label"])
    with pytest.raises(Exception, match="did you mean korea"):
        cs.cases("koreaa")


def test_an_on_disk_store_opened_twice_is_reused_then_closed_cleanly(tmp_path: Path) -> None:
    spec = f"oxigraph:{tmp_path / 'kb'}"
    subprocess.run([sys.executable, "-m", "cooperative_security.cli", "init", "--store", spec], check=True,
                   capture_output=True)
    first = cs.open(spec)
    again = cs.open(spec)  # re-running the notebook cell: no "in use by another process"
    assert again is first
    cs.close(first)
    reopened = cs.open(spec)
    assert reopened is not first and len(cs.cases()) > 50
    reopened.close()  # closed by hand: the next open notices
    assert cs.open(spec) is not reopened
    cs.close()


def test_dyads_needs_the_data_sets_and_says_so(tmp_path: Path) -> None:
    with pytest.raises(Exception) as info:
        cs.dyads(1990, 1991, data_dir=tmp_path)
    assert "cow" in str(info.value).lower() or str(tmp_path) in str(info.value)


SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.mark.skipif(not (SHARED / "cow").is_dir(), reason="needs ../shared/data")
def test_dyads_from_the_field_data() -> None:
    frame = cs.dyads(1990, 1990, data_dir=SHARED, jobs=2)
    assert len(frame) > 1000 and {"ccode1", "ccode2", "year", "position"} <= set(frame.columns)
    assert {str(frame[c].dtype) for c in ("ccode1", "ccode2", "year")} == {"int64"}
    assert frame.equals(cs.dyads(1990, 1990, data_dir=SHARED, jobs=1))  # parts change nothing
    both = cs.dyads(1990, 1990, data_dir=SHARED, directed=True)  # as `coopsec dyads --directed`
    assert len(both) == 2 * len(frame)
    swapped = both[both.ccode1 > both.ccode2].rename(columns={"ccode1": "ccode2", "ccode2": "ccode1",
                                                              "cowmaj1": "cowmaj2", "cowmaj2": "cowmaj1"})
    swapped = swapped[list(frame.columns)].sort_values(["ccode1", "ccode2", "year"]).reset_index(drop=True)
    assert swapped.equals(frame.reset_index(drop=True))  # the other direction: the same rows, states swapped
    with pytest.raises(Exception, match="jobs"):
        cs.dyads(1990, 1990, data_dir=SHARED, jobs=0)
