"""Actors appear the same way everywhere (issue 14): in `cases` and `classify` tables, CSV and JSON, and in the
Python API's DataFrames, an actor is its ISO 3166-1 alpha-3 code where it has one, else its id, and the COW
number travels beside it. Regressions: the JSON of `cases` named actors by their internal ids (COW
abbreviations such as `frn`, `gmy`), and `cs.classify` gave West Germany (COW 260) the number of Germany (255),
because both carry the ISO code DEU."""

from __future__ import annotations

import csv
import io
import json

import cooperative_security as cs

# The Franco-Soviet treaty of 1944: de Gaulle, France and the USSR towards Germany (the Reich, COW 255); the
# case's members are France (220) and the Federal Republic (260).
TREATY = "franco-soviet-treaty-1944"


def test_cases_json_names_actors_by_iso_code_with_cow_numbers(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("cases", "france-germany", "--format", "json")
    assert result.code == 0, result.err
    (case,) = json.loads(result.out)
    assert case["members"] == ["FRA", "DEU"] and case["members_cow"] == [220, 260]
    assert "member_slugs" not in case
    event = next(e for e in case["events"] if e["id"] == TREATY)
    assert event["actors"] == ["de-gaulle-c", "FRA", "RUS"] and event["actors_cow"] == [None, 220, 365]
    assert event["towards"] == ["DEU"] and event["towards_cow"] == [255]
    slugs = {"frn", "gmy", "gfr", "rus", "ukg", "usa"}
    assert not slugs & {a for e in case["events"] for a in e["actors"] + e["towards"]}


def test_cases_table_csv_and_json_agree(cli) -> None:  # type: ignore[no-untyped-def]
    table = cli("cases", "france-germany").out
    rows = list(csv.DictReader(io.StringIO(cli("cases", "france-germany", "--format", "csv").out)))
    (case,) = json.loads(cli("cases", "france-germany", "--format", "json").out)
    assert "(FRA, DEU)" in table.splitlines()[0]
    assert "de-gaulle-c, FRA, RUS -> DEU" in table
    row = next(r for r in rows if r["event"] == TREATY)
    assert (row["members"], row["members_cow"]) == ("FRA;DEU", "220;260")
    assert (row["actors"], row["actors_cow"], row["towards"], row["towards_cow"]) == (
        "de-gaulle-c;FRA;RUS", ";220;365", "DEU", "255")
    for r, e in zip(rows, case["events"], strict=True):
        assert r["actors"].split(";") == e["actors"] and r["towards"] == ";".join(e["towards"])


def test_classify_csv_and_json_carry_iso_and_cow(cli) -> None:  # type: ignore[no-untyped-def]
    rows = list(csv.DictReader(io.StringIO(cli("classify", "france-germany", "--format", "csv").out)))
    assert rows and {(r["members"], r["members_cow"]) for r in rows} == {("FRA;DEU", "220;260")}
    periods = json.loads(cli("classify", "france-germany", "--format", "json").out)
    assert {(tuple(p["members"]), tuple(p["members_cow"])) for p in periods} == {(("FRA", "DEU"), (220, 260))}
    rows = list(csv.DictReader(io.StringIO(cli("classify", "german-unification", "--format", "csv").out)))
    assert rows[0]["members"].split(";")[:3] == ["bad", "bav", "DEU"]  # Baden has no ISO code: its id
    assert rows[0]["members_cow"].split(";")[:3] == ["267", "245", "255"]


def test_dataframes_name_actors_as_the_command_line(kg) -> None:  # type: ignore[no-untyped-def]
    frame = cs.classify("france-germany", store=kg)
    assert set(frame["members_iso"]) == {"FRA;DEU"} and set(frame["members_cow"]) == {"220;260"}
    assert frame["cow_b"].tolist() == [260] * len(frame)  # the Federal Republic, not the Reich
    events = cs.cases("france-germany", store=kg).set_index("event")
    assert events.loc[TREATY, "actors"] == "de-gaulle-c;FRA;RUS" and events.loc[TREATY, "actors_cow"] == ";220;365"
    assert events.loc[TREATY, "towards"] == "DEU" and events.loc[TREATY, "towards_cow"] == "255"
    long = cs.classify_long("france-germany", store=kg)
    members = long[(long["item"] == "member") & (long["period"] == 1)]
    assert members[["label", "detail"]].values.tolist() == [["FRA", "220"], ["DEU", "260"]]
