"""The classifier's answer read against the scholars': one :class:`Reading` per expected period and date.

Each expected period ``[from, to)`` is read at its midpoint and its last day; strategies once per period.
:func:`days_in_agreement` counts position agreement in days instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..classify import Period
from ..ingest.base import parse_date
from ..namespaces import compact
from .expected import ExpectedPeriod, Source

#: the classifier's trust levels, read on the scale of the expected file; ``undetermined`` (no evidence of
#: trust or of mistrust) stays itself and never counts as ``none``
TRUST_READING = {"none": "none", "contingent-cooperation": "elite", "elite": "elite",
                 "embedded-trust": "societal", "societal": "societal", "undetermined": "undetermined"}


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
    period = period.explained_at(at.isoformat())  # its evidence as it stood that day, not at the period's end
    missing = []
    for m in period.missing:
        events = [e for e in m["evidence"] if _on_or_before(e, at)]
        missing.append(m["condition"] + (" [" + "; ".join(f"{e['date']} {e['label']}" for e in events) + "]"
                                         if events else ""))
    return {
        "period": f"{period.from_ or '?'} - {period.to or 'open'}", "position": period.position,
        "stage": period.stage, "trust": period.trust, "reason": period.reason,
        # each event with the rules it counts for, as `classify --explain` says: a period's evidence mixes the
        # position's with the trust rules', and a reader of one disagreement must tell them apart
        "evidence": [f"{e['date']} {e['label']} ({', '.join(compact(r) for r in e.get('rules', [])) or 'no rule'})"
                     for e in period.evidence if _on_or_before(e, at)],
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
    """The classifier's trust on the expected file's scale; no assessment (or no trust given) is no evidence
    either way: ``undetermined``, like the position of such a date."""
    if period is None or not period.trust:
        return "undetermined"
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
