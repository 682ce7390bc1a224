"""The validation set: relationships from scholarship outside the chapter, and what scholars say of them.

``validation/`` (shipped with the package) holds ``cases/*.yaml`` (the case-file format of
``data/cases/``), ``actors.yaml`` (states the bundled list lacks), ``bibliography.bib`` (the works
cited) and ``expected.yaml`` (the scholars' judgments, period by period). This module loads the set
into a store, runs the classifier and compares its answer with the scholars'::

    from cooperative_security.kb import open_knowledge_graph
    from cooperative_security.validation import validate
    report = validate(open_knowledge_graph("memory:"))
    report.agreement["position"].proportion

How the answers are compared (docs/guide/validation.md): each expected period ``[from, to)`` is read
at two dates, its midpoint and its last day; at each, the classifier period covering that date gives
the inferred position, and (where the scholars give one) stage and trust. Strategies are compared
once per expected period: the kinds of strategy the classifier found with a first move inside the
period against the kinds the scholars name there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analysis.agreement import Agreement, agreement
from .classify import Period, classify
from .errors import InputError, Problem, UsageError
from .ingest import expand_paths, ingest_id, own_graphs, parse_all, write_batches
from .ingest.actors import ACTORS_GRAPH
from .ingest.base import FuzzyDate, LocatedDict, line_of, load_yaml, parse_date
from .queries import load_query
from .resources import resource_root
from .store import Store

POSITIONS = ("conflict-formation", "security-regime", "security-community", "regional-integration")
#: what the expected file may say; `undetermined` is also what the classifier's silence counts as
POSITION_LABELS = (*POSITIONS, "undetermined")
STAGES = ("nascent", "ascendant", "mature")
TRUST = ("none", "elite", "societal")
STRATEGIES = ("leap-of-trust", "grit", "incremental-reciprocation")
#: the classifier's trust levels, read on the scale of the expected file
TRUST_READING = {"none": "none", "contingent-cooperation": "elite", "elite": "elite",
                 "embedded-trust": "societal", "societal": "societal"}
DIMENSIONS = ("position", "stage", "trust", "strategy")
PERIOD_KEYS = {"from", "to", "position", "stage", "trust", "strategies", "sources", "mapping", "disputed_by"}
SOURCE_KEYS = {"work", "pages", "section", "says", "position"}

#: member pairs kept aside for an independent check of the rules: never in the validation set
HELD_OUT = (
    frozenset({"egy", "isr"}), frozenset({"arg", "bra"}), frozenset({"usa", "can"}), frozenset({"grc", "tur"}),
    frozenset({"usa", "rus"}),
    *(frozenset({a, b}) for i, a in enumerate(("den", "nor", "swd", "fin", "ice"))
      for b in ("den", "nor", "swd", "fin", "ice")[i + 1:]),
)


def validation_dir() -> Path:
    """The shipped ``validation/`` folder (next to ``data/`` in a checkout or an installed wheel)."""
    return resource_root() / "validation"


@dataclass(frozen=True)
class Source:
    work: str
    pages: str | None
    section: str | None
    says: str | None
    position: str | None = None  # for a dissenting reading


@dataclass(frozen=True)
class ExpectedPeriod:
    case: str
    start: dt.date
    stop: dt.date  # exclusive
    text: str  # "from - to" as written
    position: str
    stage: str | None
    trust: str | None
    strategies: tuple[str, ...] | None
    sources: tuple[Source, ...]
    disputed_by: tuple[Source, ...] = ()
    mapping: str | None = None

    @property
    def last_day(self) -> dt.date:
        return self.stop - dt.timedelta(days=1)

    @property
    def midpoint(self) -> dt.date:
        return self.start + (self.last_day - self.start) // 2

    def reading_dates(self) -> list[tuple[str, dt.date]]:
        return [("midpoint", self.midpoint), ("end", self.last_day)]


def load_expected(path: Path | None = None) -> list[ExpectedPeriod]:
    """Read ``expected.yaml``; every problem is reported with its file and line."""
    path = path or validation_dir() / "expected.yaml"
    data = load_yaml(path)
    src = str(path)
    problems: list[Problem] = []
    cases = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, dict):
        raise InputError(Problem(src, "expected a mapping `cases:` of case id -> list of periods"))
    out: list[ExpectedPeriod] = []
    for case, periods in cases.items():
        if not isinstance(periods, list) or not periods:
            problems.append(Problem(src, "a case needs a list of periods", line=line_of(cases), record=case))
            continue
        for entry in periods:
            period = _expected_period(src, case, entry, problems)
            if period is not None:
                out.append(period)
    if problems:
        raise InputError(problems)
    return out


def _expected_period(src: str, case: str, entry: Any, problems: list[Problem]) -> ExpectedPeriod | None:
    line = line_of(entry)
    record = str(case)

    def bad(message: str, fld: str | None = None) -> None:
        where = entry.line_of_key(fld) if isinstance(entry, LocatedDict) and fld in entry else line
        problems.append(Problem(src, message, line=where, field=fld, record=record))

    if not isinstance(entry, dict):
        bad("a period is a mapping with from, to, position and sources")
        return None
    for key in sorted(set(entry) - PERIOD_KEYS):
        bad(f"unknown key {key!r}; allowed: {sorted(PERIOD_KEYS)}", key)
    dates: dict[str, FuzzyDate] = {}
    for key in ("from", "to"):
        try:
            dates[key] = parse_date(entry.get(key))
        except ValueError as exc:
            bad(f"{exc} (every period needs `{key}`)", key)
    if len(dates) == 2 and dates["to"].earliest <= dates["from"].earliest:
        bad("`to` must come after `from` (`to` is exclusive)", "to")
    position = entry.get("position")
    if position not in POSITION_LABELS:
        bad(f"position {position!r} must be one of {list(POSITION_LABELS)}", "position")
    stage = entry.get("stage")
    if stage is not None and (stage not in STAGES or position != "security-community"):
        bad(f"stage {stage!r} must be one of {list(STAGES)}, and only with security-community", "stage")
    trust = entry.get("trust")
    if trust is not None and trust not in TRUST:
        bad(f"trust {trust!r} must be one of {list(TRUST)}", "trust")
    strategies = entry.get("strategies")
    if strategies is not None and (not isinstance(strategies, list)
                                   or any(s not in STRATEGIES for s in strategies)):
        bad(f"strategies must be a list drawn from {list(STRATEGIES)} ([] for none)", "strategies")
        strategies = None
    sources = _sources(src, record, entry.get("sources"), line, problems, dissent=False)
    if not sources:
        bad("every period needs `sources`: the works that state the judgment", "sources")
    dissent = _sources(src, record, entry.get("disputed_by"), line, problems, dissent=True)
    if len(dates) < 2 or position not in POSITION_LABELS:
        return None
    return ExpectedPeriod(
        case=str(case), start=dates["from"].earliest, stop=dates["to"].earliest,
        text=f"{dates['from'].text} - {dates['to'].text}", position=position, stage=stage, trust=trust,
        strategies=tuple(sorted(strategies)) if strategies is not None else None, sources=tuple(sources),
        disputed_by=tuple(dissent), mapping=entry.get("mapping"),
    )


def _sources(src: str, record: str, entries: Any, line: int | None, problems: list[Problem],
             dissent: bool) -> list[Source]:
    if entries is None:
        return []
    fld = "disputed_by" if dissent else "sources"
    if not isinstance(entries, list):
        problems.append(Problem(src, f"`{fld}` must be a list of {{work, pages, says}}", line=line, field=fld,
                                record=record))
        return []
    out = []
    for e in entries:
        eline = line_of(e, line)
        if not isinstance(e, dict) or not isinstance(e.get("work"), str):
            problems.append(Problem(src, "a source is {work: KEY, pages: ... or unverified, says: ...}",
                                    line=eline, field=fld, record=record))
            continue
        for key in sorted(set(e) - SOURCE_KEYS):
            problems.append(Problem(src, f"unknown key {key!r}; allowed: {sorted(SOURCE_KEYS)}", line=eline,
                                    field=f"{fld}.{key}", record=record))
        if e.get("pages") is None and e.get("section") is None:
            problems.append(Problem(src, "a source needs `pages` (write `pages: unverified` and paraphrase the "
                                         "work in `says` when the page cannot be checked) or a `section`",
                                    line=eline, field=fld, record=record))
        if str(e.get("pages")) == "unverified" and not e.get("says"):
            problems.append(Problem(src, "an unverified page needs `says`: what the work says, in your words",
                                    line=eline, field=f"{fld}.says", record=record))
        if dissent and e.get("position") not in POSITION_LABELS:
            problems.append(Problem(src, f"a dissenting reading needs a position from {list(POSITION_LABELS)}",
                                    line=eline, field=f"{fld}.position", record=record))
        out.append(Source(e["work"], None if e.get("pages") is None else str(e["pages"]), e.get("section"),
                          e.get("says"), e.get("position")))
    return out


def validation_files(root: Path | None = None) -> list[Path]:
    """What is ingested: the actors, the bibliography and the case files (not expected.yaml)."""
    base = root or validation_dir()
    if not (base / "cases").is_dir():
        raise UsageError(f"no validation set at {base}: it needs a cases/ folder (and expected.yaml)")
    return [p for p in (base / "actors.yaml", base / "bibliography.bib", base / "cases") if p.exists()]


def load_validation(store: Store, root: Path | None = None) -> list[str]:
    """Ingest the validation set into ``store`` (all or nothing); returns the ids of its cases.

    An actor the store already knows keeps its bundled entry: the validation list only adds states.
    Ingesting the same set twice writes nothing the second time.
    """
    from .ingest.validate import shacl_problems

    files = expand_paths(validation_files(root))
    known = {r["actor"].value for r in store.select(load_query("ingest/actors"))}  # type: ignore[union-attr]
    batches = parse_all(store, files)
    for batch in batches:
        if ACTORS_GRAPH in batch.graphs:
            batch.graphs[ACTORS_GRAPH] = [t for t in batch.graphs[ACTORS_GRAPH] if t.subject.value not in known]
    own_graphs(batches)
    problems = shacl_problems(store, [b for b in batches if b.shacl])
    if problems:
        raise InputError(problems)
    write_batches(store, batches, ingest_id(files), [str(p) for _, p in files])
    return sorted(p.stem for kind, p in files if kind == "case")


@dataclass
class Reading:
    """One comparison: what the scholars expect and what the classifier says, at one date."""

    dimension: str
    case: str
    period: str
    date: str  # ISO date read, or the period for strategies
    at: str  # midpoint | end | period
    expected: str
    inferred: str
    sources: list[Source]
    explanation: dict[str, Any] | None = None
    sides_with: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return self.expected == self.inferred

    def to_dict(self) -> dict[str, Any]:
        return {"dimension": self.dimension, "case": self.case, "period": self.period, "date": self.date,
                "at": self.at, "expected": self.expected, "inferred": self.inferred, "agrees": self.agrees,
                "sources": [{"work": s.work, "pages": s.pages, "says": s.says} for s in self.sources],
                "sides_with": self.sides_with, "explanation": self.explanation}


@dataclass
class ValidationReport:
    cases: list[str]
    readings: list[Reading]
    agreement: dict[str, Agreement]
    position_unweighted: Agreement
    over_time: dict[str, Any] = field(default_factory=dict)
    """Position agreement counted in days (:func:`days_in_agreement`)."""

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
        return {"cases": self.cases, "method": METHOD, "agreement": dims, "position_over_time": self.over_time,
                "readings": [r.to_dict() for r in self.readings],
                "disagreements": [r.to_dict() for r in self.disagreements()]}

    def text(self) -> str:
        return render_text(self)

    def markdown(self) -> str:
        return render_markdown(self)


METHOD = ("each expected period [from, to) is read at its midpoint and its last day (position, stage, trust); "
          "strategies once per period (kinds whose first move falls inside it); dates before the classifier's "
          "first assessment count as undetermined; trust levels read contingent-cooperation as elite and "
          "embedded-trust as societal")


def _on_or_before(event: dict[str, Any], at: dt.date) -> bool:
    try:
        return parse_date(event["date"]).earliest <= at if event.get("date") else True
    except ValueError:
        return True


def _explain(period: Period | None, at: dt.date) -> dict[str, Any]:
    """The classifier's reasons for the period in effect at ``at``, citing only events on or before it."""
    if period is None:
        return {"period": None, "position": None, "reason": "no assessment covers this date (before the "
                "case's first dated event, or no events)", "evidence": [], "missing": []}
    missing = []
    for m in period.missing:
        events = [e for e in m["evidence"] if _on_or_before(e, at)]
        missing.append(m["condition"] + (" [" + "; ".join(f"{e['date']} {e['label']}" for e in events) + "]"
                                         if events else ""))
    return {
        "period": f"{period.from_ or '?'} - {period.to or 'open'}", "position": period.position,
        "stage": period.stage, "trust": period.trust, "reason": period.reason,
        "evidence": [f"{e['date']} {e['label']}" for e in period.evidence if _on_or_before(e, at)],
        "missing": missing,
        "strategies": [f"{s['kind']} {'/'.join(d or '?' for d in s['dates'])}" for s in period.strategies],
    }


