"""BibTeX -> works (bibtexparser does the parsing; we add located errors).

Zotero's BibTeX export (keys like ``laudy_vatican_2000``) and Better BibTeX's (``laudyVatican2000``, and the
BibLaTeX fields ``date`` and ``journaltitle``) are read as they come; keys are made readable (see :mod:`.keys`)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError, Problem
from .base import Batch, is_slug, read_text
from .keys import KeyChange, KeyMaker, kebab
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
    # BibLaTeX, as Better BibLaTeX writes it
    "thesis": "thesis",
    "online": "document",
    "inproceedings": "chapter",
    "conference": "chapter",
    "mvbook": "book",
    "booklet": "document",
    "manual": "document",
}
_ENTRY_START = re.compile(r"^\s*@(?P<type>\w+)\s*[{(]\s*(?P<key>[^,\s]*)", re.MULTILINE)
_BRACES = re.compile(r"[{}]")


def _people(value: str, src: str, line: int, key: str, field: str) -> list[Person]:
    from bibtexparser.customization import splitname  # here: commands that read the bundled cache never need it

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
    return read_bibtex_text(raw, src)[0]


def read_bibtex_text(raw: str, src: str) -> tuple[list[Work], list[KeyChange]]:
    """The works of a BibTeX file, and the keys that were changed to make them readable."""
    import bibtexparser  # here, not at the top: commands that read the bundled cache never need it
    from bibtexparser.bparser import BibTexParser
    from bibtexparser.customization import convert_to_unicode

    starts = [(m["type"].lower(), m["key"], raw[: m.start("type")].count("\n") + 1) for m in _ENTRY_START.finditer(raw)]
    starts = [s for s in starts if s[0] not in {"comment", "preamble", "string"}]
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True)
    parser.customization = convert_to_unicode
    try:
        db = bibtexparser.loads(raw, parser=parser)
    except Exception as exc:  # noqa: BLE001 - the parser's errors are untyped
        raise InputError(Problem(src, f"not valid BibTeX: {exc}")) from exc
    by_key: dict[str, list[dict[str, str]]] = {}  # a key written twice: both entries, in the file's order
    for e in db.entries:
        by_key.setdefault(e["ID"], []).append(e)
    problems: list[Problem] = []
    works: list[Work] = []
    seen: set[str] = set()
    keys = KeyMaker(src)
    for etype, key, line in starts:
        if key in seen:
            problems.append(Problem(src, f"duplicate key {key!r}", line=line, record=key))
            continue
        seen.add(key)
        entry = by_key.get(key, [None])[0]  # the first entry of that key is the one at this line
        if entry is None:
            problems.append(Problem(src, f"the @{etype} entry {key!r} could not be read: check its braces, "
                                         "commas and quotes", line=line, record=key))
            continue
        if etype not in KINDS:
            problems.append(Problem(src, f"unsupported entry type @{etype}; use one of {sorted(KINDS)}",
                                    line=line, record=key))
            continue
        if not entry.get("title"):
            problems.append(Problem(src, "missing title", line=line, field="title", record=key))
        year = entry.get("year", "").strip()
        if not year and entry.get("date"):  # BibLaTeX: date = {2000-05-01}
            found = re.match(r"\s*(\d{4})", entry["date"])
            year = found.group(1) if found else entry["date"].strip()
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
        readable = keys.key(f"line {line}", key, authors or editors, year, entry.get("title", ""))
        works.append(Work(
            key=readable, kind=kind, title=_BRACES.sub("", entry.get("title", "")), year=year or None,
            authors=authors, editors=editors,
            container=_BRACES.sub("", entry.get("journal") or entry.get("journaltitle") or entry.get("booktitle")
                                  or "") or None,
            container_key=_crossref(entry.get("crossref")), publisher=entry.get("publisher"),
            place=entry.get("address") or entry.get("location"), volume=entry.get("volume"), issue=entry.get("number"),
            pages=(entry.get("pages") or "").replace("--", "-") or None, month=entry.get("month"),
            edition=entry.get("edition"), series=entry.get("series"), translator=entry.get("translator"),
            url=entry.get("url"), doi=entry.get("doi"), note=entry.get("note"), line=line,
        ))
    if len(db.entries) > len(starts):  # more entries than the places found for them (duplicates counted)
        problems.append(Problem(src, "the file holds entries coopsec could not locate; check for '@' inside "
                                     "field values"))
    if problems:
        raise InputError(problems)
    # A crossref names the volume by its key as written; it follows that volume's readable key.
    renamed = {c.original: c.key for c in keys.changes}
    for work in works:
        if work.container_key in renamed:
            work.container_key = renamed[work.container_key]
        elif work.container_key and not is_slug(work.container_key) and kebab(work.container_key):
            work.container_key = kebab(work.container_key)
    return works, keys.changes


def _crossref(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def parse_bibtex(path: Path) -> Batch:
    works, changes = read_bibtex_text(read_text(path), str(path))
    batch = works_batch(path, works, "BibTeX entries")
    batch.key_changes = changes  # type: ignore[attr-defined]
    return batch
