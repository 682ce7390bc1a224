"""Explainable classification on Buzan's spectrum, by the SPARQL rules of ``queries/classify/``.

The thresholds and event types come from ``data/rules.ttl`` (the rules graph); the rule queries run in
order and write their conclusions, with PROV-O provenance, into the inferred graph; this module only
orchestrates them and shapes the result into periods::

    from cooperative_security.kb import open_knowledge_graph
    from cooperative_security.classify import classify, to_dataframe
    kg = open_knowledge_graph("memory:")
    periods = classify(kg, cases=["france-germany"])
    to_dataframe(periods, kg)  # without kg, no ``sources`` column
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..catalogue import find_case
from ..errors import UsageError
from ..queries import load_query
from ..store import Store
from .periods import Period, build_periods
from .run import INFERRED_GRAPH, requested_day, run_rules
from .scope import case_scope

if TYPE_CHECKING:
    import pandas as pd


def known_cases(store: Store) -> list[str]:
    return sorted(r["slug"].value for r in store.select(load_query("ingest/cases")))  # type: ignore[union-attr]


def classify(store: Store, cases: Sequence[str] | None = None, at: str | None = None,
             progress: Callable[[str], None] | None = None, inferred: list[ox.Triple] | None = None
             ) -> list[Period]:
    """Classify every relationship (or those named in ``cases``) over time.

    Without ``cases`` the rules run in ``store`` and write its inferred graph. With ``cases`` they run on
    an in-memory copy of what those cases' classification reads (:mod:`.scope`): the answers are the
    same, the time is that of the cases named, and ``store`` is only read (its inferred graph is left
    as it was). ``inferred``, a list, is given the run's inferred triples (``coopsec classify -f turtle``).

    With ``at`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) the end of that year, month or day becomes a
    checkpoint too, and only the periods overlapping that year, month or day are returned: the last of
    them for a relationship is the one in effect at its end. ``progress`` is told each step as it starts:
    each rule query, then the reading of the periods.
    """
    if cases:
        known = known_cases(store)
        cases = list(dict.fromkeys(find_case(known, c) for c in cases))  # any letter case; did you mean
    if at is not None and not str(at).strip():  # an empty shell variable: it used to give every period
        raise UsageError("--at is empty: give a date (YYYY, YYYY-MM or YYYY-MM-DD), or leave --at out for every "
                         "period")
    day = requested_day(at) if at else None
    span = (day.earliest.isoformat(), day.latest.isoformat()) if day else None
    if not cases:
        periods = _run(store, at, span, progress, inferred)
    else:  # the rules on a copy of what these cases read: the cost of the cases named, the same answers
        with case_scope(store, cases) as scoped:
            periods = [p for p in _run(scoped, at, span, progress, inferred) if p.relationship in cases]
    if span:
        periods = _at(periods, at, span)  # type: ignore[arg-type]
    return periods


def _run(store: Store, at: str | None, span: tuple[str, str] | None, progress: Callable[[str], None] | None,
         inferred: list[ox.Triple] | None) -> list[Period]:
    run_rules(store, [at] if at else None, progress)
    if progress:
        progress("reading the periods")
    if inferred is not None:
        inferred.extend(inferred_triples(store))
    return build_periods(store, span[1] if span else None)


def _at(periods: list[Period], at: str, span: tuple[str, str]) -> list[Period]:
    """The periods overlapping ``span``, and for a case observed only before or after it, a period
    without a position that says so: the rules assess nothing outside a case's observation, so its
    last position is no answer about a later date."""
    shown: list[Period] = []
    for case in dict.fromkeys(p.relationship for p in periods):
        mine = [p for p in periods if p.relationship == case]
        here = [p for p in mine if p.position is None or p.overlaps(*span)]
        dated = [p for p in mine if p.position is not None and p.start]
        if not here and dated:
            first, last = dated[0], dated[-1]
            until = last.observed_until or last.start
            advice = (f"record its events of {at}, and widen its `from`, to classify it then"
                      if span[1] < (first.start or "") else
                      f"record its events up to {at}, or extend its `to` if they are complete up to it, to "
                      "classify it then")
            shown.append(Period(case, first.members, None, None, None, reason=(
                f"not observed at {at} (observed {first.from_} to {until}): {advice}"),
                members_cow=first.members_cow))
        shown += here
    return shown


def observed_until(store: Store) -> dict[str, str]:
    """Case IRI -> the last day (ISO) the last run assessed it: its ``to``, or the day of its last event."""
    return {r["case"].value: r["until"].value for r in store.select(load_query("classify/read-observed"))  # type: ignore[union-attr]
            if r.get("case") is not None and r.get("until") is not None}


def inferred_triples(store: Store) -> list[ox.Triple]:
    """The inferred graph of the last run, as triples."""
    return [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(INFERRED_GRAPH)]


def to_dataframe(periods: Sequence[Period], store: Store | None = None) -> pd.DataFrame:
    """One row per relationship and period, with the lists as Python objects: the columns of
    ``coopsec classify --format json``, ``members_cow`` among them. Given the ``store`` the periods were
    classified in, the last column is ``sources``, what the cited sources say of each period (the JSON's
    ``sources``: ``voice``, ``dimensions``, ``works``, ``agree``, ``disagree``)."""
    import pandas as pd

    frame = pd.DataFrame([p.to_json() for p in periods])
    if store is not None:
        from .voice import source_voice

        frame["sources"] = [v.to_json() for v in source_voice(store, periods)]
    return frame


__all__ = [
    "Period", "classify", "to_dataframe", "inferred_triples", "known_cases", "INFERRED_GRAPH",
]


from .._callable import make_callable  # noqa: E402 - `cs.classify(...)` in a notebook calls api.classify

make_callable(__name__, "classify")
