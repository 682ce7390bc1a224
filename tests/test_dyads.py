"""Dyad-years that mean something: the known facts of issue 12 on the slices under tests/data.

Each assertion runs the real ingest (the publishers' files as shipped, sliced) and the real SPARQL rules
(queries/classify/dyads/) in an in-memory Oxigraph store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cooperative_security.classify.dyads import classify
from cooperative_security.export.dyads import dataframe
from cooperative_security.ingest.dyad_years import DataFiles, build, new_store

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
    # no ground for a regime (a pact binding the pair, or 30 shared IGOs), or one broken by war-level force
    grounds = (undetermined.atop_defense + undetermined.atop_nonagg + undetermined.atop_consul_bilateral > 0) \
        | (undetermined.dyadigos.fillna(0) >= 30)
    assert (~grounds | (undetermined.hostlev.fillna(0) >= 5)).all()


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


def test_cli_dyads_directed_merges_with_a_directed_frame(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    out = tmp_path / "directed.csv"
    result = cli("dyads", "--from", "1990", "--to", "1990", "--data-dir", str(HERE / "layout"), "--directed",
                 "-o", str(out))
    assert result.code == 0, result.err
    frame = pd.read_csv(out)
    theirs = pd.DataFrame({"ccode1": [20, 2], "ccode2": [2, 20], "year": [1990, 1990], "trade": [1.0, 2.0]})
    merged = theirs.merge(frame, on=["ccode1", "ccode2", "year"], how="left", validate="one_to_one")
    assert merged.position.notna().all() and set(merged.cowmaj1) == {0, 1}
    assert frame.no_data.dtype == bool


def test_cli_dyads_without_data_folder_says_where(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("COOPSEC_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    result = cli("dyads", "-o", str(tmp_path / "x.csv"))
    assert result.code != 0
    assert "--data-dir" in result.err and "COOPSEC_DATA" in result.err and "Traceback" not in result.err


def test_cli_datasets_lists_citation_checksum_and_source(cli) -> None:  # type: ignore[no-untyped-def]
    import json

    result = cli("datasets", "--format", "json")
    assert result.code == 0, result.err
    rows = {r["name"]: r for r in json.loads(result.out)}
    assert {"mid", "atop", "igo", "contiguity", "major-powers", "distance", "wars", "dyad-years"} <= set(rows)
    assert rows["contiguity"]["file"] == "cow/direct-contiguity.csv" and len(rows["contiguity"]["sha256"]) == 64
    assert rows["mid"]["obtain"].startswith("http")
    bib = cli("datasets", "--bibtex")
    assert "@article{lemke-reed-2001" not in bib.out  # only the data sets' own citations ...
    assert "@article{stinnett-etal-2002" in bib.out and "@article{gibler-etal-2016" in bib.out


def test_cli_datasets_check_reports_missing_and_other_releases(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    (tmp_path / "cow").mkdir()
    shutil.copy(HERE / "major-powers.csv", tmp_path / "cow" / "major-powers.csv")
    shutil.copy(HERE / "contiguity-slice.csv", tmp_path / "cow" / "direct-contiguity.csv")
    result = cli("datasets", "check", str(tmp_path), "--format", "csv")
    assert result.code == 1
    assert "major-powers" in result.out and ",ok," in result.out
    assert "contiguity" in result.out and "other-release" in result.out and "missing" in result.out


def test_duckdb_formulation_gives_the_same_positions(frame) -> None:  # type: ignore[no-untyped-def]
    """The SPARQL rules and their DuckDB formulation (bench/dyads-duckdb.sql, the speed baseline) agree
    dyad-year by dyad-year on the slices."""
    pytest.importorskip("duckdb")
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_dyads", Path(__file__).parent.parent / "bench" / "bench_dyads.py")
    bench = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(bench)  # type: ignore[union-attr]
    store = new_store()
    lower = bench.duckdb_run(DataFiles(HERE / "layout"), 1950, 2010, bench.thresholds(store))
    lower = lower.set_index(["ccode1", "ccode2", "year"]).sort_index()
    ours = frame.sort_index()
    assert len(lower) == len(ours)
    assert (ours.position.fillna("no-data").value_counts().to_dict()
            == lower.position.fillna("no-data").value_counts().to_dict())
    assert (ours.position.fillna("no-data") == lower.position.fillna("no-data")).all()


def test_floor_benchmark_decides_the_dyad_years_the_command_decides(frame, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """bench/bench_dyads_floor.py (the least a per-dyad-year design must do) loads, decides, reads back and
    writes one row for each dyad-year the command classifies, in parts as the command, no more and no fewer:
    a floor over other rows would say nothing about the target."""
    pytest.importorskip("duckdb")
    import importlib.util

    monkeypatch.syspath_prepend(str(Path(__file__).parent.parent / "bench"))
    spec = importlib.util.spec_from_file_location("bench_dyads_floor",
                                                  Path(__file__).parent.parent / "bench" / "bench_dyads_floor.py")
    floor = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(floor)  # type: ignore[union-attr]
    times, rows = floor.floor(DataFiles(HERE / "layout"), 1950, 2010, 2)
    assert rows == len(frame)
    assert list(times) == ["read the files", "make one line per dyad-year", "load them", "insert one decision each",
                           "read the decisions back", "write the CSV"]


SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "dyad-years.md"


def documented_agreement() -> tuple[int, int, float]:
    """The figures docs/guide/dyad-years.md reports (and the README quotes)."""
    import re

    match = re.search(r"(\d+) of (\d+) dyad-periods \(\d+%\), linearly weighted kappa ([0-9]+\.[0-9]+)", GUIDE.read_text())
    assert match, f"{GUIDE} no longer states the validation figures"
    return int(match.group(1)), int(match.group(2)), float(match.group(3))


@pytest.mark.skipif(not (SHARED / "cow" / "direct-contiguity.csv").is_file(), reason="needs ../shared/data")
def test_validation_agreement_is_at_least_the_documented_figure() -> None:
    from cooperative_security.analysis.dyad_validation import validate_dyads

    agreed, total, kappa = documented_agreement()
    result = validate_dyads(data_dir=SHARED)
    assert result.agreement.total == total
    assert result.agreement.agreed >= agreed, result.text()
    assert result.agreement.kappa is not None and result.agreement.kappa >= kappa - 0.005, result.text()
    report = result.to_dict()
    assert set(report["per_position"]) == {"conflict-formation", "security-regime", "security-community"}
    for d in report["disagreements"]:
        assert d["classifier"] and d["source"]  # both explanations
    text = result.text()
    assert "confusion matrix" in text and "kappa" in text
    # out of sample: without the rows citing the chapter the rules come from and those a rule was tuned on
    import re

    match = re.search(r"[Oo]ut of sample[^:]*: (\d+) of (\d+) \(\d+%\), linearly weighted kappa ([0-9]+\.[0-9]+)",
                      GUIDE.read_text())
    assert match, "docs/guide/dyad-years.md no longer states the out-of-sample figures"
    out = result.out_of_sample
    assert out is not None and out.total == int(match.group(2)), text
    assert out.agreed >= int(match.group(1)) and (out.kappa or 0) >= float(match.group(3)) - 0.005, text
    assert report["in_sample"] and "out of sample" in text


def test_rows_that_cannot_test_the_rules_are_counted_apart(tmp_path: Path) -> None:
    """Regression (validity audit): rows citing the chapter the rules were built from, and rows a rule was
    changed after missing, were counted as independent agreement."""
    from cooperative_security.analysis.dyad_validation import read_periods, validation_file

    periods = read_periods(validation_file())
    chapter = [p for p in periods if p.work == "keating-wheeler-2013"]
    assert chapter and all(p.in_sample for p in chapter)
    assert {p.names for p in periods if "rule was changed" in p.in_sample} == {"Ecuador-Peru", "Morocco-Algeria"}
    own = tmp_path / "mine.csv"  # a user's file without the optional column still reads
    own.write_text("ccode1,ccode2,names,from,to,position,work,pages,paraphrase\n"
                   "2,20,US-Canada,1950,1960,security-regime,my-work,12,x\n")
    assert read_periods(own)[0].in_sample == ""


def test_validation_set_cites_work_and_page_for_every_row() -> None:
    from cooperative_security.analysis.dyad_validation import read_periods, validation_file

    periods = read_periods(validation_file())
    assert len(periods) >= 40
    assert {p.expected for p in periods} == {"conflict-formation", "security-regime", "security-community"}
    thompson = {"thompson-2001", "thompson-dreyer-2012", "thompson-etal-2021"}
    assert not {p.work for p in periods} & thompson  # kept aside as the independent check
    for p in periods:
        assert p.work and p.pages and (p.pages != "unverified" or p.paraphrase)


def test_compare_reads_the_users_own_cases_from_their_store(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """One pipeline: the curated cases come from the store the user ingested into, their own included."""
    import json

    store = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", store).code == 0
    case = tmp_path / "my-indonesia-malaysia.yaml"
    source = (Path(__file__).parent.parent / "data" / "cases" / "indonesia-malaysia.yaml").read_text()
    case.write_text(source.replace("id: indonesia-malaysia", "id: my-indonesia-malaysia", 1))
    ingested = cli("ingest", str(case), "--store", store)
    assert ingested.code == 0, ingested.err
    result = cli("compare", "--data-dir", str(HERE / "layout"), "--store", store, "--case", "my-indonesia-malaysia",
                 "--all", "--format", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert rows and {r["case"] for r in rows} == {"my-indonesia-malaysia"}
    assert any(r["year"] == 1965 and r["dyad_year"] == "conflict-formation" for r in rows)


def test_compare_pairs_only_states_that_are_members_that_year(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A member that joins later (ASEAN's Brunei, Vietnam...) is paired with the others only from the
    day it joined: the same Konfrontasi case with Malaysia a member from 1965 has no dyad-year before
    1965, and an open span counts to the end; a member that left is paired no longer."""
    import json

    store = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", store).code == 0
    source = (Path(__file__).parent.parent / "data" / "cases" / "indonesia-malaysia.yaml").read_text()
    years = {}
    for name, members in (("joined", "[ins, {actor: mal, from: 1965-01-01}]"),
                          ("left", "[ins, {actor: mal, to: 1964-06}]")):
        case = tmp_path / f"{name}.yaml"
        case.write_text(source.replace("id: indonesia-malaysia", f"id: {name}", 1)
                        .replace("members: [ins, mal]", f"members: {members}", 1))
        assert cli("ingest", str(case), "--store", store).code == 0
        result = cli("compare", "--data-dir", str(HERE / "layout"), "--store", store, "--case", name,
                     "--all", "--format", "json")
        assert result.code == 0, result.err
        years[name] = sorted(r["year"] for r in json.loads(result.out))
    assert years["joined"] == [1965, 1966], years
    assert years["left"] == [1963], years  # a member at the end of 1963, no longer at the end of 1964


