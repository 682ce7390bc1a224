"""What every ingest module shares: located YAML, dates with precision, term helpers."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import pyoxigraph as ox
import yaml

from ..errors import InputError, Problem
from ..namespaces import CS, XSD

Triples = list[ox.Triple]


class UncheckedReferences(InputError):
    """A file's problems, with the references (works, event types) it makes that are still to check: a reader
    that stops at its own problems raises this, and :func:`parse_all` reports the references that resolve
    nowhere too, so that one run lists every problem of the file."""

    def __init__(self, problems: list[Problem], references: list[tuple[str, str, Problem]]) -> None:
        super().__init__(problems)
        self.references = references


@dataclass
class Batch:
    """What one source file becomes: triples per named graph, and what they refer to."""

    source: str
    graphs: dict[ox.NamedNode, Triples] = field(default_factory=dict)
    kind: str = "rdf"
    #: references to check against the store and the rest of the batch: (what, slug, problem-if-missing)
    references: list[tuple[str, str, Problem]] = field(default_factory=list)
    #: actor lifetime checks: (actor slug, earliest date, latest date, problem-if-outside)
    dated_actors: list[tuple[str, dt.date, dt.date, Problem]] = field(default_factory=list)
    #: curated data checked with SHACL
    shacl: bool = False
    #: big RDF files the store bulk-loads straight from disk (never held in memory), by target graph
    streams: dict[ox.NamedNode, list[Path]] = field(default_factory=dict)
    #: the line each record (by IRI) starts on in the file, for the checks made after parsing
    lines: dict[str, int] = field(default_factory=dict)

    def add(self, g: ox.NamedNode, triples: Triples) -> None:
        self.graphs.setdefault(g, []).extend(triples)

    def size(self) -> int:
        return sum(len(ts) for ts in self.graphs.values())


class LocatedDict(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers the line it starts on, and the line of each key."""

    line: int = 0
    key_lines: dict[str, int] | None = None
    #: the text as written of each value YAML read as something other than text (``yes``: a boolean)
    written: dict[str, str] | None = None

    def line_of_key(self, key: str) -> int:
        return (self.key_lines or {}).get(key, self.line)

    def shown(self, key: str) -> str:
        """The value of ``key`` for an error: as written in the file, with what YAML read it as when that is
        not text (``yes`` is a boolean: YAML 1.1 reads yes/no/on/off as true and false)."""
        value = self.get(key)
        as_written = (self.written or {}).get(key)
        if isinstance(value, str) or as_written is None:
            return repr(value)
        if value is None:
            return "empty" if not as_written.strip() else f"`{as_written}` (YAML reads it as null)"
        what = "a boolean" if isinstance(value, bool) else "a number" if isinstance(value, int | float) else \
            f"a {type(value).__name__}"
        return f"`{as_written}` (YAML reads it as {what})"


class LocatedList(list):  # type: ignore[type-arg]
    line: int = 0


#: the largest YAML or CSV file read (cases, actors, citations, events): a case of 50,000 events
#: takes about 20 MB; ``COOPSEC_MAX_YAML_BYTES`` changes it
MAX_YAML_BYTES = 64 * 1024 * 1024

#: the most events a case file may list; ``COOPSEC_MAX_EVENTS`` changes it
MAX_EVENTS = 100_000

#: the longest text value accepted in curated data or an RDF file parsed in memory (characters);
#: ``COOPSEC_MAX_LITERAL`` changes it
MAX_LITERAL = 1_000_000


def limit(name: str, default: int) -> int:
    """A cap, from the environment variable ``name`` when set (a positive whole number)."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise InputError(Problem(name, f"the environment variable {name}={value!r} must be a positive whole number"))
    return number


def check_size(path: Path, cap: int, variable: str, what: str) -> None:
    """Refuse a file over ``cap`` bytes before reading it."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # reading it reports the problem
    if size > cap:
        raise InputError(Problem(str(path), f"the file has {size:,} bytes, more than the {cap:,} coopsec reads "
                                            f"for {what}; split it, or raise the cap with {variable}=BYTES"))


