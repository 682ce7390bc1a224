"""CSL-JSON (what Zotero and Better BibTeX export) -> works.

Zotero's own export names each item by its URI and Better BibTeX by a camelCase key; both are accepted, and
a ``citation-key`` is honoured (see :mod:`.keys`).

Every value is checked for the shape CSL-JSON gives it before it is used (names are lists of objects, a date
is an object of ``date-parts``, text is a string), so a file of another shape gets an error naming the item
and the field, never a crash; text holding a character XML cannot hold is refused, however the JSON wrote it.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .base import Batch, control_character, parse_date, read_text
from .bibtex import bundled_collision
from .csl_dates import impossible, literal_year, quote, shape
from .csl_dates import part as date_part
from .keys import KeyChange, KeyMaker, note_key
from .months import iso_month, month_name
from .name_suffixes import csl_suffix_problem
from .rdf import json_depth_problem
from .works import Person, Work, names_text, works_batch

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
#: CSL variable -> Work field, for the plain text ones (a number, as CSL allows for volume or page, is read as text)
TEXT_FIELDS = {
    "container-title": "container", "container-key": "container_key", "publisher": "publisher",
    "publisher-place": "place", "volume": "volume", "issue": "issue", "page": "pages", "edition": "edition",
    "collection-title": "series", "collection-number": "series_number", "URL": "url", "DOI": "doi",
    "number": "number",
}
#: the variables that name something (a journal, a publisher, a place): a number there is a slip, refused
NAMED = frozenset(("container-title", "publisher", "publisher-place", "collection-title"))
_NAME_PARTS = ("literal", "family", "given", "non-dropping-particle", "dropping-particle", "suffix")
#: how a circa date's cs:inferred note begins, after "year YYYY: " (the CSL-JSON export gives it back as circa)
CIRCA = "the item gives the date as circa"
_EXAMPLE_NAME = '[{"family": "Doe", "given": "Jane"}]'
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Item:
    """One item's values, each checked as it is read; what is wrong goes to ``problems``."""

    def __init__(self, item: dict[str, Any], src: str, record: str, problems: list[Problem]) -> None:
        self.item, self.src, self.record, self.problems = item, src, record, problems

    def problem(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.src, message, record=self.record, field=field))

    def checked(self, field: str, value: str) -> str | None:
        """``value``, or None (and a problem) when it holds a character XML cannot hold."""
        bad = control_character(value)
        if bad is None:
            if _SURROGATE.search(value):
                self.problem(field, "the text holds half of a character (a lone \\ud800-\\udfff escape in the "
                                    "JSON): write the whole character, or delete it")
                return None
            return value
        char = ord(bad[2])
        self.problem(field, f"the text holds the control character U+{char:04X} (written \\u{char:04x} in the "
                            "JSON): XML, and so the RDF/XML export, cannot hold it; delete it")
        return None

    def text(self, field: str, numbers: bool = True) -> str | None:
        """A text value (or a whole number, where ``numbers``); None when absent, empty or only spaces."""
        value = self.item.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            return self.checked(field, value)
        if numbers and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if numbers and isinstance(value, float) and value.is_integer():  # 12.0: how pandas writes a whole number
            return str(int(value))                                       # of a column with gaps
        if isinstance(value, float) and not math.isfinite(value):  # NaN and Infinity, which json.loads accepts
            self.problem(field, f"is {shape(value)}{quote(field, value)}")
            return None
        self.problem(field, f"must be text (a JSON string), not {shape(value)}{quote(field, value)}")
        return None

    def people(self, field: str) -> list[Person]:
        value = self.item.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(field, f"must be a list of names, such as {_EXAMPLE_NAME}, not {shape(value)}")
            return []
        people = []
        for n, name in enumerate(value, 1):
            if not isinstance(name, dict):
                self.problem(field, f"name {n} must be an object, such as {_EXAMPLE_NAME[1:-1]}, not {shape(name)}")
                continue
            parts: dict[str, str] = {}
            for part in _NAME_PARTS:
                raw = name.get(part)
                if raw is None or raw == "":
                    continue
                if not isinstance(raw, str):
                    self.problem(field, f"name {n}: {part!r} must be text, not {shape(raw)}{quote(part, raw)}")
                    break
                checked = self.checked(field, raw)
                if checked is None:
                    break
                parts[part] = checked.strip()
            else:
                if parts.get("literal"):
                    people.append(Person(parts["literal"]))
                elif parts.get("family") and (wrong := csl_suffix_problem(parts)):
                    self.problem(field, f"name {n}: {wrong}")
                elif parts.get("family"):
                    # both particles are part of the family name: "van" + "Evera" is van Evera (a family
                    # name as BibTeX's von part makes it)
                    family = " ".join(filter(None, [parts.get("dropping-particle"),
                                                    parts.get("non-dropping-particle"), parts["family"]]))
                    people.append(Person(family, parts.get("given", ""), parts.get("suffix", "")))
                else:
                    self.problem(field, f"name {n} has no family name: give it a \"family\" (or, for an "
                                        "organisation, a \"literal\")")
        return people

    def year(self) -> str | None:
        """The year issued: from ``date-parts`` (1 to 9999), else from ``raw`` (:meth:`_raw_year`) or ``literal``
        (:func:`.csl_dates.literal_year`)."""
        issued = self.item.get("issued")
        if issued is None or issued == "":
            return None
        if not isinstance(issued, dict):
            self.problem("issued", 'must be a date object, such as {"date-parts": [[2001]]}, not '
                                   f"{shape(issued)}")
            return None
        parts = issued.get("date-parts")
        if parts is not None and (not isinstance(parts, list) or not all(isinstance(p, list) for p in parts)):
            self.problem("issued", "date-parts must be a list of dates, each a list [year, month, day], such as "
                                   f"[[2001, 5]], not {shape(parts)}")
            return None
        if parts and parts[0] and parts[0][0] not in (None, ""):
            year = parts[0][0]
            if isinstance(year, str) and re.fullmatch(r"-?\d{1,9}", year.strip()):
                year = int(year)
            if isinstance(year, bool) or not isinstance(year, int):
                self.problem("issued", f"the year in date-parts must be a whole number, such as [[2001]], not "
                                       f"{shape(year)}")
                return None
            if not 1 <= year <= 9999:
                self.problem("issued", f"the year {year} is outside 1 to 9999; correct it, or give the date as "
                                       '"literal" text')
                return None
            for date in parts:
                wrong = impossible(date)
                if wrong:
                    self.problem("issued", wrong)
                    return None
            return f"{year:04d}"
        raw = issued.get("raw")
        if raw not in (None, "") and issued.get("literal") in (None, ""):
            return self._raw_year(raw)
        value = issued.get("literal")
        if value is None or value == "":
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            self.problem("issued", f"literal must be text, not {shape(value)}")
            return None
        if self.checked("issued", str(value)) is None:
            return None
        try:
            return literal_year(str(value))
        except ValueError as exc:
            self.problem("issued", str(exc))
            return None

    def month(self) -> str | None:
        """The month issued, by name (:mod:`.months`): the second of the first ``date-parts`` (a season for 13 to
        16 and 21 to 24), else CSL's ``season`` (1 to 4, or text: "July–August"), else of a ``raw`` or ``literal``
        ISO date. Read once :meth:`year` found no problem."""
        issued = self.item.get("issued")
        if not isinstance(issued, dict):
            return None
        parts, season = issued.get("date-parts"), issued.get("season")
        if parts and parts[0] and parts[0][0] not in (None, ""):
            number = date_part(parts[0][1]) if len(parts[0]) > 1 else None
            if not isinstance(number, int) and isinstance(season, int) and not isinstance(season, bool):
                number = 12 + season
            if isinstance(number, int):
                return month_name(number)
            return self.checked("issued", " ".join(season.split())) or None if isinstance(season, str) else None
        for key in ("raw", "literal"):
            if isinstance(issued.get(key), str):
                return iso_month(issued[key])
        return None

    def circa(self, year: str | None) -> list[str]:
        """What storing ``year`` adds when ``issued`` is ``"circa"`` (true, 1 or text, as CSL allows): a year
        where the item gives an approximate one, recorded as cs:inferred ("year 1950: ..."), as a year chosen
        from a double date is, since dcterms:issued holds a plain year (it was dropped without a word)."""
        issued = self.item.get("issued")
        value = issued.get("circa") if isinstance(issued, dict) else None
        if value in (None, False, 0, "", "0", "false"):
            return []
        if not isinstance(value, str | int | float):
            self.problem("issued", f"circa must be true or false, not {shape(value)}")
            return []
        if year is None or not year.isdigit():
            return []
        return [f"year {year}: {CIRCA} {year} (\"circa\" in issued); coopsec keeps the "
                "year, which is approximate"]

    def _raw_year(self, raw: Any) -> str | None:
        """The year of a ``raw`` date: read only when it is YYYY, YYYY-MM or YYYY-MM-DD (and a real date), the
        forms coopsec reads everywhere; any other text (``Spring 2001``, ``5/6/2001``) is refused, as no
        reader of ours (or dateutil's guesses) reads it reliably."""
        example = '{"date-parts": [[2001, 5, 9]]}'
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            self.problem("issued", f"raw must be text, not {shape(raw)}; better, give the date as {example}")
            return None
        try:
            return parse_date(raw).earliest.strftime("%Y")
        except ValueError as exc:
            self.problem("issued", f"raw: {exc}; or give the date as date-parts, such as {example}")
            return None


