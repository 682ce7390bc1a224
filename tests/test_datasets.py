"""Adapters for the field's data sets, dyad-year classification, and the comparison with curated cases."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.classify.dyads import classify
from cooperative_security.errors import InputError
from cooperative_security.export.dyads import dataframe
from cooperative_security.ingest.datasets import atop, cameo, mid
from cooperative_security.ingest.dyad_years import DataFiles, build, new_store
from cooperative_security.ingest.ingest_dataset import ingest_dataset
from cooperative_security.kb import open_knowledge_graph

HERE = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.fixture(scope="module")
def frame():  # type: ignore[no-untyped-def]
    store = new_store()
    build(store, DataFiles(HERE / "layout"), 1930, 2010)
    classify(store, 1930, 2010)
    return dataframe(store).set_index(["ccode1", "ccode2", "year"])


def test_france_germany_last_mid_is_1940() -> None:
    years = [r.year for r in mid.read(HERE / "mid-slice.csv") if {r.ccode1, r.ccode2} == {220, 255}
             and r.hostlev >= 2]
    assert max(y for y in years if y <= 1950) == 1945  # war years run to 1945
    disputes = {r.year for r in mid.read(HERE / "mid-slice.csv") if {r.ccode1, r.ccode2} == {220, 255}}
    assert 1940 in disputes and not any(1945 < y for y in disputes)


def test_indonesia_malaysia_mid_1963_1966() -> None:
    years = {r.year for r in mid.read(HERE / "mid-slice.csv") if {r.ccode1, r.ccode2} == {820, 850}
             and r.hostlev >= 4}
    assert {1963, 1964, 1965, 1966} <= years


def test_tac_founders_enter_atop_3755_on_1976_02_24() -> None:
    members = {m.member: m.entry for m in atop.read_members(HERE / "atop-member-slice.csv") if m.atopid == 3755}
    assert {800, 820, 830, 840, 850} <= set(members)
    assert all(members[c] == (1976, 2, 24) for c in (800, 820, 830, 840, 850))


def test_treaties_are_the_curated_events() -> None:
    kg = open_knowledge_graph("memory:")
    try:
        ingest_dataset(kg, "atop", HERE / "atop-alliance-slice.csv")
        same = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
        links = {(q.subject.value, q.object.value) for q in kg.raw.quads_for_pattern(None, same, None)}  # type: ignore[attr-defined]
        assert ("https://w3id.org/coopsec/id/treaty/atop-3470",
                "https://w3id.org/coopsec/id/event/france-germany/elysee-treaty") in links
        assert ("https://w3id.org/coopsec/id/treaty/atop-3755",
                "https://w3id.org/coopsec/id/event/asean/tac-signed") in links
        for _, event in links:  # the curated events exist
            assert any(True for _ in kg.raw.quads_for_pattern(ox.NamedNode(event), None, None))  # type: ignore[attr-defined]
    finally:
        kg.close()


def test_dyad_year_classification(frame) -> None:  # type: ignore[no-untyped-def]
    assert frame.loc[(220, 255, 1940), "position"] == "conflict-formation"
    assert frame.loc[(820, 850, 1965), "position"] == "conflict-formation"
    assert frame.loc[(820, 850, 1965), "rule"] in ("dyad-rivalry", "dyad-sustained-force")
    assert frame.loc[(220, 260, 1963), "position"] in ("security-regime", "security-community")
    assert frame.loc[(220, 260, 1963), "atop_defense"] == 1
    community = frame[frame.position == "security-community"]
    assert len(community) and set(community.stage) == {"nascent"} and set(community.trust) == {"none"}


def test_malformed_row_rejected_with_line_and_store_unchanged(tmp_path: Path) -> None:
    bad = tmp_path / "mid.csv"
    lines = (HERE / "mid-slice.csv").read_text().splitlines(True)
    fields = lines[5].split(",")
    header = lines[0].split(",")
    fields[header.index("hostlev")] = "nine"
    lines[5] = ",".join(fields)
    bad.write_text("".join(lines))
    kg = open_knowledge_graph("memory:")
    try:
        before = kg.count()
        with pytest.raises(InputError) as info:
            ingest_dataset(kg, "mid", bad)
        problem = info.value.problems[0]
        assert problem.line == 6 and problem.field == "hostlev"
        assert kg.count() == before
    finally:
        kg.close()


def test_cameo_is_windows_1252() -> None:
    book = cameo.codebook(HERE / "cameo-codes.csv")
    assert book["1711"].description.startswith("Use force to take control of somebody else\u2019s property")
    with pytest.raises(InputError, match="not valid utf-8") as info:
        _read_as_utf8(HERE / "cameo-codes.csv")
    assert info.value.problems[0].line


def _read_as_utf8(path: Path) -> list:  # type: ignore[type-arg]
    from cooperative_security.ingest.datasets.reader import CsvStream

    return list(CsvStream(path, ("code",)))


def test_icews_events_typed(tmp_path: Path) -> None:
    kg = open_knowledge_graph("memory:")
    try:
        report = ingest_dataset(kg, "icews", HERE / "icews-slice.tab", states=HERE / "states.csv")
        assert report.rows == 300 and report.triples > 2000
    finally:
        kg.close()


@pytest.mark.skipif(not (SHARED / "mid").is_dir(), reason="../shared/data is absent on this machine")
def test_full_mid_file_streams() -> None:
    assert sum(1 for _ in mid.read(SHARED / "mid" / "gml-mid-dyad-years-2.1.1.csv")) == 10330


def test_cli_dyads_csv_and_parquet(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dyads.csv"
    result = cli("dyads", "--from", "1960", "--to", "1970", "--data-dir", str(HERE / "layout"), "-o", str(out))
    assert result.code == 0, result.err
    import pandas as pd

    frame = pd.read_csv(out)
    assert list(frame.columns[:6]) == ["ccode1", "ccode2", "year", "position", "stage", "trust"]
    assert {"atop_defense", "dyadigos", "conttype", "cowmaj1", "mindist", "no_data", "no_data_reason"} <= set(frame.columns)
    assert (frame.ccode1 < frame.ccode2).all() and frame.year.between(1960, 1970).all()
    row = frame[(frame.ccode1 == 820) & (frame.ccode2 == 850) & (frame.year == 1964)].iloc[0]
    assert row.position == "conflict-formation" and row.last_dispute_year == 1964
    pytest.importorskip("pyarrow")
    parquet = tmp_path / "dyads.parquet"
    assert cli("dyads", "--from", "1960", "--to", "1970", "--data-dir", str(HERE / "layout"), "-o",
               str(parquet)).code == 0
    assert len(pd.read_parquet(parquet)) == len(frame)
    # the same schema whatever the span: a short span without a community or a year without data still
    # writes its text columns as strings (not Arrow's null type), so files of two spans can be read as one
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(parquet)
    short = tmp_path / "short.parquet"
    assert cli("dyads", "--from", "1964", "--to", "1964", "--data-dir", str(HERE / "layout"), "-o",
               str(short)).code == 0
    assert pd.read_parquet(short).stage.isna().all()  # the case the check is for: no stage in that year
    assert pq.read_schema(short).remove_metadata() == schema.remove_metadata()
    for column in ("position", "stage", "trust", "rule", "reason", "margin_on", "no_data_reason", "interdependence"):
        kind = schema.field(column).type
        assert pa.types.is_string(kind) or pa.types.is_large_string(kind), (column, kind)
    assert schema.field("no_data").type == pa.bool_()


def test_cli_dyads_as_rdf(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dyads.nq"
    result = cli("dyads", "--from", "1963", "--to", "1963", "--data-dir", str(HERE / "layout"), "-o", str(out),
                 "--format", "rdf")
    assert result.code == 0, result.err
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    decided = [q for q in quads if q.predicate.value.endswith("#decidedBy")]
    assert decided and any(q.subject.value.endswith("/220-260-1963") for q in decided)


def test_no_data_outside_coverage(tmp_path: Path) -> None:
    store = new_store()
    build(store, DataFiles(HERE / "layout"), 2011, 2014)
    classify(store, 2011, 2014)
    frame = dataframe(store)
    assert len(frame) and frame.position.isna().all() and (frame.rule == "dyad-no-data").all()
    assert frame.no_data.all() and frame.no_data_reason.str.contains("do not cover").all()


def test_cli_ingest_dataset_rejects_bad_row(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "igo.csv"
    bad.write_text("ccode1,ccode2,year,dyadigos\n2,20,1920,7\n2,20,1921,many\n")
    result = cli("ingest-dataset", "igo", str(bad))
    assert result.code == 1
    assert f"{bad}:3: field 'dyadigos'" in result.err
    ok = cli("ingest-dataset", "cow-states", str(HERE / "states.csv"))
    assert ok.code == 0, ok.err
    assert "rows/s" in ok.out and "triples/s" in ok.out


def test_compare_reports_disagreements_with_both_explanations() -> None:
    from cooperative_security.analysis.compare import compare_cases

    rows = compare_cases(DataFiles(HERE / "layout"), ("indonesia-malaysia", "france-germany"))
    assert rows
    konfrontasi = [r for r in rows if r["case"] == "indonesia-malaysia" and r["year"] <= 1966]
    assert [r["year"] for r in konfrontasi] == [1963, 1964, 1965, 1966]
    # 1963 is the first year of force: not yet sustained (the rules read nothing after the year they classify)
    assert all(r["dyad_year"] == "conflict-formation" for r in konfrontasi if r["year"] >= 1964)
    assert any(not r["agree"] for r in rows)
    for r in rows:
        if not r["agree"]:
            assert r["curated_why"] is not None and r["dyad_why"].startswith("dyad-")


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "cow").is_dir(), reason="../shared/data is absent on this machine")
def test_full_run_1816_2010() -> None:
    store = new_store()
    build(store, DataFiles(SHARED), 1816, 2010)
    classify(store, 1816, 2010)
    frame = dataframe(store)
    assert len(frame) == 842655
    assert frame.set_index(["ccode1", "ccode2", "year"]).loc[(220, 255, 1940), "position"] == "conflict-formation"


@pytest.mark.parametrize(("name", "extra", "said"), [
    ("missing/dyads.csv", [], "no folder"),
    ("dyads.txt", [], "give a name ending in .csv or .parquet"),
    ("dyads.csv", ["--format", "rdf"], "give a name ending in .nq, .nquads or .trig"),
    (".", [], "give a name ending in .csv or .parquet"),
])
def test_cli_dyads_refuses_an_output_it_cannot_write_before_reading_the_data(cli, tmp_path: Path, name: str,  # type: ignore[no-untyped-def]
                                                                             extra: list[str], said: str) -> None:
    """The output is checked first: the data folder here holds nothing, so a check made after reading it
    would report the missing files instead (a folder that did not exist gave an internal error from DuckDB,
    after the whole classification)."""
    out = tmp_path / name
    result = cli("dyads", "--data-dir", str(tmp_path / "no-data-here"), "-o", str(out), *extra)
    assert result.code == 2, result.err
    assert said in result.err and str(out) in result.err
    assert "internal error" not in result.err and "Traceback" not in result.err


def test_a_dyads_write_that_fails_leaves_the_file_that_was_there(tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                 monkeypatch) -> None:
    """Written beside the file and renamed into place when whole: a write that fails part way (here DuckDB
    cannot write, as on a full disk) is an error naming the file, and the old file is untouched."""
    import duckdb

    from cooperative_security.errors import EnvironmentProblem
    from cooperative_security.export import dyads as tables

    store = new_store()
    build(store, DataFiles(HERE / "layout"), 1963, 1963)
    classify(store, 1963, 1963)
    out = tmp_path / "dyads.csv"
    out.write_text("the user's earlier table\n")
    real = tables._csv_text

    def failing(column: str) -> str:
        if column == "no_data_reason":  # the last column: the relation is built, then writing fails
            raise duckdb.IOException("No space left on device")
        return real(column)

    monkeypatch.setattr(tables, "_csv_text", failing)
    with pytest.raises(EnvironmentProblem, match="could not be written") as info:
        tables.write_table(store, out)
    assert str(out) in str(info.value)
    assert out.read_text() == "the user's earlier table\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dyads.csv"]  # no partial file left beside it
    monkeypatch.setattr(tables, "_csv_text", real)
    assert tables.write_table(store, out) > 0 and out.read_text().startswith("ccode1,ccode2,year")


@pytest.mark.parametrize("year", [1963, 1990])
def test_one_year_is_classified_as_in_a_longer_span(frame, year: int) -> None:  # type: ignore[no-untyped-def]
    """The years before --from carry only what the rules read there (dyad-years, disputes, wars, defence
    pacts): every row and column of a one-year run is the same as that year's in a run from 1930."""
    import pandas as pd

    store = new_store()
    build(store, DataFiles(HERE / "layout"), year, year)
    classify(store, year, year)
    alone = dataframe(store).set_index(["ccode1", "ccode2", "year"])
    within = frame[frame.index.get_level_values("year") == year]
    assert len(alone) == len(within) > 0
    assert set(alone.position) - {"no-security-interdependence"}  # not a trivial year
    pd.testing.assert_frame_equal(alone.sort_index(), within.sort_index(), check_dtype=False)


def test_cli_dyads_says_when_the_span_holds_no_dyad_year(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "none.csv"
    result = cli("dyads", "--from", "1700", "--to", "1800", "--data-dir", str(HERE / "layout"), "-o", str(out))
    assert result.code == 0, result.err
    assert out.read_text().count("\n") == 1  # the header
    assert "holds no dyad-year in 1700-1800" in result.err and "1816" in result.err