def period_at(periods: Sequence[Period], case: str, day: dt.date) -> Period | None:
    """The classifier period of ``case`` in effect on ``day`` (None before its first assessment)."""
    iso = day.isoformat()
    found = [p for p in periods if p.relationship == case and p.start is not None and p.covers(iso)]
    return found[-1] if found else None


def inferred_position(period: Period | None) -> str:
    return period.position if period is not None and period.position else "undetermined"


def inferred_stage(period: Period | None) -> str:
    return period.stage if period is not None and period.stage else "none"


def inferred_trust(period: Period | None) -> str:
    if period is None or not period.trust:
        return "none"
    return TRUST_READING.get(period.trust, period.trust)


def strategy_starts(periods: Sequence[Period], case: str) -> list[tuple[str, dt.date | None]]:
    """Every strategy use the classifier found in ``case``, with the date of its first move."""
    seen: dict[tuple[str, tuple[str, ...]], dt.date | None] = {}
    for p in periods:
        if p.relationship != case:
            continue
        for s in p.strategies:
            moves = tuple(e["event"] for e in s.get("evidence", []))
            dates = [parse_date(d).earliest for d in s.get("dates", []) if d]
            seen.setdefault((s["kind"], moves), min(dates) if dates else None)
    return [(kind, start) for (kind, _), start in seen.items()]


