"""A simple event CSV: one dated, typed, sourced event per row, for a case already known.

Columns (header required): ``case, id, date, type, by, towards, level, label, work, pages, section``;
``by`` and ``towards`` hold actor ids separated by ``;``. The events go into the named graph
``graph/events/<file stem>``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..namespaces import graph, instance
from .actors import Registry
from .base import Batch, LocatedDict, LocatedList, read_text
from .cases import _Case, _event
from .works import slugify

REQUIRED = ("case", "id", "date", "type", "by", "level", "label", "work")
OPTIONAL = ("towards", "pages", "section", "description", "outcome")


def parse_event_csv(path: Path, registry: Registry, known_cases: set[str]) -> Batch:
    src = str(path)
    reader = csv.DictReader(io.StringIO(read_text(path)), restval="")
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise InputError(Problem(src, f"not valid CSV: {exc}", line=reader.line_num)) from exc
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        # a spreadsheet saved with another separator reads as one column
        other = next((sep for sep in (";", "\t", "|") if len(header) == 1 and sep in header[0]), None)
        hint = f"; the header is one field holding {other!r}: save the file with commas between the fields" \
            if other else f"; the header must include {list(REQUIRED)}"
        raise InputError(Problem(src, f"missing column(s) {missing}{hint}", line=1))
    c = _Case(path, registry)
    c.batch.kind = "events"
    by_case: dict[str, list] = {}  # type: ignore[type-arg]
    seen: dict[str, set[str]] = {}
    for row in _rows(reader, src):
        line = reader.line_num
        if None in row:
            c.problem(f"{len(row[None]) + len(header)} fields where the header has {len(header)}", line, None,
                      row.get("id"))
            continue
        case_id = (row.get("case") or "").strip()
        if case_id not in known_cases:
            c.problem(f"unknown case {case_id!r}: ingest its case file first", line, "case", row.get("id"))
            continue
        event = LocatedDict(
            id=row["id"].strip(), date=row["date"].strip(), type=row["type"].strip(), level=row["level"].strip(),
            label=row["label"], by=_ids(row["by"], line), towards=_ids(row.get("towards") or "", line),
            evidence=LocatedList([{k: v for k, v in (("work", row["work"].strip()), ("pages", row.get("pages")),
                                                     ("section", row.get("section"))) if v}]),
        )
        for key in ("description", "outcome"):
            if row.get(key):
                event[key] = row[key].strip()
        event.line = line
        before = len(c.triples)
        _event(c, instance("case", case_id), case_id, event, seen.setdefault(case_id, set()))
        by_case.setdefault(case_id, []).extend(c.triples[before:])
    if c.problems:
        raise InputError(c.problems)
    if not by_case:
        raise InputError(Problem(src, "no event rows found"))
    target = graph(f"events/{slugify(path.stem) or 'events'}")
    for triples in by_case.values():
        c.batch.add(target, triples)
    return c.batch


def _rows(reader: csv.DictReader, src: str) -> Iterator[dict[str, Any]]:  # type: ignore[type-arg]
    """The rows, with a CSV syntax error (a stray quote or carriage return) located by line."""
    try:
        yield from reader
    except csv.Error as exc:
        raise InputError(Problem(src, f"not valid CSV: {exc}; quote fields that hold line breaks",
                                 line=reader.line_num)) from exc


def _ids(value: str, line: int) -> LocatedList:
    out = LocatedList(v.strip() for v in value.split(";") if v.strip())
    out.line = line
    return out
