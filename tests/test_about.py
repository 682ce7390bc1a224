"""Help that travels with the package: info, schema, types, cite; and the licence stated the same everywhere."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import bibtexparser
import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_info_names_the_copy_in_use(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("info", "--format", "json")
    assert result.code == 0, result.err
    import json

    facts = json.loads(result.out)
    assert facts["resources"] == str(resources_copy) and facts["resources_from"] == "COOPSEC_RESOURCES"
    assert facts["version"] == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_info_says_when_the_checkout_is_used(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("COOPSEC_RESOURCES", raising=False)
    result = cli("info")
    assert result.code == 0
    assert re.search(r"resources_from\s+(checkout|installed copy)", result.out)


def test_a_bad_coopsec_resources_is_an_environment_problem(cli, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COOPSEC_RESOURCES", str(tmp_path))
    result = cli("info")
    assert result.code == 2 and "holds no ontology/ folder" in result.err and "internal error" not in result.err


def test_schema_prints_layouts_that_ingest(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = cli("schema", "case")
    assert case.code == 0 and "events:" in case.out and "coopsec types" in case.out
    data = yaml.safe_load(case.out)
    assert data["id"] == "france-germany" and data["events"][0]["type"] == "UnilateralConciliatoryInitiative"
    actors = yaml.safe_load(cli("schema", "actors").out)
    assert set(actors) == {"states", "organisations", "people", "societies"}
    csv_text = cli("schema", "events-csv").out
    rows = [line for line in csv_text.splitlines() if not line.startswith("#")]
    assert rows[0].startswith("case,id,date,type,by,towards,level,label,work")
    bad = cli("schema", "cas")
    assert bad.code == 2 and "did you mean case" in bad.err


def test_the_events_csv_layout_ingests(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = cli("schema", "events-csv").out
    path = tmp_path / "more-events.csv"
    path.write_text("\n".join(line for line in text.splitlines() if not line.startswith("#")) + "\n")
    result = cli("ingest", str(path))
    assert result.code == 0, result.err


def test_types_lists_every_event_type_with_its_meaning(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("types", "--format", "json")
    assert result.code == 0, result.err
    import json

    types = {t["type"]: t for t in json.loads(result.out)}
    assert {"TreatySigned", "UseOfForce", "ArmedClash", "UnilateralConciliatoryInitiative"} <= set(types)
    assert all(t["definition"] for t in types.values())
    assert "agreement or institution in force" in types["TreatySigned"]["counted_by"]
    assert (types["TreatySigned"]["polarity"], types["Abrogation"]["polarity"], types["OpinionPoll"]["polarity"]) == (
        "cooperative", "conflictual", "neutral")
    assert types["IntegratedCommand"]["polarity"] == "cooperative"  # inherited from joint military planning
    assert types["ArmedClash"]["kind_of"] == "use of force"
    assert "security regime" in types["ArmedClash"]["counted_by"] or types["ArmedClash"]["counted_by"]


def test_cite_gives_bibtex_for_the_software_and_the_data_sets(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("cite")
    assert result.code == 0, result.err
    from bibtexparser.bparser import BibTexParser

    keys = [e["ID"] for e in bibtexparser.loads(result.out, parser=BibTexParser(ignore_nonstandard_types=False)).entries]
    assert keys[:2] == ["coopsec", "coopsec-ontology"]
    assert {"keating-wheeler-2013", "cow-2017", "gibler-etal-2016", "leeds-etal-2002"} <= set(keys)
    mid = bibtexparser.loads(cli("cite", "mid").out).entries
    assert [e["ID"] for e in mid] == ["gibler-etal-2016"]
    assert cli("cite", "nope").code == 2


def test_the_licence_is_stated_the_same_everywhere() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert pyproject["license"] == "MIT AND CC-BY-4.0"
    licence = (ROOT / "LICENSE").read_text()
    assert "MIT License" in licence and "CC BY 4.0" in licence and "SPDX-License-Identifier: MIT AND CC-BY-4.0" in licence
    assert "<https://creativecommons.org/licenses/by/4.0/>" in (ROOT / "ontology" / "coopsec.ttl").read_text()
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["license"] == "MIT AND CC-BY-4.0" and cff["version"] == pyproject["version"]


def test_hints_name_commands_not_repository_files(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = (ROOT / "data" / "cases" / "korea.yaml").read_text().replace("id: korea", "id: korea-copy", 1)
    for fault, hint in (({"by: [rok]": "by: [atlantis]"}, "coopsec schema actors"),
                        ({"type: Declaration": "type: Teleportation"}, "coopsec types")):
        text = case
        for old, new in fault.items():
            assert old in text
            text = text.replace(old, new, 1)
        path = tmp_path / "korea-copy.yaml"
        path.write_text(text)
        result = cli("ingest", str(path))
        assert result.code == 1
        assert hint in result.err, result.err
        assert "data/actors.yaml" not in result.err and "events.ttl" not in result.err


def test_cite_dyads_names_every_file_dyads_reads_and_the_works_its_rules_apply(cli) -> None:  # type: ignore[no-untyped-def]
    """`cite dyads` left out the contiguity and distance data and Lemke and Reed's politically relevant dyads."""
    from cooperative_security.ingest.field_datasets import DATASETS

    keys = [e["ID"] for e in bibtexparser.loads(cli("cite", "dyads").out).entries]
    assert {k for d in DATASETS for k in d.cite} <= set(keys)  # every file `coopsec datasets` lists
    assert {"stinnett-etal-2002", "schvitz-etal-2022", "lemke-reed-2001", "diehl-goertz-2000",
            "deutsch-etal-1957"} <= set(keys)
    assert len(keys) == len(set(keys))
    contiguity = [e["ID"] for e in bibtexparser.loads(cli("cite", "contiguity").out).entries]
    assert contiguity == ["stinnett-etal-2002"]  # "no data set called 'contiguity'"
    from bibtexparser.bparser import BibTexParser

    parser = BibTexParser(ignore_nonstandard_types=False)
    every = [e["ID"] for e in bibtexparser.loads(cli("cite").out, parser=parser).entries]
    assert {"stinnett-etal-2002", "schvitz-etal-2022"} <= set(every)
