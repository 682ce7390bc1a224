"""The sources' voice beside the inference: do the case's cited characterisations agree with a period?

A characterisation is a work's reading of a case, or of one of its events, as a concept of the
ontology (``characterised_as`` in the case files). The readings that speak to the spectrum are those
whose concept is a position (conflict formation, security regime, security community, regional
integration, or a subclass), a stage of a security community, a level of trust, or a sign of distrust
(fear, mistrust, suspicion); ``queries/classify/read-voice.rq`` finds them. Each is compared with a period:

- a reading of an event speaks of the event's date: it agrees with the period in effect then when the
  concept matches its position, stage or trust, and disagrees when it names another;
- a reading of the whole case has no date: it agrees with every period it matches and is silent on
  the others (it may describe the start or the end of the relationship);
- a negated reading ("not a mature security community") disagrees with every period it matches;
- a sign of distrust agrees with a conflict formation and with no trust, and disagrees with a security
  community, regional integration or embedded trust.

A period's voice is ``disagree`` when some reading disagrees, else ``agree`` when some reading agrees,
else ``silent``: no cited source makes the inference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..catalogue import list_cases
from ..namespaces import CS, instance
from ..queries import load_query
from ..store import Store
from .periods import Period

_COMMUNITY_OR_MORE = {"security-community", "regional-integration"}


@dataclass
class Reading:
    """One work's reading of a case or an event, with the dimensions and values its concept speaks to."""

    case: str
    event: str | None
    date: str | None
    concept: str
    work: str
    citation: str | None
    pages: str | None
    section: str | None
    negated: bool
    says: dict[str, str] = field(default_factory=dict)  # dimension -> value

    def to_json(self) -> dict[str, Any]:
        return {"work": self.work, "citation": self.citation, "pages": self.pages, "section": self.section,
                "concept": self.concept, "event": self.event, "date": self.date, "negated": self.negated}

    def judge(self, period: Period) -> dict[str, str]:
        """Dimension (position, stage, trust) -> ``agree`` or ``disagree``; dimensions it is silent on are left out."""
        if self.date is not None and not period.covers(self.date):
            return {}
        out: dict[str, str] = {}
        for dim, value in self.says.items():
            for target, verdict in _dimension(dim, value, period).items():
                if self.negated:
                    verdict = "disagree" if verdict == "agree" and dim != "distrust" else ""
                elif verdict == "disagree" and self.date is None:
                    verdict = ""  # an undated reading may describe another time of the relationship
                if verdict and out.get(target) != "disagree":
                    out[target] = verdict
        return out


DIMENSIONS = ("position", "stage", "trust")


@dataclass
class Voice:
    """What the cited sources say about one period, dimension by dimension."""

    verdict: str  # agree | disagree | silent
    dimensions: dict[str, str] = field(default_factory=dict)  # position/stage/trust -> agree|disagree|silent
    agree: dict[str, list[Reading]] = field(default_factory=dict)
    disagree: dict[str, list[Reading]] = field(default_factory=dict)

    def works(self) -> list[str]:
        """The works behind the verdict: those that disagree, or those that agree on the position."""
        if self.verdict == "disagree":
            chosen = [r for rs in self.disagree.values() for r in rs]
        else:
            chosen = self.agree.get("position", [])
        return sorted({r.citation or r.work for r in chosen})

    def cell(self) -> str:
        works = self.works()
        return self.verdict + (f" ({'; '.join(works)})" if works else "")

    def to_json(self) -> dict[str, Any]:
        return {"voice": self.verdict, "dimensions": self.dimensions, "works": self.works(),
                "agree": {d: [r.to_json() for r in rs] for d, rs in self.agree.items()},
                "disagree": {d: [r.to_json() for r in rs] for d, rs in self.disagree.items()}}


def _dimension(dimension: str, value: str, period: Period) -> dict[str, str]:
    """What one value of a reading says of the period, by dimension of the period."""
    if dimension in ("position", "trust"):
        return {dimension: "agree" if value == getattr(period, dimension) else "disagree"}
    if dimension == "stage":
        if period.position != "security-community":
            return {}  # the reading's position already speaks
        return {"stage": "agree" if value == period.stage else "disagree"}
    if dimension == "distrust":
        out = {}
        if period.position == "conflict-formation":
            out["position"] = "agree"
        elif period.position in _COMMUNITY_OR_MORE:
            out["position"] = "disagree"
        if period.trust == "embedded-trust":
            out["trust"] = "disagree"
        elif period.trust == "none":
            out["trust"] = "agree"  # a source's fear or mistrust is what "no trust" rests on
        return out
    return {}


def readings(store: Store, cases: Iterable[str] | None = None) -> dict[str, list[Reading]]:
    """Every reading that speaks to the spectrum, by case slug (of every case, or of ``cases``)."""
    slugs = ({instance("case", c).value: c for c in cases} if cases is not None
             else {c.iri: c.id for c in list_cases(store)})
    found: dict[tuple[Any, ...], Reading] = {}
    for r in store.select(load_query("classify/read-voice")):
        v: dict[str, Any] = {k: (t.value if t is not None else None) for k, t in r.items()}
        if v["case"] not in slugs:
            continue
        negated = v["negated"] == "true"
        key = (v["case"], v["event"], v["concept"], v["work"], v["pages"], v["section"], negated)
        reading = found.setdefault(key, Reading(slugs[v["case"]], v["event"], v["date"], v["concept"].removeprefix(CS),
                                                v["work"], v["citation"], v["pages"], v["section"], negated))
        reading.says[v["dimension"]] = v["value"]
    by_case: dict[str, list[Reading]] = {}
    for reading in found.values():
        by_case.setdefault(reading.case, []).append(reading)
    return by_case


def source_voice(store: Store, periods: Sequence[Period]) -> list[Voice]:
    """The sources' voice on each period, in the order of ``periods``."""
    by_case = readings(store, {p.relationship for p in periods})
    out = []
    for period in periods:
        voice = Voice("silent")
        if period.position is not None:
            for reading in by_case.get(period.relationship, []):
                for dim, verdict in reading.judge(period).items():
                    (voice.agree if verdict == "agree" else voice.disagree).setdefault(dim, []).append(reading)
        for dim in DIMENSIONS:
            if dim == "stage" and period.stage is None:
                continue
            voice.dimensions[dim] = ("disagree" if dim in voice.disagree else
                                     "agree" if dim in voice.agree else "silent")
        voice.verdict = "disagree" if voice.disagree else voice.dimensions.get("position", "silent")
        out.append(voice)
    return out
