"""Readable work keys from what reference managers export.

The bibliography's keys are kebab-case (``booth-wheeler-2008``): they become IRIs and are what case files
cite. Zotero and Better BibTeX export other shapes, which are taken as they come:

* a Better BibTeX key (``laudyVatican2000``) or Zotero's default BibTeX key (``laudy_vatican_2000``) becomes
  the same key in kebab-case (``laudy-vatican-2000``);
* a CSL-JSON item id that is a Zotero item URI (``http://zotero.org/users/1/items/ABCD2345``) says nothing a
  reader can use, so the key is made from the authors and the year as the bibliography makes its own
  (``laudy-2000``, ``booth-wheeler-2008``, ``deutsch-etal-1957``), or from the title when there are none;
* a ``citation-key`` (CSL-JSON, as Better BibTeX and Zotero 7 write it, or a ``Citation Key: ...`` line in the
  note) is the key the user chose, and is honoured before the id.

Every change is reported, original -> key, so that case files can cite the works.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .base import is_slug, slugify

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
_NOTE_KEY = re.compile(r"^\s*Citation Key:\s*(\S+)\s*$", re.MULTILINE | re.IGNORECASE)
_STOP = {"a", "an", "the", "of", "and", "on", "in", "for", "to", "la", "le", "les", "der", "die", "das"}


class Named(Protocol):
    """A person of a work record (``works.Person``): what a key is made from."""

    @property
    def family(self) -> str: ...


@dataclass(frozen=True)
class KeyChange:
    """One key that was not usable as it came: where it was, what it was, what it became and why."""

    source: str
    record: str
    original: str
    key: str
    why: str

    def __str__(self) -> str:
        return f"{self.source}: {self.record}: {self.original} -> {self.key} ({self.why})"


def is_uri(value: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", value, re.IGNORECASE)) and ("/" in value or value.startswith("urn:"))


def kebab(key: str) -> str:
    """``laudyVatican2000`` / ``laudy_vatican_2000`` / ``Laudy:2000`` -> ``laudy-vatican-2000``."""
    return slugify(_CAMEL.sub("-", key))


def from_record(people: Sequence[Named], year: str | None, title: str, et_al: bool = False) -> str:
    """``family-year``, ``a-b-year`` or ``a-etal-year``, as the bibliography names its works (``et_al``: the
    people are the first of more, as BibTeX's ``and others`` says)."""
    families = [slugify(p.family) for p in people if slugify(p.family)]
    if len(families) > 2 or (families and et_al):
        who = f"{families[0]}-etal"
    elif families:
        who = "-".join(families)
    else:
        words = [w for w in slugify(title).split("-") if w not in _STOP]
        who = "-".join(words[:3]) or "untitled"
    when = slugify(year or "") or "nd"
    return f"{who}-{when}"


def note_key(note: str | None) -> str | None:
    """A ``Citation Key: xyz`` line in a Zotero note (how Zotero 6 and Better BibTeX carried it)."""
    match = _NOTE_KEY.search(note or "")
    return match.group(1) if match else None


class KeyMaker:
    """Turns the keys of one file into distinct readable keys, remembering each change."""

    def __init__(self, source: str, taken: Iterable[str] = ()) -> None:
        self.source = source
        self.taken: set[str] = set(taken)
        self.changes: list[KeyChange] = []
        #: the keys made from a record's authors, year (or title), as it gave no usable key
        self.made: set[str] = set()

    def key(self, record: str, original: str | None, people: Sequence[Named], year: str | None, title: str,
            chosen: str | None = None, et_al: bool = False) -> str:
        given = (chosen or original or "").strip()
        made = False
        if is_slug(given):
            key, why = given, ("the citation-key" if chosen and chosen != original else "")
        elif given and not is_uri(given) and kebab(given):
            key, why = kebab(given), "the " + ("citation-key" if chosen else "key") + " in kebab-case"
        else:
            key = from_record(people, year, title, et_al)
            why = "made from the authors and year, as " + ("the id is not a key" if given else "it has no id")
            made = True
        base, n = key, 1
        while key in self.taken:
            n += 1
            key = f"{base}-{chr(ord('a') + n - 1)}" if n <= 26 else f"{base}-{n}"
            why = (why + "; " if why else "") + f"{base} was taken by an earlier entry"
        self.taken.add(key)
        if made:
            self.made.add(key)
        if key != (original or ""):
            self.changes.append(KeyChange(self.source, record, original or "(no id)", key, why or "the citation-key"))
        return key
