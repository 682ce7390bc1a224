"""Stream the field's data files row by row: plain or gzip, with line numbers and located errors.

Nothing here reads a whole file into memory: the ``csv`` module walks a text stream that decodes the
bytes as they come. A byte sequence that is not valid in the file's encoding is reported with its line
(UTF-8 by default: a Windows-1252 file read as UTF-8 is refused, never garbled); a row with the wrong
number of fields, or a value that is not a number where one is expected, is reported by line and field.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import math
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

from ...errors import InputError, Problem, UsageError

#: called with (rows read so far, bytes read so far, total bytes of the file)
Progress = Callable[[int, int, int], None]

#: how often (in rows) the progress callback is called
PROGRESS_EVERY = 20_000

#: the most bad rows one load lists (each with its line and reason); the rest are counted
MAX_BAD_ROWS = 20

#: what reading a damaged file raises: an I/O error, a gzip stream cut short (EOFError) or corrupt (zlib.error)
READ_ERRORS = (OSError, EOFError, zlib.error)


class _Counting(io.RawIOBase):
    """A binary stream that counts the compressed bytes read, for progress bars."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def, override]
        n = self.raw.readinto(b)  # type: ignore[attr-defined]
        self.count += n or 0
        return n or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


@dataclass
class Row:
    """One data row: its line number (1 is the header) and its values by column name."""

    line: int
    values: dict[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "")


class CsvStream:
    """``for row in CsvStream(path, required=[...])``: rows of a CSV or tab-separated file."""

    def __init__(self, path: Path, required: tuple[str, ...] = (), *, delimiter: str = ",",
                 encoding: str = "utf-8", progress: Progress | None = None) -> None:
        self.path = Path(path)
        self.required = required
        self.delimiter = delimiter
        self.encoding = encoding
        self.progress = progress
        self.rows_read = 0
        self.bad: list[Problem] = []  # the bad rows met so far (at most MAX_BAD_ROWS), and how many more
        self.more_bad = 0
        # a path that is no file is a usage problem (exit 2), as `coopsec ingest` and `--data-dir` treat it
        if self.path.is_dir():
            raise UsageError(f"{self.path}: that is a folder: give the data set's file in it (`coopsec datasets` "
                             "lists each file's name)")
        if not self.path.is_file():
            raise UsageError(f"{self.path}: no such file (`coopsec datasets` lists each data set's file and where "
                             "to obtain it)")
        self.total_bytes = self.path.stat().st_size

    def problem(self, message: str, line: int | None = None, field: str | None = None,
                record: str | None = None) -> InputError:
        return InputError(Problem(str(self.path), message, line=line, field=field, record=record))

    def reject(self, exc: InputError) -> None:
        """Note a bad row and read on: all are reported together when the file ends (:meth:`_with_bad`)."""
        for problem in exc.problems:
            if len(self.bad) < MAX_BAD_ROWS:
                self.bad.append(problem)
            else:
                self.more_bad += 1

    def _with_bad(self, last: InputError | None = None) -> InputError:
        """The bad rows met, then ``last`` (what stopped the reading), then how many more were not listed."""
        problems = [*self.bad, *(last.problems if last else [])]
        if self.more_bad:
            problems.append(Problem(str(self.path), f"and {self.more_bad:,} more bad rows, not listed (the first "
                                                    f"{MAX_BAD_ROWS} are): correct these and load the file again"))
        return InputError(problems)

    def _text(self, counting: _Counting) -> IO[str]:
        binary: IO[bytes] = io.BufferedReader(counting, 1 << 20)
        if self.path.name.endswith(".gz"):
            binary = gzip.GzipFile(fileobj=binary, mode="rb")  # type: ignore[assignment]
        # strict decoding: a bad byte raises; _bad_byte_line then finds the line it is on
        return io.TextIOWrapper(binary, encoding=self.encoding, errors="strict", newline="")

    def _bad_byte_line(self) -> int | None:
        """The first line holding a byte that is not valid in the encoding (a second, slow pass)."""
        opener = gzip.open if self.path.name.endswith(".gz") else open
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="strict")
        line = 0
        try:
            with opener(self.path, "rb") as handle:  # type: ignore[operator]
                for raw in handle:
                    line += 1
                    decoder.decode(raw)
                decoder.decode(b"", final=True)  # a sequence cut short by the end of the file
        except UnicodeDecodeError:
            return max(line, 1)
        except READ_ERRORS:
            # a damaged gzip stream ends the pass inside the line that held the bad byte
            return line + 1
        return None

    def _read_error(self, exc: BaseException) -> str:
        if self.path.name.endswith(".gz"):
            return f"damaged or truncated gzip data ({exc}); fetch the file again"
        return f"cannot read the file: {exc}"

    def records(self, columns: tuple[str, ...] | None = None) -> Iterator[tuple[int, list[str]]]:
        """(line, values) per row: all values, or only ``columns`` in that order (the fast path)."""
        counting = _Counting(open(self.path, "rb"))  # noqa: SIM115 - closed below
        text = self._text(counting)
        reader = csv.reader(text, delimiter=self.delimiter, strict=True)
        line = 0
        try:
            try:
                header = next(reader)
            except StopIteration:
                raise self.problem("the file is empty: expected a header line", 1) from None
            line = previous = reader.line_num
            header = [h.strip().lstrip("\ufeff") for h in header]
            self.header = header
            missing = [c for c in (*self.required, *(columns or ())) if c not in header]
            if missing:
                raise self.problem(f"missing column(s) {', '.join(missing)}; the header has "
                                   f"{', '.join(header[:12])}{'...' if len(header) > 12 else ''}", 1)
            width = len(header)
            pick = [header.index(c) for c in columns] if columns else None
            progress, every = self.progress, PROGRESS_EVERY
            rows = 0
            for values in reader:
                line, previous = previous + 1, reader.line_num
                if not values:
                    continue
                if len(values) != width and not (len(values) == width + 1 and values[-1] == ""):
                    self.reject(self.problem(f"expected {width} fields, found {len(values)}", line))
                    continue
                rows += 1
                if progress and rows % every == 0:
                    self.rows_read = rows
                    progress(rows, counting.count, self.total_bytes)
                yield line, ([values[i] for i in pick] if pick else values)
            self.rows_read = rows
        except UnicodeDecodeError as exc:
            where = self._bad_byte_line()
            raise self._with_bad(self.problem(f"not valid {self.encoding} (byte "
                                              f"{exc.object[exc.start:exc.start + 1]!r}); convert the file or name "
                                              "its encoding", where)) from None
        except csv.Error as exc:
            raise self._with_bad(self.problem(f"malformed CSV: {exc}", reader.line_num or line + 1)) from None
        except READ_ERRORS as exc:
            raise self._with_bad(self.problem(self._read_error(exc), line + 1)) from None
        finally:
            text.close()
        if self.bad:  # the rows of a readers' loop that caught its row's error (reject): all of them, at the end
            raise self._with_bad()
        if self.progress:
            self.progress(self.rows_read, self.total_bytes, self.total_bytes)

    def __iter__(self) -> Iterator[Row]:
        header: list[str] = []
        for line, values in self.records():
            if not header:
                header = self.header
            yield Row(line, dict(zip(header, values, strict=False)))


