"""The out-of-sample figure of `coopsec validate`: agreement on the relationships expected.yaml marks as added
after the rules were written, computed from those relationships only and reported apart from the rest.

docs/guide/validation.md, "Out of sample". The tests read the shipped validation set and one real run of
the classifier on it; the figures are recomputed here from the report's own readings, case by case.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from validation_sets import validation_subset

from cooperative_security.analysis.agreement import agreement
from cooperative_security.classify import Period
from cooperative_security.cli import main
from cooperative_security.errors import InputError
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.validation import (
    POSITION_LABELS,
    ValidationReport,
    load_sample_marks,
    split_by_sample,
    validate,
    validation_dir,
)

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "validation" / "expected.yaml"
# the first three fours were added on 1 December 2026; the fifth and sixth fours, the seventh four, the eighth
# seven, the ninth four and every six after it on 2 December; the
# last six on 3 December
FIRST_DAY = {"us-mexico", "jordan-israel", "russia-japan", "poland-lithuania",
             "china-vietnam", "morocco-algeria", "israel-syria", "turkey-syria",
             "south-africa-mozambique", "libya-chad", "el-salvador-honduras", "iraq-kuwait",
             "armenia-azerbaijan", "russia-georgia", "nigeria-cameroon", "uganda-tanzania"}
SECOND_DAY = {"hungary-romania", "kenya-somalia", "australia-indonesia", "venezuela-guyana",
              "russia-ukraine", "india-bangladesh", "australia-japan", "bolivia-chile",
              "greece-north-macedonia", "spain-morocco", "iran-saudi-arabia", "ecuador-colombia",
              "mali-burkina-faso", "ethiopia-somalia", "india-pakistan-1947", "eritrea-yemen",
              "north-korea-south-korea", "honduras-nicaragua", "lebanon-israel",
              "argentina-uk", "chile-peru", "malaysia-singapore", "australia-new-zealand",
              "sudan-south-sudan", "eritrea-djibouti", "croatia-serbia", "cyprus-turkey",
              "north-korea-usa", "cambodia-thailand",
              "uk-ireland", "france-italy", "austria-italy", "spain-portugal", "china-japan", "colombia-venezuela",
              "brazil-paraguay", "mexico-guatemala", "india-nepal", "india-sri-lanka", "belgium-netherlands",
              "hungary-slovakia",
              "pakistan-afghanistan", "chad-sudan", "iraq-syria", "egypt-libya", "vietnam-cambodia",
              "south-africa-angola",
              "qatar-bahrain", "senegal-mauritania", "nicaragua-costa-rica", "philippines-malaysia", "oman-yemen",
              "haiti-dominican-republic", "germany-netherlands", "germany-austria", "usa-israel", "usa-australia",
              "argentina-uruguay", "uk-spain",
              "uganda-sudan", "eritrea-sudan", "tunisia-libya", "egypt-jordan", "cuba-venezuela", "saudi-arabia-egypt",
              "egypt-sudan", "ethiopia-kenya", "thailand-myanmar", "vietnam-thailand", "peru-bolivia", "guatemala-belize"}
THIRD_DAY = {"egypt-syria", "iraq-saudi-arabia", "usa-libya", "uk-libya", "indonesia-china", "israel-russia",
             "ethiopia-sudan", "jordan-syria", "rwanda-dr-congo", "angola-dr-congo", "liberia-sierra-leone",
             "greece-yugoslavia", "algeria-tunisia", "colombia-peru", "ghana-togo", "kenya-tanzania",
             "south-africa-zimbabwe", "turkey-iran"}
ADDED = FIRST_DAY | SECOND_DAY | THIRD_DAY


@pytest.fixture(scope="module")
def report(all_periods: list[Period]) -> ValidationReport:
    """The shipped set compared with the session's one classifier run (tests/conftest.py: all_periods, made on
    the bundled data with the same set loaded), not a run of its own: the same report, minutes sooner."""
    store = open_knowledge_graph("memory:")
    try:
        return validate(store, periods=all_periods)
    finally:
        store.close()


def _pairs(report: ValidationReport, cases: set[str], dim: str) -> list[tuple[str, str]]:
    return [(r.expected, r.inferred) for r in report.readings if r.dimension == dim and r.case in cases]


# --- the marks ------------------------------------------------------------------------------------------------

def test_the_added_relationships_are_marked_out_of_sample() -> None:
    marks = load_sample_marks(validation_dir() / "expected.yaml")
    assert set(marks) == ADDED
    for case, mark in marks.items():
        assert (ROOT / "validation" / "cases" / f"{case}.yaml").is_file(), case
        assert mark.added.isoformat() in ("2026-12-01", "2026-12-02", "2026-12-03") and mark.note, case
    assert {c for c, m in marks.items() if m.added.isoformat() == "2026-12-01"} == FIRST_DAY
    assert {c for c, m in marks.items() if m.added.isoformat() == "2026-12-02"} == SECOND_DAY
    assert {c for c, m in marks.items() if m.added.isoformat() == "2026-12-03"} == THIRD_DAY


def test_an_expected_file_without_the_section_has_no_marks(tmp_path: Path) -> None:
    raw = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    raw.pop("out_of_sample")
    plain = tmp_path / "expected.yaml"
    plain.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert load_sample_marks(plain) == {}


def test_a_bad_out_of_sample_entry_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "expected.yaml"
    bad.write_text("cases:\n  x:\n    - from: 1990\n      to: 1991\n      position: security-regime\n"
                   "      sources:\n        - {work: kupchan-2010, pages: unverified, says: a paraphrase long enough}\n"
                   "out_of_sample:\n  x: {added: someday}\n  y: {added: 2026-12-01}\n  x2: {added: 2026-12-01}\n")
    with pytest.raises(InputError) as caught:
        load_sample_marks(bad)
    text = str(caught.value)
    assert f"{bad}:9" in text and "'someday' is not a date" in text
    assert f"{bad}:10" in text and "`out_of_sample` names 'y', which has no periods under `cases:`" in text
    assert "'x2'" in text


# --- the figure -----------------------------------------------------------------------------------------------

def test_the_out_of_sample_figure_is_computed_from_the_marked_relationships_only(report: ValidationReport) -> None:
    out, rest = report.samples["out_of_sample"], report.samples["in_sample"]
    assert set(out.cases) == ADDED and not set(rest.cases) & ADDED
    assert set(out.cases) | set(rest.cases) == set(report.cases)
    others = set(report.cases) - ADDED
    for dim in ("position", "stage", "trust", "strategy"):
        for part, cases in ((out, ADDED), (rest, others)):
            pairs = _pairs(report, cases, dim)
            figures = part.agreement[dim]
            assert (figures.agreed, figures.total) == (sum(e == i for e, i in pairs), len(pairs)), dim
        assert out.agreement[dim].total + rest.agreement[dim].total == report.agreement[dim].total, dim
    expected = yaml.safe_load(EXPECTED.read_text())["cases"]
    periods = sum(len(expected[c]) for c in ADDED)
    assert periods == 500 and out.agreement["position"].total == 2 * periods  # each read at midpoint and end
    independent = agreement(_pairs(report, ADDED, "position"), POSITION_LABELS, ordered=True)
    assert out.agreement["position"].kappa == pytest.approx(independent.kappa)
    days = report.over_time["by_case"]
    assert out.over_time["total_days"] == sum(days[c]["total_days"] for c in ADDED)
    assert out.over_time["agreed_days"] == sum(days[c]["agreed_days"] for c in ADDED)


def test_the_split_follows_the_marks_given(report: ValidationReport) -> None:
    marks = load_sample_marks(validation_dir() / "expected.yaml")
    only = {"iran-iraq": dataclasses.replace(next(iter(marks.values())), case="iran-iraq")}
    part = split_by_sample(report, only)["out_of_sample"]
    assert part.cases == ["iran-iraq"]
    assert part.agreement["position"].total == len(_pairs(report, {"iran-iraq"}, "position"))
    assert split_by_sample(report, {}) == {}


def test_text_and_json_report_the_out_of_sample_figure_apart(report: ValidationReport) -> None:
    out = report.samples["out_of_sample"]
    text = report.text()
    section = text.split("Out of sample (relationships added after the rules were written)")[1].split("In sample")[0]
    for dim in ("position", "trust"):
        a = out.agreement[dim]
        assert re.search(rf"^  {dim}: {a.agreed} of {a.total} ", section, re.M), dim
    marked = [line for line in text.splitlines() if line.startswith("- ") and "[out of sample]" in line]
    assert marked and all(line[2:].split(" ")[0] in ADDED for line in marked)
    data = report.to_dict()
    assert set(data["out_of_sample"]) == ADDED
    assert data["samples"]["out_of_sample"]["agreement"]["position"]["agreed"] == out.agreement["position"].agreed
    plain = dataclasses.replace(report, samples={}, sample_marks={})
    assert "Out of sample" not in plain.text() and "samples" not in plain.to_dict()


def test_the_command_prints_the_out_of_sample_figure(tmp_path: Path) -> None:
    # the command on two relationships, one marked out of sample (the whole set's figure is the report's, above)
    added = {"poland-lithuania", "jordan-israel"}
    folder = validation_subset(tmp_path / "set", ["peru-ecuador", *sorted(added)])
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["validate", "--set", str(folder), "--format", "json"])
    assert code == 0
    data = json.loads(buffer.getvalue())
    part = data["samples"]["out_of_sample"]
    assert set(part["cases"]) == added and data["samples"]["in_sample"]["cases"] == ["peru-ecuador"]
    pairs = [(r["expected"], r["inferred"]) for r in data["readings"]
             if r["dimension"] == "position" and r["case"] in added]
    assert pairs and any(e != i for e, i in pairs)
    assert (part["agreement"]["position"]["agreed"], part["agreement"]["position"]["total"]) == (
        sum(e == i for e, i in pairs), len(pairs))