def compare(expected: Sequence[ExpectedPeriod], periods: Sequence[Period]) -> list[Reading]:
    readings: list[Reading] = []
    for e in expected:
        for at, day in e.reading_dates():
            period = period_at(periods, e.case, day)
            explanation = _explain(period, day)
            inferred = inferred_position(period)
            sides = [s.work for s in e.disputed_by if s.position == inferred and inferred != e.position]
            readings.append(Reading("position", e.case, e.text, day.isoformat(), at, e.position, inferred,
                                    list(e.sources), explanation, sides))
            if e.stage is not None:
                readings.append(Reading("stage", e.case, e.text, day.isoformat(), at, e.stage, inferred_stage(period),
                                        list(e.sources), explanation))
            if e.trust is not None:
                readings.append(Reading("trust", e.case, e.text, day.isoformat(), at, e.trust, inferred_trust(period),
                                        list(e.sources), explanation))
        if e.strategies is not None:
            found = sorted({kind for kind, start in strategy_starts(periods, e.case)
                            if start is not None and e.start <= start < e.stop})
            period = period_at(periods, e.case, e.midpoint)
            readings.append(Reading("strategy", e.case, e.text, e.text, "period", "+".join(e.strategies) or "none",
                                    "+".join(found) or "none", list(e.sources), _explain(period, e.midpoint)))
    return readings