#: a number as the publishers write one: ``220``, ``-9``, ``220.0``, ``4.0100002``, ``1.5e3``. ASCII digits only:
#: ``nan``, ``inf``, ``1_000``, ``²`` or ``١٢`` (which Python's ``float`` and ``int`` would take) are refused
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,4})?\Z")

#: whole numbers are at most this large: no code, year or count in these data sets comes near, and dates,
#: IRIs and Python's own int-to-text limit (4,300 digits) all break on numbers without a bound
LARGEST = 10**15


def _whole(text: str) -> int:
    """``220``, ``220.0`` or ``2.2e2`` -> 220; a ValueError saying what is wrong otherwise."""
    if not _NUMBER.match(text):
        raise ValueError(f"{text!r} is not a number")
    value = Decimal(text)
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number")
    if abs(value) > LARGEST:
        raise ValueError(f"{text!r} is out of range (at most {LARGEST:,} either side of zero)")
    return int(value)


def integer_text(stream: CsvStream, text: str, line: int, column: str) -> int:
    """The fast path of :func:`number` for a required integer column."""
    # short runs of ASCII digits, with or without ".0" (``str.isdigit`` alone also takes ``²`` and ``١``)
    if text.isascii() and len(text) <= 15:
        if text.isdigit():
            return int(text)
        if text[-2:] == ".0" and text[:-2].isdigit():
            return int(text[:-2])
    return number(stream, Row(line, {column: text}), column)  # type: ignore[return-value]


def number(stream: CsvStream, row: Row, column: str, *, required: bool = True,
           missing: tuple[str, ...] = ("", "NA", ".")) -> int | None:
    """An integer column (COW files write ``220.0``); ``None`` if absent and allowed; else a located error."""
    text = row.values.get(column, "")
    if text.isascii() and len(text) <= 15:  # the fast path, as in integer_text
        if text.isdigit():
            return int(text)
        if text[-2:] == ".0" and text[:-2].isdigit():
            return int(text[:-2])
    text = text.strip()
    if text in missing:
        if required:
            raise stream.problem("a number is required here", row.line, column)
        return None
    try:
        return _whole(text)
    except ValueError as exc:
        raise stream.problem(str(exc), row.line, column) from None


def decimal(stream: CsvStream, row: Row, column: str,
            within: tuple[float, float] | None = None) -> float | None:
    """A decimal column (ASCII digits, finite, ``within`` the bounds if given); ``None`` if empty or NA;
    else a located error."""
    text = row.get(column).strip()
    if text in ("", "NA"):
        return None
    value = float(text) if _NUMBER.match(text) else math.nan
    if not math.isfinite(value):
        raise stream.problem(f"{text!r} is not a number", row.line, column)
    if within and not within[0] <= value <= within[1]:
        raise stream.problem(f"{text} is outside {within[0]:g} to {within[1]:g}", row.line, column)
    return value


def check_date(stream: CsvStream, row: Row, ymd: tuple, field: str) -> None:
    """A located error unless (year, month, day) is a real calendar date."""
    try:
        dt.date(*ymd)
    except (TypeError, ValueError, OverflowError) as exc:
        raise stream.problem(f"{'-'.join(str(v) for v in ymd)} is not a date: {exc}", row.line, field) from None
