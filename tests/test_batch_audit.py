"""Regressions from an audit by a researcher who classifies many cases at once: a batch of case files and an
events CSV ingested into an on-disk store, classified, exported and checked for robustness, with the real CLI."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from small_cases import ONE_TREATY_CASE, event

EVENT = "https://w3id.org/coopsec/id/event/"
CSV_HEADER = "case,id,date,type,by,towards,level,label,work,pages,section,kind\n"


def test_sensitivity_removes_and_retypes_an_event_an_events_csv_added(  # type: ignore[no-untyped-def]
        cli, initialised_spec: str, tmp_path: Path) -> None:
    """The check copied an events CSV's graph as fixed background: removing one of its events removed
    nothing, and none was retyped, so a period that hangs on such an event was called robust."""
    case = tmp_path / "csv-sens.yaml"
    case.write_text(ONE_TREATY_CASE.format(id="csv-sens", work="milward-2006"), encoding="utf-8")
    more = tmp_path / "csv-sens-more.csv"
    more.write_text(CSV_HEADER + "csv-sens,talks,1953,InstitutionalConsultation,frn;gfr,,elite,Talks under the "
                    "treaty,milward-2006,4,,documents\n", encoding="utf-8")
    assert cli("ingest", str(case), str(more), "--store", initialised_spec).code == 0
    result = cli("classify", "csv-sens", "--sensitivity", "--format", "json", "--store", initialised_spec)
    assert result.code == 0, result.err
    periods = json.loads(result.out)
    after = [p for p in periods if p["from"] == "1953"]  # the CSV's consultation shows leaders' trust from 1953
    assert after and after[0]["trust"] == "contingent-cooperation", periods
    assert after[0]["robustness"] == "fragile"
    talks = EVENT + "csv-sens/talks"
    assert any(r["event"] == talks and r["becomes"] for r in after[0]["sensitivity"]["removals"]), after[0]
    # as coded, two removals, the treaty's two alternatives and the consultation's one (a summit): the CSV's
    # event is retyped as a case file's is
    assert after[0]["sensitivity"]["runs"] == 1 + 2 + 2 + 1


def test_the_csv_and_the_python_table_say_until_when_an_open_period_was_observed(  # type: ignore[no-untyped-def]
        cli, initialised_spec: str, tmp_path: Path) -> None:
    """The JSON gave the last period of a case observed to 1960 ``observed_until``; the CSV and ``cs.classify``
    left it out, so their empty ``to``/``end`` read as a position still held today."""
    import csv
    import io

    import cooperative_security as cs

    case = tmp_path / "observed-csv.yaml"
    threat = textwrap.indent(event("threat", "1955", "Threat", by="[frn]", towards="[gfr]"), "  ")
    case.write_text(ONE_TREATY_CASE.format(id="observed-csv", work="milward-2006") + threat,  # to: 1960
                    encoding="utf-8")
    assert cli("ingest", str(case), "--store", initialised_spec).code == 0
    for extra in ([], ["--explain"]):
        result = cli("classify", "observed-csv", "--format", "csv", "--store", initialised_spec, *extra)
        assert result.code == 0, result.err
        rows = list(csv.DictReader(io.StringIO(result.out)))
        assert rows and list(rows[0])[-2:] == ["observed_until", "reason"]  # at the end: earlier columns stay
        assert [(r["to"], r["observed_until"]) for r in rows][-1] == ("", "1960-12-31"), rows
        assert len(rows) > 1 and all(r["observed_until"] == "" for r in rows[:-1]), rows
    try:
        frame = cs.classify("observed-csv", store=initialised_spec)
    finally:
        cs.close(initialised_spec)
    last = frame.iloc[-1]
    assert str(last["end"]) == "NaT" and str(last["observed_until"].date()) == "1960-12-31"
    assert len(frame) > 1 and frame["observed_until"].iloc[:-1].isna().all()


def test_classify_says_each_rule_as_it_runs(  # type: ignore[no-untyped-def]
        cli, initialised_spec: str, monkeypatch) -> None:
    """Classifying a store of many cases took minutes with nothing on the terminal but "loading the knowledge
    graph" (the store opens at once; the rules take the time): it now names each rule as it starts."""
    import io

    from rich.console import Console

    from cooperative_security.classify import classify
    from cooperative_security.classify.run import rule_queries
    from cooperative_security.cli import classify as command
    from cooperative_security.kb import open_knowledge_graph

    steps: list[str] = []
    kg = open_knowledge_graph(initialised_spec)
    try:
        assert classify(kg, ["korea"], progress=steps.append)
    finally:
        kg.close()
    rules = rule_queries()
    assert len(rules) > 10 and steps == [
        f"rule {n} of {len(rules)}: {q.name.rpartition('/')[2]}" for n, q in enumerate(rules, 1)] + [
        "reading the periods"]
    screen = io.StringIO()
    monkeypatch.setattr(command, "err_console", Console(file=screen, force_terminal=True, color_system=None))
    # every case: one case alone now runs its rules faster than the status line redraws
    result = cli("classify", "--store", initialised_spec)
    assert result.code == 0, result.err
    assert "classifying: rule " in screen.getvalue()
    assert "korea" in result.out and "classifying" not in result.out  # the status goes to the terminal, not stdout