_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ten times faster when built in


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A node met a second time is an alias (*name). Aliases are refused: nine nested ones make a
        # 500-byte file expand to a billion values when anything walks or prints it (an alias bomb).
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "this value is used again through a YAML alias (*name); aliases are refused in "
                            "coopsec data: write the value out in full",
                node.start_mark)
        if isinstance(node, yaml.ScalarNode) and len(node.value) > self.max_literal:
            raise yaml.constructor.ConstructorError(
                None, None, f"a value of {len(node.value):,} characters, more than the {self.max_literal:,} coopsec "
                            "accepts (COOPSEC_MAX_LITERAL changes the cap)", node.start_mark)
        try:
            return super().construct_object(node, deep=deep)
        except ValueError as exc:  # Python refuses to turn more than 4,300 digits into an int
            if not isinstance(node, yaml.ScalarNode):
                raise
            raise yaml.constructor.ConstructorError(
                None, None, f"a number of {len(node.value):,} characters is too long to read; if it is meant as "
                            "text, put it in quotes", node.start_mark) from exc

    max_literal = MAX_LITERAL


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    value = LocatedDict()
    value.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool | type(None)) or isinstance(key, list | dict):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain word or number, not a list or mapping", key_node.start_mark
            )
        if key in value:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        value[key] = loader.construct_object(value_node, deep=True)
        value.key_lines[str(key)] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.ScalarNode) and not isinstance(value[key], str):
            if value.written is None:
                value.written = {}
            value.written[str(key)] = value_node.value
    value.line = node.start_mark.line + 1
    return value


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    value = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    value.line = node.start_mark.line + 1
    return value


def _timestamp_as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    # Dates stay text so that their precision (1950, 1950-05, 1950-05-09) is what the author wrote.
    return str(loader.construct_scalar(node))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def read_text(path: Path) -> str:
    """Read UTF-8 text; any other encoding is reported, never turned into mojibake."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(str(path), f"cannot read the file: {exc.strerror or exc}")) from exc
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            Problem(
                str(path),
                f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                "save the file as UTF-8 and retry",
                line=line,
            )
        ) from exc
    if "\r" in decoded and "\n" not in decoded:  # old Mac line ends (a lone CR): read as line ends
        decoded = decoded.replace("\r", "\n")
    bad = control_character(decoded)
    if bad is not None:
        line, column, char = bad
        raise InputError(Problem(str(path), f"a control character U+{ord(char):04X} at column {column}: XML (and "
                                            "so the RDF/XML export) cannot hold it; delete it from the file",
                                 line=line))
    bad = _located(_BIDI, decoded)
    if bad is not None:
        line, column, char = bad
        raise InputError(Problem(str(path), f"a bidirectional control character U+{ord(char):04X} at column "
                                            f"{column}: it reorders how the text after it is shown, so a label "
                                            "would read otherwise than it is stored and searched; delete it from "
                                            "the file (right-to-left scripts need none)", line=line))
    return decoded


#: characters XML 1.0 forbids (C0 controls other than tab and line breaks, U+FFFE, U+FFFF): a label
#: holding one would make the RDF/XML export not well-formed
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


#: the bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069): XML holds
#: them, but they make text display otherwise than it reads ("Trojan Source"); read_text refuses them
#: with the control characters (the marks U+200E, U+200F and U+061C, which do not reorder, stay)
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def control_character(value: str) -> tuple[int, int, str] | None:
    """(line, column, character) of the first character XML cannot hold, or None."""
    return _located(_CONTROL, value)


def _located(pattern: re.Pattern[str], value: str) -> tuple[int, int, str] | None:
    """(line, column, character) of the first match of ``pattern`` in ``value``, or None."""
    match = pattern.search(value)
    if match is None:
        return None
    start = match.start()
    line_start = value.rfind("\n", 0, start) + 1
    return value.count("\n", 0, start) + 1, start - line_start + 1, match.group()


_PARSED: dict[tuple[str, int, int], Any] = {}


def load_yaml(path: Path) -> Any:
    """Parse YAML with line numbers on every mapping and list; syntax errors are located.

    The file is parsed once per ingest however often it is asked for (telling what a file holds reads
    it too): :func:`forget_parsed` drops the parsed files.
    """
    check_size(path, limit("COOPSEC_MAX_YAML_BYTES", MAX_YAML_BYTES), "COOPSEC_MAX_YAML_BYTES", "a YAML file")
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    if key is not None and key in _PARSED:
        return _PARSED[key]
    data = _load_yaml(path)
    if key is not None:
        _PARSED[key] = data
    return data


def forget_parsed() -> None:
    _PARSED.clear()


def _load_yaml(path: Path) -> Any:
    text = read_text(path)
    loader = _Loader(text)
    loader.max_literal = limit("COOPSEC_MAX_LITERAL", MAX_LITERAL)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        if mark is not None and _tab_indented(text, mark.line):
            raise InputError(Problem(str(path), "not valid YAML: this line is indented with a tab; YAML indentation "
                                                "must use spaces: replace the tab with spaces", line=line)) from exc
        raise InputError(Problem(str(path), f"not valid YAML: {exc.problem or exc}", line=line)) from exc
    except yaml.YAMLError as exc:
        raise InputError(Problem(str(path), f"not valid YAML: {exc}")) from exc
    except RecursionError as exc:
        raise InputError(Problem(str(path), "YAML nested too deeply to read")) from exc
    finally:
        loader.dispose()


def _tab_indented(text: str, index: int) -> bool:
    """Whether line ``index`` (from 0) of ``text`` has a tab in its indentation."""
    lines = text.split("\n", index + 1)
    line = lines[index] if index < len(lines) else ""
    return "\t" in line[: len(line) - len(line.lstrip(" \t"))]


def line_of(obj: Any, default: int | None = None) -> int | None:
    return getattr(obj, "line", default)


def key_line(obj: Any, key: str, default: int | None = None) -> int | None:
    """The line of ``key`` in a YAML mapping (where a value of the wrong shape is), else the mapping's line."""
    return obj.line_of_key(key) if isinstance(obj, LocatedDict) else line_of(obj, default)


