"""A simple event CSV: one dated, typed, sourced event per row, for a case already known.

Columns (header required): ``case, id, date, type, by, level, label, work``, and optionally ``towards,
pages, section, kind, description, outcome``; ``by`` and ``towards`` hold actor ids separated by ``;``.
``kind`` says whether the work ``documents`` the event or only ``mentions`` it (an empty cell, or no
``kind`` column, means ``mentions``: citing a work says at least that). A header naming a column twice,
or a column not in this list, is refused (with the nearest name for a misspelling). Lines starting with
``#`` between records are comments; line numbers in errors count them. The events go into the named
graph ``graph/events/<file stem>``.

An events CSV adds events: a row may not reuse the id of an event its case already has, in the store or
in another file of the same ingest (:class:`EventIds`); nor may a case file take over an id an events CSV
in the store gave its case. Its own earlier version, re-ingested from the same path, is replaced, so
editing and re-ingesting the file works. A row dated outside its case's span, as stored or as a case file
of the same ingest sets it, is refused at its line (:class:`.spans.CaseSpans`).

The file is read by the ``csv`` module in strict mode: a quote never closed (which would swallow the
rows after it into one field), text after a closing quote, and a row with more or fewer fields than the
header are refused at their line. A field may hold up to ``COOPSEC_MAX_LITERAL`` characters.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, Problem
from ..namespaces import graph, instance
from ..queries import load_query
from ..store import Store
from .actors import Registry
from .base import (
    MAX_LITERAL,
    Batch,
    LocatedDict,
    LocatedList,
    UncheckedReferences,
    cs,
    is_slug,
    limit,
    read_text,
    slugify,
)
from .cases import _Case, _event
from .event_links import Seen
from .naming import Claim, claims
from .source_files import source_key
from .sources import KINDS
from .spans import CaseSpans

REQUIRED = ("case", "id", "date", "type", "by", "level", "label", "work")
OPTIONAL = ("towards", "pages", "section", "kind", "description", "outcome")
COLUMNS = REQUIRED + OPTIONAL
#: the evidence kind of a row that leaves ``kind`` empty (or a file without the column)
DEFAULT_KIND = "mentions"


@dataclass(frozen=True)
class Holder:
    """Where an event id is already used: words for the error, and the resolved source file (if known)."""

    where: str
    source: str | None


class EventIds:
    """The event ids each case already has: in the store (by graph, with the file that wrote it) and in
    the files of this ingest read so far (case files, earlier CSV files)."""

    def __init__(self, store: Store, owners: Mapping[str, Claim] | None = None,
                 files: Iterable[Path] | None = None) -> None:
        """``owners``: who wrote each graph (``naming.claims``), if the caller has read it already (empty:
        read when needed); ``files``: every file of this ingest, which replace their own earlier graphs (without
        it a case file is not checked against the store: a stored CSV may be read again later in the ingest)."""
        self._store = store
        self._owners: Mapping[str, Claim] | None = owners or None
        self._stored: dict[str, dict[str, Holder]] = {}  # case IRI -> event IRI -> holder
        self._replaced: set[str] = set()  # store graphs a case file of this ingest writes again
        self._this_ingest: dict[str, Holder] = {}
        self._files = None if files is None else {source_key(f) for f in files}

    def case_file(self, batch: Batch) -> None:
        """A case file of this ingest: its graph replaces the stored one, and its events are taken.

        An event id that another file in the store gave the case (an events CSV) is refused, as an events
        CSV is refused an id a case file has; unless that file is read again in this ingest, which checks it.
        """
        source = source_key(batch.source)
        events: list[tuple[ox.NamedNode, ox.NamedNode]] = []
        for g, triples in batch.graphs.items():
            self._replaced.add(g.value)
            events += [(t.object, t.subject) for t in triples if t.predicate == cs("inCase")
                       and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode)]
        problems: list[Problem] = []
        for case, event in events:
            held = None if self._files is None else self._stored_holder(case, event, source)
            if held is not None and self._files is not None and held.source not in self._files:
                record = event.value.removeprefix(instance("event", "").value)
                case_id, _, eid = record.partition("/")
                problems.append(Problem(
                    batch.source, f"the case {case_id!r} already has an event {eid!r}, in {held.where}; a case file "
                    "may not reuse an id another file gave its case: give this event a new id, or, to move the "
                    "event into this file, delete it from that file and ingest the two files together",
                    line=batch.lines.get(event.value), field="id", record=record))
            self._this_ingest.setdefault(event.value, Holder(f"the case file {batch.source}", source))
        if problems:
            raise InputError(problems)

    def take(self, event: ox.NamedNode, holder: Holder) -> None:
        self._this_ingest.setdefault(event.value, holder)

    def holder(self, case: ox.NamedNode, event: ox.NamedNode, source: str) -> Holder | None:
        """Who else already has this event id (``source``: the resolved path of the file asking)."""
        held = self._this_ingest.get(event.value)
        if held is not None and held.source != source:
            return held
        return self._stored_holder(case, event, source)

    def _stored_holder(self, case: ox.NamedNode, event: ox.NamedNode, source: str) -> Holder | None:
        """The file (or graph) in the store that has this event id, other than the asking file's own and
        the graphs a case file of this ingest replaces."""
        stored = self._stored.get(case.value)
        if stored is None:
            stored = self._stored[case.value] = self._load(case)
        held = stored.get(event.value)
        if held is None or held.source == source:  # this file's own earlier version: replaced
            return None
        return held

    def _load(self, case: ox.NamedNode) -> dict[str, Holder]:
        if self._owners is None:
            self._owners = claims(self._store)
        found: dict[str, Holder] = {}
        for row in self._store.select(load_query("ingest/case-events"), {"case": case}):
            event, g = row["event"], row["graph"]
            if event is None or g is None or g.value in self._replaced:
                continue
            owner = self._owners.get(g.value)
            if owner is not None and owner.source:
                what = "the case file" if g.value.startswith(graph("case/").value) else "the file"
                found.setdefault(event.value, Holder(f"{what} {owner.name} (graph <{g.value}>)", owner.source))
            else:
                found.setdefault(event.value, Holder(f"the graph <{g.value}>, which no ingested file wrote", None))
        return found


class _Lines:
    """The file's lines for the CSV reader, leaving out ``#`` comments and blank lines between records
    (never inside a quoted field); counts every line of the file, so errors give the file's line numbers."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text)
        self.number = 0  # the last line read
        self.start = 1  # the first line of the current record
        self.between = True  # the reader is between records

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        while True:
            line = next(self._lines)
            self.number += 1
            if self.between:
                if line.startswith("#") or not line.strip():
                    continue
                self.start = self.number
                self.between = False
            return line


