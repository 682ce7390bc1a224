"""What every ingest module shares: located YAML, dates with precision, term helpers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from ..errors import InputError, Problem
from ..namespaces import CS, XSD

Triples = list[ox.Triple]


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

    def add(self, g: ox.NamedNode, triples: Triples) -> None:
        self.graphs.setdefault(g, []).extend(triples)

    def size(self) -> int:
        return sum(len(ts) for ts in self.graphs.values())


class LocatedDict(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers the line it starts on, and the line of each key."""

    line: int = 0
    key_lines: dict[str, int] | None = None

    def line_of_key(self, key: str) -> int:
        return (self.key_lines or {}).get(key, self.line)


class LocatedList(list):  # type: ignore[type-arg]
    line: int = 0


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    value = LocatedDict()
    value.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in value:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        value[key] = loader.construct_object(value_node, deep=True)
        value.key_lines[str(key)] = key_node.start_mark.line + 1
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
        return raw.decode("utf-8-sig")
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


def load_yaml(path: Path) -> Any:
    """Parse YAML with line numbers on every mapping and list; syntax errors are located."""
    text = read_text(path)
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(Problem(str(path), f"not valid YAML: {exc.problem or exc}", line=line)) from exc
    except yaml.YAMLError as exc:
        raise InputError(Problem(str(path), f"not valid YAML: {exc}")) from exc
    except RecursionError as exc:
        raise InputError(Problem(str(path), "YAML nested too deeply to read")) from exc


def line_of(obj: Any, default: int | None = None) -> int | None:
    return getattr(obj, "line", default)


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


def is_slug(value: Any) -> bool:
    return isinstance(value, str) and bool(_SLUG.match(value))