def test_compare_follows_a_member_into_its_successor_state(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A France-Germany case names the German Federal Republic (260); after unification the state system
    codes Germany as 255, which data/rules.ttl makes one lineage with 260: a case observed past 1990 is
    compared there too, under the numbers the dyad-years carry."""
    import json

    store = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", store).code == 0
    case = tmp_path / "my-france-germany.yaml"
    source = (Path(__file__).parent.parent / "data" / "cases" / "france-germany.yaml").read_text()
    assert "\nto: 1970\n" in source
    case.write_text(source.replace("id: france-germany", "id: my-france-germany", 1).replace("\nto: 1970\n", "\nto: 2000\n"))
    assert cli("ingest", str(case), "--store", store).code == 0
    result = cli("compare", "--data-dir", str(HERE / "layout"), "--store", store, "--case", "my-france-germany",
                 "--all", "--format", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    pairs = {r["year"]: (r["ccode1"], r["ccode2"]) for r in rows}
    assert pairs[1980] == (220, 260) and pairs[1991] == (220, 255) and max(pairs) == 2000
    # 1990, the GFR's last year, has no shared-IGO count: the dyad-year side says which test was not run
    gap = [r["dyad_why"] for r in rows if r["year"] == 1990]
    assert gap and all(why.endswith("; security community not tested: no shared-IGO count is recorded for this year")
                       for why in gap)
    assert not any("not tested" in r["dyad_why"] for r in rows if r["year"] != 1990)


def test_compare_stops_where_the_case_stops_being_observed(cli) -> None:  # type: ignore[no-untyped-def]
    """Indonesia-Malaysia is assessed up to its last event (August 1966): its conflict formation, still in
    effect then, is no conclusion about 1967-2010, so those years are not compared."""
    import json

    result = cli("compare", "--data-dir", str(HERE / "layout"), "--case", "indonesia-malaysia", "--all", "--format",
                 "json")
    assert result.code == 0, result.err
    years = {r["year"] for r in json.loads(result.out)}
    assert min(years) == 1963 and max(years) == 1966


@pytest.mark.parametrize(("name", "text", "where"), [
    ("direct-contiguity.csv", "ccode1,ccode2,conttype,stdate,enddate\n2,20,1,1920-01-01,2016-12-01\n2,31,9,1973-07-01,2016-12-01\n",
     ":3: field 'conttype'"),
    ("direct-contiguity.csv", "ccode1,ccode2,conttype,stdate,enddate\n2,20,1,1920-01-01,1910-12-01\n", ":2: field 'enddate'"),
    ("minimum-distance-dyad-years.csv", "ccode1,ccode2,year,mindist\n2,20,1990,0.0\n2,41,1990,far\n", ":3: field 'mindist'"),
    ("major-powers.csv", "ccode,styear,endyear\n2,1898,2016\n200,x,2016\n", ":3: field 'styear'"),
])
def test_bad_rows_of_the_relevance_files_are_located(tmp_path: Path, name: str, text: str, where: str) -> None:
    from cooperative_security.errors import InputError
    from cooperative_security.ingest.datasets import relevance

    path = tmp_path / name
    path.write_text(text)
    reader = {"direct-contiguity.csv": relevance.read_contiguity, "major-powers.csv": relevance.read_majors,
              "minimum-distance-dyad-years.csv": relevance.read_distance}[name]
    with pytest.raises(InputError) as info:
        list(reader(path))
    assert f"{path}{where}" in str(info.value)


def test_validate_dyads_without_data_says_where_to_get_it(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("COOPSEC_DATA", raising=False)
    result = cli("validate", "--dyads")
    assert result.code != 0
    assert "--data-dir" in result.err and "coopsec datasets" in result.err and "Traceback" not in result.err


def _allied_disputes(tmp_path: Path, fatal_in: int | None):  # type: ignore[no-untyped-def]
    """The slices, plus three displays of force between the United States and the United Kingdom (allied
    in NATO) in 1990-1992, with one of them fatal to the British side if ``fatal_in`` names its year."""
    import csv
    import shutil

    layout = tmp_path / "layout"
    shutil.copytree(HERE / "layout", layout)
    mid = layout / "mid" / "gml-mid-dyad-years-2.1.1.csv"
    with mid.open(newline="") as handle:
        header = next(csv.reader(handle))
    with mid.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, header, restval="0")
        for number, year in enumerate((1990, 1991, 1992), start=9901):
            fatal = "1" if year == fatal_in else "0"
            for a, b, f1, f2 in ((2, 200, "0", fatal), (200, 2, fatal, "0")):
                writer.writerow({"dispnum": number, "ccode1": a, "ccode2": b, "year": year, "hostlev": 3,
                                 "hostlev1": 3, "hostlev2": 3, "sidea1": int(a == 2), "sidea2": int(b == 2),
                                 "fatality": fatal, "fatality1": f1, "fatality2": f2, "numa": 1, "numb": 1})
    store = new_store()
    build(store, DataFiles(layout), 1985, 1995)
    classify(store, 1985, 1995)
    return dataframe(store).set_index(["ccode1", "ccode2", "year"]).loc[(2, 200, 1992)]


def test_a_fatal_dispute_between_allies_lowers_the_rivalry_threshold(tmp_path: Path) -> None:
    """Three non-fatal displays of force in three years between allies are isolated incidents (an allied
    dyad needs six disputes); the same three with one death are a rivalry (three), and the row says why."""
    quiet = _allied_disputes(tmp_path / "quiet", None)
    assert quiet.atop_defense == 1 and quiet.gml_disputes_window == 3
    assert quiet.position != "conflict-formation" and quiet.rule != "dyad-rivalry"
    import pandas as pd

    assert pd.isna(quiet.last_fatal_dispute_year)  # no fatal dispute in the window
    deadly = _allied_disputes(tmp_path / "deadly", 1991)
    assert deadly.position == "conflict-formation" and deadly.rule == "dyad-rivalry"
    assert deadly.last_fatal_dispute_year == 1991


def test_a_community_whose_igo_count_is_not_recorded_says_its_test_was_not_run(frame) -> None:  # type: ignore[no-untyped-def]
    """The shared-IGO data lack the German Federal Republic's last year (1990): France-GFR, a community
    in 1989, is a regime from its pacts in 1990, and the row says that the community test could not be run
    (rule-95), not that the community ended."""
    import pandas as pd

    before, gap = frame.loc[(220, 260, 1989)], frame.loc[(220, 260, 1990)]
    assert before.position == "security-community" and pd.isna(before.unassessed)
    assert pd.isna(gap.dyadigos) and gap.position == "security-regime" and gap.atop_defense == 1
    assert gap.unassessed == "security community not tested: no shared-IGO count is recorded for this year"
    # a row whose data are whole carries no mark
    assert frame[frame.dyadigos.notna() & frame.mindist.notna()].unassessed.isna().all()


def _without_distance(tmp_path: Path, a: int, b: int, year: int) -> Path:
    """The slices, less the minimum-distance rows of one dyad-year (both directions)."""
    import csv
    import gzip
    import shutil

    layout = tmp_path / "layout"
    shutil.copytree(HERE / "layout", layout)
    path = layout / "cow" / "minimum-distance-dyad-years.csv.gz"
    with gzip.open(path, "rt", newline="") as handle:
        rows = list(csv.reader(handle))
    keep = [r for r in rows if not (r[0] == "ccode1" or {int(float(r[0])), int(float(r[1]))} == {a, b}
                                    and int(float(r[2])) == year)]
    with gzip.open(path, "wt", newline="") as handle:
        csv.writer(handle).writerows([rows[0], *keep])
    return layout


def test_no_interdependence_without_a_recorded_distance_says_proximity_was_not_tested(tmp_path: Path) -> None:
    import pandas as pd

    store = new_store()
    build(store, DataFiles(_without_distance(tmp_path, 150, 395, 1990)), 1989, 1991)
    classify(store, 1989, 1991)
    rows = dataframe(store).set_index(["ccode1", "ccode2", "year"])
    gap = rows.loc[(150, 395, 1990)]
    assert gap.position == "no-security-interdependence" and pd.isna(gap.mindist)
    assert gap.unassessed.startswith("proximity not tested: no minimum distance is recorded for this year")
    assert pd.isna(rows.loc[(150, 395, 1989)].unassessed) and pd.isna(rows.loc[(150, 395, 1991)].unassessed)


def test_validation_explanation_counts_the_years_a_test_was_not_run(frame) -> None:  # type: ignore[no-untyped-def]
    from cooperative_security.analysis.dyad_validation import _explain

    france_gfr = frame.loc[(220, 260)].loc[1985:1990].reset_index()
    text = _explain(france_gfr)
    assert text.endswith("; security community not tested: no shared-IGO count is recorded for this year (1 year)")
    assert "not tested" not in _explain(frame.loc[(220, 260)].loc[1985:1989].reset_index())


def test_hostility_is_the_two_states_own_not_the_disputes(frame) -> None:  # type: ignore[no-untyped-def]
    """Regression: the United States and the Soviet Union share dispute 200 (1956) at the dispute's level
    5 (war, fought by others), at their own levels 3 and 2: the dyad's hostility is 3, not 5."""
    assert frame.loc[(2, 365, 1956)].hostlev == 3


def test_mid_reader_takes_the_higher_of_the_two_own_levels(tmp_path: Path) -> None:
    from cooperative_security.ingest.datasets import mid

    path = tmp_path / "mid.csv"
    path.write_text("dispnum,ccode1,ccode2,year,hostlev,hostlev1,hostlev2,fatality,sidea1,sidea2\n"
                    "200,2,365,1956,5,3,2,6,0,1\n"
                    "201,2,365,1957,4,-9,-9,0,0,1\n")  # no own levels: the dispute's
    assert [r.hostlev for r in mid.read(path)] == [3, 4]


def test_undetermined_says_what_would_decide_it(frame) -> None:  # type: ignore[no-untyped-def]
    """Regression (validity audit): the reason of an undetermined dyad-year said only "no evidence either
    way"; it now says which evidence would make it a regime or a conflict formation."""
    reasons = set(frame[frame.position == "undetermined"].reason)
    assert len(reasons) == 1
    reason = reasons.pop()
    assert "would make it a security regime" in reason and "would make it a conflict formation" in reason


def test_what_would_decide_names_the_rules_own_thresholds() -> None:
    """The words of cs:wouldBeDecidedBy quote the thresholds of the rules they name (data/rules.ttl): a
    threshold changed there without the words fails here."""
    import rdflib

    from cooperative_security.resources import data_dir

    g = rdflib.Graph().parse(data_dir() / "rules.ttl")
    cs = rdflib.Namespace("https://w3id.org/coopsec/ontology#")
    rule = rdflib.Namespace("https://w3id.org/coopsec/id/rule/")
    text = str(g.value(rule["dyad-undetermined"], cs.wouldBeDecidedBy))
    for r, prop in (("dyad-security-regime", "minimumSharedIgos"), ("dyad-sustained-force", "minimumYears"),
                    ("dyad-sustained-force", "windowYears"), ("dyad-rivalry", "minimumDisputes"),
                    ("dyad-rivalry", "windowYears")):
        assert f" {g.value(rule[r], cs[prop])} " in f" {text} ", (r, prop, text)