def parse_event_csv(path: Path, registry: Registry, known_cases: set[str], ids: EventIds | None = None,
                    spans: CaseSpans | None = None) -> Batch:
    """One events CSV as a batch; ``ids`` (from the ingest) refuses ids that other events already use,
    ``spans`` dates outside the case's span as stored or as a case file of the ingest sets it."""
    cap = min(limit("COOPSEC_MAX_LITERAL", MAX_LITERAL), 2**31 - 1)  # (the csv module's cap is a C long)
    previous = csv.field_size_limit(cap)  # the module's own default, 131,072, is below the documented cap
    try:
        return _parse(path, registry, known_cases, ids, spans, cap)
    finally:
        csv.field_size_limit(previous)


def _parse(path: Path, registry: Registry, known_cases: set[str], ids: EventIds | None, spans: CaseSpans | None,
           cap: int) -> Batch:
    src = str(path)
    source = source_key(path)
    text = read_text(path)
    lines = _Lines(text)
    records = _records(csv.reader(lines, strict=True), lines, _Syntax(src, text, cap))
    header = next(records, [])
    if not header:
        raise InputError(Problem(src, f"the file is empty{' but for comments' if text.strip() else ''}: an events CSV "
                                      f"starts with a header line, {','.join(REQUIRED)}, then one event a line; "
                                      "`coopsec schema events-csv` prints a template to fill in"))
    header_line = lines.start
    _check_header(header, header_line, src)
    c = _Case(path, registry)
    c.batch.kind = "events"
    by_case: dict[str, list[ox.Triple]] = {}
    seen: dict[str, dict[str, Seen]] = {}  # (an events CSV has no `rejects` column: no links to resolve)
    for fields in records:
        line = lines.start
        if not any(f.strip() for f in fields):  # a spreadsheet's empty row (`,,,,`): a blank line
            continue
        if len(fields) != len(header):
            named = [fields[header.index(k)] if header.index(k) < len(fields) else "?" for k in ("case", "id")]
            more = "; actors in `by` and `towards` are separated by `;`" if len(fields) > len(header) else ""
            c.problem(f"{len(fields)} field{'s' * (len(fields) != 1)} where the header has {len(header)}: every "
                      f"row has one field per column, empty ones too (`,,`); quote a field that holds a comma{more}",
                      line, None, "/".join(named))
            continue
        row = dict(zip(header, fields, strict=True))
        case_id = row["case"].strip()
        if case_id not in known_cases:
            c.problem(f"unknown case {case_id!r}: ingest its case file first", line, "case",
                      f"{case_id}/{row['id'].strip()}")  # case/event, as every other row's problem
            continue
        eid = row["id"].strip()
        case = instance("case", case_id)
        if ids is not None and is_slug(eid):  # (a bad id is reported by _event)
            event_iri = instance("event", f"{case_id}/{eid}")
            held = ids.holder(case, event_iri, source)
            if held is not None:
                c.problem(f"the case {case_id!r} already has an event {eid!r}, in {held.where}; an events CSV "
                          "only adds events: give this row a new id, or edit the event in that file instead",
                          line, "id", f"{case_id}/{eid}")
                continue
            ids.take(event_iri, Holder(f"{src}:{line} (an earlier file of this ingest)", source))
        commas = [k for k in ("by", "towards") if "," in (row.get(k) or "")]
        for k in commas:
            actors = ";".join(a.strip() for a in row[k].replace(";", ",").split(",") if a.strip())
            c.problem(f"{k} {row[k]!r} separates actors with commas: separate them with `;` ({actors})", line, k,
                      f"{case_id}/{eid}")
        if commas:
            continue
        evidence = {"work": row["work"].strip(), "pages": row.get("pages"), "section": row.get("section")}
        kind = (row.get("kind") or "").strip() or DEFAULT_KIND
        if kind in KINDS:
            evidence["kind"] = kind
        else:
            c.problem(f"kind {kind!r} must be `documents` (the work is a record of the event) or `mentions` (it "
                      f"only refers to it); empty means {DEFAULT_KIND}", line, "kind", f"{case_id}/{eid}")
        event = LocatedDict(
            id=eid, date=row["date"].strip(), type=row["type"].strip(), level=row["level"].strip(),
            label=row["label"], by=_ids(row["by"], line), towards=_ids(row.get("towards") or "", line),
            evidence=LocatedList([{k: v for k, v in evidence.items() if v}]),
        )
        for key in ("description", "outcome"):
            if row.get(key):
                event[key] = row[key].strip()
        event.line = line
        before = len(c.triples)
        _event(c, case, case_id, event, seen.setdefault(case_id, {}), [])
        by_case.setdefault(case_id, []).extend(c.triples[before:])
    if spans is not None:  # an event outside its case's span would move what the case observes
        c.problems.extend(spans.check(c.batch, c.triples))
    c.problems = [_by_column(p) for p in c.problems]
    c.batch.references = [(what, key, _by_column(p)) for what, key, p in c.batch.references]
    if c.problems:  # with the works and types still to check, so that one run lists every problem
        raise UncheckedReferences(c.problems, c.batch.references)
    if not by_case:
        raise InputError(Problem(src, "no event rows found"))
    target = graph(f"events/{slugify(path.stem) or 'events'}")
    for triples in by_case.values():
        c.batch.add(target, triples)
    return c.batch


