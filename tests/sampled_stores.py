"""A few relationships at a time, each in a store of its own, for the property tests of the classifier.

A run of the rules over every bundled and validation relationship takes some 14 s; a relationship is
classified from its own case graph and the graphs all share (ontology, rules, actors, works), so a
store holding a few of them answers in a fraction of a second, and an example can afford many dates.
tests/test_classify_validity.py checks that this holds (a relationship alone is classified as among all).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pyoxigraph as ox
from hypothesis import strategies as st

from cooperative_security.catalogue import list_cases
from cooperative_security.classify import INFERRED_GRAPH, Period
from cooperative_security.classify.run import REQUEST_GRAPH
from cooperative_security.ingest.cases import case_graph
from cooperative_security.store import Store, open_store

ONE_DAY, YEAR = dt.timedelta(days=1), dt.timedelta(days=366)


class Bundle:
    """The store taken apart: each relationship's case graph, the graphs they share (ontology, rules,
    actors, works), the full run, and for each relationship the days where its answer can change. Not
    a dataclass, and the property tests take no other fixture: hypothesis prints every argument of a
    falsifying example, every triple and period included."""

    def __init__(self, shared: dict[ox.NamedNode, list[ox.Triple]], own: dict[str, list[ox.Triple]],
                 full: list[Period], days: dict[str, list[dt.date]]) -> None:
        self.shared, self.own, self.full, self.days = shared, own, full, days

    def __repr__(self) -> str:
        return f"Bundle({len(self.own)} relationships)"


def _day(iso: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso) if iso else None
    except ValueError:  # a year before the common era
        return None


def take_apart(store: Store, full_run: list[Period]) -> Bundle:
    """The store's graphs, each relationship's apart, after ``full_run = classify(store)``."""
    graphs = {name: [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(ox.NamedNode(name))]
              for name in store.graph_names() if name not in (INFERRED_GRAPH.value, REQUEST_GRAPH.value)}
    relationships = sorted({p.relationship for p in full_run})
    own = {case: graphs.pop(case_graph(case).value, []) for case in relationships}
    assert all(own.values()), f"no case graph for {[c for c, ts in own.items() if not ts]}"
    others = [name for name in graphs if name.startswith(case_graph("").value)]
    assert not others, f"case graphs of no classified relationship: {others}"
    # Where answers change: the first day of each period and of the next (its end), the last day
    # observed, and every event's day.
    days: dict[str, set[dt.date]] = {case: set() for case in relationships}
    for p in full_run:
        days[p.relationship].update(d for d in map(_day, (p.start, p.end, p.observed_until)) if d)
    for case in list_cases(store):
        if case.id in days:
            days[case.id].update(d for d in (_day(e.earliest) for e in case.events) if d)
    assert all(days.values()), f"no dated period or event for {[c for c, d in days.items() if not d]}"
    return Bundle({ox.NamedNode(g): ts for g, ts in graphs.items()}, own, full_run,
                  {c: sorted(d) for c, d in days.items()})


@contextmanager
def store_of(bundle: Bundle, cases: Sequence[str]) -> Iterator[Store]:
    """A fresh in-memory store with the shared graphs and these relationships' case graphs only."""
    kg = open_store("memory:")
    try:
        kg.replace_graphs({**bundle.shared, **{case_graph(c): bundle.own[c] for c in cases}})
        yield kg
    finally:
        kg.close()


def some_relationships(bundle: Bundle, most: int = 3) -> st.SearchStrategy[list[str]]:
    """One to ``most`` relationships: over a few runs, every one is drawn."""
    return st.lists(st.sampled_from(sorted(bundle.own)), min_size=1, max_size=most, unique=True)


def days_of(bundle: Bundle, case: str) -> st.SearchStrategy[dt.date]:
    """A day of a relationship's record: on or beside a day where its answer can change (boundaries are
    where date bugs live), or anywhere from a year before its first such day to a year after its last."""
    known = bundle.days[case]
    beside = st.tuples(st.sampled_from(known), st.sampled_from((-1, 0, 1))).map(lambda t: t[0] + t[1] * ONE_DAY)
    anywhere = st.dates(min_value=max(dt.date.min + YEAR, known[0]) - YEAR,
                        max_value=min(dt.date.max - YEAR, known[-1]) + YEAR)
    return st.one_of(beside, anywhere)