def days_in_agreement(expected: Sequence[ExpectedPeriod], periods: Sequence[Period]) -> dict[str, Any]:
    """Position agreement over time: the days of the expected periods on which the classifier agrees.

    The two readings per period can miss what happens between them (a regime that lapses for a few
    years inside a period the scholars call a regime); this measure counts every day.
    """
    agreed = total = 0
    by_case: dict[str, list[int]] = {}
    for e in expected:
        cuts = {e.start, e.stop}
        for p in periods:
            if p.relationship != e.case:
                continue
            for iso in (p.start, p.end):
                if iso:
                    day = parse_date(iso).earliest
                    if e.start < day < e.stop:
                        cuts.add(day)
        ordered = sorted(cuts)
        for a, b in zip(ordered, ordered[1:], strict=False):
            days = (b - a).days
            hit = inferred_position(period_at(periods, e.case, a)) == e.position
            total += days
            agreed += days if hit else 0
            tally = by_case.setdefault(e.case, [0, 0])
            tally[0] += days if hit else 0
            tally[1] += days
    return {"agreed_days": agreed, "total_days": total, "proportion": agreed / total if total else None,
            "by_case": {case: {"agreed_days": a, "total_days": n} for case, (a, n) in sorted(by_case.items())}}


def summarise(cases: list[str], readings: list[Reading], over_time: dict[str, Any] | None = None) -> ValidationReport:
    def pairs(dim: str) -> list[tuple[str, str]]:
        return [(r.expected, r.inferred) for r in readings if r.dimension == dim]

    results = {
        "position": agreement(pairs("position"), POSITION_LABELS, ordered=True),
        "stage": agreement(pairs("stage"), ("none", *STAGES), ordered=True),
        "trust": agreement(pairs("trust"), TRUST, ordered=True),
        "strategy": agreement(pairs("strategy"), ("none", *STRATEGIES)),
    }
    return ValidationReport(cases, readings, results, agreement(pairs("position"), POSITION_LABELS), over_time or {})


