"""Sort the findings of a checkpoint into the reasons of a period's explanation.

``docs/guide/explanations.md`` describes the output; this module decides what each finding is to the
result (position, stage, trust, kind of regime) of the checkpoint that explains a period:

- ``evidence`` ("because"): the events of the conditions that argue for the result, by the
  ``cs:forPosition`` of their rules in ``data/rules.ttl``: its position and the positions it rests on (a
  community rests on a regime), its level of trust, and for a regime the kinds of regime its evidence
  shows;
- ``despite``: the events of a conflict formation within the window that a regime or a higher position
  outranks: conflict evidence the position was reached despite, never a reason for it;
- ``regime_conditions``: beside a regime or a community, each of Jervis's conditions met, unmet or
  unknown, with its events. They are conditions for forming a regime and neither make nor unmake one;
  one shown unmet qualifies the regime (how the two fit, and what would change it), and a period ends
  when the unmet conditions change.

Conditions that hold for a position the result did not reach (leaders' trust read as dependable
expectations beside a regime, a regime beside a unification) are no reasons for it: they stay in the
inferred graph, and in the Turtle output, as findings.
"""

from __future__ import annotations

from typing import Any

from ..catalogue import Event
from ..namespaces import CS


def term_value(term: Any) -> Any:
    return None if term is None else term.value


def event_json(event: Event | None, iri: str) -> dict[str, Any]:
    if event is None:
        return {"event": iri, "date": None, "label": None, "sources": []}
    return {"event": iri, "date": event.date, "label": event.label,
            "sources": [{"work": s.work, "citation": s.citation, "pages": s.pages, "section": s.section}
                        for s in event.sources]}


def event_day(events: dict[str, Event], iri: str) -> str:
    """The earliest ISO day of an event ("" if it is not known)."""
    event = events.get(iri)
    return event.earliest if event else ""


# What argues for a position, by the cs:forPosition of the rules: the position and those it rests on.
_REGIME_AND_COMMUNITY = {"SecurityRegime", "SecurityCommunity"}
SUPPORTS = {
    "conflict-formation": {"ConflictFormation"},
    "security-regime": {"SecurityRegime"},
    ("security-community", "nascent"): _REGIME_AND_COMMUNITY,
    ("security-community", "ascendant"): _REGIME_AND_COMMUNITY | {"AscendantSecurityCommunity"},
    ("security-community", "mature"): _REGIME_AND_COMMUNITY | {"AscendantSecurityCommunity", "MatureSecurityCommunity"},
    "regional-integration": {"RegionalIntegration"},
}
# The trust rules (by slug) that argue for each level of trust: embedded trust needs both.
TRUST_RULES = {"contingent-cooperation": {"elite-trust"}, "embedded-trust": {"elite-trust", "societal-trust"}}
# Positions that outrank a conflict formation: its evidence is what they were reached despite.
ABOVE_CONFLICT = {"security-regime", "security-community", "regional-integration"}
REGIME_BASED = {"security-regime", "security-community"}


def unmet(point: dict[str, Any], found: dict[tuple[str, str], list[str]], rules: dict[str, Any],
           statuses: dict[str, str]) -> tuple[str, ...]:
    """The regime conditions shown unmet at a checkpoint with a regime (a community rests on one)."""
    if point["position"] not in REGIME_BASED:
        return ()
    return tuple(sorted(rule for kind, rule in found if kind == "obstacle" and rule in rules
                        and term_value(rules[rule]["regimeCondition"]) == "true"
                        and term_value(rules[rule]["slug"]) is not None
                        and statuses.get(f"{point['a']}/{term_value(rules[rule]['slug'])}") == "unmet"))


def role(info: Any, result: dict[str, Any]) -> str:
    """What a condition that holds is to a result: ``support`` (a reason for its position, trust or kind
    of regime), ``despite`` (conflict evidence the position outranks), ``regime-condition`` (one of
    Jervis's, reported on its own) or ``""`` (it bears on a position the result did not reach)."""
    if info is None:
        return ""
    if term_value(info["regimeCondition"]) == "true":
        return "regime-condition"
    position = result["position"]
    target = (term_value(info["forPosition"]) or "").removeprefix(CS)
    if target == "ConflictFormation" and position in ABOVE_CONFLICT:
        return "despite"
    if target and target in SUPPORTS.get((position, result["stage"]), SUPPORTS.get(position, set())):
        return "support"
    if term_value(info["rule"]).rpartition("/")[2] in TRUST_RULES.get(result["trust"], set()):
        return "support"
    if info["subtype"] is not None and position == "security-regime":
        return "support"
    return ""


def regime_conditions(point: dict[str, Any], found: dict[tuple[str, str], list[str]], rules: dict[str, Any],
                       statuses: dict[str, str], events: dict[str, Event]) -> list[dict[str, Any]]:
    """Jervis's conditions at a checkpoint with a regime: each met (with the events that show it), unmet
    (with the events that contradict it, how that fits the regime, and what would change it) or unknown."""
    out = []
    for rule, info in sorted(rules.items()):
        if term_value(info["regimeCondition"]) != "true" or info["slug"] is None:
            continue
        status = "met" if ("condition", rule) in found else statuses.get(f"{point['a']}/{term_value(info['slug'])}")
        if status is None:
            continue
        evs = sorted(set(found.get(("condition" if status == "met" else "obstacle", rule), [])),
                     key=lambda e: (event_day(events, e), e))
        item: dict[str, Any] = {"rule": rule, "condition": term_value(info["label"]), "status": status,
                                "evidence": [event_json(events.get(e), e) for e in evs]}
        if status == "unmet" and evs:
            item.update(_qualifies(point.get("since"), [(event_day(events, e), d["date"] or event_day(events, e))
                                                         for e, d in zip(evs, item["evidence"], strict=True)], info))
        out.append(item)
    return sorted(out, key=lambda c: c["condition"])  # Jervis's order: great powers, expansion, costliness


def _qualifies(since: str | None, days: list[tuple[str, str]], info: Any) -> dict[str, str]:
    """How a regime and one of Jervis's conditions shown unmet fit (``days``: the ISO day and the date as
    written of each event showing it unmet, in order), and what would change it.

    Jervis's conditions are for a regime's formation (Keating and Wheeler 2013, note 28: Jervis 1982,
    360-62); the regime itself is shown by its agreements and conduct, Jervis's test of its presence
    (note 27: Jervis 1982, 357). Unmet evidence from before the regime began means it formed where Jervis
    would not expect one to; evidence from after means the regime is strained, and Jervis expected security
    competition to wear such regimes down until they collapse (note 30)."""
    (first_day, first), (last_day, last) = days[0], days[-1]
    if since is not None and first_day < since:
        fits = (f"the regime began ({since}) while the condition was shown unmet ({first}), where Jervis expects "
                "no regime to form: its agreements and conduct show a regime whose footing is in doubt")
    else:
        fits = (f"its agreements and conduct still show a regime, strained since {first}: Jervis expected "
                "security competition to wear down a regime whose conditions fail")
    window = term_value(info["window"])
    if window is not None:
        until = _year(last_day) + int(window)
        change = (f"no longer unmet from {until}, when the last event showing it unmet ({last}) leaves the "
                  f"rule's {window}-year window, unless another falls within it")
    else:
        change = "the rule has no window: it stays unmet for as long as the evidence showing it unmet stands"
    return {"qualifies": fits, "would_change": change}


def _year(iso: str) -> int:
    """The year of an ISO day (``-0490-01-01`` is -490)."""
    sign, body = (-1, iso[1:]) if iso.startswith("-") else (1, iso)
    return sign * int(body.split("-")[0])
