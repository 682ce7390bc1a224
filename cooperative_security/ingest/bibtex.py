"""BibTeX -> works (bibtexparser does the parsing; we add located errors).

Zotero's BibTeX export (keys like ``laudy_vatican_2000``) and Better BibTeX's (``laudyVatican2000``, and the
BibLaTeX fields ``date`` and ``journaltitle``) are read as they come; keys are made readable (see :mod:`.keys`).

Field values are LaTeX: pylatexenc turns them into text (``{\\'e}`` into é, ``\\emph{x}`` into x, ``--`` into an
en dash, ````x''`` into curly quotes), the way bibtexparser 2 does; names are split first, so that braces keep
``{World Bank}`` whole. URLs, DOIs, pages, years and keys are not LaTeX, and are taken as written.

A key that the bundled bibliography (``data/bibliography.bib``, ``data/datasets.bib``) has for another work,
another first author or year, is refused: the bundled evidence would cite this entry (:func:`bundled_collision`).
So is a key that a file ingested earlier gave another work, once the store is at hand
(:func:`.works.stored_collisions`, with the same message)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, Problem
from .base import Batch, control_character, is_slug, read_text
from .keys import KeyChange, KeyMaker, kebab
from .months import bibtex_month, iso_month
from .name_suffixes import bibtex_suffix_problem
from .works import Person, Work, another_work, collision_problem, other_title, short_citation, works_batch

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

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
_ENTRY_START = re.compile(r"^\s*@(?P<type>\w+)\s*[{(]\s*(?P<key>[^,\s=]*)(?P<field>\s*=)?", re.MULTILINE)
#: what makes a value worth handing to the LaTeX decoder (most are plain text)
_LATEX = re.compile(r"[\\{}$~]|--|``|''")
#: a ``%`` not escaped: in a BibTeX value it is text (LaTeX would take it for a comment)
_PERCENT = re.compile(r"(?<!\\)%")
#: the fields that are LaTeX text (the others, such as url, doi, pages, year, crossref, are taken as written)
LATEX_FIELDS = ("title", "journal", "journaltitle", "booktitle", "publisher", "address", "location", "edition",
                "series", "note", "month", "volume", "number", "translator", "institution", "school")
#: what a chapter takes from the volume it cross-references when it lacks it (the volume's title is its
#: booktitle), as BibTeX's crossref does
INHERITED = ("year", "date", "month", "publisher", "address", "location", "editor", "booktitle", "series", "number")
#: the kinds whose BibTeX ``number`` is their number in a series (an article's is its issue, a report's its own)
SERIES_NUMBERED = frozenset(("book", "edited-book", "chapter"))


@cache
def _decoder() -> LatexNodes2Text:
    from pylatexenc import latex2text as l2t  # here: commands that read the bundled cache never need it

    context = l2t.get_default_latex_context_db()  # \textasciicircum is ^ (pylatexenc's is U+02C6, not ASCII)
    context.add_context_category("coopsec", [l2t.MacroTextSpec("textasciicircum", "^")], prepend=True)
    return l2t.LatexNodes2Text(math_mode="verbatim", latex_context=context)  # $x^2$ stays as written


def latex_text(value: str) -> str:
    """A BibTeX value as text: LaTeX accents, commands, braces and ligatures decoded, spaces collapsed."""
    if _LATEX.search(value):
        value = _decoder().latex_to_text(_PERCENT.sub(r"\\%", value))
    return " ".join(value.split())


def _checked(value: str, src: str, line: int, key: str, field: str) -> str:
    """``value``, unless (once decoded) it holds a character XML cannot hold."""
    bad = control_character(value)
    if bad is not None:
        raise InputError(Problem(src, f"the value holds the control character U+{ord(bad[2]):04X}: XML, and so the "
                                      "RDF/XML export, cannot hold it; delete it", line=line, field=field, record=key))
    return value


def read_names(value: str, src: str, line: int, key: str, field: str) -> tuple[list[Person], bool]:
    """The people of a name list, and whether it ends ``and others`` (BibTeX's et al., no person)."""
    from bibtexparser.customization import splitname  # here: commands that read the bundled cache never need it

    people = []
    names = [raw for raw in re.split(r"\s+and\s+", value.strip()) if raw.strip()]
    et_al = bool(names) and names[-1].strip() == "others"
    for raw in names[:-1] if et_al else names:
        try:
            parts = splitname(raw, strict_mode=False)
        except Exception as exc:  # noqa: BLE001 - bibtexparser raises bare exceptions on odd names
            raise InputError(Problem(src, f"cannot read the name {raw!r}: {exc}", line=line, field=field,
                                     record=key)) from exc
        wrong = bibtex_suffix_problem(raw, parts)
        if wrong:
            raise InputError(Problem(src, wrong, line=line, field=field, record=key))
        family = " ".join(parts.get("von", []) + parts.get("last", []))
        given = " ".join(parts.get("first", []))
        suffix = " ".join(parts.get("jr", []))  # "King, Jr., Martin Luther": the von Last, Jr, First form
        try:
            people.append(Person(*(_checked(latex_text(part), src, line, key, field)
                                   for part in (family, given, suffix))))
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - pylatexenc's errors are untyped
            raise InputError(Problem(src, f"cannot read the LaTeX of the name {raw!r}: {exc}", line=line,
                                     field=field, record=key)) from exc
    return people, et_al


#: a field written at the start of a line (``  year = {2001},``), and the braces, quotes and escapes that say
#: whether the line is inside a value: what the checks below look for
_FIELD_START = re.compile(r"(?P<field>^\s*(?P<name>[A-Za-z][\w-]*)\s*=)|\\\"|[{}\"]", re.MULTILINE)


def _written_fields(text: str) -> list[str]:
    """The fields an entry's text writes, in order: ``name =`` at the start of a line, outside any value (a
    line of a braced or quoted value that reads ``key = value`` is text of that value)."""
    depth, quoted, names = 0, False, []
    for m in _FIELD_START.finditer(text):
        token = m[0]
        if m["field"]:
            if depth == 0 and not quoted:
                names.append(m["name"].lower())
        elif token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif token == '"' and depth == 0:  # a quote inside braces is text
            quoted = not quoted
    return names


def _fields_not_read(text: str, entry: dict[str, str]) -> str | None:
    """What the parser dropped without a word: a field written twice (it keeps one), or fields written in
    the entry that it did not read (a stray ``}`` ends the entry before them)."""
    written = _written_fields(text)
    twice = sorted({f for f in written if written.count(f) > 1})
    if twice:
        return f"the field {twice[0]!r} is given twice (one would be dropped without a word); keep one"
    missing = [f for f in written if f not in entry]
    if missing:
        return (f"the field{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} could not be read: "
                "a '}' before them ends the entry early (check the braces of the field before)")
    return None


def parse_bibtex_text(raw: str, src: str) -> list[Work]:
    return read_bibtex_text(raw, src)[0]


def read_bibtex_text(raw: str, src: str, check_bundled: bool = True) -> tuple[list[Work], list[KeyChange]]:
    """The works of a BibTeX file, and the keys that were changed to make them readable. With
    ``check_bundled``, a key the bundled bibliography has for another work is refused."""
    import bibtexparser  # here, not at the top: commands that read the bundled cache never need it
    from bibtexparser.bibdatabase import UndefinedString
    from bibtexparser.bparser import BibTexParser

    found = list(_ENTRY_START.finditer(raw))
    # each entry's text, to the next entry: the fields written there, to check against what the parser read
    texts = {m["key"]: raw[m.end():found[i + 1].start() if i + 1 < len(found) else len(raw)]
             for i, m in reversed(list(enumerate(found)))}  # reversed: a key written twice keeps its first text
    # an entry without a key (``@book{`` then ``author = ...``) is kept with the key "": refused below
    starts = [(m["type"].lower(), "" if m["field"] else m["key"], raw[: m.start("type")].count("\n") + 1)
              for m in found]
    starts = [s for s in starts if s[0] not in {"comment", "preamble", "string"}]
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True)
    try:
        db = bibtexparser.loads(raw, parser=parser)
    except UndefinedString as exc:
        raise InputError(_undefined_string(raw, src, str(exc.args[0]) if exc.args else "", starts)) from exc
    except Exception as exc:  # noqa: BLE001 - the parser's errors are untyped
        raise InputError(Problem(src, f"not valid BibTeX: {exc}")) from exc
    by_key: dict[str, list[dict[str, str]]] = {}  # a key written twice: both entries, in the file's order
    for e in db.entries:
        by_key.setdefault(e["ID"], []).append(e)
    folded: dict[str, str] = {}  # a crossref names its volume whatever the case (BibTeX's keys are so compared)
    for written in by_key:
        folded.setdefault(written.casefold(), written)
    problems: list[Problem] = []
    works: list[Work] = []
    seen: set[str] = set()
    keys = KeyMaker(src)
    for etype, key, line in starts:
        if not key:
            problems.append(Problem(src, f"the @{etype} entry has no key: write one after its opening brace, "
                                         f"such as @{etype}{{doe-2001, (the key case files cite the work by)",
                                    line=line))
            continue
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
        unread = _fields_not_read(texts.get(key, ""), entry)
        if unread:
            problems.append(Problem(src, unread, line=line, record=key))
            continue
        try:
            work = _work(_with_volume(entry, by_key, folded), etype, key, line, src, keys)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        collision = bundled_collision(work, src, key, line) if check_bundled else None
        if collision is not None:
            problems.append(collision)
            continue
        works.append(work)
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


