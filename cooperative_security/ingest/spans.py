"""The case spans one ingest checks events against: as stored, and as the files of the ingest set them.

A case file's own events are checked against its own ``from``/``to`` as it is read (:mod:`.case_span`).
Events reach a case from other files too: an events CSV adds rows to a case already known, and an RDF file
may put any event in a case (``cs:inCase``); and a case file ingested again with a narrower span, or an RDF
file giving a case a ``from`` or ``to`` (``cs:startDate``, ``cs:endDate``), may leave outside it events
another file gave the case. :class:`CaseSpans` checks each file as it is read, both ways, against the store
(``queries/ingest/case-span.rq``, one case at a time) and the files of the same ingest read before it. What
this ingest replaces is left out: the graphs of the files it reads again (checked as they are read) and the
graph of each case file it reads. Where a case has two ``from`` or two ``to``, the tighter one counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import Problem
from ..namespaces import instance
from ..queries import load_query
from ..store import Store
from .base import Batch, key_line, load_yaml
from .case_span import OutsideSpan, narrowest, outside, scan
from .naming import Claim, claims
from .source_files import source_key

_CASES = instance("case", "").value
_INFERRED = "https://w3id.org/coopsec/graph/inferred"


@dataclass(frozen=True)
class Dated:
    """An event's date, or a bound of a case's span, as written, and where it is: a file (or a graph, in
    words), and its line there when known."""

    subject: str  # the event's IRI (for a bound, the case's)
    value: str
    where: str
    line: int | None = None
    stored: bool = False  # in the store, written by a file this ingest does not read


@dataclass
class Parts:
    """What is known of one case: the ``from`` and ``to`` given it, and its events' dates."""

    starts: list[Dated] = field(default_factory=list)
    ends: list[Dated] = field(default_factory=list)
    events: list[Dated] = field(default_factory=list)

    def extend(self, other: Parts) -> None:
        self.starts += other.starts
        self.ends += other.ends
        self.events += other.events


def read_parts(triples: Iterable[ox.Triple], where: str, lines: Mapping[str, int] | None = None) -> dict[str, Parts]:
    """The cases the triples give events or bounds, by case IRI. An event is a subject with a case and a date;
    a bound is a ``from`` or ``to`` of a subject typed as a case here or named as one (``id/case/...``)."""
    scanned = scan(triples)
    in_case, dates, bounds, typed = scanned.in_case, scanned.dates, scanned.bounds, scanned.typed
    found: dict[str, Parts] = {}
    line = (lines or {}).get
    for event, case in in_case.items():
        for value in dates.get(event, []):
            found.setdefault(case, Parts()).events.append(Dated(event, value, where, line(event)))
    for case, given in bounds.items():
        if case in typed or case.startswith(_CASES):
            parts = found.setdefault(case, Parts())
            for is_start, value in given:
                (parts.starts if is_start else parts.ends).append(Dated(case, value, where))
    return found


def tightest(key: str, bounds: list[Dated]) -> Dated | None:
    """The bound that counts among several (:func:`.case_span.narrowest`)."""
    value = narrowest(key, [b.value for b in bounds])
    return next((b for b in bounds if b.value == value), None)