# --- dates -------------------------------------------------------------------------------------

_DATE = re.compile(r"^(?P<y>-?\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


@dataclass(frozen=True)
class FuzzyDate:
    """A date known to the year, the month or the day."""

    text: str
    precision: str  # "year" | "month" | "day"
    earliest: dt.date
    latest: dt.date

    def literal(self) -> ox.Literal:
        datatype = {"year": "gYear", "month": "gYearMonth", "day": "date"}[self.precision]
        return ox.Literal(self.text, datatype=ox.NamedNode(XSD + datatype))


def parse_date(value: Any) -> FuzzyDate:
    """``1950`` -> year precision; ``1950-05`` -> month; ``1950-05-09`` -> day."""
    text = str(value).strip()
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match["y"])
    try:
        if match["d"]:
            day = dt.date(year, int(match["m"]), int(match["d"]))
            return FuzzyDate(text, "day", day, day)
        month = int(match["m"] or 1)
        dt.date(year, month, 1)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from None
    if match["m"]:
        first = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return FuzzyDate(text, "month", first, nxt - dt.timedelta(days=1))
    return FuzzyDate(text, "year", dt.date(year, 1, 1), dt.date(year, 12, 31))


def date_literal(day: dt.date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))


def text(value: str, lang: str | None = "en") -> ox.Literal:
    cleaned = " ".join(str(value).split())
    return ox.Literal(cleaned, language=lang) if lang else ox.Literal(cleaned)


def plain(value: str) -> ox.Literal:
    return ox.Literal(str(value))


def cs(local: str) -> ox.NamedNode:
    return ox.NamedNode(CS + local)


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def is_slug(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(_SLUG.match(value))


def fold(value: str) -> str:
    replaced = value.replace("æ", "ae").replace("Æ", "Ae").replace("ø", "o").replace("ß", "ss")
    return unicodedata.normalize("NFKD", replaced).encode("ascii", "ignore").decode()


def slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(value).lower()).strip("-")
