"""ATOP alliances (Leeds et al. 2002, v4.01): alliance-level, member-level and dyad-year files.

- alliance level -> ``id/treaty/atop-<atopid>``, a ``cs:AllianceTreaty`` with its date and obligations
  (``cs:defencePact`` ... as true flags); where the treaty is a curated event (the mapping table
  ``data/mappings/atop-curated-treaties.csv``: 3470 the Elysee Treaty, 3755 the TAC) it is
  ``owl:sameAs`` that event;
- member level -> ``cs:AllianceMembership`` nodes with the member state, entry and exit dates;
- dyad-years -> the obligations as flags on the non-directed dyad-year.

``kind(path)`` tells the three layouts apart by their header, so users pass the files as shipped.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ...errors import InputError, Problem
from ...namespaces import CS, OWL, RDFS
from .cow_states import RDF_TYPE, state_node
from .igo import dyad_year
from .mappings import atop_curated_treaties
from .ntriples import TRUE, date, integer, node, p, triple
from .reader import READ_ERRORS, CsvStream, Progress, Row, check_date, integer_text, number

OBLIGATIONS = {"defense": "defencePact", "offense": "offencePact", "neutral": "neutralityPact",
               "nonagg": "nonAggressionPact", "consul": "consultationPact"}
ALLIANCE = ("atopid", "begyr", "begmo", "begday", *OBLIGATIONS)
MEMBER = ("atopid", "member", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit")
DYAD = ("ccode1", "ccode2", "year", *(f"atop_{k}" for k in OBLIGATIONS))


def kind(path: Path) -> str:
    """``alliance``, ``member`` or ``dyad-years``, from the header."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as handle:  # type: ignore[operator]
            header = next(csv.reader(handle), [])
    except (*READ_ERRORS, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(Problem(str(path), f"cannot read the header: {exc}", line=1)) from None
    if "atop_defense" in header:
        return "dyad-years"
    if "member" in header and "yrent" in header:
        return "member"
    if "begyr" in header:
        return "alliance"
    raise InputError(Problem(str(path), "not an ATOP file: expected the alliance-level, member-level or "
                                        "dyad-year header (atopid/begyr, atopid/member/yrent, atop_defense)", line=1))


def treaty(atopid: int) -> str:
    return node("treaty", f"atop-{atopid}")


def _flag(stream: CsvStream, row: Row, column: str) -> bool:
    value = number(stream, row, column, required=False)
    if value not in (None, 0, 1):
        raise stream.problem(f"{value} must be 0 or 1", row.line, column)
    return value == 1


def alliance_triples(path: Path, progress: Progress | None = None) -> Iterator[str]:
    same = atop_curated_treaties()
    stream = CsvStream(path, ALLIANCE, progress=progress)
    for row in stream:
        atopid = number(stream, row, "atopid")
        ymd = tuple(number(stream, row, c, required=c == "begyr") for c in ("begyr", "begmo", "begday"))
        t = treaty(atopid)  # type: ignore[arg-type]
        yield triple(t, RDF_TYPE, f"<{CS}AllianceTreaty>")
        yield triple(t, p("atopId"), integer(atopid))  # type: ignore[arg-type]
        yield triple(t, f"<{RDFS}label>", str(ox.Literal(f"ATOP alliance {atopid}")))
        if ymd[1] and ymd[2]:
            check_date(stream, row, ymd, "begmo")
            yield triple(t, p("startDate"), date(*ymd))  # type: ignore[arg-type]
        for column, prop in OBLIGATIONS.items():
            if _flag(stream, row, column):
                yield triple(t, p(prop), TRUE)
        if atopid in same:
            yield triple(t, f"<{OWL}sameAs>", str(ox.NamedNode(same[atopid])))  # type: ignore[index]


@dataclass(frozen=True)
class Membership:
    line: int
    atopid: int
    member: int
    entry: tuple[int, int, int]
    exit: tuple[int, int, int] | None


def read_members(path: Path, progress: Progress | None = None) -> Iterator[Membership]:
    stream = CsvStream(path, MEMBER, progress=progress)
    for row in stream:
        entry = tuple(number(stream, row, c, required=c == "yrent") or 1 for c in ("yrent", "moent", "dayent"))
        check_date(stream, row, entry, "moent")
        leave = tuple(number(stream, row, c, required=False) for c in ("yrexit", "moexit", "dayexit"))
        exit_date = None
        if leave[0] not in (None, 0) and leave[1] and leave[2]:
            check_date(stream, row, leave, "moexit")
            exit_date = leave
        yield Membership(row.line, number(stream, row, "atopid"), number(stream, row, "member"),  # type: ignore[arg-type]
                         entry, exit_date)  # type: ignore[arg-type]


def member_triples(path: Path, states: dict[int, str], progress: Progress | None = None) -> Iterator[str]:
    for m in read_members(path, progress):
        n = node("treaty", f"atop-{m.atopid}/member/{m.member}-{m.entry[0]}{m.entry[1]:02d}{m.entry[2]:02d}")
        yield triple(n, RDF_TYPE, f"<{CS}AllianceMembership>")
        yield triple(n, p("treaty"), treaty(m.atopid))
        yield triple(n, p("cowCode"), integer(m.member))
        if m.member in states:
            yield triple(n, p("memberState"), state_node(states[m.member]))
        yield triple(n, p("entryDate"), date(*m.entry))
        if m.exit:
            yield triple(n, p("exitDate"), date(*m.exit))


def read_dyad_years(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, int, int, list[str]]]:
    """(ccode1, ccode2, year, the obligation properties that hold) per row (both directions)."""
    stream = CsvStream(path, DYAD, progress=progress)
    props = list(OBLIGATIONS.values())
    for line, values in stream.records(DYAD):
        held = []
        for i, text in enumerate(values[3:]):
            if text in ("1", "1.0"):
                held.append(props[i])
            elif text not in ("0", "0.0", "", "NA"):
                raise stream.problem(f"{text!r} must be 0 or 1", line, DYAD[3 + i])
        yield (integer_text(stream, values[0], line, "ccode1"), integer_text(stream, values[1], line, "ccode2"),
               integer_text(stream, values[2], line, "year"), held)


def dyad_triples(path: Path, progress: Progress | None = None) -> Iterator[str]:
    for a, b, y, held in read_dyad_years(path, progress):
        for prop in held:
            yield triple(dyad_year(a, b, y), p(prop), TRUE)