def _work(entry: dict[str, str], etype: str, key: str, line: int, src: str, keys: KeyMaker) -> Work:
    """One entry as a work; every problem it has, as one InputError."""
    problems: list[Problem] = []
    text: dict[str, str] = {}
    for field in LATEX_FIELDS:
        value = entry.get(field)
        if not value:
            continue
        try:
            text[field] = _checked(latex_text(value), src, line, key, field)
        except InputError as exc:
            problems.extend(exc.problems)
        except Exception as exc:  # noqa: BLE001 - pylatexenc's errors are untyped
            problems.append(Problem(src, f"cannot read the LaTeX of this value: {exc}", line=line, field=field,
                                    record=key))
    if not text.get("title"):
        problems.append(Problem(src, "missing title", line=line, field="title", record=key))
    year = entry.get("year", "").strip()
    if not year and entry.get("date"):  # BibLaTeX: date = {2000-05-01}
        found = re.match(r"\s*(\d{4})", entry["date"])
        year = found.group(1) if found else entry["date"].strip()
    if year and (not re.fullmatch(r"\d{4}[a-z]?", year) or year.startswith("0000")):
        problems.append(Problem(src, f"year {year!r} must be four digits, 0001 to 9999", line=line, field="year",
                                record=key))
    if not entry.get("author") and not entry.get("editor"):
        problems.append(Problem(src, "an entry needs an author or an editor", line=line, field="author",
                                record=key))
    for field in ("url", "doi", "pages"):
        if entry.get(field):
            try:
                _checked(entry[field], src, line, key, field)
            except InputError as exc:
                problems.extend(exc.problems)
    authors: list[Person] = []
    editors: list[Person] = []
    et_al = {"author": False, "editor": False}
    try:
        authors, et_al["author"] = read_names(entry.get("author", ""), src, line, key, "author")
        editors, et_al["editor"] = read_names(entry.get("editor", ""), src, line, key, "editor")
    except InputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    kind = KINDS[etype]
    if kind == "book" and editors and not authors:
        kind = "edited-book"
    more = et_al["author"] if authors else et_al["editor"]
    readable = keys.key(f"line {line}", key, authors or editors, year, text.get("title", ""), et_al=more)
    # a month by name, from `month` (may, {May}, {5}) or else a BibLaTeX `date` (1999-05)
    month = bibtex_month(text["month"]) if text.get("month") else iso_month(entry.get("date") or "")
    # `number` is a journal's issue or a report's number; of a book or chapter (or of any work with a `series`),
    # the work's number in its series, as BibTeX's styles print it ("Adelphi Papers 123")
    in_series = kind in SERIES_NUMBERED or bool(text.get("series"))
    return Work(
        key=readable, kind=kind, title=text.get("title", ""), year=year or None, authors=authors, editors=editors,
        container=text.get("journal") or text.get("journaltitle") or text.get("booktitle") or None,
        container_key=_crossref(entry.get("crossref")),
        # a thesis's school and a report's institution publish it
        publisher=text.get("publisher") or text.get("institution") or text.get("school"),
        place=text.get("address") or text.get("location"), volume=text.get("volume"),
        issue=None if in_series else text.get("number"), series_number=text.get("number") if in_series else None,
        pages=(entry.get("pages") or "").replace("--", "-") or None, month=month,
        edition=text.get("edition"), series=text.get("series"), translator=text.get("translator"),
        url=entry.get("url"), doi=entry.get("doi"), note=text.get("note"), line=line, et_al=more,
        made_key=readable in keys.made,
    )


