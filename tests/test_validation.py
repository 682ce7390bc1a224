"""The validation set (validation/) and `coopsec validate`: the files load, cite what they must, leave the
held-out pairs aside, and the command's figures are those of the real classifier's output."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import sys
import tomllib
import types
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from validation_sets import validation_subset

from cooperative_security.classify import classify
from cooperative_security.cli import main
from cooperative_security.errors import InputError
from cooperative_security.ingest.bibtex import parse_bibtex_text
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.validation import (
    HELD_OUT,
    POSITION_LABELS,
    load_expected,
    load_validation,
    validate,
    validation_dir,
)

ROOT = Path(__file__).resolve().parent.parent
VALIDATION = ROOT / "validation"
DOC = ROOT / "docs" / "guide" / "validation.md"
NORDIC = {"den", "nor", "swd", "fin", "ice"}


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


def _case_files() -> dict[str, dict[str, Any]]:
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted((VALIDATION / "cases").glob("*.yaml"))}


def _members(case: dict[str, Any]) -> set[str]:
    return {m["actor"] if isinstance(m, dict) else m for m in case["members"]}


def _work_keys() -> set[str]:
    keys: set[str] = set()
    for bib in (VALIDATION / "bibliography.bib", ROOT / "data" / "bibliography.bib"):
        keys |= {w.key for w in parse_bibtex_text(bib.read_text(), str(bib))}
    return keys


# --- the files ---------------------------------------------------------------------------------------------

def test_the_shipped_validation_folder_is_the_checkout_one() -> None:
    assert validation_dir().resolve() == VALIDATION.resolve()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    build = config["tool"]["hatch"]["build"]["targets"]
    assert build["wheel"]["force-include"]["validation"] == "cooperative_security/_resources/validation"
    assert "validation" in build["sdist"]["include"]


def test_at_least_twelve_relationships_each_with_expected_answers() -> None:
    cases = _case_files()
    assert len(cases) >= 12
    expected = load_expected()
    assert {e.case for e in expected} == set(cases), "every case has expected answers and vice versa"
    for case_id, case in cases.items():
        assert case["id"] == case_id
        assert len(case["events"]) >= 5, case_id


def test_the_held_out_pairs_are_absent() -> None:
    for case_id, case in _case_files().items():
        members = _members(case)
        for a, b in [("egy", "isr"), ("arg", "bra"), ("usa", "can"), ("grc", "tur"), ("usa", "rus")]:
            assert not {a, b} <= members, f"{case_id} holds the held-out pair {a}-{b}"
        assert len(members & NORDIC) < 2, f"{case_id} holds a Nordic pair"
        assert not any(pair <= members for pair in HELD_OUT), case_id
        for event in case["events"]:  # nor as the actors of an event
            actors = set(event.get("by") or []) | set(event.get("towards") or [])
            assert not any(pair <= actors for pair in HELD_OUT), (case_id, event["id"])


def test_every_expected_judgment_cites_a_known_work_with_pages_or_unverified() -> None:
    keys = _work_keys()
    raw = yaml.safe_load((VALIDATION / "expected.yaml").read_text())
    count = 0
    for case_id, periods in raw["cases"].items():
        for period in periods:
            assert period["sources"], (case_id, period["from"])
            for source in period["sources"] + period.get("disputed_by", []):
                count += 1
                assert source["work"] in keys, (case_id, source["work"])
                assert source.get("pages"), (case_id, source)
                if source["pages"] == "unverified":
                    assert len(source.get("says") or "") > 30, ("an unverified page needs a paraphrase", source)
    assert count >= 30


def test_every_event_is_evidenced_by_a_known_work() -> None:
    keys = _work_keys()
    for case_id, case in _case_files().items():
        for source in case.get("sources", []):
            assert source["work"] in keys, (case_id, source)
        for event in case["events"]:
            assert event["evidence"], (case_id, event["id"])
            if event["evidence"] == "none-yet":  # recorded, counted by no rule (docs/guide/event-types.md)
                continue
            for source in event["evidence"]:
                assert source["work"] in keys, (case_id, event["id"], source)
                assert source.get("pages") or source.get("section"), (case_id, event["id"])


def test_the_validation_works_are_not_the_chapter() -> None:
    chapter = {w.key for w in parse_bibtex_text((ROOT / "data" / "bibliography.bib").read_text(), "bundled")}
    new = {w.key for w in parse_bibtex_text((VALIDATION / "bibliography.bib").read_text(), "validation")}
    assert not new & chapter, "the validation bibliography repeats bundled keys"
    assert "kupchan-2010" in new and "keating-wheeler-2013" not in new


def test_a_bad_expected_file_is_refused_with_file_line_and_fix(tmp_path: Path) -> None:
    bad = tmp_path / "expected.yaml"
    bad.write_text("cases:\n  x:\n    - from: 1990\n      to: 1980\n      position: peace\n"
                   "      sources:\n        - {work: kupchan-2010, pages: unverified}\n")
    with pytest.raises(InputError) as caught:
        load_expected(bad)
    text = str(caught.value)
    assert f"{bad}:3" in text or f"{bad}:4" in text
    assert "position 'peace' must be one of" in text
    assert "`to` must come after `from`" in text
    assert "an unverified page needs `says`" in text


# --- loading and the command -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def loaded() -> Any:
    store = open_knowledge_graph("memory:")
    cases = load_validation(store)
    yield store, cases
    store.close()


def test_the_validation_cases_load_into_the_bundled_knowledge_graph(loaded: Any) -> None:
    store, cases = loaded
    assert set(cases) == set(_case_files())
    assert len(cases) >= 12


def test_loading_the_same_set_twice_writes_nothing_new(small_set: Path) -> None:
    store = open_knowledge_graph("memory:")
    try:
        cases = load_validation(store, small_set)
        size = store.count()
        assert load_validation(store, small_set) == cases == SMALL  # no error, and nothing new
        assert store.count() == size
    finally:
        store.close()


@pytest.fixture(scope="module")
def whole_set(all_periods: list[Any]) -> dict[str, Any]:
    """The whole set's report as the command's JSON gives it, compared with the session's one classifier run
    (tests/conftest.py: all_periods) rather than a run of its own, which took minutes more: the figures tested
    below are that run's. The command's own formats are tested on the small set below, and `coopsec validate`
    on the whole set, through the installed command, by the smoke pass of .ci/run."""
    store = open_knowledge_graph("memory:")
    try:
        report = validate(store, periods=all_periods)
    finally:
        store.close()
    return json.loads(json.dumps(report.to_dict()))


# four relationships whose disagreements span position, stage, trust and strategy, one out of sample
SMALL = ["germany-poland", "peru-ecuador", "poland-lithuania", "us-uk-rapprochement"]


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return validation_subset(tmp_path_factory.mktemp("small") / "set", SMALL)


@pytest.fixture(scope="module")
def small_runs(small_set: Path) -> dict[str, Any]:
    """The command's three formats on a four-relationship set: what one format says, the others say."""
    outputs = {fmt: _run("validate", "--set", str(small_set), "--format", fmt) for fmt in ("json", "text", "markdown")}
    assert all(code == 0 for code, _ in outputs.values())
    return {fmt: out for fmt, (_, out) in outputs.items()}