#: a case file's field (where the event reader names it) -> the column of an events CSV that holds it
_COLUMN_OF = {"evidence": "pages", "evidence.work": "work", "evidence.pages": "pages", "evidence.section": "section",
              "evidence.kind": "kind"}


def _by_column(problem: Problem) -> Problem:
    """A problem of a row named by the CSV's column (``work``), not by the case file's field it is read as
    (``evidence.work``): a CSV's reader looks for the column."""
    column = _COLUMN_OF.get(problem.field or "")
    return problem if column is None else dataclasses.replace(problem, field=column)


def _check_header(header: list[str], line: int, src: str) -> None:
    """Every required column, each once, and no other: all that is wrong, at the header's line."""
    missing = [c for c in REQUIRED if c not in header]
    # a spreadsheet saved with another separator reads as one column
    other = next((sep for sep in (";", "\t", "|") if len(header) == 1 and sep in header[0]), None)
    if missing and other:
        raise InputError(Problem(src, f"missing column(s) {missing}; the header is one field holding {other!r}: save "
                                      "the file with commas between the fields", line=line))
    problems: list[Problem] = []
    for name in dict.fromkeys(header):
        where = [i + 1 for i, h in enumerate(header) if h == name]
        if len(where) > 1 and name:
            problems.append(Problem(src, f"column {name!r} is named {len(where)} times (columns "
                                         f"{', '.join(map(str, where))}): keep one", line=line))
        if name in COLUMNS:
            continue
        if not name.strip():
            problems.append(Problem(src, f"column {where[0]} has no name: remove the empty column (a comma at the "
                                         "end of the header?)", line=line))
            continue
        near = difflib.get_close_matches(name.strip().lower(), COLUMNS, n=1)
        hint = f"did you mean {near[0]!r}?" if near else f"the columns are {list(COLUMNS)}"
        problems.append(Problem(src, f"unknown column {name!r}: {hint}", line=line))
    if missing:
        problems.append(Problem(src, f"missing column(s) {missing}; the header must include {list(REQUIRED)}",
                                line=line))
    if problems:
        raise InputError(problems)


