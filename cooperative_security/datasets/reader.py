"""Stream the field's data files row by row: plain or gzip, with line numbers and located errors.

Nothing here reads a whole file into memory: the ``csv`` module walks a text stream that decodes the
bytes as they come. A byte sequence that is not valid in the file's encoding is reported with its line
(UTF-8 by default: a Windows-1252 file read as UTF-8 is refused, never garbled); a row with the wrong
number of fields, or a value that is not a number where one is expected, is reported by line and field.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import InputError, Problem

#: called with (rows read so far, bytes read so far, total bytes of the file)
Progress = Callable[[int, int, int], None]

#: how often (in rows) the progress callback is called
PROGRESS_EVERY = 20_000


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
        if not self.path.is_file():
            raise InputError(Problem(str(self.path), "no such file"))
        self.total_bytes = self.path.stat().st_size

    def problem(self, message: str, line: int | None = None, field: str | None = None,
                record: str | None = None) -> InputError:
        return InputError(Problem(str(self.path), message, line=line, field=field, record=record))

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
        with opener(self.path, "rb") as handle:  # type: ignore[operator]
            for number_, raw in enumerate(handle, start=1):
                try:
                    decoder.decode(raw)
                except UnicodeDecodeError:
                    return number_
        return None

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
                    raise self.problem(f"expected {width} fields, found {len(values)}", line)
                rows += 1
                if progress and rows % every == 0:
                    self.rows_read = rows
                    progress(rows, counting.count, self.total_bytes)
                yield line, ([values[i] for i in pick] if pick else values)
            self.rows_read = rows
        except UnicodeDecodeError as exc:
            where = self._bad_byte_line()
            raise self.problem(f"not valid {self.encoding} (byte {exc.object[exc.start:exc.start + 1]!r}); "
                               "convert the file or name its encoding", where) from None
        except csv.Error as exc:
            raise self.problem(f"malformed CSV: {exc}", reader.line_num or line + 1) from None
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise self.problem(f"cannot read the file: {exc}", line + 1) from None
        finally:
            text.close()
        if self.progress:
            self.progress(self.rows_read, self.total_bytes, self.total_bytes)

    def __iter__(self) -> Iterator[Row]:
        header: list[str] = []
        for line, values in self.records():
            if not header:
                header = self.header
            yield Row(line, dict(zip(header, values, strict=False)))


def integer_text(stream: CsvStream, text: str, line: int, column: str) -> int:
    """The fast path of :func:`number` for a required integer column."""
    if text.isdigit():
        return int(text)
    if text[-2:] == ".0" and text[:-2].isdigit():
        return int(text[:-2])
    return number(stream, Row(line, {column: text}), column)  # type: ignore[return-value]


def number(stream: CsvStream, row: Row, column: str, *, required: bool = True,
           missing: tuple[str, ...] = ("", "NA", ".")) -> int | None:
    """An integer column (COW files write ``220.0``); ``None`` if absent and allowed; else a located error."""
    text = row.values.get(column, "")
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
        value = float(text)
    except ValueError:
        raise stream.problem(f"{text!r} is not a number", row.line, column) from None
    if value != int(value):
        raise stream.problem(f"{text!r} is not a whole number", row.line, column)
    return int(value)


def decimal(stream: CsvStream, row: Row, column: str) -> float | None:
    text = row.get(column).strip()
    if text in ("", "NA"):
        return None
    try:
        return float(text)
    except ValueError:
        raise stream.problem(f"{text!r} is not a number", row.line, column) from None


def check_date(stream: CsvStream, row: Row, ymd: tuple, field: str) -> None:
    """A located error unless (year, month, day) is a real calendar date."""
    import datetime as dt

    try:
        dt.date(*ymd)
    except (TypeError, ValueError) as exc:
        raise stream.problem(f"{'-'.join(str(v) for v in ymd)} is not a date: {exc}", row.line, field) from None
