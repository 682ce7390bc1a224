"""CSL-JSON (what Zotero exports) -> works."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .base import Batch, is_slug, read_text
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
    if parts and parts[0]:
        return str(parts[0][0])
    return str(issued["literal"]) if issued.get("literal") else None


def parse_csl_text(raw: str, src: str) -> list[Work]:
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
    for index, item in enumerate(items, 1):
        record = f"item {index}"
        if not isinstance(item, dict):
            problems.append(Problem(src, "each item must be an object", record=record))
            continue
        key = item.get("id")
        record = f"item {index} ({key})"
        if not is_slug(key):
            problems.append(Problem(src, f"id {key!r} must be a kebab-case key like booth-wheeler-2008",
                                    record=record, field="id"))
            continue
        ctype = item.get("type", "document")
        if ctype not in KINDS:
            problems.append(Problem(src, f"unsupported type {ctype!r}; use one of {sorted(KINDS)}",
                                    record=record, field="type"))
            continue
        if not item.get("title"):
            problems.append(Problem(src, "missing title", record=record, field="title"))
        authors, editors = _people(item.get("author")), _people(item.get("editor"))
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
    return works


def parse_csl(path: Path) -> Batch:
    return works_batch(path, parse_csl_text(read_text(path), str(path)), "CSL-JSON items")
