"""Shape the inferred graph into periods: maximal runs of checkpoints with the same result.

How a period's explanation sorts the findings of its checkpoint (reasons, what the position was reached
despite, Jervis's conditions beside a regime) is in :mod:`.reasons`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from ..catalogue import Case, Event, list_cases
from ..namespaces import CS, instance
from ..queries import load_query
from ..store import Store
from .reasons import REGIME_BASED, event_day, event_json, regime_conditions, term_value, unmet
from .reasons import role as role_of

_v, _event_json, _date = term_value, event_json, event_day

# What "the next position up" needs, by the cs:forPosition of the rules.
_NEXT_UP = {
    "undetermined": {"SecurityRegime", "ConflictFormation"},
    "conflict-formation": {"SecurityRegime"},
    "security-regime": {"SecurityCommunity", "AscendantSecurityCommunity", "MatureSecurityCommunity"},
    ("security-community", "nascent"): {"AscendantSecurityCommunity", "MatureSecurityCommunity"},
    ("security-community", "ascendant"): {"MatureSecurityCommunity"},
    ("security-community", "mature"): {"RegionalIntegration"},
}


@dataclass
class Period:
    """One relationship over one period, with the reasons."""

    relationship: str
    members: list[str]
    from_: str | None
    to: str | None
    position: str | None
    subtype: str | None = None
    stage: str | None = None
    trust: str | None = None
    strategies: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    security_dilemma_sensibility: list[dict[str, Any]] = field(default_factory=list)
    strategies_not_found: list[dict[str, Any]] = field(default_factory=list)
    not_counted: list[dict[str, Any]] = field(default_factory=list)
    despite: list[dict[str, Any]] = field(default_factory=list)
    regime_conditions: list[dict[str, Any]] = field(default_factory=list)
    # Set where one of Jervis's conditions is unmet beside a regime: how the regime and the unmet
    # condition fit (formed while it was unmet, or strained since), and what would change it.
    qualification: str | None = None
    reason: str | None = None
    start: str | None = None  # ISO date of the first checkpoint
    end: str | None = None  # ISO date of the next change (exclusive)
    # For the period still in effect when the case's observation ends (``to`` is None): the last day
    # observed (the case's ``to``, or its last event). The rules assess nothing after it, so the period
    # is no conclusion about later days.
    observed_until: str | None = None
    # The Correlates of War numbers of ``members``, in the same order (None for a member without one).
    members_cow: list[int | None] = field(default_factory=list)
    # The same period explained by its last checkpoint on or before a given ISO day (see explained_at)
    _explain_upto: Callable[[str], Period] | None = field(default=None, repr=False, compare=False)

    def explained_at(self, iso: str) -> Period:
        """This period explained as it stood on the ISO day ``iso``: by its last checkpoint on or before that
        day, citing no later event (a long period is otherwise explained by its last checkpoint, whose
        evidence may all postdate a day in its middle). The period itself where it was read without the
        inferred graph's findings."""
        if self._explain_upto is None or (self.end is not None and iso >= self.end):
            return self
        return replace(self._explain_upto(iso), observed_until=self.observed_until)

    def covers(self, iso: str) -> bool:
        """Whether the period is in effect on the ISO day ``iso`` (and the case observed then)."""
        return ((self.start is None or self.start <= iso) and (self.end is None or iso < self.end)
                and (self.observed_until is None or iso <= self.observed_until))

    def overlaps(self, first: str, last: str) -> bool:
        """Whether the period shares an observed day with the span from ``first`` to ``last`` (ISO dates)."""
        return ((self.start is None or self.start <= last) and (self.end is None or self.end > first)
                and (self.observed_until is None or self.observed_until >= first))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "relationship": self.relationship, "members": self.members, "members_cow": self.members_cow,
            "from": self.from_, "to": self.to,
            "position": self.position, "subtype": self.subtype, "stage": self.stage, "trust": self.trust,
            "strategies": self.strategies, "evidence": self.evidence, "missing": self.missing, "rules": self.rules,
            "security_dilemma_sensibility": self.security_dilemma_sensibility,
            "strategies_not_found": self.strategies_not_found,
            "not_counted": self.not_counted, "despite": self.despite,
            "regime_conditions": self.regime_conditions, "qualification": self.qualification,
        }
        data["reason"] = self.reason  # why there is no position; null for a classified period
        data["observed_until"] = self.observed_until
        return data