class CaseSpans:
    """The spans and events of the cases one ingest touches, for checking each file as it is read."""

    def __init__(self, store: Store, owners: Mapping[str, Claim] | None = None, files: Iterable[Path] = ()) -> None:
        """``owners``: who wrote each graph (``naming.claims``), if read already (empty: read when needed);
        ``files``: every file of this ingest, whose graphs in the store it replaces."""
        self._store = store
        self._owners: Mapping[str, Claim] | None = owners or None
        self._files = {source_key(f) for f in files}
        self._replaced: set[str] = set()  # graphs a case file of this ingest writes again
        self._rows: dict[str, list[tuple[str, str, str, str]]] = {}  # case -> (graph, kind, subject, value)
        self._read: dict[str, Parts] = {}  # case -> what the files of this ingest read so far give it

    def check(self, batch: Batch, triples: Iterable[ox.Triple] | None = None) -> list[Problem]:
        """The problems of one file (``triples``: its triples, when its ``batch`` does not hold them yet): an
        event outside its case's span, and a ``from`` or ``to`` that leaves an event of another file outside."""
        if batch.kind == "case":
            self._replaced.update(g.value for g in batch.graphs)
        src = batch.source
        ours = read_parts(triples if triples is not None else (t for ts in batch.graphs.values() for t in ts),
                          src, batch.lines)
        problems: list[Problem] = []
        for case, parts in sorted(ours.items()):
            known = self._known(case)
            start = tightest("from", known.starts + parts.starts)
            end = tightest("to", known.ends + parts.ends)
            problems += [p for e in parts.events if (p := _event_problem(src, case, e, start, end))]
            if parts.starts or parts.ends:  # the span this file sets, against the events others gave the case
                lines, own = self._bound_lines(batch), parts.starts + parts.ends
                problems += [p for e in known.events if (p := _bound_problem(src, case, e, start, end, own, lines))]
        for case, parts in ours.items():
            self._read.setdefault(case, Parts()).extend(parts)
        return problems

    def _known(self, case: str) -> Parts:
        """What the store (less what this ingest replaces) and the files read so far give a case."""
        parts = Parts()
        for g, kind, subject, value in self._stored(case):
            owner = self._claims().get(g)
            if g in self._replaced or (owner is not None and owner.source in self._files):
                continue
            where = owner.name if owner is not None and owner.name else f"the graph <{g}>"
            dated = Dated(subject, value, where, stored=True)
            {"from": parts.starts, "to": parts.ends, "event": parts.events}[kind].append(dated)
        parts.extend(self._read.get(case, Parts()))
        return parts

    def _stored(self, case: str) -> list[tuple[str, str, str, str]]:
        rows = self._rows.get(case)
        if rows is None:
            rows = self._rows[case] = []
            for row in self._store.select(load_query("ingest/case-span"), {"case": ox.NamedNode(case)}):
                g, start, end, event, date = (row[k] for k in ("graph", "start", "end", "event", "date"))
                if g is None or g.value == _INFERRED:
                    continue
                if start is not None:
                    rows.append((g.value, "from", case, start.value))
                elif end is not None:
                    rows.append((g.value, "to", case, end.value))
                elif event is not None and date is not None:
                    rows.append((g.value, "event", event.value, date.value))
        return rows

    def _claims(self) -> Mapping[str, Claim]:
        if self._owners is None:
            self._owners = claims(self._store)
        return self._owners

    @staticmethod
    def _bound_lines(batch: Batch) -> dict[str, int | None]:
        """The lines of a case file's ``from`` and ``to`` (an RDF file's bounds have none)."""
        if batch.kind != "case":
            return {}
        data = load_yaml(Path(batch.source))  # (read once per ingest: parsed already)
        return {key: key_line(data, key) for key in ("from", "to")}


def _outside(case: str, event: Dated, start: Dated | None, end: Dated | None) -> OutsideSpan | None:
    """The event, when dated wholly outside the span ``start`` to ``end`` (either open when None)."""
    first, last = (start.value if start else None), (end.value if end else None)
    before = outside(event.value, first, last)
    return None if before is None else OutsideSpan(event.subject, case, event.value, first, last, before)


def _event_problem(src: str, case: str, event: Dated, start: Dated | None, end: Dated | None) -> Problem | None:
    """An event of this file dated outside its case's span, as the case file's check words it."""
    out = _outside(case, event, start, end)
    if out is None:
        return None
    bound = start if out.before else end
    message = out.message
    if bound is not None and bound.where != src:
        message += f"; the case's `{'from' if out.before else 'to'}` is given in {bound.where}"
    return Problem(src, message, line=event.line, field="date", record=out.record)


def _bound_problem(src: str, case: str, event: Dated, start: Dated | None, end: Dated | None, own: list[Dated],
                   lines: Mapping[str, int | None]) -> Problem | None:
    """An event another file gave the case, left outside the span by a bound this file sets (one of ``own``;
    an event the store already held outside a tighter bound of another file is not this file's doing)."""
    out = _outside(case, event, start, end)
    if out is None or (start if out.before else end) not in own:
        return None
    span = f"from {out.start or '(open)'} to {out.end or '(open)'}"
    where = event.where if event.line is None else f"{event.where}:{event.line}"
    fix = f"take the event out of {event.where}" + (" and ingest that file again with this one" if event.stored
                                                      and not event.where.startswith("the graph") else "")
    if out.before:
        message = (f"the event {out.record}, dated {event.value} in {where}, is before the case's span ({span}), and "
                   f"would move the start of what the case observes: keep the case's `from` at {event.value} or "
                   f"earlier, or {fix}")
    else:
        message = (f"the event {out.record}, dated {event.value} in {where}, is after the case's span ({span}), and "
                   f"would move the end of what the case observes past its `to`: keep the case's `to` at "
                   f"{event.value} or later, or {fix}")
    key = "from" if out.before else "to"
    return Problem(src, message, line=lines.get(key), field=key, record=case.rsplit("/", 1)[1])


__all__ = ["CaseSpans", "Dated", "Parts", "read_parts", "tightest"]
