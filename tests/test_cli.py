"""The command line, in-process: JSON shapes, table output, errors as one message with exit codes."""

from __future__ import annotations

import json
from pathlib import Path


def test_concepts_json_lists_every_concept_with_sources(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("concepts", "--format", "json")
    assert result.code == 0, result.err
    concepts = json.loads(result.out)
    assert len(concepts) >= 90
    by_label = {c["label"]: c for c in concepts}
    sd = next(c for c in concepts if c["iri"].endswith("#SecurityDilemma"))
    assert set(sd) >= {"iri", "label", "alt_labels", "definition", "broader", "sources"}
    works = {s["work"].rsplit("/", 1)[-1] for s in sd["sources"]}
    assert "herz-1950" in works or "booth-wheeler-2008" in works
    for concept in concepts:
        assert concept["definition"], concept["iri"]
        assert concept["sources"], concept["iri"]
        for source in concept["sources"]:
            assert source["citation"], source
            assert source["pages"] or source["section"], (concept["iri"], source)
    chapter_sources = [s for c in concepts for s in c["sources"] if s["work"].endswith("keating-wheeler-2013")]
    assert chapter_sources and all(s["section"] and not s["pages"] for s in chapter_sources)
    assert by_label["security dilemma"]["iri"].endswith("#SecurityDilemma")


def test_concepts_table_is_readable(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("concepts")
    assert result.code == 0
    assert "security dilemma" in result.out.lower()


def test_describe_by_label_alt_label_and_iri(cli) -> None:  # type: ignore[no-untyped-def]
    by_label = cli("describe", "security regime")
    assert by_label.code == 0, by_label.err
    assert "common security" in by_label.out.lower()
    by_iri = cli("describe", "https://w3id.org/coopsec/ontology#SecurityRegime", "--format", "json")
    data = json.loads(by_iri.out)
    assert data["iri"].endswith("#SecurityRegime")
    assert data["relations_in"], "a security regime has subtypes pointing at it"
    by_curie = cli("describe", "cs:GRIT", "--format", "json")
    assert json.loads(by_curie.out)["iri"].endswith("#GRIT")


def test_describe_unknown_concept_exits_1_with_a_suggestion(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("describe", "perpetual peace machine")
    assert result.code == 1
    assert "no concept called" in result.err
    assert "Traceback" not in result.err


def test_query_subtypes_of_security_regime(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "concepts/subtypes", "--param", "concept=cs:SecurityRegime", "--format", "json")
    assert result.code == 0, result.err
    subtypes = {row["subtype"].rsplit("#", 1)[-1] for row in json.loads(result.out)}
    assert {"CommonSecurity", "CollectiveSecurity", "CooperativeSecurity"} <= subtypes


def test_query_stages_come_in_order(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "concepts/community-stages", "--format", "json")
    stages = []
    for row in json.loads(result.out):
        name = row["stage"].rsplit("#", 1)[-1]
        if name not in stages:
            stages.append(name)
    assert stages == ["NascentSecurityCommunity", "AscendantSecurityCommunity", "MatureSecurityCommunity"]


def test_query_who_proposed_security_dilemma_sensibility(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "concepts/proposed-by", "-p", "concept=cs:SecurityDilemmaSensibility", "-f", "json")
    rows = json.loads(result.out)
    assert any(r["work"] and r["work"].endswith("booth-wheeler-2008") and r["pages"] == "7" for r in rows)


def test_query_regime_versus_community_names_differences(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "concepts/regime-versus-community", "--format", "json")
    rows = json.loads(result.out)
    assert {r["concept"].rsplit("#", 1)[-1] for r in rows} == {"SecurityRegime", "SecurityCommunity"}


def test_query_trust_strategies_and_grit_limitations(cli) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(cli("query", "concepts/trust-strategies", "--format", "json").out)
    grit = [r for r in rows if r["strategy"].endswith("#GRIT") and r["limitation"]]
    assert len({r["limitation"] for r in grit}) == 3


def test_query_without_its_parameter_is_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "concepts/subtypes")
    assert result.code == 2
    assert "--param concept" in result.err


def test_query_list_names_the_queries(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "--list", "--format", "json")
    names = {row["name"] for row in json.loads(result.out)}
    assert {"concepts/subtypes", "cases/timeline", "cases/characterised-as"} <= names


def test_path_between_two_concepts(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("path", "GRIT", "security community", "--via-scholars", "--format", "json")
    assert result.code == 0, result.err
    steps = json.loads(result.out)
    assert steps
    assert steps[0]["from"] == "GRIT" and steps[0]["from_iri"].endswith("#GRIT")
    assert steps[-1]["to"] == "security community" and steps[-1]["to_iri"].endswith("#SecurityCommunity")


def test_cases_json_shape(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("cases", "--format", "json")
    assert result.code == 0, result.err
    cases = {c["id"]: c for c in json.loads(result.out)}
    fg = cases["france-germany"]
    assert {"id", "label", "members", "events"} <= set(fg)
    event = fg["events"][0]
    assert {"id", "date", "date_precision", "type", "type_label", "level", "label", "actors", "sources"} <= set(event)
    assert {"work", "citation", "pages", "section"} <= set(event["sources"][0])
    dates = [e["date"] for e in fg["events"]]
    assert dates == sorted(dates, key=lambda d: d[:4])


def test_works_json_shape(cli) -> None:  # type: ignore[no-untyped-def]
    works = json.loads(cli("works", "--format", "json").out)
    booth = next(w for w in works if w["key"] == "booth-wheeler-2008")
    assert booth["authors"][0].endswith("Booth") and booth["authors"][1].startswith("Nicholas")
    assert booth["year"] == "2008"
    assert 1 in booth["cited_in"] and 53 in booth["cited_in"]


def test_ingest_into_an_on_disk_store_and_read_back(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", store).code == 0
    bib = tmp_path / "mine.bib"
    bib.write_text("@book{doe-2020,\n  author = {Doe, Jane},\n  title = {Trust Again},\n  year = {2020},\n}\n",
                   encoding="utf-8")
    result = cli("ingest", str(bib), "--store", store)
    assert result.code == 0, result.err
    works = json.loads(cli("works", "--store", store, "--format", "json").out)
    assert any(w["key"] == "doe-2020" for w in works)


def test_rejected_ingest_exits_1_with_the_location(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nlabel: x\nmembers: [frn, gfr]\nevents:\n  - id: e\n    type: War\n", encoding="utf-8")
    result = cli("ingest", str(bad))
    assert result.code == 1
    assert f"{bad}:5" in result.err and "missing date" in result.err
    assert "Traceback" not in result.err


def test_unknown_store_spec_is_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("concepts", "--store", "postgres:somewhere")
    assert result.code == 2
    assert "unknown store" in result.err


def test_an_uninitialised_disk_store_says_how_to_create_it(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("concepts", "--store", f"oxigraph:{tmp_path / 'empty'}")
    assert result.code == 2
    assert "coopsec init" in result.err


def test_characterised_as_lists_the_leaps_of_trust_with_their_sources(cli) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(cli("query", "cases/characterised-as", "-p", "concept=cs:LeapOfTrust", "-f", "json").out)
    events = {r["event"].rsplit("/", 2)[-2] + "/" + r["event"].rsplit("/", 1)[-1] for r in rows}
    assert "france-germany/schuman-declaration" in events
    assert "india-pakistan/lahore-bus-visit" in events
    assert all(not r["disputedBy"] for r in rows)  # regression: an unbound disputer once matched every work


def test_the_grit_reading_of_1963_is_recorded_as_disputed(cli) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(cli("query", "cases/characterised-as", "-p", "concept=cs:GRIT", "-f", "json").out)
    white = [r for r in rows if r["by"].endswith("white-1984")]
    assert white and set(white[0]["disputedBy"].split(", ")) == {"Tetlock 1994", "White 1995"}
    claims = json.loads(cli("query", "cases/disputed-claims", "-f", "json").out)
    assert any(c["holder"] == "Hollis 1998" and c["target"] == "Hardin 2002" for c in claims)
    assert len(claims) < 100  # regression: an unbound concept once multiplied every row


def test_timeline_of_a_case_in_date_order(cli) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(cli("query", "cases/timeline", "-p", "case=https://w3id.org/coopsec/id/case/india-pakistan",
                          "-f", "json").out)
    assert [r["date"][:4] for r in rows] == ["1998", "1999", "1999", "1999"]
    assert rows[-1]["typeLabel"] == "war" and rows[0]["typeLabel"] == "arms build-up"
    assert rows[1]["source"] == "Keating and Wheeler 2013"  # the first source alphabetically


def test_a_work_described_twice_is_listed_once_with_its_authors_not_its_editors(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", store).code == 0
    bib = tmp_path / "again.bib"
    bib.write_text("@incollection{adler-barnett-1998,\n  author = {Adler, Emanuel and Barnett, Michael N.},\n"
                   "  editor = {Zed, Zoe},\n  title = {A Framework for the Study of Security Communities},\n"
                   "  booktitle = {Security Communities},\n  year = {1998},\n}\n", encoding="utf-8")
    assert cli("ingest", str(bib), "--store", store).code == 0
    works = [w for w in json.loads(cli("works", "--store", store, "--format", "json").out)
             if w["key"] == "adler-barnett-1998"]
    assert len(works) == 1
    assert works[0]["authors"] == ["Emanuel Adler", "Michael N. Barnett"]
