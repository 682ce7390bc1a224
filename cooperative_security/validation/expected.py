"""The scholars' judgments: ``expected.yaml`` of the validation set, read and checked period by period.

Every problem in the file is reported with its line; a period needs ``from``, ``to`` (exclusive), a
``position`` and the ``sources`` that state the judgment, and may name stage, trust, strategies and the
works that dispute it (``disputed_by``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..ingest.base import FuzzyDate, LocatedDict, line_of, load_yaml, parse_date
from ..resources import resource_root

POSITIONS = ("conflict-formation", "security-regime", "security-community", "regional-integration")
#: what the expected file may say; `undetermined` is also what the classifier's silence counts as
POSITION_LABELS = (*POSITIONS, "undetermined")
STAGES = ("nascent", "ascendant", "mature")
TRUST = ("none", "elite", "societal")
STRATEGIES = ("leap-of-trust", "grit", "incremental-reciprocation")
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
        where = entry.line_of_key(fld) if isinstance(entry, LocatedDict) and fld is not None and fld in entry else line
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
