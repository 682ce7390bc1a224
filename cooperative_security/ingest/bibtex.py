"""BibTeX -> works (bibtexparser does the parsing; we add located errors)."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import convert_to_unicode, splitname

from ..errors import InputError, Problem
from .base import Batch, is_slug, read_text
from .works import Person, Work, works_batch

KINDS = {
    "article": "article",
    "book": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "collection": "edited-book",
    "proceedings": "edited-book",
    "techreport": "report",
    "report": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "misc": "document",
    "unpublished": "document",
}
_ENTRY_START = re.compile(r"^\s*@(?P<type>\w+)\s*[{(]\s*(?P<key>[^,\s]*)", re.MULTILINE)
_BRACES = re.compile(r"[{}]")


def _people(value: str, src: str, line: int, key: str, field: str) -> list[Person]:
    people = []
    for raw in re.split(r"\s+and\s+", value.strip()):
        if not raw.strip():
            continue
        try:
            parts = splitname(raw, strict_mode=False)
        except Exception as exc:  # noqa: BLE001 - bibtexparser raises bare exceptions on odd names
            raise InputError(Problem(src, f"cannot read the name {raw!r}: {exc}", line=line, field=field,
                                     record=key)) from exc
        family = " ".join(parts.get("von", []) + parts.get("last", []))
        given = " ".join(parts.get("first", []))
        people.append(Person(_BRACES.sub("", family).strip(), _BRACES.sub("", given).strip()))
    return people


def parse_bibtex_text(raw: str, src: str) -> list[Work]:
    starts = [(m["type"].lower(), m["key"], raw[: m.start("type")].count("\n") + 1) for m in _ENTRY_START.finditer(raw)]
    starts = [s for s in starts if s[0] not in {"comment", "preamble", "string"}]
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True)
    parser.customization = convert_to_unicode
    try:
        db = bibtexparser.loads(raw, parser=parser)
    except Exception as exc:  # noqa: BLE001 - the parser's errors are untyped
        raise InputError(Problem(src, f"not valid BibTeX: {exc}")) from exc
    by_key = {e["ID"]: e for e in db.entries}
    problems: list[Problem] = []
    works: list[Work] = []
    seen: set[str] = set()
    for etype, key, line in starts:
        if key in seen:
            problems.append(Problem(src, f"duplicate key {key!r}", line=line, record=key))
            continue
        seen.add(key)
        entry = by_key.get(key)
        if entry is None:
            problems.append(Problem(src, f"the @{etype} entry {key!r} could not be read: check its braces, "
                                         "commas and quotes", line=line, record=key))
            continue
        if not is_slug(key):
            problems.append(Problem(src, f"key {key!r} must be lower-case kebab-case like booth-wheeler-2008",
                                    line=line, record=key))
        if etype not in KINDS:
            problems.append(Problem(src, f"unsupported entry type @{etype}; use one of {sorted(KINDS)}",
                                    line=line, record=key))
            continue
        if not entry.get("title"):
            problems.append(Problem(src, "missing title", line=line, field="title", record=key))
        year = entry.get("year", "").strip()
        if year and not re.fullmatch(r"\d{4}[a-z]?", year):
            problems.append(Problem(src, f"year {year!r} must be four digits", line=line, field="year", record=key))
        if not entry.get("author") and not entry.get("editor"):
            problems.append(Problem(src, "an entry needs an author or an editor", line=line, field="author",
                                    record=key))
        try:
            authors = _people(entry.get("author", ""), src, line, key, "author")
            editors = _people(entry.get("editor", ""), src, line, key, "editor")
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        kind = KINDS[etype]
        if kind == "book" and editors and not authors:
            kind = "edited-book"
        works.append(Work(
            key=key, kind=kind, title=_BRACES.sub("", entry.get("title", "")), year=year or None,
            authors=authors, editors=editors,
            container=_BRACES.sub("", entry.get("journal") or entry.get("booktitle") or "") or None,
            container_key=entry.get("crossref"), publisher=entry.get("publisher"),
            place=entry.get("address"), volume=entry.get("volume"), issue=entry.get("number"),
            pages=(entry.get("pages") or "").replace("--", "-") or None, month=entry.get("month"),
            edition=entry.get("edition"), series=entry.get("series"), translator=entry.get("translator"),
            url=entry.get("url"), doi=entry.get("doi"), note=entry.get("note"), line=line,
        ))
    if len(db.entries) > len(seen):
        problems.append(Problem(src, "the file holds entries coopsec could not locate; check for '@' inside "
                                     "field values"))
    if problems:
        raise InputError(problems)
    return works


def parse_bibtex(path: Path) -> Batch:
    return works_batch(path, parse_bibtex_text(read_text(path), str(path)), "BibTeX entries")