@pytest.fixture(scope="module")
def periods(small_set: Path) -> list[Any]:
    """The classifier run on the small set's relationships, read by the independent recomputations below
    (which check the command's comparison of classifier and scholars, not the whole set's figures)."""
    store = open_knowledge_graph("memory:")
    try:
        return classify(store, load_validation(store, small_set))
    finally:
        store.close()


def _independent_readings(periods: list[Any], expected: Path) -> dict[str, list[tuple[str, str]]]:
    """Position, stage and trust pairs recomputed from `classify` output, without the validation module."""
    periods = [p.to_json() | {"start": p.start, "end": p.end} for p in periods]
    raw = yaml.safe_load(expected.read_text())

    def day(value: Any) -> dt.date:
        text = str(value)
        parts = [int(x) for x in text.split("-")] + [1, 1]
        return dt.date(parts[0], parts[1], parts[2])

    def at(case: str, when: dt.date) -> dict[str, Any] | None:
        iso = when.isoformat()
        hits = [p for p in periods if p["relationship"] == case and p["start"] and p["start"] <= iso
                and (p["end"] is None or iso < p["end"])]
        return hits[-1] if hits else None

    trust = {"none": "none", "contingent-cooperation": "elite", "embedded-trust": "societal"}
    pairs: dict[str, list[tuple[str, str]]] = {"position": [], "stage": [], "trust": []}
    for case, items in raw["cases"].items():
        for item in items:
            first, last = day(item["from"]), day(item["to"]) - dt.timedelta(days=1)
            for when in (first + (last - first) // 2, last):
                p = at(case, when)
                pairs["position"].append((item["position"], (p or {}).get("position") or "undetermined"))
                if "stage" in item:
                    pairs["stage"].append((item["stage"], (p or {}).get("stage") or "none"))
                if "trust" in item:
                    # no assessment, or none that gives trust, is no evidence either way (as for position)
                    got = (p or {}).get("trust") or "undetermined"
                    pairs["trust"].append((item["trust"], trust.get(got, got)))
    return pairs


def test_the_figures_are_the_classifiers(small_runs: dict[str, Any], small_set: Path, periods: list[Any]) -> None:
    report = json.loads(small_runs["json"])
    pairs = _independent_readings(periods, small_set / "expected.yaml")
    for dim in ("position", "stage", "trust"):
        figures = report["agreement"][dim]
        assert figures["total"] == len(pairs[dim]), dim
        assert figures["agreed"] == sum(e == i for e, i in pairs[dim]), dim
        assert figures["agreed"] < figures["total"], dim  # the set was chosen to disagree on each
        labels = figures["labels"]
        counts = Counter(pairs[dim])
        assert figures["matrix"] == [[counts[(r, c)] for c in labels] for r in labels], dim


def test_the_whole_set_is_compared_and_each_disagreement_explained(whole_set: dict[str, Any]) -> None:
    report = whole_set
    assert sorted(report["cases"]) == sorted(_case_files())
    assert report["agreement"]["position"]["total"] == 2 * len(load_expected())
    assert set(POSITION_LABELS) <= set(report["agreement"]["position"]["labels"])
    assert report["agreement"]["position"]["kappa"] is not None
    # every disagreement carries the classifier's explanation
    for item in report["disagreements"]:
        assert not item["agrees"]
        assert item["explanation"] is not None
        assert item["sources"], item


def test_agreement_over_time_counts_every_day(small_runs: dict[str, Any], small_set: Path,
                                              periods: list[Any]) -> None:
    by_case: dict[str, list[Any]] = {}
    for p in periods:
        by_case.setdefault(p.relationship, []).append(p)
    agreed = total = 0
    for e in load_expected(small_set / "expected.yaml"):
        day = e.start
        while day < e.stop:  # day by day, without the validation module's interval arithmetic
            iso = day.isoformat()
            hits = [p for p in by_case.get(e.case, []) if p.start and p.start <= iso
                    and (p.end is None or iso < p.end)]
            inferred = (hits[-1].position if hits else None) or "undetermined"
            agreed += inferred == e.position
            total += 1
            day += dt.timedelta(days=1)
    over = json.loads(small_runs["json"])["position_over_time"]
    assert (over["agreed_days"], over["total_days"]) == (agreed, total) and 0 < agreed < total
    assert f"{100 * agreed / total:.0f}% of the {total} days" in small_runs["text"]


def test_text_and_json_agree(small_runs: dict[str, Any]) -> None:
    report = json.loads(small_runs["json"])
    assert sorted(report["cases"]) == SMALL and report["disagreements"]
    assert {d["dimension"] for d in report["disagreements"]} == {"position", "stage", "trust", "strategy"}
    runs = small_runs
    text = runs["text"]
    for dim in ("position", "stage", "trust", "strategy"):
        figures = report["agreement"][dim]
        match = re.search(rf"^{dim.capitalize()} agreement: (\d+) of (\d+)", text, re.MULTILINE)
        assert match, dim
        assert (int(match[1]), int(match[2])) == (figures["agreed"], figures["total"]), dim
        if figures["kappa"] is not None:
            assert f"kappa {figures['kappa']:.2f}" in text.split(f"{dim.capitalize()} agreement:")[1].split("\n")[0]
        assert f"{dim.capitalize()} agreement: {figures['agreed']} of {figures['total']}" in runs["markdown"]
    match = re.search(r"^Disagreements \((\d+),", text, re.MULTILINE)
    assert match and int(match[1]) == len(report["disagreements"])
    # the markdown has one row per reading that disagrees, naming each dimension that does
    rows = [line for line in runs["markdown"].splitlines() if line.startswith("| ")]
    for item in report["disagreements"]:
        where = f"| {item['case']} | {item['period']} "
        said = f"{item['dimension']}: {item['expected']} -> {item['inferred']}"
        at = "| period |" if item["at"] == "period" else f"| {item['at']} {item['date']} |"
        assert any(row.startswith(where) and at in row and said in row for row in rows), item
    for item in report["disagreements"]:
        assert f"{item['dimension']}: expected {item['expected']}, classifier {item['inferred']}" in text


def test_position_agreement_has_not_dropped_below_the_documented_figure(whole_set: dict[str, Any]) -> None:
    documented = re.search(r"Position agreement: (\d+) of (\d+)", DOC.read_text())
    assert documented, f"{DOC} must state the position agreement as 'Position agreement: N of M'"
    figures = whole_set["agreement"]["position"]
    assert figures["agreed"] / figures["total"] >= int(documented[1]) / int(documented[2]), (
        f"position agreement fell to {figures['agreed']} of {figures['total']}, below the "
        f"{documented[1]} of {documented[2]} that {DOC.name} reports")


# --- --dyads -----------------------------------------------------------------------------------------------

def test_dyads_without_the_module_exits_2_with_a_clear_message(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "cooperative_security.analysis.dyad_validation", None)
    code = main(["validate", "--dyads"])
    err = capsys.readouterr().err
    assert code == 2
    assert "dyad_validation" in err and "internal error" not in err


def test_dyads_calls_validate_dyads_with_the_store_and_data_dir(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []

    class Result:
        def text(self) -> str:
            return "dyad agreement: 3 of 4\n"

        def to_dict(self) -> dict[str, Any]:
            return {"agreed": 3, "total": 4}

    def validate_dyads(**kwargs: Any) -> Result:
        calls.append(kwargs)
        return Result()

    fake = types.ModuleType("cooperative_security.analysis.dyad_validation")
    fake.validate_dyads = validate_dyads  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cooperative_security.analysis.dyad_validation", fake)
    code, out = _run("validate", "--dyads", "--data-dir", str(tmp_path))
    assert code == 0 and out == "dyad agreement: 3 of 4\n"
    assert calls == [{"store": None, "data_dir": str(tmp_path)}]
    code, out = _run("validate", "--dyads", "--format", "json", "--store", "oxigraph:/nowhere")
    assert code == 0 and json.loads(out) == {"agreed": 3, "total": 4}
    assert calls[-1] == {"store": "oxigraph:/nowhere", "data_dir": None}


def test_a_bad_case_file_is_refused_with_its_file_and_line(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    copy = tmp_path / "set"
    shutil.copytree(VALIDATION, copy)
    case = copy / "cases" / "iran-iraq.yaml"
    lines = case.read_text().split("\n")
    where = next(i for i, line in enumerate(lines) if line.strip() == "type: Abrogation")
    lines[where] = lines[where].replace("Abrogation", "Abrogated")
    case.write_text("\n".join(lines))
    code = main(["validate", "--set", str(copy)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{case}:{where + 1}" in err and "unknown event type 'Abrogated'" in err
    assert "internal error" not in err


def test_validate_says_each_step_as_it_starts(small_set: Path) -> None:
    """`coopsec validate` takes minutes on the whole set; on a terminal it shows these steps (a new user's
    audit found it silent for three)."""
    steps: list[str] = []
    store = open_knowledge_graph("memory:")
    try:
        report = validate(store, small_set, progress=steps.append)
    finally:
        store.close()
    assert steps == ["loading the validation set", f"classifying {len(SMALL)} relationships (a few minutes)",
                     "comparing with the expected answers"]
    assert sorted(report.cases) == SMALL


def test_a_run_given_to_validate_gives_the_report_it_would_make(small_set: Path, periods: list[Any]) -> None:
    """``validate(..., periods=run)`` compares the given run (its periods of the set's relationships) instead
    of classifying again: the same readings and figures as classifying, and no classifying step. A run that
    also holds other relationships (the bundled cases) gives the same report."""
    steps: list[str] = []
    stores = [open_knowledge_graph("memory:"), open_knowledge_graph("memory:")]
    try:
        made = validate(stores[0], small_set)
        others = classify(stores[1], ["korea", "asean"])
        given = validate(stores[1], small_set, progress=steps.append, periods=[*others, *periods])
    finally:
        for store in stores:
            store.close()
    assert steps == ["loading the validation set", "comparing with the expected answers"]
    assert given.readings == made.readings and given.to_dict() == made.to_dict()
    assert not {r.case for r in given.readings} & {"korea", "asean"}


def test_validate_names_the_rule_each_reason_counts_for(small_runs: dict[str, Any], periods: list[Any]) -> None:
    """A disagreement on position listed trust evidence (rule:elite-trust) as if it made the conflict
    formation: each "because" line names its rules, as `classify --explain` does."""
    text = small_runs["text"]
    because = [line.strip() for line in text.splitlines() if line.strip().startswith("because ")]
    assert because and all(re.search(r" \((rule:[\w-]+)(, rule:[\w-]+)*\)$", line) for line in because), because
    block = text.split("us-uk-rapprochement, expected period 1896-11-12 - 1903-10-20, read at midpoint 1900-05-01")[1]
    block = block.split("\n- ")[0]
    assert "position: expected security-regime, classifier conflict-formation" in block
    neutrality = [line for line in block.splitlines() if "benevolent neutrality" in line]
    assert neutrality and neutrality[0].strip().endswith("(rule:elite-trust)"), block
    assert re.search(r"because 1896 .*\(rule:conflict-formation\)$", block, re.MULTILINE), block
    # the rules are the classifier's own, read from its periods without the validation module
    period = next(p for p in periods if p.relationship == "us-uk-rapprochement" and p.covers("1900-05-01"))
    for event in period.evidence:
        rules = ", ".join("rule:" + r.rpartition("/")[2] for r in event["rules"])
        assert f"because {event['date']} {event['label']} ({rules})" in block, event
    json_reasons = [r["explanation"]["evidence"] for r in json.loads(small_runs["json"])["disagreements"]]
    assert any(e.endswith("(rule:elite-trust)") for reasons in json_reasons for e in reasons)
