"""Generational suffixes (Jr., Sr., III) written where BibTeX or CSL would take them for another part of a name.

BibTeX reads ``Martin Luther King, Jr.`` as ``Last, First``: the family name "Martin Luther King" and the given
name "Jr.". It reads ``Lee Jr., Robert`` as the family name "Lee Jr.". Both would be stored as wrong data, so
both are refused, with the name written in BibTeX's ``von Last, Jr, First`` form as the fix (``King, Jr.,
Martin Luther``; ``Lee, Jr., Robert``). ``Louis, II`` is refused too: the ``II`` is a suffix, not a given name
(``Louis, II, {}``). A braced part (``{Lee Jr.}, Robert``) is taken as written, as BibTeX takes it, and a name
without a comma (``Henry VIII``) is left to BibTeX's own rules. In CSL-JSON, which has a ``suffix``, a
``given`` that is only a suffix, or a ``family`` that ends in one, is refused with the fix of moving it there.

Only words that are never a given or a family name are suffixes: ``Jun``, ``Sen`` (a Chinese given name, an
Indian family name) are not, ``jun.`` and ``sen.`` are; nor are ``Junior`` and ``Senior`` (a given name, a
family name) or a lone ``V`` (an initial). The list is :data:`SUFFIXES`; docs/guide/zotero.md names it."""

from __future__ import annotations

import json

#: the generational suffixes, lower case (compared case-insensitively, and only as a whole word)
SUFFIXES = frozenset((
    "jr", "jr.", "jnr", "jnr.", "jun.",
    "sr", "sr.", "snr", "snr.", "sen.",
    "ii", "iii", "iv", "2nd", "3rd", "4th",
))


def is_suffix(word: str) -> bool:
    """Whether ``word`` (as written, braces and all: ``{Jr.}`` is not) is a generational suffix."""
    return word.lower() in SUFFIXES


def _top_commas(raw: str) -> int:
    """The commas of a BibTeX name outside braces (1 in ``Last, First``, 2 in ``Last, Jr, First``)."""
    depth = commas = 0
    for char in raw:
        depth += (char == "{") - (char == "}")
        commas += char == "," and depth == 0
    return commas


def bibtex_suffix_problem(raw: str, parts: dict[str, list[str]]) -> str | None:
    """What is wrong with the BibTeX name ``raw`` (split by bibtexparser's ``splitname`` into ``parts``) when, in
    the ``Last, First`` form, its first part is only a suffix or its last part ends in one; else None."""
    from bibtexparser.customization import splitname

    if _top_commas(raw) != 1:
        return None
    family, first = parts.get("von", []) + parts.get("last", []), parts.get("first", [])
    if len(first) == 1 and is_suffix(first[0]):
        # what comes before the comma is the whole name, "First von Last", as BibTeX reads a name without one
        whole = splitname(" ".join(family), strict_mode=False) if family else {}
        fix = [" ".join(whole.get("von", []) + whole.get("last", [])), first[0], " ".join(whole.get("first", []))]
        why = f"BibTeX takes {first[0]!r}, after the comma, for the given name"
    elif len(family) > 1 and is_suffix(family[-1]):
        fix = [" ".join(family[:-1]), family[-1], " ".join(first)]
        why = f"BibTeX takes {family[-1]!r}, before the comma, for part of the family name"
    else:
        return None
    written = ", ".join(part or "{}" for part in fix)
    return (f"the name \"{raw.strip()}\": {why}; write it as \"{written}\" (BibTeX's von Last, Jr, First form, "
            "which keeps the suffix as a suffix), or brace a part to keep it as written")


def csl_suffix_problem(parts: dict[str, str]) -> str | None:
    """What is wrong with a CSL name (its parts by CSL's names) when its ``given`` is only a suffix or its
    ``family`` ends in one (after another word); else None."""
    given, family = parts.get("given", ""), parts["family"].split()
    if is_suffix(given):
        return f"\"given\": {_json(given)} is a suffix, not a given name: move it to \"suffix\""
    if len(family) > 1 and is_suffix(family[-1]):
        return (f"\"family\": {_json(parts['family'])} ends in a suffix: move it to \"suffix\" (\"family\": "
                f"{_json(' '.join(family[:-1]))}, \"suffix\": {_json(family[-1])})")
    return None


def _json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
