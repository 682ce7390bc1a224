"""CSL-JSON (what Zotero and Better BibTeX export) -> works.

Zotero's own export names each item by its URI and Better BibTeX by a camelCase key; both are accepted, and
a ``citation-key`` is honoured (see :mod:`.keys`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .base import Batch, read_text
from .keys import KeyChange, KeyMaker, note_key
from .works import Person, Work, works_batch

KINDS = {
    "article-journal": "article",
    "article": "article",
    "article-magazine": "article",
    "book": "book",
    "chapter": "chapter",
    "report": "report",
    "thesis": "thesis",
    "document": "document",
    "article-newspaper": "article",
    "paper-conference": "chapter",
    "entry-encyclopedia": "chapter",
    "entry-dictionary": "chapter",
    "manuscript": "document",
    "webpage": "document",
    "post-weblog": "document",
    "speech": "document",
    "interview": "document",
    "legislation": "document",
    "treaty": "document",
    "report-government": "report",
}


def _people(items: Any) -> list[Person]:
    people = []
    for item in items or []:
        if "literal" in item:
            people.append(Person(item["literal"]))
        else:
            family = " ".join(filter(None, [item.get("non-dropping-particle"), item.get("family", "")]))
            people.append(Person(family.strip(), item.get("given", "")))
    return people


def _year(item: dict[str, Any]) -> str | None:
    issued = item.get("issued") or {}
    parts = issued.get("date-parts") or []
    if parts and parts[0] and parts[0][0] not in (None, ""):
        return str(parts[0][0])
    for key in ("literal", "raw"):
        if issued.get(key):
            found = re.search(r"\b\d{4}\b", str(issued[key]))
            return found.group(0) if found else str(issued[key])
    return None


def parse_csl_text(raw: str, src: str) -> list[Work]:
    return read_csl_text(raw, src)[0]


def read_csl_text(raw: str, src: str) -> tuple[list[Work], list[KeyChange]]:
    """The works of a CSL-JSON file, and the keys that were changed to make them readable."""
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(Problem(src, f"not valid JSON: {exc.msg}", line=exc.lineno)) from exc
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise InputError(Problem(src, "CSL-JSON is a list of items"))
    works: list[Work] = []
    problems: list[Problem] = []
    keys = KeyMaker(src)
    for index, item in enumerate(items, 1):
        record = f"item {index}"
        if not isinstance(item, dict):
            problems.append(Problem(src, "each item must be an object", record=record))
            continue
        original = item.get("id")
        record = f"item {index} ({original})"
        if isinstance(original, int | float) and not isinstance(original, bool):
            original = str(original)
        chosen = item.get("citation-key") or item.get("citationKey") or note_key(item.get("note"))
        if not isinstance(original, str) and not isinstance(chosen, str):
            problems.append(Problem(src, "an item needs an id (or a citation-key), a string", record=record,
                                    field="id"))
            continue
        ctype = item.get("type", "document")
        if ctype not in KINDS:
            problems.append(Problem(src, f"unsupported type {ctype!r}; use one of {sorted(KINDS)}",
                                    record=record, field="type"))
            continue
        if not item.get("title"):
            problems.append(Problem(src, "missing title", record=record, field="title"))
        authors, editors = _people(item.get("author")), _people(item.get("editor"))
        key = keys.key(f"item {index}", original if isinstance(original, str) else None, authors or editors,
                       _year(item),
                       str(item.get("title") or ""), chosen if isinstance(chosen, str) else None)
        kind = KINDS[ctype]
        if kind == "book" and editors and not authors:
            kind = "edited-book"
        works.append(Work(
            key=key, kind=kind, title=item.get("title", ""), year=_year(item), authors=authors,
            editors=editors, container=item.get("container-title"), container_key=item.get("container-key"),
            publisher=item.get("publisher"), place=item.get("publisher-place"), volume=item.get("volume"),
            issue=item.get("issue"), pages=(item.get("page") or "").replace("--", "-") or None,
            edition=item.get("edition"), series=item.get("collection-title"), url=item.get("URL"),
            doi=item.get("DOI"), note=item.get("note"),
        ))
    if problems:
        raise InputError(problems)
    return works, keys.changes


def parse_csl(path: Path) -> Batch:
    works, changes = read_csl_text(read_text(path), str(path))
    batch = works_batch(path, works, "CSL-JSON items")
    batch.key_changes = changes  # type: ignore[attr-defined]
    return batch