def validate(store: Store, root: Path | None = None) -> ValidationReport:
    """Load the validation set into ``store``, classify, and compare with the expected answers."""
    expected = load_expected((root or validation_dir()) / "expected.yaml")
    cases = load_validation(store, root)
    unknown = sorted({e.case for e in expected} - set(cases))
    if unknown:
        raise InputError(Problem(str((root or validation_dir()) / "expected.yaml"),
                                 f"expected answers for case(s) with no case file: {', '.join(unknown)}"))
    periods = classify(store, cases)
    return summarise(cases, compare(expected, periods), days_in_agreement(expected, periods))


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
    dis = report.disagreements()
    groups: dict[tuple[str, str, str], list[Reading]] = {}
    for r in dis:
        groups.setdefault((r.case, r.period, r.date), []).append(r)
    lines.append(f"Disagreements ({len(dis)}, at {len(groups)} dates):")
    for (case, period, date), items in groups.items():
        works = ", ".join(f"{s.work} {s.pages or s.section or ''}".strip() for s in items[0].sources)
        when = items[0].at if items[0].at == "period" else f"{items[0].at} {date}"
        lines.append(f"- {case}, expected period {period}, read at {when} ({works}):")
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


__all__ = ["ExpectedPeriod", "HELD_OUT", "Reading", "ValidationReport", "compare", "load_expected",
           "load_validation", "summarise", "validate", "validation_dir", "validation_files"]