def build_periods(store: Store, upto: str | None = None) -> list[Period]:
    """Read the inferred graph (after :func:`run_rules`) into periods, one list for every case.

    Each period is explained by its last checkpoint, or, with ``upto`` (an ISO day), by its last
    checkpoint on or before that day, so that an explanation never cites a later event.
    """
    cases = list_cases(store)
    events: dict[str, Event] = {e.iri: e for c in cases for e in c.events}
    rules = {_v(r["rule"]): r for r in store.select(load_query("classify/read-rules"))}
    findings: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(_event_lists)
    for r in store.select(load_query("classify/read-findings")):
        bucket = findings[_v(r["a"])][(_v(r["kind"]), _v(r["rule"]))]
        if r["event"] is not None:
            bucket.append(_v(r["event"]))
    used: dict[str, set[str]] = defaultdict(set)
    for r in store.select(load_query("classify/read-rules-used")):
        used[_v(r["a"])].add(_v(r["rule"]))
    assessments: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: dict[str, dict[str, Any]] = {}
    for r in store.select(load_query("classify/read-assessments")):
        a = _v(r["a"])
        if a in seen:  # several ways of writing the same date: keep the shortest
            if len(_v(r["text"])) < len(seen[a]["text"]):
                seen[a]["text"] = _v(r["text"])
            continue
        row = {"a": a, "date": _v(r["date"]), "text": _v(r["text"]), "position": _v(r["position"]),
               "subtype": _v(r["subtype"]), "stage": _v(r["stage"]), "trust": _v(r["trust"]),
               "since": _v(r["since"])}
        seen[a] = row
        assessments[_v(r["case"])].append(row)
    strategies = _strategies(store, events)
    statuses = {_v(r["f"]): _v(r["status"]) for r in store.select(load_query("classify/read-statuses"))}
    ignored: dict[str, list[str]] = defaultdict(list)
    for r in store.select(load_query("classify/read-not-counted")):
        ignored[_v(r["case"])].append(_v(r["event"]))
    misses: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in store.select(load_query("classify/read-misses")):
        misses[_v(r["case"])].append({"kind": _v(r["kind"]), "rule": _v(r["rule"]), "event": _v(r["event"])})
    sensibility: dict[str, list[str]] = defaultdict(list)
    for r in store.select(load_query("classify/read-sensibility")):
        sensibility[_v(r["case"])].append(_v(r["event"]))

    observed = {_v(r["case"]): _v(r["until"]) for r in store.select(load_query("classify/read-observed"))}
    for rows in assessments.values():  # the unmet conditions beside a regime are part of the result
        for point in rows:
            point["unmet"] = unmet(point, findings[point["a"]], rules, statuses)
    periods: list[Period] = []
    for case in cases:
        points = sorted(assessments.get(case.iri, []), key=lambda p: p["date"])
        if not points:
            periods.append(Period(case.id, case.members, None, None, None,
                                  reason="no dated events: nothing to classify; add dated, typed events to its case "
                                  "file or an events CSV (docs: Ingest) and ingest again" if not case.events
                                  else "no assessment was made (are the rule queries and rules.ttl loaded?)",
                                  members_cow=case.members_cow))
            continue
        runs: list[list[dict[str, Any]]] = []
        for point in points:
            if runs and _key(runs[-1][0]) == _key(point):
                runs[-1].append(point)
            else:
                runs.append([point])
        for i, run in enumerate(runs):
            nxt = runs[i + 1][0] if i + 1 < len(runs) else None
            shape = partial(_period, case, run, nxt, findings, used, rules, events, strategies, sensibility,
                            statuses, misses, ignored=ignored.get(case.iri, []))
            period = shape(upto)
            period._explain_upto = partial(_reshaped, shape, upto)
            if nxt is None:
                period.observed_until = observed.get(case.iri)
            periods.append(period)
    return periods


def _event_lists() -> defaultdict[tuple[str, str], list[str]]:
    """A checkpoint's findings, by kind and rule (a named function, not a lambda, so that periods pickle)."""
    return defaultdict(list)


def _reshaped(shape: Callable[[str | None], Period], upto: str | None, iso: str) -> Period:
    """The period shaped again, explained as of ``iso`` (never later than the ``upto`` it was read with)."""
    return shape(iso if upto is None else min(iso, upto))