def parse_csl_text(raw: str, src: str) -> list[Work]:
    return read_csl_text(raw, src)[0]


class _DuplicateKey(Exception):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a key given twice (as the YAML reader does)."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _DuplicateKey(key)
        obj[key] = value
    return obj


def _items(raw: str, src: str) -> list[Any]:
    if not raw.strip():
        raise InputError(Problem(src, "the file is empty: a CSL-JSON file is a JSON array of items ([{\"id\": ..., "
                                      "\"type\": ..., \"title\": ...}, ...]); export it again (in Zotero: File > "
                                      "Export Library... > CSL JSON)"))
    too_deep = json_depth_problem(raw.encode("utf-8", "surrogatepass"), src, "CSL-JSON")
    if too_deep:
        raise InputError(too_deep)
    try:
        items = json.loads(raw, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as exc:
        raise InputError(Problem(src, f"an object gives the key {exc.args[0]!r} twice (the JSON reader would keep "
                                      "the last without a word); keep one")) from exc
    except json.JSONDecodeError as exc:
        raise InputError(Problem(src, f"not valid JSON: {exc.msg}", line=exc.lineno)) from exc
    except ValueError as exc:  # a number of more than 4,300 digits, which Python refuses to read
        raise InputError(Problem(src, "a number of more than 4,300 digits, too long to read; if it is meant as "
                                      "text, put it in quotes")) from exc
    except RecursionError as exc:  # below the depth cap, Python's own limit can still be lower
        raise InputError(Problem(src, "CSL-JSON nested too deeply to read")) from exc
    if not isinstance(items, list):
        hint = (": if it is one item, put it in [ ]" if isinstance(items, dict) else "")
        raise InputError(Problem(src, f"a CSL-JSON file must be a JSON array of items ([{{\"id\": ..., \"type\": "
                                      f"..., \"title\": ...}}, ...]), and this one holds {shape(items)}{hint}"))
    return items


def _repeat(seen: dict[str, tuple[int, dict[str, Any]]], key: str, index: int, item: dict[str, Any],
            from_note: bool = False) -> str | None:
    """Why item ``index`` may not give ``key``, which an earlier item gave: a repeat of it (an export given twice)
    would be a phantom second work (``key-b``), and another item under it would leave open which one ``key`` cites.
    ``from_note``: the key is the one the item's note gives on a ``Citation Key:`` line, which is what to edit."""
    first, earlier = seen.setdefault(key, (index, item))
    if first == index:
        return None
    if item == earlier:
        return (f"repeats item {first} exactly, key {key!r} and all (is the export in the file twice?): delete the "
                "repeat")
    if from_note:
        return (f"the key {key!r}, which this item's note gives on its line \"Citation Key: {key}\", is item "
                f"{first}'s too, and the two items differ: a case citing {key!r} would mean either. Edit that line "
                "of the note (in Zotero, the item's Extra field) to give this item another key, or delete the item "
                "that is wrong")
    return (f"the key {key!r} is item {first}'s too, and the two items differ: a case citing {key!r} would mean "
            "either. Give one another key (in Zotero, its Citation Key), or delete the one that is wrong")


def read_csl_text(raw: str, src: str) -> tuple[list[Work], list[KeyChange]]:
    """The works of a CSL-JSON file, and the keys that were changed to make them readable; a key the bundled
    bibliography has for another work is refused."""
    works: list[Work] = []
    problems: list[Problem] = []
    keys = KeyMaker(src)
    seen: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, item in enumerate(_items(raw, src), 1):
        record = f"item {index}"
        if not isinstance(item, dict):
            problems.append(Problem(src, f"each item must be an object, not {shape(item)}", record=record))
            continue
        original = item.get("id")
        if isinstance(original, str | int) and not isinstance(original, bool):
            record = f"item {index} ({original})"
        before = len(problems)
        one = _Item(item, src, record, problems)
        note = one.text("note")
        chosen, origin = None, "id"  # the key the item gives, and the field it is read from
        for field in ("citation-key", "citationKey"):
            if item.get(field) not in (None, ""):
                chosen, origin = one.text(field, numbers=False), field
                break
        if not chosen and note_key(note):
            chosen, origin = note_key(note), "note"
        given = chosen or (original if isinstance(original, str) else None)
        repeat = _repeat(seen, given.strip(), index, item, origin == "note") if given else None
        if repeat:
            one.problem(origin if chosen else "id", repeat)
            continue
        # an item without an id (nor citation-key) gets a key made from its authors and year (keys.KeyMaker)
        if chosen is None and len(problems) == before and original not in (None, ""):
            if not isinstance(original, str):
                one.problem("id", f"the id must be a string, such as \"doe-2001\", not {shape(original)}: a "
                                  "number or other value is no key to cite the work by (or give the item a "
                                  "citation-key)")
        ctype = item.get("type", "document")
        if not isinstance(ctype, str):
            one.problem("type", f"must be text, one of {sorted(KINDS)}, not {shape(ctype)}")
        elif ctype not in KINDS:
            shown = ctype if len(ctype) <= 60 else ctype[:57] + "..."
            one.problem("type", f"unsupported type {shown!r}; use one of {sorted(KINDS)}")
        title = one.text("title", numbers=False)
        raw_title = item.get("title")
        if raw_title is None or raw_title == "":
            one.problem("title", "missing title")
        elif isinstance(raw_title, str) and not raw_title.strip():
            one.problem("title", "title is empty (only spaces): give the work's title")
        authors, editors, translators = one.people("author"), one.people("editor"), one.people("translator")
        year = one.year()
        inferred = one.circa(year)
        fields = {name: one.text(csl, numbers=csl not in NAMED) for csl, name in TEXT_FIELDS.items()}
        if len(problems) > before:
            continue
        key = keys.key(f"item {index}", original if isinstance(original, str) else None, authors or editors, year,
                       title or "", chosen)
        kind = KINDS[ctype]
        if kind == "book" and editors and not authors:
            kind = "edited-book"
        work = Work(
            key=key, kind=kind, title=title or "", year=year, authors=authors, editors=editors,
            container=fields["container"], container_key=fields["container_key"], publisher=fields["publisher"],
            # a report's number is its issue, as BibTeX's `number` of a @techreport is
            place=fields["place"], volume=fields["volume"],
            issue=fields["issue"] or (fields["number"] if kind == "report" else None), month=one.month(),
            pages=(fields["pages"] or "").replace("--", "-") or None, edition=fields["edition"],
            series=fields["series"], series_number=fields["series_number"], translator=names_text(translators),
            url=fields["url"], doi=fields["doi"], note=note, inferred=inferred,
            made_key=key in keys.made,
        )
        collision = bundled_collision(work, src, record, None)
        if collision is not None:
            problems.append(collision)
            continue
        works.append(work)
    if problems:
        raise InputError(problems)
    return works, keys.changes


def parse_csl(path: Path) -> Batch:
    works, changes = read_csl_text(read_text(path), str(path))
    batch = works_batch(path, works, "CSL-JSON items")
    batch.key_changes = changes  # type: ignore[attr-defined]
    return batch
