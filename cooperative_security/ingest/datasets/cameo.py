"""The CAMEO codebook with Goldstein weights (``cameo-codes.csv``), which ships in Windows-1252.

The file is decoded as cp1252 explicitly. Some of its text was itself mis-decoded before it was saved
(a UTF-8 apostrophe read as Mac Roman, so ``’`` appears as ``‚Äô``); :func:`repair` undoes that where
the round trip is exact and leaves the text alone otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError
from .reader import CsvStream, Progress, decimal

ENCODING = "cp1252"
REQUIRED = ("code", "name", "goldstein", "root_code")
#: the Goldstein cooperation-conflict scale, which ICEWS intensities also use
GOLDSTEIN = (-10.0, 10.0)


@dataclass(frozen=True)
class CameoCode:
    line: int
    code: str
    name: str
    goldstein: float | None
    root: str
    description: str


def repair(text: str) -> str:
    """``'else‚Äôs'`` -> ``'else’s'``: undo a UTF-8-read-as-Mac-Roman slip when it round-trips exactly."""
    if not any(ord(c) > 127 for c in text):
        return text
    try:
        fixed = text.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    return fixed


def read(path: Path, progress: Progress | None = None) -> Iterator[CameoCode]:
    stream = CsvStream(path, REQUIRED, encoding=ENCODING, progress=progress)
    for row in stream:
        try:
            code = row.get("code").strip()
            if not (code.isascii() and code.isdigit()):
                raise stream.problem(f"{code!r} is not a CAMEO code (digits 0-9)", row.line, "code")
            description = row.get("description")
            yield CameoCode(row.line, code, repair(row.get("name").strip()),
                            decimal(stream, row, "goldstein", GOLDSTEIN), row.get("root_code").strip(),
                            repair("" if description == "NA" else description.strip()))
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)


def codebook(path: Path) -> dict[str, CameoCode]:
    return {c.code: c for c in read(path)}
