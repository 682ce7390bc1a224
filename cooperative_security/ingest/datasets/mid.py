"""GML militarized interstate disputes, dyad-years (Gibler, Miller and Little 2016) -> dispute events.

The file lists each dyad in both directions; both rows give the same event
``id/event/mid/<dispnum>-<lower ccode>-<higher ccode>-<year>``, typed ``cs:MilitarizedDispute`` and by the
hostility level through ``data/mappings/mid-hostility-to-event-types.csv`` (threat, display, use of force,
war), with the fatality level, the year as its date span, and side A as the agent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ...errors import InputError
from ...namespaces import CS, RDFS
from .cow_states import RDF_TYPE, state_node
from .mappings import mid_event_types
from .ntriples import date, integer, node, p, triple
from .reader import CsvStream, Progress, number

REQUIRED = ("dispnum", "ccode1", "ccode2", "year", "hostlev", "fatality", "sidea1", "sidea2")
#: each state's own highest hostility level in the dispute (GML's participant levels); ``hostlev`` is the
#: dispute's, which in a dispute of many states may have been reached by others: the United States and
#: the Soviet Union share dispute 200 (Suez, 1956) at the dispute's level 5, war, at their own 3 and 2
OWN_HOSTILITY = ("hostlev1", "hostlev2")


@dataclass(frozen=True)
class DisputeYear:
    line: int
    dispnum: int
    ccode1: int
    ccode2: int
    year: int
    #: the dyad's hostility: the higher of the two states' own levels in the dispute (``hostlev1``,
    #: ``hostlev2``), else the dispute's ``hostlev`` where a file lacks them
    hostlev: int
    fatality: int | None
    sidea1: int
    #: deaths in the dispute among the two states' own forces (GML's participant fatality levels
    #: fatality1/fatality2 at 1 or more; the dispute's level where a file lacks them)
    fatal: bool = False


def read(path: Path, progress: Progress | None = None) -> Iterator[DisputeYear]:
    stream = CsvStream(path, REQUIRED, progress=progress)
    for row in stream:
        try:
            a, b = number(stream, row, "ccode1"), number(stream, row, "ccode2")
            if a is None or b is None or a <= 0 or b <= 0 or a == b:
                raise stream.problem(f"a dyad needs two different positive state numbers, found {a} and {b}", row.line,
                                     "ccode2")
            year = number(stream, row, "year")
            if year is None or not 1800 <= year <= 2100:
                raise stream.problem(f"year {year} is outside 1800-2100", row.line, "year")
            hostlev = number(stream, row, "hostlev")
            if hostlev not in (1, 2, 3, 4, 5):
                raise stream.problem(f"hostility level {hostlev} must be 1 to 5", row.line, "hostlev")
            levels = [number(stream, row, c, required=False, missing=("", "NA", "-9")) for c in OWN_HOSTILITY
                      if c in row.values]
            for c, level in zip((c for c in OWN_HOSTILITY if c in row.values), levels, strict=True):
                if level is not None and level not in (1, 2, 3, 4, 5):
                    raise stream.problem(f"hostility level {level} must be 1 to 5", row.line, c)
            known = [level for level in levels if level is not None]
            if known:
                hostlev = max(known)
            fatality = number(stream, row, "fatality", required=False, missing=("", "NA", "-9"))
            own = [number(stream, row, c, required=False, missing=("", "NA", "-9")) for c in ("fatality1", "fatality2")
                   if c in row.values]
            fatal = any(f is not None and f >= 1 for f in own) if own else (fatality or 0) >= 1
            yield DisputeYear(row.line, number(stream, row, "dispnum") or 0, a, b, year, hostlev, fatality,
                              number(stream, row, "sidea1") or 0, fatal)
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)


def triples(path: Path, states: dict[int, str], progress: Progress | None = None) -> Iterator[str]:
    types = mid_event_types()
    for r in read(path, progress):
        lo, hi = min(r.ccode1, r.ccode2), max(r.ccode1, r.ccode2)
        e = node("event", f"mid/{r.dispnum}-{lo}-{hi}-{r.year}")
        yield triple(e, RDF_TYPE, f"<{CS}MilitarizedDispute>")
        if r.hostlev in types:
            yield triple(e, RDF_TYPE, f"<{CS}{types[r.hostlev]}>")
        yield triple(e, p("dispute"), integer(r.dispnum))
        yield triple(e, p("year"), integer(r.year))
        yield triple(e, p("hostility"), integer(r.hostlev))
        if r.fatality is not None:
            yield triple(e, p("fatalityLevel"), integer(r.fatality))
        yield triple(e, p("earliestDate"), date(r.year, 1, 1))
        yield triple(e, p("latestDate"), date(r.year, 12, 31))
        yield triple(e, p("datePrecision"), '"year"')
        yield triple(e, f"<{RDFS}label>", str(ox.Literal(f"MID {r.dispnum}: {lo} and {hi} in {r.year}")))
        for code in (r.ccode1, r.ccode2):
            if code in states:
                role = "agent" if (code == r.ccode1) == (r.sidea1 == 1) else "target"
                yield triple(e, p(role), state_node(states[code]))
