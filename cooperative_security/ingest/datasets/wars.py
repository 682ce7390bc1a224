"""COW interstate war dyad-years (Sarkees and Wayman 2010): which dyad fought a war in which year."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ...errors import InputError
from .reader import CsvStream, Progress, number

REQUIRED = ("warnum", "ccode1", "ccode2", "year")


def read(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, int, int, int]]:
    """(line, ccode1, ccode2, year) per row."""
    stream = CsvStream(path, REQUIRED, progress=progress)
    for row in stream:
        try:
            a, b, y = (number(stream, row, c) for c in ("ccode1", "ccode2", "year"))
            yield row.line, a, b, y  # type: ignore[misc]
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)