def _period(case: Case, run: list[dict[str, Any]], nxt: dict[str, Any] | None,
            findings: dict[str, dict[tuple[str, str], list[str]]], used: dict[str, set[str]],
            rules: dict[str, Any], events: dict[str, Event], strategies: dict[str, list[dict[str, Any]]],
            sensibility: dict[str, list[str]], statuses: dict[str, str],
            misses: dict[str, list[dict[str, Any]]], upto: str | None, ignored: list[str]) -> Period:
    first = run[0]
    start, end = first["date"], nxt["date"] if nxt else None
    # The checkpoint that explains the period: its last, or its last on or before the day asked about.
    last = ([p for p in run if upto is None or p["date"] <= upto] or run[:1])[-1]
    found = findings[last["a"]]
    sorted_in: dict[str, dict[str, dict[str, Any]]] = {"support": {}, "despite": {}}
    for (kind, rule), evs in sorted(found.items()):
        role = role_of(rules.get(rule), first) if kind == "condition" else ""
        if role not in sorted_in:
            continue
        for iri in evs:
            item = sorted_in[role].setdefault(iri, {**_event_json(events.get(iri), iri), "rules": []})
            item["rules"].append(rule)
    evidence, despite = sorted_in["support"], sorted_in["despite"]
    wanted = _NEXT_UP.get((first["position"], first["stage"]), _NEXT_UP.get(first["position"], set()))
    has_regime = first["position"] in REGIME_BASED
    conditions = regime_conditions(last, found, rules, statuses, events) if has_regime else []
    said = {c["rule"]: c for c in conditions}
    missing = []
    for (kind, rule), evs in sorted(found.items()):
        info = rules.get(rule)
        if kind != "obstacle" or info is None:
            continue
        target = (_v(info["forPosition"]) or "").removeprefix(CS)
        status = statuses.get(f"{last['a']}/{_v(info['slug'])}") if info["slug"] is not None else None
        if status is not None:  # one of Jervis's conditions: reported beside a regime, never blocking
            if not has_regime:
                continue
        elif not (_v(info["anyPosition"]) == "true"  # said at any position (cs:shownAtAnyPosition)
                  or (target and target in wanted)):
            continue
        blocking = sorted(set(evs), key=lambda e: (_date(events, e), e))
        item = {"condition": _v(info["whenMissing"]) or _v(info["label"]), "rule": rule,
                "evidence": [_event_json(events.get(e), e) for e in blocking]}
        if status is not None:
            item["status"] = status
            if rule in said and said[rule].get("qualifies"):  # how an unmet condition fits the regime
                item["condition"] += f": unmet, so the regime is qualified: {said[rule]['qualifies']}"
                item["would_change"] = said[rule]["would_change"]
        missing.append(item)
    _why_no_trust(missing, first["trust"], found.get(("obstacle", _ELITE_TRUST), []), rules, events)
    in_period = [s for s in strategies.get(case.iri, []) if start <= s["_start"] and (end is None or s["_start"] < end)
                 and (upto is None or s["_start"] <= upto)]
    shown = sorted(set(sensibility.get(case.iri, [])), key=lambda e: (_date(events, e), e))
    sds = [_event_json(events.get(e), e) for e in shown
           if start <= _date(events, e) and (end is None or _date(events, e) < end)
           and (upto is None or _date(events, e) <= upto)]
    return Period(
        relationship=case.id, members=case.members, members_cow=case.members_cow, from_=first["text"],
        to=nxt["text"] if nxt else None,
        position=first["position"], subtype=first["subtype"], stage=first["stage"], trust=first["trust"],
        strategies=[_strategy_upto(s, events, upto) for s in in_period],
        evidence=sorted(evidence.values(), key=lambda e: (e["date"] or "", e["event"])),
        missing=missing, rules=sorted(set().union(*(used[p["a"]] for p in run))),
        security_dilemma_sensibility=sds, start=start, end=end,
        strategies_not_found=_misses(misses.get(case.iri, []), events, rules, start, end, upto),
        not_counted=[_event_json(events.get(e), e) for e in sorted(ignored, key=lambda e: (_date(events, e), e))
                     if start <= _date(events, e) and (end is None or _date(events, e) < end)
                     and (upto is None or _date(events, e) <= upto)],
        despite=sorted(despite.values(), key=lambda e: (e["date"] or "", e["event"])),
        regime_conditions=conditions,
        qualification="; ".join(f"{c['condition']}: {c['qualifies']}" for c in conditions if c.get("qualifies"))
        or None,
    )


_ELITE_TRUST = instance("rule", "elite-trust").value


