"""Readers for the data sets that say whether two states' security is linked (politically relevant dyads).

- COW Direct Contiguity v3.2 (Stinnett et al. 2002): spells of contiguity, each pair in both directions;
  ``conttype`` 1 is a land border, 2-5 separation by at most 12, 24, 150 or 400 miles of water.
- COW major powers (State System Membership v2016): spells of major-power status per state.
- Minimum distance between the two states' territories (CShapes 2.0, Schvitz et al. 2022; computed by
  peacesciencer): km per non-directed dyad-year, 1886-2019.

Each reader checks its rows and reports a bad one by file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ...errors import InputError
from .reader import CsvStream, Progress, decimal, integer_text, number

CONTIGUITY = ("ccode1", "ccode2", "conttype", "stdate", "enddate")
MAJORS = ("ccode", "styear", "endyear")
DISTANCE = ("ccode1", "ccode2", "year", "mindist")


def _year_of(stream: CsvStream, text: str, line: int, column: str) -> int:
    """The year of an ISO date ``1920-01-01`` (as the contiguity file writes them) or of a bare year."""
    head = text.strip()[:4]
    if len(text.strip()) >= 4 and head.isascii() and head.isdigit():
        return int(head)
    raise stream.problem(f"{text!r} is not a date (YYYY-MM-DD)", line, column)


def read_contiguity(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, int, int, int, int]]:
    """(ccode1, ccode2, conttype, first year, last year) per spell, ccode1 < ccode2 only (the file lists
    each pair both ways)."""
    stream = CsvStream(path, CONTIGUITY, progress=progress)
    for line, (a, b, kind, start, end) in stream.records(CONTIGUITY):
        try:
            c1, c2 = integer_text(stream, a, line, "ccode1"), integer_text(stream, b, line, "ccode2")
            conttype = integer_text(stream, kind, line, "conttype")
            if conttype not in (0, 1, 2, 3, 4, 5):
                raise stream.problem(f"contiguity type {conttype} must be 0 to 5", line, "conttype")
            first, last = _year_of(stream, start, line, "stdate"), _year_of(stream, end, line, "enddate")
            if last < first:
                raise stream.problem(f"the spell ends ({end}) before it starts ({start})", line, "enddate")
            if c1 < c2 and conttype > 0:
                yield c1, c2, conttype, first, last
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)


def read_majors(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, int, int]]:
    """(ccode, first year, last year) per spell of major-power status."""
    stream = CsvStream(path, MAJORS, progress=progress)
    for row in stream:
        try:
            code, first, last = (number(stream, row, c) for c in MAJORS)
            if last < first:  # type: ignore[operator]
                raise stream.problem(f"the spell ends ({last}) before it starts ({first})", row.line, "endyear")
            yield code, first, last  # type: ignore[misc]
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)


_DECIMAL = re.compile(r"[0-9]{1,5}(\.[0-9]+)?\Z")


def read_distance(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, int, int, str]]:
    """(ccode1, ccode2, year, km as an xsd:decimal lexical form) per non-directed dyad-year with a distance
    (rows with NA are skipped); the publisher's text is kept when it already is a plain decimal."""
    stream = CsvStream(path, DISTANCE, progress=progress)
    for line, (a, b, y, km) in stream.records(DISTANCE):
        try:
            if km in ("", "NA"):
                continue
            try:
                value = float(km)
            except ValueError:
                raise stream.problem(f"{km!r} is not a distance in km", line, "mindist") from None
            if not 0 <= value < 50_000:
                raise stream.problem(f"{km} km is not a distance between two states on Earth", line, "mindist")
            yield (integer_text(stream, a, line, "ccode1"), integer_text(stream, b, line, "ccode2"),
                   integer_text(stream, y, line, "year"), km if _DECIMAL.match(km) else f"{value:.1f}")
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)


__all__ = ["read_contiguity", "read_majors", "read_distance", "decimal"]