def _undefined_string(raw: str, src: str, name: str, starts: list[tuple[str, str, int]]) -> Problem:
    """Where an undefined @string macro is used: the first entry whose value names it."""
    use = re.compile(rf"(?:=|#)\s*{re.escape(name)}\s*(?:[,#}})]|$)", re.MULTILINE | re.IGNORECASE)
    found = use.search(raw)
    line = raw[: found.start()].count("\n") + 1 if found else None
    record = None
    if line is not None:
        record = next((key for _, key, at in reversed(starts) if at <= line), None)
    return Problem(src, f"the @string macro {name!r} is used but not defined: define it before its use, "
                        f"@string{{{name} = {{...}}}}, or write the value in braces, {{{name}}}", line=line,
                   record=record)


@cache
def _bundled(path: Path, mtime: int, size: int) -> dict[str, tuple[str, Work]]:
    """The works of one bundled bibliography file, by key (cached per version of the file)."""
    del mtime, size  # the cache key: an edited file is read again
    works, _ = read_bibtex_text(read_text(path), str(path), check_bundled=False)
    return {w.key: (path.name, w) for w in works}


def bundled_works() -> dict[str, tuple[str, Work]]:
    """The bundled bibliography's works by key, with the file each is in."""
    from ..resources import data_dir

    out: dict[str, tuple[str, Work]] = {}
    for name in ("bibliography.bib", "datasets.bib"):
        path = data_dir() / name
        try:
            stat = path.stat()
        except OSError:
            continue
        out.update(_bundled(path, stat.st_mtime_ns, stat.st_size))
    return out


