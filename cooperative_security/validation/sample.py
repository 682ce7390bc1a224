"""Out of sample: agreement on the relationships added to the validation set after the rules were written.

The rules have been changed with this set in view, so agreement on the first twelve relationships is no
longer an independent test. ``expected.yaml`` may name, beside ``cases:``, the relationships added later
in an optional top-level mapping (docs/guide/validation.md, "Out of sample")::

    out_of_sample:
      us-mexico: {added: 2026-12-01, note: "events and judgments written before any classifier run"}

:func:`load_sample_marks` reads it (a file without it reads as before: no marks) and
:func:`split_by_sample` computes the agreement on those relationships apart from the rest, from the
same readings and day counts as the whole report, so the two parts add up to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..ingest.base import LocatedDict, line_of, load_yaml, parse_date
from .report import ValidationReport, summarise

#: the names of the two parts in a report's ``samples``
OUT_OF_SAMPLE, IN_SAMPLE = "out_of_sample", "in_sample"
MARK_KEYS = {"added", "note"}


@dataclass(frozen=True)
class SampleMark:
    """A relationship added after the rules were written: when, and why it counts as out of sample."""

    case: str
    added: dt.date
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"added": self.added.isoformat(), "note": self.note}


def load_sample_marks(path: Path) -> dict[str, SampleMark]:
    """The ``out_of_sample`` section of ``expected.yaml`` (empty when absent); problems with their line."""
    data = load_yaml(path)
    section = data.get("out_of_sample") if isinstance(data, dict) else None
    if section is None:
        return {}
    src = str(path)
    if not isinstance(section, dict):
        raise InputError(Problem(src, "`out_of_sample` is a mapping of case id -> {added: YYYY-MM-DD, note: ...}",
                                 line=line_of(section, line_of(data)), field="out_of_sample"))
    known = set(data.get("cases") or {}) if isinstance(data.get("cases"), dict) else set()
    problems: list[Problem] = []
    marks: dict[str, SampleMark] = {}
    for case, entry in section.items():
        where = section.line_of_key(case) if isinstance(section, LocatedDict) else line_of(section)
        if case not in known:
            problems.append(Problem(src, f"`out_of_sample` names {case!r}, which has no periods under `cases:`",
                                    line=where, field="out_of_sample", record=str(case)))
            continue
        if not isinstance(entry, dict):
            problems.append(Problem(src, "an out-of-sample entry is {added: YYYY-MM-DD, note: ...}", line=where,
                                    field="out_of_sample", record=str(case)))
            continue
        for key in sorted(set(entry) - MARK_KEYS):
            problems.append(Problem(src, f"unknown key {key!r}; allowed: {sorted(MARK_KEYS)}", line=where,
                                    field=f"out_of_sample.{key}", record=str(case)))
        try:
            added = parse_date(entry.get("added"))
        except ValueError as exc:
            problems.append(Problem(src, f"{exc} (`added`: the day the relationship joined the set)", line=where,
                                    field="out_of_sample.added", record=str(case)))
            continue
        note = entry.get("note")
        marks[str(case)] = SampleMark(str(case), added.earliest, None if note is None else str(note))
    if problems:
        raise InputError(problems)
    return marks


def split_by_sample(report: ValidationReport, marks: dict[str, SampleMark]) -> dict[str, ValidationReport]:
    """The report's agreement on the marked relationships (out of sample) and on the rest (in sample).

    Both parts are computed from ``report``'s own readings and day counts, case by case; with no marks
    there is nothing to split and the result is empty.
    """
    if not marks:
        return {}
    parts: dict[str, ValidationReport] = {}
    by_case = report.over_time.get("by_case") or {}
    for name, inside in ((OUT_OF_SAMPLE, True), (IN_SAMPLE, False)):
        cases = [c for c in report.cases if (c in marks) is inside]
        readings = [r for r in report.readings if (r.case in marks) is inside]
        days = {c: v for c, v in by_case.items() if (c in marks) is inside}
        agreed = sum(v["agreed_days"] for v in days.values())
        total = sum(v["total_days"] for v in days.values())
        over = {"agreed_days": agreed, "total_days": total, "proportion": agreed / total if total else None,
                "by_case": days}
        parts[name] = summarise(cases, readings, over)
    return parts
