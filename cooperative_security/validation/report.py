"""The validation report: agreement per dimension, and the text and Markdown ``coopsec validate`` prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..analysis.agreement import Agreement, agreement
from .expected import POSITION_LABELS, STAGES, STRATEGIES, TRUST
from .readings import Reading

DIMENSIONS = ("position", "stage", "trust", "strategy")


@dataclass
class ValidationReport:
    cases: list[str]
    readings: list[Reading]
    agreement: dict[str, Agreement]
    position_unweighted: Agreement
    over_time: dict[str, Any] = field(default_factory=dict)
    """Position agreement counted in days (:func:`days_in_agreement`)."""
    samples: dict[str, ValidationReport] = field(default_factory=dict)
    """Agreement out of sample and in sample (:func:`cooperative_security.validation.sample.split_by_sample`)."""
    sample_marks: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The relationships marked out of sample in expected.yaml: case -> {added, note}."""

    def disagreements(self) -> list[Reading]:
        return [r for r in self.readings if not r.agrees]

    def to_dict(self) -> dict[str, Any]:
        dims = {}
        for dim in DIMENSIONS:
            data = self.agreement[dim].to_dict()
            data.pop("disagreements")
            if dim == "position":
                data["kappa_unweighted"] = self.position_unweighted.kappa
            dims[dim] = data
        data = {"cases": self.cases, "method": METHOD, "agreement": dims, "position_over_time": self.over_time,
                "readings": [r.to_dict() for r in self.readings],
                "disagreements": [r.to_dict() for r in self.disagreements()]}
        if self.samples:
            data["out_of_sample"] = self.sample_marks
            data["samples"] = {name: _sample_dict(part) for name, part in self.samples.items()}
        return data

    def text(self) -> str:
        return render_text(self)

    def markdown(self) -> str:
        return render_markdown(self)


METHOD = ("each expected period [from, to) is read at its midpoint and its last day (position, stage, trust); "
          "strategies once per period (kinds whose first move falls inside it); dates before the classifier's "
          "first assessment count as undetermined; trust levels read contingent-cooperation as elite and "
          "embedded-trust as societal, and trust the classifier leaves undetermined (no evidence of trust or of "
          "mistrust) never counts as none")


def summarise(cases: list[str], readings: list[Reading], over_time: dict[str, Any] | None = None) -> ValidationReport:
    def pairs(dim: str) -> list[tuple[str, str]]:
        return [(r.expected, r.inferred) for r in readings if r.dimension == dim]

    results = {
        "position": agreement(pairs("position"), POSITION_LABELS, ordered=True),
        "stage": agreement(pairs("stage"), ("none", *STAGES), ordered=True),
        "trust": agreement(pairs("trust"), (*TRUST, "undetermined"), ordered=True),
        "strategy": agreement(pairs("strategy"), ("none", *STRATEGIES)),
    }
    return ValidationReport(cases, readings, results, agreement(pairs("position"), POSITION_LABELS), over_time or {})


def _sample_dict(part: ValidationReport) -> dict[str, Any]:
    dims = {dim: {k: v for k, v in part.agreement[dim].to_dict().items() if k != "disagreements"}
            for dim in DIMENSIONS}
    dims["position"]["kappa_unweighted"] = part.position_unweighted.kappa
    return {"cases": part.cases, "agreement": dims, "position_over_time": part.over_time}


SAMPLE_TITLES = {"out_of_sample": "Out of sample (relationships added after the rules were written)",
                 "in_sample": "In sample (the rest: the rules may have been changed with them in view)"}


def _sample_lines(report: ValidationReport) -> list[str]:
    lines: list[str] = []
    for name, part in report.samples.items():
        lines.append(f"{SAMPLE_TITLES.get(name, name)}: {len(part.cases)} relationships ({', '.join(part.cases)})")
        for dim in DIMENSIONS:
            a = part.agreement[dim]
            extra = f", unweighted {_kappa(part.position_unweighted.kappa)}" if dim == "position" else ""
            lines.append(f"  {dim}: {_pct(a)}, kappa {_kappa(a.kappa)}{extra}")
        if part.over_time.get("total_days"):
            lines.append(f"  position over time: {_days(part.over_time)}")
    return lines + [""] if lines else lines


def _pct(a: Agreement) -> str:
    return f"{a.agreed} of {a.total}" + (f" ({100 * a.proportion:.0f}%)" if a.proportion is not None else "")


def _days(over: dict[str, Any]) -> str:
    return (f"{100 * over['proportion']:.0f}% of the {over['total_days']} days of the expected periods "
            f"({over['agreed_days']} days)")


def _kappa(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.2f}"


