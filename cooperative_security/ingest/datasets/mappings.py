"""The mapping tables (data, not code) under ``data/mappings/``: CAMEO and MID hostility to event types,
ATOP treaties that are curated events, ICEWS country names that differ from the COW list."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from ...errors import InputError, Problem
from ...resources import data_dir


def _table(name: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    path: Path = data_dir() / "mappings" / name
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(Problem(str(path), f"missing column(s) {', '.join(missing)}", line=1))
        return [(reader.line_num, row) for row in reader]


@cache
def cameo_event_types() -> dict[str, str]:
    """CAMEO code or root code -> event type local name (the longest matching prefix wins)."""
    return {row["cameo"].strip(): row["event_type"].strip() for _, row in
            _table("cameo-to-event-types.csv", ("cameo", "event_type")) if row["event_type"].strip()}


def cameo_event_type(code: str) -> str | None:
    table = cameo_event_types()
    for length in range(len(code), 1, -1):
        if code[:length] in table:
            return table[code[:length]]
    return None


@cache
def mid_event_types() -> dict[int, str]:
    return {int(row["hostlev"]): row["event_type"].strip() for _, row in
            _table("mid-hostility-to-event-types.csv", ("hostlev", "event_type")) if row["event_type"].strip()}


@cache
def atop_curated_treaties() -> dict[int, str]:
    """ATOP number -> the IRI of the curated event that is the same treaty."""
    return {int(row["atopid"]): row["event"].strip() for _, row in
            _table("atop-curated-treaties.csv", ("atopid", "event"))}


@cache
def icews_country_codes() -> dict[str, int]:
    return {row["icews_country"].strip(): int(row["ccode"]) for _, row in
            _table("icews-country-to-cow.csv", ("icews_country", "ccode"))}