def bundled_collision(work: Work, src: str, record: str | None, line: int | None) -> Problem | None:
    """A problem when ``work``'s key is a bundled work's with another first author or year: both would describe
    one IRI, and the bundled evidence (cases, concepts, the chapter's citations) would cite the wrong work."""
    found = bundled_works().get(work.key)
    if found is None:
        return None
    bundled_file, bundled = found
    mine, theirs = (work.authors or work.editors), (bundled.authors or bundled.editors)
    by_title = other_title(work, bundled.title)
    if not another_work((mine[0].family if mine else None, work.year),
                        (theirs[0].family if theirs else None, bundled.year)) and not by_title:
        return None  # the same work, described again: allowed (docs/guide/ingest.md)
    return collision_problem(work, src, record, line, f"the bundled work {short_citation(bundled)} ({bundled_file})",
                             "the bundled data", title=bundled.title if by_title else None)


def _with_volume(entry: dict[str, str], by_key: dict[str, list[dict[str, str]]],
                 folded: dict[str, str]) -> dict[str, str]:
    """A chapter's entry with what it lacks of :data:`INHERITED` taken from the volume its ``crossref`` names
    in the same file (the volume's ``title`` as its ``booktitle``). The ``crossref`` names the volume whatever
    its case, as in BibTeX (``folded``: each key of the file by its casefold); it becomes the key as the volume
    writes it, so that it follows the volume's readable key."""
    crossref = _crossref(entry.get("crossref"))
    written = crossref if crossref in by_key else folded.get((crossref or "").casefold())
    if written is None:
        return entry
    volume = by_key[written][0]
    if written != crossref:
        entry = {**entry, "crossref": written}
    if KINDS.get(entry.get("ENTRYTYPE", "").lower()) != "chapter":
        return entry
    given = {**volume, "booktitle": volume.get("booktitle") or volume.get("title", "")}
    if entry.get("year") or entry.get("date"):  # a date of its own: none of the volume's
        given = {k: v for k, v in given.items() if k not in ("year", "date", "month")}
    out = dict(entry)
    for f in INHERITED:
        if given.get(f) and not out.get(f):
            out[f] = given[f]
    return out


def _crossref(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def parse_bibtex(path: Path) -> Batch:
    works, changes = read_bibtex_text(read_text(path), str(path))
    batch = works_batch(path, works, "BibTeX entries")
    batch.key_changes = changes  # type: ignore[attr-defined]
    return batch
