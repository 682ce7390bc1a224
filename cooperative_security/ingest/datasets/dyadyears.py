"""The universe: every directed dyad-year of the state system (``directed-dyad-years.csv.gz``), read as
non-directed dyad-years (ccode1 < ccode2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ...errors import InputError
from .reader import CsvStream, Progress, integer_text

REQUIRED = ("ccode1", "ccode2", "year")


def read(path: Path, first: int, last: int, progress: Progress | None = None) -> Iterator[tuple[int, int, int]]:
    """(ccode1, ccode2, year) with ccode1 < ccode2 and first <= year <= last."""
    stream = CsvStream(path, REQUIRED, progress=progress)
    for line, (a, b, y) in stream.records(REQUIRED):
        try:
            # inlined fast paths of integer_text (this file has 2.2 million rows): short runs of ASCII digits
            # (``str.isdigit`` alone takes ``²``, which ``int`` refuses); anything else goes through it
            year = int(y) if y.isascii() and y.isdigit() and len(y) < 6 else integer_text(stream, y, line, "year")
            if first <= year <= last:
                c1 = (int(a[:-2]) if a[-2:] == ".0" and a.isascii() and a[:-2].isdigit() and len(a) < 8
                      else integer_text(stream, a, line, "ccode1"))
                c2 = (int(b[:-2]) if b[-2:] == ".0" and b.isascii() and b[:-2].isdigit() and len(b) < 8
                      else integer_text(stream, b, line, "ccode2"))
                if c1 < c2:
                    yield c1, c2, year
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)
