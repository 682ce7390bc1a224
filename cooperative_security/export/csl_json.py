"""Works as CSL-JSON, the format Zotero, Better BibTeX and citeproc read: the json module writes the file.

Every field :mod:`cooperative_security.ingest.csl` reads is written under the variable it reads it by, so the
file ingests back to the same triples. A work's key is its ``id`` and its ``citation-key``; the volume a
chapter is part of is named by ``container-key`` (coopsec's own variable, which other tools ignore). CSL has
no way to say that a name list is the first of more (BibTeX's ``and others``): that is not written. A
circa date, which BibTeX cannot give, is (``"circa": true``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..ingest.csl import CIRCA
from ..ingest.months import MONTHS, SEASONS
from ..ingest.works import Person, Work

#: our work kinds -> CSL type (an edited book is a CSL book whose names are editors)
CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "chapter": "chapter",
    "edited-book": "book",
    "report": "report",
    "thesis": "thesis",
    "document": "document",
}
#: a month or season by name -> its number in ``date-parts`` (seasons as CSL numbers them, 13 to 16)
_MONTH_NUMBERS = {name: n for n, name in enumerate(MONTHS, 1)} | {
    name: n for n, name in sorted(SEASONS.items(), reverse=True)}


def name(p: Person) -> dict[str, str]:
    """A CSL name: family, given and suffix; an organisation (a family name alone, of several words) as a
    ``literal``, which the reader stores as a family name."""
    if not p.given and not p.suffix and " " in p.family:
        return {"literal": p.family}
    out = {"family": p.family}
    if p.given:
        out["given"] = p.given
    if p.suffix:
        out["suffix"] = p.suffix
    return out


def translators(text: str) -> list[dict[str, str]]:
    """The translator names as stored (``Family, Given and Family, Given``, as BibTeX writes them) as CSL
    names, in the form :func:`~cooperative_security.ingest.works.names_text` reads back."""
    out = []
    for one in text.split(" and "):
        family, comma, given = one.partition(", ")
        out.append({"family": family.strip(), "given": given.strip()} if comma else {"literal": one.strip()})
    return out


def item(work: Work) -> dict[str, Any]:
    """One work as a CSL-JSON item."""
    out: dict[str, Any] = {"id": work.key, "citation-key": work.key, "type": CSL_TYPES.get(work.kind, "document"),
                           "title": work.title}
    if work.authors:
        out["author"] = [name(p) for p in work.authors]
    if work.editors:
        out["editor"] = [name(p) for p in work.editors]
    if work.translator:
        out["translator"] = translators(work.translator)
    if work.year:
        out["issued"] = _issued(work)
    text = {
        "container-title": work.container, "container-key": work.container_key, "publisher": work.publisher,
        "publisher-place": work.place, "volume": work.volume, "page": work.pages, "edition": work.edition,
        "collection-title": work.series, "collection-number": work.series_number, "URL": work.url,
        "DOI": work.doi, "note": work.note,
        # a report's number is what the reader stores as its issue
        "number" if work.kind == "report" else "issue": work.issue,
    }
    out.update({variable: value for variable, value in text.items() if value})
    return out


def _issued(work: Work) -> dict[str, Any]:
    year = work.year or ""
    if not year[:4].isdigit():
        return {"literal": year}
    parts = [int(year[:4])]
    if work.month in _MONTH_NUMBERS:
        parts.append(_MONTH_NUMBERS[work.month])
    issued: dict[str, Any] = {"date-parts": [parts]}
    if work.month and work.month not in _MONTH_NUMBERS:  # "July–August", "Fall": CSL's season, as text
        issued["season"] = work.month
    if any(inference.startswith(f"year {year[:4]}: {CIRCA}") for inference in work.inferred):
        issued["circa"] = True
    return issued


def write_csl_json(works: Iterable[Work]) -> str:
    """The works as a CSL-JSON array, sorted by key (keys of each item sorted too, so that a diff is small)."""
    items = [item(w) for w in sorted(works, key=lambda w: w.key)]
    return json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
