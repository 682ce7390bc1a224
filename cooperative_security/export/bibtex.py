"""Works as BibTeX, for LaTeX and Zotero: bibtexparser writes the file, pylatexenc escapes the values.

Every field :mod:`cooperative_security.ingest.bibtex` reads is written, under the name it reads it by, so the
file ingests back to the same triples. Text stays UTF-8; what LaTeX reads as markup (``& % $ # _ { } ~ ^ \\``)
is escaped by pylatexenc's encoder, except a ``$...$`` formula, which the reader kept as written. Names are
written ``von Last, Jr., First``; a name BibTeX would split otherwise (an organisation, ``{World Bank}``)
is braced. URLs, DOIs, pages and keys are not LaTeX, and are written as stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from ..ingest.bibtex import SERIES_NUMBERED, read_names
from ..ingest.works import Person, Work

if TYPE_CHECKING:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

#: our work kinds -> BibTeX entry type (an edited book with editors only is a @book, as the reader reads it)
ENTRY_TYPES = {
    "article": "article",
    "book": "book",
    "chapter": "incollection",
    "edited-book": "collection",
    "report": "techreport",
    "thesis": "phdthesis",
    "document": "misc",
}
#: which field holds a work's container, and its publisher, by kind (as BibTeX's styles name them)
_CONTAINER = {"article": "journal"}
_PUBLISHER = {"report": "institution", "thesis": "school"}
#: what LaTeX reads as markup; each escaped as pylatexenc's encoder escapes it
_SPECIALS = "\\&%$#_{}~^"
#: a formula, kept as written: the reader keeps ``$x^2$`` as it is (math_mode="verbatim")
_MATH = re.compile(r"(\$[^$]+\$)")
#: what LaTeX's ligatures would change (``--`` an en dash, ````x''`` quotes): a ``{}`` between keeps them
_LIGATURE = re.compile(r"(?<=[-`'])(?=[-`'])")
#: the word "and" inside a name, which would split the name list there
_AND = re.compile(r"(?<!\S)and(?!\S)")


@cache
def _encoder() -> UnicodeToLatexEncoder:
    from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder, unicode_to_latex

    rule = {ord(c): unicode_to_latex(c) for c in _SPECIALS}
    return UnicodeToLatexEncoder(conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, rule)],
                                 unknown_char_policy="keep", unknown_char_warning=False,
                                 replacement_latex_protection="braces-after-macro")


def latex(value: str) -> str:
    """Text as a BibTeX value: markup characters escaped, ligatures broken, formulas and letters kept.

    >>> latex("Arms & Influence: 50% -- $x^2$")
    'Arms \\\\& Influence: 50\\\\% -{}- $x^2$'
    """
    parts = _MATH.split(value) if value.count("$") % 2 == 0 else [value]
    out = [part if i % 2 else _LIGATURE.sub("{}", _encoder().unicode_to_latex(part)) for i, part in enumerate(parts)]
    return "".join(out)


def person(p: Person) -> str:
    """One name as BibTeX writes it (``van Evera, Stephen``, ``Lee, Jr., Maurice``, ``{World Bank}``): the
    family name braced where the reader would split it otherwise; a suffix without a given name before ``{}``
    (``Lee, Jr., {}``), or BibTeX would read the suffix as the given name; every part braced where the reader would
    refuse the name (a given name "Jr.": ``{King}, {Jr.}``)."""
    parts = [latex(part) for part in (p.family, p.suffix, p.given) if part]
    parts = [_AND.sub("{and}", part) for part in parts] + (["{}"] if p.suffix and not p.given else [])
    for written in (", ".join(parts), ", ".join(["{" + parts[0] + "}", *parts[1:]])):
        if _reads_as(written, p):
            return written
    # every part braced: a given name the reader refuses as a suffix (``{King}, {Jr.}``, from a store made before)
    return ", ".join(part if part == "{}" else "{" + part + "}" for part in parts)


def _reads_as(written: str, p: Person) -> bool:
    try:
        people, et_al = read_names(written, "", 0, "", "author")
    except Exception:  # noqa: BLE001 - a name the reader refuses is written braced
        return False
    return people == [p] and not et_al


def names(people: Iterable[Person], et_al: bool = False) -> str:
    """A name list, ending ``and others`` where the list was the first of more."""
    return " and ".join([*(person(p) for p in people), *(["others"] if et_al else [])])


def entry(work: Work) -> dict[str, str]:
    """One work as bibtexparser's entry: ``ENTRYTYPE``, ``ID`` and the fields, their values as written."""
    kind = work.kind
    etype = "book" if kind == "edited-book" and not work.authors else ENTRY_TYPES.get(kind, "misc")
    fields: dict[str, str | None] = {"title": latex(work.title)}
    if work.authors:
        fields["author"] = names(work.authors, work.et_al)
    if work.editors:
        fields["editor"] = names(work.editors, work.et_al and not work.authors)
    fields["year"] = work.year
    text = {
        _CONTAINER.get(kind, "booktitle"): work.container, _PUBLISHER.get(kind, "publisher"): work.publisher,
        "address": work.place, "volume": work.volume, "month": work.month, "edition": work.edition,
        "series": work.series, "translator": work.translator, "note": work.note,
        # a book's or chapter's number (or any work's in a series) is its number in the series; else its issue
        "number": work.series_number if kind in SERIES_NUMBERED or work.series else work.issue,
    }
    fields.update({name: latex(value) for name, value in text.items() if value})
    fields.update(crossref=work.container_key, url=work.url, doi=work.doi,
                  pages=re.sub(r"(?<=\w)-(?=\w)", "--", work.pages) if work.pages else None)
    out = {"ENTRYTYPE": etype, "ID": work.key}
    out.update({name: value for name, value in fields.items() if value})
    return out


def write_bibtex(works: Iterable[Work]) -> str:
    """The works as a BibTeX file, sorted by key."""
    from bibtexparser.bibdatabase import BibDatabase
    from bibtexparser.bwriter import BibTexWriter

    db = BibDatabase()
    db.entries = [entry(w) for w in sorted(works, key=lambda w: w.key)]
    writer = BibTexWriter()
    writer.indent = "  "
    writer.order_entries_by = ("ID",)
    writer.display_order = ["author", "editor", "title", "year", "month"]
    return str(writer.write(db))
