"""How robust a classification is: which single event, removed or typed otherwise, changes a period.

For each case the real classifier runs again on a copy of the case's data (an in-memory store of the
case, the ontology, the rules, the actors and the works: other cases are left out) once per variant; the
case's events are those of its case file and those an events CSV adds to it:

- every event removed in turn (with everything said about it: type, sources, characterisations);
- every event retyped to each plausible alternative of its type (``cs:plausibleAlternative`` in the
  ontology, read both ways: a leadership visit that may be a unilateral initiative).

Periods move when events change, so periods are compared by their own dates, not by identity: a period
is ``fragile`` when a variant gives another position, stage or trust on the day it starts or on its
last day (for an open period: today), and ``robust`` otherwise. A day the variant does not assess at
all (the removed event was the one that opened the record) is not compared.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..catalogue import Case, Event, find_case, list_cases
from ..errors import UsageError
from ..ingest.cases import case_graph
from ..namespaces import CS, RDF_TYPE, cs
from ..queries import load_query
from ..store import Store, open_store
from .periods import Period, build_periods
from .run import run_rules
from .scope import in_scope, readable_graphs

#: The most classifier runs one call makes; more raises a UsageError naming the cases to check one by one.
MAX_RUNS = 2000

#: ``progress(done, total, what)`` after every run.
Progress = Callable[[int, int, str], None]

State = tuple[str | None, str | None, str | None]  # position, stage, trust
_OPEN = "9999-12-31"  # the probe for "today" at the end of an open period
_IN_CASE = cs("inCase")


@dataclass(frozen=True)
class Variant:
    """One change to a case's data: an event removed, or typed as ``to_type`` instead of ``from_type``."""

    kind: str  # "removed" | "retyped"
    event: Event
    from_type: str | None = None
    to_type: str | None = None

    def describe(self) -> str:
        what = f"{self.event.date} {self.event.label or self.event.id}"
        if self.kind == "removed":
            return f"without {what}"
        return f"{what} as {_local(self.to_type)} (not {_local(self.from_type)})"


@dataclass
class Change:
    """A variant that changes a period, with what the period becomes on each day compared."""

    variant: Variant
    becomes: dict[str, dict[str, str | None]]  # "start" | "end" -> position, stage, trust

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"event": self.variant.event.iri, "date": self.variant.event.date,
                                "label": self.variant.event.label, "becomes": self.becomes}
        if self.variant.kind == "retyped":
            data["from_type"] = _local(self.variant.from_type)
            data["to_type"] = _local(self.variant.to_type)
        return data


@dataclass
class PeriodSensitivity:
    """One period of the full classification and the single changes that would alter it."""

    period: Period
    removals: list[Change] = field(default_factory=list)
    retypings: list[Change] = field(default_factory=list)
    runs: int = 0

    @property
    def verdict(self) -> str:
        return "fragile" if self.removals or self.retypings else "robust"

    def deciding(self) -> list[str]:
        """The deciding changes in short words for a table: ``without EVENT: ...`` or ``EVENT as TYPE: ...``."""
        out = []
        for change in self.removals + self.retypings:
            v = change.variant
            what = f"without {v.event.id}" if v.kind == "removed" else f"{v.event.id} as {_local(v.to_type)}"
            states = {where: _state_text(state) for where, state in change.becomes.items()}
            if len(set(states.values())) == 1:
                after = next(iter(states.values())) + ("" if len(states) == 2 else f" (at the {next(iter(states))})")
            else:
                after = ", ".join(f"{where}: {text}" for where, text in states.items())
            out.append(f"{what}: {after}")
        return out

    def to_json(self) -> dict[str, Any]:
        p = self.period
        return {"relationship": p.relationship, "from": p.from_, "to": p.to, "position": p.position,
                "stage": p.stage, "trust": p.trust, "robustness": self.verdict,
                "removals": [c.to_json() for c in self.removals],
                "retypings": [c.to_json() for c in self.retypings], "runs": self.runs}