@dataclass(frozen=True)
class _Syntax:
    """What a CSV syntax error needs to be told in words: the file, its text, the field cap."""

    src: str
    text: str
    cap: int

    def problem(self, exc: csv.Error, lines: _Lines) -> Problem:
        """The error the csv module raised, located, in words that say how to fix it."""
        message = str(exc)
        if "unexpected end of data" in message:  # strict mode: the file ended inside a quoted field
            opened = self._quote_line(lines.start)
            return Problem(self.src, f"the quote opened at line {opened} is never closed: the file ends inside it "
                                     f"(line {lines.number}), so it would take in every row after it. Close the "
                                     "field with a quote, and write a quote inside a field as two (\"\")",
                           line=opened)
        if "expected after" in message:  # strict mode: text after the quote that closed a field
            return Problem(self.src, "a quoted field has more text after its closing quote: write a quote inside "
                                     "a field as two (\"\"), and end a quoted field at a comma or the line's end",
                           line=lines.number)
        if "field limit" in message:
            return Problem(self.src, f"a field longer than {self.cap:,} characters, the most coopsec accepts in one "
                                     "value (COOPSEC_MAX_LITERAL changes the cap); if it should be short, a quote "
                                     "opened in it is never closed", line=lines.start)
        if "new-line character" in message:
            return Problem(self.src, "a line break (a carriage return) inside a field that is not quoted: quote the "
                                     "field, or save the file with ordinary line ends", line=lines.number)
        return Problem(self.src, f"not valid CSV: {message}", line=lines.number)

    def _quote_line(self, start: int) -> int:
        """The line of the quote that is never closed, in the record starting at line ``start``: read
        leniently, that record's last field runs to the end of the file; the fields before it end on it."""
        rest = io.StringIO(self.text)
        for _ in range(start - 1):
            next(rest, None)
        try:
            fields = next(csv.reader(rest), [])
        except csv.Error:  # the field is over the cap too: the record's first line is near enough
            return start
        return start + sum(f.count("\n") for f in fields[:-1])


def _records(reader: Iterator[list[str]], lines: _Lines, syntax: _Syntax) -> Iterator[list[str]]:
    """The records, with a CSV syntax error (a stray quote or carriage return) located by line."""
    try:
        for fields in reader:
            lines.between = True
            yield fields
    except csv.Error as exc:
        raise InputError(syntax.problem(exc, lines)) from exc


def _ids(value: str, line: int) -> LocatedList:
    out = LocatedList(v.strip() for v in value.split(";") if v.strip())
    out.line = line
    return out
