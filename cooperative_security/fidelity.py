"""``coopsec check --fidelity``: how far each case rests on sources that document what it records.

Per case, from the records themselves (``queries/cases/fidelity-*.rq``):

- events a work *documents* (a history, a treaty text, a memoir or a data set record, with pages or a
  record; those whose only documenting pages are ``unverified`` are counted apart);
- events the chapter mentions (every event not marked ``in_chapter: false``);
- events resting only on works that *mention* them;
- events with no evidence yet (``evidence: none-yet``), named;
- dates from outside the chapter and inferred dates;
- characterisations (readings of the case or its events) by the work that makes them;
- classifications that go beyond what any cited source says: the periods the classifier infers on
  which no cited characterisation agrees (or one disagrees), dimension by dimension. This part needs
  ``cooperative_security.classify.voice`` (the sources' voice beside the inference); without it the
  report says so instead of guessing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .queries import load_query
from .store import Store


def _v(term: Any) -> Any:
    return None if term is None else term.value


def _true(term: Any) -> bool:
    return term is not None and term.value == "true"


@dataclass
class SourceReadings:
    """The characterisations one work makes of a case and its events."""

    work: str
    citation: str | None
    readings: int = 0
    negated: int = 0
    concepts: list[str] = field(default_factory=list)


@dataclass
class CaseFidelity:
    case: str
    events: int = 0
    documented: int = 0
    #: documented only by works whose pages are ``unverified``
    documented_unverified: int = 0
    in_chapter: int = 0
    #: resting only on works that mention the event
    mentioned_only: int = 0
    none_yet: list[str] = field(default_factory=list)
    #: events outside the chapter (``in_chapter: false``)
    outside_chapter: list[str] = field(default_factory=list)
    date_outside: int = 0
    date_inferred: int = 0
    characterisations: list[SourceReadings] = field(default_factory=list)
    #: periods whose position, stage or trust no cited source asserts; None when the voice is unavailable
    beyond_sources: list[dict[str, Any]] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FidelityReport:
    cases: list[CaseFidelity]
    #: why the classifications were not compared with the sources, when they were not
    voice_gap: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"cases": [c.to_json() for c in self.cases], "voice_gap": self.voice_gap}

    def totals(self) -> dict[str, int]:
        keys = ("events", "documented", "documented_unverified", "in_chapter", "mentioned_only",
                "date_outside", "date_inferred")
        out = {k: sum(getattr(c, k) for c in self.cases) for k in keys}
        out["none_yet"] = sum(len(c.none_yet) for c in self.cases)
        out["outside_chapter"] = sum(len(c.outside_chapter) for c in self.cases)
        return out


def fidelity_report(store: Store, cases: list[str] | None = None, classifications: bool = True) -> FidelityReport:
    """The fidelity of every case (or of ``cases``), computed from the records in ``store``."""
    by_case: dict[str, CaseFidelity] = {}

    def case_of(slug: str) -> CaseFidelity | None:
        if cases is not None and slug not in cases:
            return None
        return by_case.setdefault(slug, CaseFidelity(slug))

    seen: set[str] = set()
    for r in store.select(load_query("cases/fidelity-events")):
        c = case_of(_v(r["case"]))
        if c is None or _v(r["event"]) in seen:
            continue
        seen.add(_v(r["event"]))
        slug = _v(r["slug"])
        c.events += 1
        documented = _true(r["documented"])
        none_yet = _v(r["status"]) == "none-yet"
        if documented:
            c.documented += 1
            if not _true(r["verified"]):
                c.documented_unverified += 1
        if r["inChapter"] is not None and not _true(r["inChapter"]):
            c.outside_chapter.append(slug)
        else:
            c.in_chapter += 1
        if none_yet:
            c.none_yet.append(slug)
        elif not documented:
            c.mentioned_only += 1
        flag = _v(r["dateFlag"])
        c.date_outside += flag == "outside"
        c.date_inferred += flag == "inferred"
    readings: dict[tuple[str, str], SourceReadings] = {}
    for r in store.select(load_query("cases/fidelity-characterisations")):
        c = case_of(_v(r["case"]))
        if c is None:
            continue
        key = (c.case, _v(r["work"]))
        if key not in readings:
            readings[key] = SourceReadings(_v(r["work"]), _v(r["citation"]))
            c.characterisations.append(readings[key])
        s = readings[key]
        s.readings += 1
        s.negated += _true(r["negated"])
        label = _v(r["conceptLabel"]) or _v(r["concept"]).rpartition("#")[2]
        label = f"not {label}" if _true(r["negated"]) else label
        if label not in s.concepts:
            s.concepts.append(label)
    report = FidelityReport(sorted(by_case.values(), key=lambda c: c.case))
    if classifications:
        report.voice_gap = _beyond_sources(store, report)
    return report


def _beyond_sources(store: Store, report: FidelityReport) -> str | None:
    """Fill ``beyond_sources`` from the sources' voice on each classified period, if that module exists."""
    try:
        from .classify import classify
        from .classify.voice import source_voice  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return ("classifications were not compared with their sources: cooperative_security.classify.voice "
                "(the sources' voice beside the inference) is not installed in this version")
    for case in report.cases:
        periods = classify(store, [case.case])
        voices = source_voice(store, periods)
        case.beyond_sources = []
        for period, voice in zip(periods, voices, strict=True):
            if period.position is None:
                continue
            # a dimension the classifier leaves open (an "undetermined" position or trust, no stage) claims
            # nothing; trust "none" is a claim: it rests on evidence of mistrust (rule:elite-trust)
            unsupported = {dim: verdict for dim, verdict in voice.dimensions.items()
                           if verdict != "agree" and getattr(period, dim, None) not in (None, "undetermined")}
            if unsupported:
                case.beyond_sources.append({
                    "from": period.from_, "to": period.to, "position": period.position, "stage": period.stage,
                    "trust": period.trust, "unsupported": unsupported, "works": voice.works()})
    return None