def _why_no_trust(missing: list[dict[str, Any]], trust: str | None, derived: list[str], rules: dict[str, Any],
                  events: dict[str, Event]) -> None:
    """Without trust evidence, say why on the leaders'-trust finding (added if the period does not show it):
    trust ``none`` rests on the events of mistrust that finding is derived from (queries/classify/50-trust.rq);
    ``undetermined`` says what would decide it (cs:wouldBeDecidedBy of rule:elite-trust)."""
    info = rules.get(_ELITE_TRUST)
    if trust not in ("none", "undetermined") or info is None:
        return
    item = next((m for m in missing if m["rule"] == _ELITE_TRUST), None)
    if item is None:
        shown = sorted(set(derived), key=lambda e: (_date(events, e), e))
        item = {"condition": _v(info["whenMissing"]) or _v(info["label"]), "rule": _ELITE_TRUST,
                "evidence": [_event_json(events.get(e), e) for e in shown]}
        missing.append(item)
    if trust == "none":
        item["condition"] += "; trust none: the events listed show mistrust"
    else:
        decide = _v(info["wouldBeDecidedBy"])
        item["condition"] += "; trust undetermined: no evidence of mistrust either" + (f"; {decide}" if decide else "")


def _key(point: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two checkpoints one period: the same result, and the same unmet conditions of its regime."""
    return (point["position"], point["subtype"], point["stage"], point["trust"], point.get("unmet", ()))


def _misses(items: list[dict[str, Any]], events: dict[str, Event], rules: dict[str, Any], start: str,
            end: str | None, upto: str | None) -> list[dict[str, Any]]:
    """Why a strategy was not found, for the candidate moves dated in the period (and not after ``upto``)."""
    out = []
    for m in items:
        day = _date(events, m["event"])
        if day < start or (end is not None and day >= end) or (upto is not None and day > upto):
            continue
        info = rules.get(m["rule"])
        out.append({"kind": m["kind"], "rule": m["rule"], "reason": _v(info["whenMissing"]) if info else None,
                    **_event_json(events.get(m["event"]), m["event"])})
    return sorted(out, key=lambda x: (x["date"] or "", x["event"], x["kind"], x["rule"]))


def _strategy_upto(use: dict[str, Any], events: dict[str, Event], upto: str | None) -> dict[str, Any]:
    """A strategy as shown: with ``upto``, only its moves (and the works' readings of them) dated on or before
    that day, so an answer for a date cites nothing after it; the strategy itself is shown from its first move."""
    shown = {k: v for k, v in use.items() if not k.startswith("_")}
    if upto is None:
        return shown
    keep = [i for i, move in enumerate(use["_moves"]) if _date(events, move) <= upto]
    moves = {use["_moves"][i] for i in keep}
    shown["dates"] = [use["dates"][i] for i in keep]
    shown["evidence"] = [use["evidence"][i] for i in keep]
    shown["readings"] = [r for r in use["readings"] if r["event"] in moves]
    shown["disputed"] = any(r["disputed_by"] for r in shown["readings"])
    return shown


def _strategies(store: Store, events: dict[str, Event]) -> dict[str, list[dict[str, Any]]]:
    uses: dict[str, dict[str, Any]] = {}
    for r in store.select(load_query("classify/read-strategies")):
        s = _v(r["s"])
        use = uses.setdefault(s, {"kind": _v(r["kind"]), "dates": [], "outcome": _v(r["outcome"]), "evidence": [],
                                  "readings": [], "disputed": False, "rule": _v(r["rule"]), "_case": _v(r["case"]),
                                  "_moves": set()})
        use["_moves"].add(_v(r["move"]))
    readings: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in store.select(load_query("classify/read-readings")):
        if _v(r["negated"]) == "true":
            continue
        reading = readings[_v(r["s"])].setdefault(_v(r["ch"]), {
            "event": _v(r["move"]), "concept": _v(r["concept"]).removeprefix(CS), "work": _v(r["work"]),
            "pages": _v(r["pages"]), "section": _v(r["section"]), "disputed_by": []})
        if r["disputedBy"] is not None and _v(r["disputedBy"]) not in reading["disputed_by"]:
            reading["disputed_by"].append(_v(r["disputedBy"]))
            reading["disputed_by"].sort()  # rows arrive in any order
    by_case: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s, use in uses.items():
        moves = sorted(use.pop("_moves"), key=lambda e: (_date(events, e), e))
        use["dates"] = [events[m].date if m in events else None for m in moves]
        use["evidence"] = [_event_json(events.get(m), m) for m in moves]
        use["readings"] = sorted(readings[s].values(), key=lambda x: (x["work"], x["event"]))
        use["disputed"] = any(x["disputed_by"] for x in use["readings"])
        use["_start"] = _date(events, moves[0]) if moves else ""
        use["_moves"] = moves
        by_case[use.pop("_case")].append(use)
    for items in by_case.values():
        items.sort(key=lambda u: (u["_start"], u["kind"], [e["event"] for e in u["evidence"]]))
    return by_case