def sensitivity(store: Store, cases: Sequence[str] | None = None, progress: Progress | None = None,
                max_runs: int = MAX_RUNS) -> list[PeriodSensitivity]:
    """Check every period of every case (or of ``cases``) against single removals and retypings."""
    alternatives: dict[str, list[str]] = defaultdict(list)
    for r in store.select(load_query("classify/read-alternatives")):
        alternatives[r["type"].value].append(r["alternative"].value)  # type: ignore[union-attr]
    known = list_cases(store)
    if cases:
        cases = [find_case([c.id for c in known], c) for c in cases]  # any letter case; did you mean
    chosen = [c for c in known if not cases or c.id in cases]
    readable = readable_graphs(store)
    plans = []
    for case in chosen:
        own = _own_graphs(case, in_scope(readable, [case.id]))
        plans.append((case, own, _variants(case.events, own, alternatives)))
    total = sum(len(v) + 1 for _, _, v in plans)
    if total > max_runs:
        sizes = ", ".join(f"{c.id} {len(v) + 1}" for c, _, v in plans)
        raise UsageError(f"the check needs {total} classifier runs, more than the limit of {max_runs} "
                         f"({sizes}): name fewer cases")
    done = 0
    results: list[PeriodSensitivity] = []
    for case, own, variants in plans:
        variant_store = open_store("memory:")
        try:  # what the case reads (scope.py), with its own graphs as the variants change them
            variant_store.replace_graphs(in_scope(readable, [case.id]))
            reference = _classify(variant_store, case.id)
            done += 1
            if progress:
                progress(done, total, f"{case.id}: as coded")
            checks = [PeriodSensitivity(p, runs=len(variants) + 1) for p in reference if p.position is not None]
            for variant in variants:
                variant_store.replace_graphs(_apply(own, variant))
                found = _classify(variant_store, case.id)
                done += 1
                if progress:
                    progress(done, total, f"{case.id}: {variant.describe()}")
                for check in checks:
                    becomes = _compare(check.period, found)
                    if becomes:
                        (check.removals if variant.kind == "removed" else check.retypings).append(
                            Change(variant, becomes))
        finally:
            variant_store.close()
        results.extend(checks)
    return results


def _classify(store: Store, case_id: str) -> list[Period]:
    run_rules(store)
    return [p for p in build_periods(store) if p.relationship == case_id]


def _own_graphs(case: Case, scoped: dict[ox.NamedNode, list[ox.Triple]]) -> dict[ox.NamedNode, list[ox.Triple]]:
    """The graphs a variant changes, out of what the case reads (``scoped``): the case's own, and every other
    graph that gives it events (an events CSV's ``events/<file>``, holding only this case's events there), so
    that an event a CSV added is removed and retyped as a case file's is."""
    node = case_graph(case.id)
    own = {node: scoped.get(node, [])}
    iri = ox.NamedNode(case.iri)
    for name, triples in scoped.items():
        if any(t.predicate == _IN_CASE and t.object == iri for t in triples):
            own[name] = triples
    return own


def _variants(events: list[Event], own: dict[ox.NamedNode, list[ox.Triple]],
              alternatives: dict[str, list[str]]) -> list[Variant]:
    asserted: dict[str, list[str]] = defaultdict(list)
    for triples in own.values():
        for t in triples:
            if t.predicate == RDF_TYPE and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
                asserted[t.subject.value].append(t.object.value)
    out: list[Variant] = []
    for event in sorted(events, key=lambda e: (e.earliest, e.id)):
        out.append(Variant("removed", event))
        for typ in sorted(asserted.get(event.iri, [])):
            for alt in alternatives.get(typ, []):
                if alt not in asserted[event.iri]:
                    out.append(Variant("retyped", event, typ, alt))
    return out


def _apply(own: dict[ox.NamedNode, list[ox.Triple]], variant: Variant) -> dict[ox.NamedNode, list[ox.Triple]]:
    """The case's graphs with the variant applied (the originals are left as they are)."""
    event = ox.NamedNode(variant.event.iri)
    out: dict[ox.NamedNode, list[ox.Triple]] = {}
    for g, triples in own.items():
        if variant.kind == "removed":
            out[g] = [t for t in triples if t.subject != event and t.object != event]
        else:
            old, new = ox.NamedNode(variant.from_type or ""), ox.NamedNode(variant.to_type or "")
            out[g] = [ox.Triple(t.subject, t.predicate, new)
                      if t.subject == event and t.predicate == RDF_TYPE and t.object == old else t for t in triples]
    return out


def _state_at(periods: list[Period], iso: str) -> State | None:
    """The state of the period that starts on or before ``iso`` and has not ended by it. A run's last
    period counts to the end of time here: a variant without the case's last event is observed for less
    long, and its last state is what that event changes."""
    for p in periods:
        if p.position is not None and (p.start is None or p.start <= iso) and (p.end is None or iso < p.end):
            return p.position, p.stage, p.trust
    return None


def _probes(period: Period) -> dict[str, str]:
    probes = {"start": period.start or _OPEN}
    if period.end is None:
        probes["end"] = _OPEN
    else:
        probes["end"] = (dt.date.fromisoformat(period.end) - dt.timedelta(days=1)).isoformat()
    return probes


def _compare(period: Period, found: list[Period]) -> dict[str, dict[str, str | None]]:
    """What the changed run gives on the period's first and last day, where it differs from the period."""
    mine: State = (period.position, period.stage, period.trust)
    becomes: dict[str, dict[str, str | None]] = {}
    for where, iso in _probes(period).items():
        state = _state_at(found, iso)
        if state is not None and state != mine:
            becomes[where] = {"position": state[0], "stage": state[1], "trust": state[2]}
    return becomes


def _state_text(state: dict[str, str | None]) -> str:
    extra = ", ".join(x for x in (state["stage"], state["trust"] and f"trust {state['trust']}") if x)
    return f"{state['position']}" + (f" ({extra})" if extra else "")


def _local(iri: str | None) -> str | None:
    return iri.removeprefix(CS) if iri else None
