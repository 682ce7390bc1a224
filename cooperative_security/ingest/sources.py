"""A reference to a work: ``{work, pages | section | record, footnote, kind, note, inferred}``.

``pages`` are the pages of a work (``unverified`` when they could not be checked offline: then say in
``note`` what the work is cited for); ``section`` is for the chapter, whose pre-print has no pages;
``record`` names the record of a data set (a war or dispute number). ``kind`` says whether the work
documents the event or only mentions it; ``inferred`` says what was added to what the source prints.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ..errors import Problem
from ..namespaces import instance
from .base import Batch, cs, integer, is_slug, line_of, plain, text

_KEYS = {"work", "pages", "section", "record", "footnote", "kind", "note", "inferred"}
KINDS = ("documents", "mentions")
UNVERIFIED = "unverified"


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
        problems.append(Problem(batch.source, "missing work: every source names one, a bibliography key like "
                                "booth-wheeler-2008" if key in (None, "") else
                                f"work {key!r} is not a bibliography key like booth-wheeler-2008",
                                line=line, field=f"{field}.work", record=where))
        return node, [], problems
    if all(entry.get(k) is None for k in ("pages", "section", "record")):
        problems.append(Problem(batch.source, "a source needs pages (for a work; `pages: unverified` with a `note` "
                                              "if they cannot be checked), a section (for the chapter) or a record "
                                              "(for a data set)", line=line, field=field, record=where))
    if str(entry.get("pages")) == UNVERIFIED and not entry.get("note"):
        problems.append(Problem(batch.source, "`pages: unverified` needs a `note` saying what the work is cited for",
                                line=line, field=f"{field}.note", record=where))
    triples = [ox.Triple(node, cs("work"), instance("work", key))]
    for name, prop in (("pages", "pages"), ("section", "section"), ("record", "record")):
        if entry.get(name) is not None:
            triples.append(ox.Triple(node, cs(prop), plain(str(entry[name]))))
    kind = entry.get("kind")
    if kind is None and field == "evidence":  # an event's evidence (an events CSV's row always has a kind)
        problems.append(Problem(batch.source, "evidence needs a kind: `kind: documents` (the work is a record of the "
                                              "event) or `kind: mentions` (it only refers to it)",
                                line=line, field=f"{field}.kind", record=where))
    elif kind is not None:
        if kind in KINDS:
            triples.append(ox.Triple(node, cs("evidenceKind"), plain(kind)))
        else:
            problems.append(Problem(batch.source, f"kind {kind!r} must be `documents` (the work is a record of the "
                                                  "event) or `mentions` (it only refers to it)",
                                    line=line, field=f"{field}.kind", record=where))
    for name in ("note", "inferred"):
        if entry.get(name):
            triples.append(ox.Triple(node, cs(name), text(str(entry[name]))))
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
