"""Events dated outside their case's ``from``/``to``: one rule, read from triples, for ingest and ``coopsec check``.

A case is observed from its first event to its ``to`` (or its last event): an event before ``from`` or after
``to`` would silently move the observed span, so it is refused at ingest and reported by ``check``. An event
is outside only if the whole of its date is (an event of 1944 is outside ``from: 1945``; one of 1945 is not
outside ``from: 1945-05``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import Problem
from ..namespaces import DCTERMS, RDF_TYPE
from .base import cs, parse_date

_DATE = ox.NamedNode(DCTERMS + "date")
_IN_CASE, _START, _END, _CASE = cs("inCase"), cs("startDate"), cs("endDate"), cs("Case")


@dataclass(frozen=True)
class OutsideSpan:
    """An event whose date lies wholly before its case's ``from`` or after its ``to``."""

    event: str  # IRI
    case: str  # IRI
    date: str  # as written
    start: str | None  # the case's from, as written
    end: str | None  # the case's to, as written
    before: bool  # before `from` (else after `to`)

    @property
    def record(self) -> str:
        """``case/event``, as ingest names an event."""
        return f"{self.case.rsplit('/', 1)[1]}/{self.event.rsplit('/', 1)[1]}"

    @property
    def message(self) -> str:
        span = f"from {self.start or '(open)'} to {self.end or '(open)'}"
        if self.before:
            return (f"date {self.date} is before the case's span ({span}), and would move the start of what the "
                    f"case observes: widen the case's `from` to {self.date}, or leave the event out (and tell it "
                    "in the case's description)")
        return (f"date {self.date} is after the case's span ({span}), and would move the end of what the case "
                f"observes past its `to`: widen the case's `to` to {self.date}, or leave the event out (and tell "
                "it in the case's description)")


@dataclass
class Scanned:
    """What a set of triples says of cases and their events: each event's case and dates, each subject's
    ``from``/``to`` (True for a ``from``), in the triples' order, and the subjects typed as a case."""

    in_case: dict[str, str] = field(default_factory=dict)
    dates: dict[str, list[str]] = field(default_factory=dict)
    bounds: dict[str, list[tuple[bool, str]]] = field(default_factory=dict)
    typed: set[str] = field(default_factory=set)


def scan(triples: Iterable[ox.Triple | ox.Quad]) -> Scanned:
    """One pass over ``triples`` for :func:`events_outside_span` and ``spans.read_parts``."""
    found = Scanned()
    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == _IN_CASE and isinstance(o, ox.NamedNode):
            found.in_case[s.value] = o.value
        elif p == _DATE and isinstance(o, ox.Literal):
            found.dates.setdefault(s.value, []).append(o.value)
        elif p in (_START, _END) and isinstance(o, ox.Literal):
            found.bounds.setdefault(s.value, []).append((p == _START, o.value))
        elif p == RDF_TYPE and o == _CASE:
            found.typed.add(s.value)
    return found


def events_outside_span(triples: Iterable[ox.Triple | ox.Quad]) -> list[OutsideSpan]:
    """The events of ``triples`` dated outside their case's span (cases and events may come from any graph)."""
    scanned = scan(triples)
    in_case = scanned.in_case
    dates = {event: values[-1] for event, values in scanned.dates.items()}
    spans: dict[str, dict[str, str]] = {}
    for subject, given in scanned.bounds.items():
        for is_start, value in given:
            spans.setdefault(subject, {})["from" if is_start else "to"] = value
    found = []
    for event, case in sorted(in_case.items()):
        span, written = spans.get(case, {}), dates.get(event)
        if written is None or not span:
            continue
        before = outside(written, span.get("from"), span.get("to"))
        if before is not None:
            found.append(OutsideSpan(event, case, written, span.get("from"), span.get("to"), before))
    return found


def outside(written: str, start: str | None, end: str | None) -> bool | None:
    """Whether a date as written lies wholly before ``start`` (True) or wholly after ``end`` (False); None when
    inside, or when a date cannot be read (a malformed date is reported where it is read).

    >>> outside("1944", "1945", None), outside("1945", "1945-05", "1950"), outside("1951-01", None, "1950")
    (True, None, False)
    """
    try:
        day = parse_date(written)
        before = start is not None and day.latest < parse_date(start).earliest
        after = end is not None and day.earliest > parse_date(end).latest
    except ValueError:
        return None
    return True if before else False if after else None


def narrowest(key: str, values: Iterable[str]) -> str | None:
    """The tightest of several ``from`` (the latest) or ``to`` (the earliest) values given a case, as written;
    unreadable ones are left out.

    >>> narrowest("from", ["1945", "1950-03"]), narrowest("to", ["1990", "1989-12-31", "1991"])
    ('1950-03', '1989-12-31')
    """
    read = []
    for value in values:
        try:
            read.append((parse_date(value), value))
        except ValueError:
            continue
    if not read:
        return None
    if key == "from":
        return max(read, key=lambda r: r[0].earliest)[1]
    return min(read, key=lambda r: r[0].latest)[1]


def outside_span_problems(source: str, triples: Iterable[ox.Triple], lines: Mapping[str, int]) -> list[Problem]:
    """The events of a case file outside its span, as problems at each event's line (``lines``: IRI -> line)."""
    return [Problem(source, out.message, line=lines.get(out.event), field="date", record=out.record)
            for out in events_outside_span(triples)]


__all__ = ["OutsideSpan", "events_outside_span", "narrowest", "outside", "outside_span_problems"]