def render_text(report: ValidationReport) -> str:
    lines = [f"Validation set: {len(report.cases)} relationships from scholarship outside the chapter",
             f"Method: {METHOD}.", ""]
    for dim in DIMENSIONS:
        a = report.agreement[dim]
        kappa = f"kappa {_kappa(a.kappa)}" + (" (linearly weighted)" if a.weighted else "")
        if dim == "position":
            kappa += f", unweighted {_kappa(report.position_unweighted.kappa)}"
        lines.append(f"{dim.capitalize()} agreement: {_pct(a)}, {kappa}")
        if dim == "position" and report.over_time.get("total_days"):
            lines.append(f"Position agreement over time: {_days(report.over_time)}")
        table = a.table()
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        lines += ["  " + "  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(
            zip(row, widths, strict=True))) for row in table]
        lines.append("")
    lines += _sample_lines(report)
    dis = report.disagreements()
    groups: dict[tuple[str, str, str], list[Reading]] = {}
    for r in dis:
        groups.setdefault((r.case, r.period, r.date), []).append(r)
    lines.append(f"Disagreements ({len(dis)}, at {len(groups)} dates):")
    for (case, period, date), items in groups.items():
        works = ", ".join(f"{s.work} {s.pages or s.section or ''}".strip() for s in items[0].sources)
        when = items[0].at if items[0].at == "period" else f"{items[0].at} {date}"
        marked = " [out of sample]" if case in report.sample_marks else ""
        lines.append(f"- {case}{marked}, expected period {period}, read at {when} ({works}):")
        for r in items:
            lines.append(f"    {r.dimension}: expected {r.expected}, classifier {r.inferred}"
                         + (f" (the classifier sides with the dissent of {', '.join(r.sides_with)})"
                            if r.sides_with else ""))
        x = items[0].explanation or {}
        if x.get("period"):
            extra = ", ".join(v for v in (x.get("stage"), x.get("trust") and f"trust {x['trust']}") if v)
            lines.append(f"    classifier period {x['period']}: {x.get('position')}" + (f" ({extra})" if extra else ""))
        if x.get("reason"):
            lines.append(f"    reason: {x['reason']}")
        for ev in x.get("evidence", []):
            lines.append(f"    because {ev}")
        for m in x.get("missing", []):
            lines.append(f"    missing: {m}")
        if any(r.dimension == "strategy" for r in items):
            lines.append(f"    strategies found in that period: {', '.join(x.get('strategies') or []) or 'none'}")
    return "\n".join(lines) + "\n"


def render_markdown(report: ValidationReport) -> str:
    """The figures and the table of disagreements, as Markdown for docs/guide/validation.md."""
    lines: list[str] = []
    for dim in DIMENSIONS:
        a = report.agreement[dim]
        kappa = f"Cohen's kappa {_kappa(a.kappa)}" + (" (linearly weighted)" if a.weighted else "")
        if dim == "position":
            kappa += f", unweighted {_kappa(report.position_unweighted.kappa)}"
        lines += [f"**{dim.capitalize()} agreement: {_pct(a)}**, {kappa}.", ""]
        if dim == "position" and report.over_time.get("total_days"):
            lines += [f"Position agreement over time: {_days(report.over_time)}.", ""]
        table = a.table()
        lines.append("| " + " | ".join(table[0]) + " |")
        lines.append("| " + " | ".join("---" for _ in table[0]) + " |")
        lines += ["| " + " | ".join(row) + " |" for row in table[1:]]
        lines.append("")
    if report.samples:
        lines += ["| sample | relationships | " + " | ".join(DIMENSIONS) + " | position, days |",
                  "| --- | --- | " + " | ".join("---" for _ in DIMENSIONS) + " | --- |"]
        for name, part in report.samples.items():
            cells = [f"{part.agreement[d].agreed}/{part.agreement[d].total}, κ {_kappa(part.agreement[d].kappa)}"
                     for d in DIMENSIONS]
            share = part.over_time.get("proportion")
            lines.append(f"| {name.replace('_', ' ')} | {len(part.cases)} | " + " | ".join(cells)
                         + f" | {'-' if share is None else f'{100 * share:.0f}%'} |")
        lines.append("")
    lines += ["| case | expected period (sources) | read at | expected -> classifier | classifier period: "
              "what it says is missing |", "| --- | --- | --- | --- | --- |"]
    groups: dict[tuple[str, str, str, str], list[Reading]] = {}
    for r in report.disagreements():
        groups.setdefault((r.case, r.period, r.at, r.date), []).append(r)
    for (case, period, at, date), items in groups.items():
        x = items[0].explanation or {}
        works = ", ".join(s.work for s in items[0].sources)
        when = at if at == "period" else f"{at} {date}"
        changes = "; ".join(f"{r.dimension}: {r.expected} -> {r.inferred}"
                            + (f" (sides with {', '.join(r.sides_with)})" if r.sides_with else "") for r in items)
        if any(r.dimension == "strategy" for r in items):
            missing = "strategies found: " + (", ".join(x.get("strategies") or []) or "none")
        else:
            missing = "; ".join(m.split(":")[0] for m in x.get("missing") or []) or x.get("reason") or ""
        lines.append(f"| {case} | {period} ({works}) | {when} | {changes} | {x.get('period') or 'none'}: "
                     f"{missing.replace('|', '/')} |")
    return "\n".join(lines) + "\n"