def test_an_events_csv_whose_case_file_was_refused_in_the_same_ingest_is_told_so(  # type: ignore[no-untyped-def]
        cli, initialised_spec: str, tmp_path: Path) -> None:
    """A case file refused (its id is not its file name) and an events CSV for that case, ingested together:
    the CSV's row was told to "ingest its case file first", which the user had just done."""
    from cooperative_security.kb import open_knowledge_graph

    case = tmp_path / "refused.yaml"  # the id is not the file's stem: refused
    case.write_text(ONE_TREATY_CASE.format(id="refused-case", work="milward-2006"), encoding="utf-8")
    more = tmp_path / "refused-more.csv"
    more.write_text(CSV_HEADER + "refused-case,talks,1953,InstitutionalConsultation,frn;gfr,,elite,Talks,"
                    "milward-2006,4,,documents\n", encoding="utf-8")
    kg = open_knowledge_graph(initialised_spec)
    try:
        before = sorted(kg.graph_names())
    finally:
        kg.close()
    result = cli("ingest", str(case), str(more), "--store", initialised_spec)
    assert result.code == 1
    assert f"{case}:1: record refused-case: field 'id'" in result.err
    assert (f"{more}:2: record refused-case/talks: field 'case': unknown case 'refused-case': its case file {case} is "
            "in this ingest but was refused") in result.err
    assert "ingest its case file first" not in result.err and "internal error" not in result.err
    kg = open_knowledge_graph(initialised_spec)
    try:
        assert sorted(kg.graph_names()) == before  # nothing written
    finally:
        kg.close()


def test_an_event_an_events_csv_adds_counts_as_the_same_event_in_the_case_file(  # type: ignore[no-untyped-def]
        cli, initialised_spec: str, tmp_path: Path) -> None:
    """The participants rule read an event's actors and the case's members from one graph, so an event in an
    events CSV's graph involved no member: a clash between the two members, or a consultation under their
    treaty, counted for nothing that needs members (a conflict formation, a regime's conduct)."""
    clash = ("clash", "1953", "ArmedClash", "[frn, gfr]", "frn;gfr")
    talks = ("talks", "1952", "InstitutionalConsultation", "[frn, gfr]", "frn;gfr")
    for eid, date, etype, by_yaml, by_csv in (clash, talks):
        inline = tmp_path / f"inline-{eid}.yaml"
        inline.write_text(ONE_TREATY_CASE.format(id=f"inline-{eid}", work="milward-2006")
                          + textwrap.indent(event(eid, date, etype, by=by_yaml), "  "), encoding="utf-8")
        apart = tmp_path / f"apart-{eid}.yaml"
        apart.write_text(ONE_TREATY_CASE.format(id=f"apart-{eid}", work="milward-2006"), encoding="utf-8")
        rows = tmp_path / f"apart-{eid}.csv"
        rows.write_text(CSV_HEADER + f"apart-{eid},{eid},{date},{etype},{by_csv},,elite,An event,"
                        "keating-wheeler-2013,,Introduction,mentions\n", encoding="utf-8")
        assert cli("ingest", str(inline), str(apart), str(rows), "--store", initialised_spec).code == 0
    readings = {}
    for case in ("inline-clash", "apart-clash", "inline-talks", "apart-talks"):
        result = cli("classify", case, "--format", "json", "--store", initialised_spec)
        assert result.code == 0, result.err
        readings[case] = [(p["from"], p["to"], p["position"], p["stage"], p["trust"]) for p in json.loads(result.out)]
    assert any(position == "conflict-formation" for _, _, position, _, _ in readings["inline-clash"])
    assert readings["apart-clash"] == readings["inline-clash"]
    assert any(position == "security-regime" for _, _, position, _, _ in readings["inline-talks"])
    assert readings["apart-talks"] == readings["inline-talks"]


def test_export_says_each_rule_as_it_classifies_first(cli, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`export` (and `release`, `push`) classify before writing, which took seconds with nothing on the
    terminal; they now name each rule as it runs, on the terminal only: the file is the same RDF."""
    import io

    from rich.console import Console

    from cooperative_security.cli import publish as command

    screen = io.StringIO()
    monkeypatch.setattr(command, "err_console", Console(file=screen, force_terminal=True, color_system=None))
    out = tmp_path / "all.nt"
    result = cli("export", "--format", "ntriples", "-o", str(out))
    assert result.code == 0, result.err
    assert "classifying: rule " in screen.getvalue()  # the status redraws a few times a second: some rules
    assert "classifying" not in out.read_text(encoding="utf-8")
