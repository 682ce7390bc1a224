"""A newcomer's first hour (issue 14), what the audit found still broken: a concept written as the classifier
writes it (`security-regime`) was unknown; a case file could not name a state the way every output shows it
(`FRA`), and the error sent the user to declare France anew; no command listed the actors a case file can
name; `--help` showed an argument's name twice; the package docstring's example passed the store as the
cases."""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from pathlib import Path

import cooperative_security as cs
from cooperative_security.catalogue import list_cases
from cooperative_security.ingest import ingest_paths
from cooperative_security.kb import open_knowledge_graph

CASE = """\
id: us-france
label: The United States and France
kind: dyad
members: [{members}]
from: 1945
to: 1970
description: >-
  Two allies.
sources:
  - {{work: keating-wheeler-2013, section: "Introduction"}}
events:
  - id: nato-founded-here
    date: 1949-04-04
    type: InstitutionFounded
    label: Both found the North Atlantic alliance
    by: [{members}]
    level: elite
    evidence:
      - {{work: keating-wheeler-2013, section: "Introduction", kind: mentions}}
"""


def _case(tmp_path: Path, members: str) -> Path:
    path = tmp_path / "us-france.yaml"
    path.write_text(CASE.format(members=members), encoding="utf-8")
    return path


def test_a_concept_written_as_the_classifier_writes_it_is_found(cli, kg) -> None:  # type: ignore[no-untyped-def]
    periods = json.loads(cli("classify", "asean", "--format", "json").out)
    assert "security-regime" in {p["position"] for p in periods}
    result = cli("describe", "security-regime")
    assert result.code == 0, result.err
    assert result.out.startswith("security regime  cs:SecurityRegime")
    assert cli("describe", "robust-security-regime").out.startswith("robust security regime")
    result = cli("query", "concepts/subtypes", "--param", "concept=security-regime", "--format", "csv")
    assert result.code == 0, result.err
    assert "RobustSecurityRegime" in result.out
    assert "https://w3id.org/coopsec/ontology#RobustSecurityRegime" in set(
        cs.query("concepts/subtypes", concept="security-regime", store=kg).iloc[:, 0])
    result = cli("describe", "securty-regime")
    assert result.code == 1 and "did you mean" in result.err


def test_a_case_file_names_states_by_iso_code_as_the_outputs_show_them(tmp_path: Path) -> None:
    store = open_knowledge_graph("memory:")
    try:
        ingest_paths(store, [_case(tmp_path, "USA, FRA")])
        (case,) = [c for c in list_cases(store) if c.id == "us-france"]
    finally:
        store.close()
    assert sorted(zip(case.members, case.members_cow, strict=True)) == [("FRA", 220), ("USA", 2)]
    assert sorted(case.events[0].actors) == ["FRA", "USA"]


def test_an_iso_code_two_actors_carry_is_refused_naming_both(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("ingest", str(_case(tmp_path, "USA, DEU")))
    assert result.code == 1
    assert "'DEU' is the ISO code of 2 actors (gfr, gmy" in result.err
    assert "write the id of the one meant" in result.err


def test_an_unknown_actor_points_to_the_list_of_actors(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("ingest", str(_case(tmp_path, "usa, atlantis")))
    assert result.code == 1
    assert "unknown actor 'atlantis'" in result.err and "`coopsec actors` lists the known ones" in result.err


def test_actors_lists_what_a_case_file_can_name(cli, kg) -> None:  # type: ignore[no-untyped-def]
    result = cli("actors", "--format", "csv")
    assert result.code == 0, result.err
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.out))}
    assert len(rows) > 50
    assert (rows["frn"]["shown"], rows["frn"]["cow"], rows["frn"]["kind"]) == ("FRA", "220", "state")
    assert (rows["gfr"]["shown"], rows["gfr"]["cow"]) == ("DEU", "260")
    assert (rows["bad"]["shown"], rows["bad"]["cow"]) == ("bad", "267")  # Baden: no ISO code
    assert rows["de-gaulle-c"]["kind"] == "person" and rows["de-gaulle-c"]["states"] == "FRA"
    frame = cs.actors(store=kg).set_index("id")
    assert frame.loc["gfr", "cow"] == 260 and frame.loc["gfr", "shown"] == "DEU"
    assert set(frame["shown"]) >= {"FRA", "USA", "de-gaulle-c"}


def test_help_names_an_argument_once(cli) -> None:  # type: ignore[no-untyped-def]
    for command, name in (("cases", "CASE"), ("query", "NAME")):
        out = cli(command, "--help").out
        assert re.search(rf"\b{name}\b", out), out
        assert not re.search(rf"\b{name}\s+{name}\b", out), out


def test_the_package_docstring_example_runs() -> None:
    doc = cs.__doc__ or ""
    block = textwrap.dedent(doc.split("::", 1)[1].split("\n\n", 2)[1])
    assert "cs.classify(" in block and "cs.open(" in block
    exec(compile(block, "cooperative_security.__doc__", "exec"), {"cs": cs})  # noqa: S102 - our own example


def test_a_command_that_reads_creates_no_store_folder_for_a_mistyped_path(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    typo = tmp_path / "my-kb-typo"
    result = cli("classify", "--store", f"oxigraph:{typo}")
    assert result.code == 2 and "no such folder" in result.err and "coopsec init --store" in result.err
    assert not typo.exists()


def test_a_work_is_named_by_its_citation_and_a_case_in_any_case(cli) -> None:  # type: ignore[no-untyped-def]
    by_citation = cli("query", "cases/work-cited-for", "--param", "work=Herz 1950", "--format", "csv")
    assert by_citation.code == 0, by_citation.err  # was an internal error: a space is not valid in an IRI
    by_key = cli("query", "cases/work-cited-for", "--param", "work=herz-1950", "--format", "csv")
    assert by_citation.out == by_key.out and "HerzSecurityDilemma" in by_key.out
    upper = cli("query", "cases/timeline", "--param", "case=ASEAN", "--format", "csv")
    assert upper.code == 0 and upper.out == cli("query", "cases/timeline", "--param", "case=asean", "-f", "csv").out
    for odd in ("Nobody 1900", 'a"b', "x>y"):
        result = cli("query", "cases/work-cited-for", "--param", f"work={odd}")
        assert result.code == 1 and "internal" not in result.err and "nothing called" in result.err, result.err
