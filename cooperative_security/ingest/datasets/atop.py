"""ATOP alliances (Leeds et al. 2002, v4.01): alliance-level, member-level and dyad-year files.

- alliance level -> ``id/treaty/atop-<atopid>``, a ``cs:AllianceTreaty`` with its date and obligations
  (``cs:defencePact`` ... as true flags); where the treaty is a curated event (the mapping table
  ``data/mappings/atop-curated-treaties.csv``: 3470 the Elysee Treaty, 3755 the TAC) it is
  ``owl:sameAs`` that event;
- member level -> ``cs:AllianceMembership`` nodes with the member state, entry and exit dates; for the
  dyad-year graph, :func:`bilateral_consultation` reads the same file for the pacts ATOP codes as
  bilateral (``bilat``, phase by phase) in which both members pledge consultation
  (``cs:bilateralConsultationPact``: the dyad-year rules count a consultation pledge towards a security
  regime only when it comes from such a pact);
- dyad-years -> the obligations as flags on the non-directed dyad-year. The file is directed (a row gives
  the first state's obligations towards the second; the two rows of a pair differ where a pledge is
  one-sided, as a guarantee), so the dyad-year holds an obligation that either state has towards the other.

``kind(path)`` tells the three layouts apart by their header, so users pass the files as shipped.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable, Iterator
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
#: the member-level columns the dyad-year graph reads (a member's spell in a pact and its consultation pledge)
MEMBER_SPELL = ("atopid", "member", "yrent", "yrexit", "bilat", "phase", "consul")
#: the year a spell without an exit (``yrexit`` 0: still in force when the data end) is taken to last to
OPEN_EXIT = 9999


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
        try:
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
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)


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
        try:
            entry = tuple(number(stream, row, c, required=c == "yrent") or 1 for c in ("yrent", "moent", "dayent"))
            check_date(stream, row, entry, "moent")
            leave = tuple(number(stream, row, c, required=False) for c in ("yrexit", "moexit", "dayexit"))
            exit_date = None
            if leave[0] not in (None, 0) and leave[1] and leave[2]:
                check_date(stream, row, leave, "moexit")
                exit_date = leave
            yield Membership(row.line, number(stream, row, "atopid"), number(stream, row, "member"),  # type: ignore[arg-type]
                             entry, exit_date)  # type: ignore[arg-type]
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)


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


@dataclass(frozen=True)
class Spell:
    """One member-level row as the dyad-year graph reads it: the member's years in the pact in one of its
    phases (entry to exit, whole years; :data:`OPEN_EXIT` where it never left), whether ATOP codes the pact
    in that phase as bilateral, and whether the member pledges consultation."""

    atopid: int
    phase: int
    member: int
    first: int
    last: int
    bilateral: bool
    consul: bool


def read_spells(path: Path, progress: Progress | None = None) -> Iterator[Spell]:
    """The member-level file's rows as :class:`Spell` (a located error on a bad row)."""
    stream = CsvStream(path, MEMBER_SPELL, progress=progress)
    for row in stream:
        try:
            first = number(stream, row, "yrent")
            leave = number(stream, row, "yrexit", required=False) or 0
            if leave and leave < first:  # type: ignore[operator]
                raise stream.problem(f"exit year {leave} is before the entry year {first}", row.line, "yrexit")
            yield Spell(number(stream, row, "atopid"), number(stream, row, "phase", required=False) or 0,  # type: ignore[arg-type]
                        number(stream, row, "member"), first, leave or OPEN_EXIT,  # type: ignore[arg-type]
                        _flag(stream, row, "bilat"), _flag(stream, row, "consul"))
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)


def bilateral_consultation(spells: Iterable[Spell]) -> list[tuple[int, int, int, int]]:
    """(ccode1, ccode2, first year, last year), ccode1 < ccode2: the years in which the two are members of
    the same phase of a pact that ATOP codes as bilateral in that phase (``bilat``: so a successor state
    continues it, as Germany the German Federal Republic in the Elysee Treaty, and a pact that continues
    between two of its members after the others left, as SEATO between the United States and Thailand from
    1977, is theirs alone from then), both pledging consultation in it."""
    pledged: dict[tuple[int, int], list[Spell]] = {}
    for s in spells:
        if s.bilateral and s.consul:
            pledged.setdefault((s.atopid, s.phase), []).append(s)
    out = set()
    for rows in pledged.values():
        for x in rows:
            for z in rows:
                if x.member < z.member and max(x.first, z.first) <= min(x.last, z.last):
                    out.add((x.member, z.member, max(x.first, z.first), min(x.last, z.last)))
    return sorted(out)


def read_dyad_years(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, int, int, list[str]]]:
    """(ccode1, ccode2, year, the obligation properties that hold) per row, as directed as the file: the
    first state's obligations towards the second (both directions; a caller reads both for a pair)."""
    stream = CsvStream(path, DYAD, progress=progress)
    props = list(OBLIGATIONS.values())
    for line, values in stream.records(DYAD):
        try:
            held = []
            for i, text in enumerate(values[3:]):
                if text in ("1", "1.0"):
                    held.append(props[i])
                elif text not in ("0", "0.0", "", "NA"):
                    raise stream.problem(f"{text!r} must be 0 or 1", line, DYAD[3 + i])
            yield (integer_text(stream, values[0], line, "ccode1"), integer_text(stream, values[1], line, "ccode2"),
                   integer_text(stream, values[2], line, "year"), held)
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)


def dyad_triples(path: Path, progress: Progress | None = None) -> Iterator[str]:
    for a, b, y, held in read_dyad_years(path, progress):
        for prop in held:
            yield triple(dyad_year(a, b, y), p(prop), TRUE)
