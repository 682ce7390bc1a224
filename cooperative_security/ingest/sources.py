"""A reference to a work with its pages or section: ``{work, pages, section, footnote}``."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ..errors import Problem
from ..namespaces import instance
from .base import Batch, cs, integer, is_slug, line_of, plain

_KEYS = {"work", "pages", "section", "footnote"}


def source_reference(
    entry: Any, batch: Batch, where: str, field: str, fallback_line: int | None
) -> tuple[ox.BlankNode, list[ox.Triple], list[Problem]]:
    """Triples for one source reference, and what is wrong with it (if anything)."""
    line = line_of(entry, fallback_line)
    node = ox.BlankNode()
    problems: list[Problem] = []
    if not isinstance(entry, dict):
        problems.append(Problem(batch.source, "expected {work: KEY, pages: ...} or {work: KEY, section: ...}",
                                line=line, field=field, record=where))
        return node, [], problems
    unknown = set(entry) - _KEYS
    if unknown:
        problems.append(Problem(batch.source, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_KEYS)}",
                                line=line, field=field, record=where))
    key = entry.get("work")
    if not is_slug(key):
        problems.append(Problem(batch.source, f"work {key!r} is not a bibliography key like booth-wheeler-2008",
                                line=line, field=f"{field}.work", record=where))
        return node, [], problems
    if entry.get("pages") is None and entry.get("section") is None:
        problems.append(Problem(batch.source, "a source needs pages (for a work) or a section (for the chapter)",
                                line=line, field=field, record=where))
    triples = [ox.Triple(node, cs("work"), instance("work", key))]
    if entry.get("pages") is not None:
        triples.append(ox.Triple(node, cs("pages"), plain(str(entry["pages"]))))
    if entry.get("section") is not None:
        triples.append(ox.Triple(node, cs("section"), plain(str(entry["section"]))))
    if entry.get("footnote") is not None:
        try:
            triples.append(ox.Triple(node, cs("footnote"), integer(int(entry["footnote"]))))
        except (TypeError, ValueError, OverflowError):
            problems.append(Problem(batch.source, f"footnote {entry['footnote']!r} is not a number",
                                    line=line, field=f"{field}.footnote", record=where))
    batch.references.append(
        ("work", key, Problem(batch.source, f"unknown work {key!r}: add it to the bibliography first",
                              line=line, field=f"{field}.work", record=where))
    )
    return node, triples, problems
