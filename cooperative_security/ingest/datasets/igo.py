"""COW shared IGO memberships per non-directed dyad-year (Pevehouse et al., IGO data v3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ...errors import InputError
from .ntriples import integer, node, p, triple
from .reader import CsvStream, Progress, integer_text

REQUIRED = ("ccode1", "ccode2", "year", "dyadigos")


def read(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, int, int, int | None]]:
    """(ccode1, ccode2, year, shared IGOs or None when missing: empty, NA or negative codes)."""
    stream = CsvStream(path, REQUIRED, progress=progress)
    for line, (a, b, y, count) in stream.records(REQUIRED):
        try:
            n = None if count.strip() in ("", "NA") else integer_text(stream, count, line, "dyadigos")
            if n is not None and n < 0:
                if n not in (-9, -1):
                    raise stream.problem(f"{n} is not a count of organisations", line, "dyadigos")
                n = None
            yield (integer_text(stream, a, line, "ccode1"), integer_text(stream, b, line, "ccode2"),
                   integer_text(stream, y, line, "year"), n)
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)


def dyad_year(a: int, b: int, y: int) -> str:
    lo, hi = min(a, b), max(a, b)
    return node("dyad-year", f"{lo}-{hi}-{y}")


def triples(path: Path, progress: Progress | None = None) -> Iterator[str]:
    for a, b, y, n in read(path, progress):
        if n is not None:
            yield triple(dyad_year(a, b, y), p("sharedIgos"), integer(n))
