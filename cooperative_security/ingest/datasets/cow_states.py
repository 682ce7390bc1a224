"""Correlates of War state system membership (``states.csv``) -> states with their spells.

Each state is ``https://w3id.org/coopsec/id/state/<abbreviation, lower case>``, the IRI the curated
actors use, so the COW list and ``data/actors.yaml`` (which adds ISO codes) describe the same nodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from ...errors import InputError
from ...namespaces import CS, RDFS
from .ntriples import date, integer, node, p, triple
from .reader import CsvStream, Progress, check_date, number

REQUIRED = ("stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth", "endday")
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_ABB = re.compile(r"^[A-Z]{2,3}$")


def state_node(abb: str) -> str:
    return node("state", abb.lower())


def read_states(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, str, str, tuple, tuple]]:
    """(line, abbreviation, name, (ccode, y, m, d) start, (y, m, d) end) per spell, checked."""
    stream = CsvStream(path, REQUIRED, progress=progress)
    for row in stream:
        try:
            abb = row.get("stateabb").strip()
            if not _ABB.match(abb):
                raise stream.problem(f"{abb!r} is not a COW abbreviation (2-3 capital letters)", row.line, "stateabb")
            code = number(stream, row, "ccode")
            start = tuple(number(stream, row, c) for c in ("styear", "stmonth", "stday"))
            end = tuple(number(stream, row, c) for c in ("endyear", "endmonth", "endday"))
            check_date(stream, row, start, "stmonth")
            check_date(stream, row, end, "endmonth")
            yield row.line, abb, row.get("statenme").strip(), (code, *start), end
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)


def state_codes(path: Path) -> dict[int, str]:
    """COW number -> abbreviation."""
    return {start[0]: abb for _, abb, _, start, _ in read_states(path)}


def triples(path: Path, progress: Progress | None = None) -> Iterator[str]:
    for _, abb, name, (code, y, m, d), (ey, em, ed) in read_states(path, progress):
        s = state_node(abb)
        spell = node("state", f"{abb.lower()}/spell/{y}")
        yield triple(s, RDF_TYPE, f"<{CS}State>")
        yield triple(s, p("cowCode"), integer(code))
        yield triple(s, p("cowAbbreviation"), str(ox.Literal(abb)))
        yield triple(s, p("cowName"), str(ox.Literal(name)))
        yield triple(s, p("systemMembership"), spell)
        yield triple(spell, RDF_TYPE, f"<{CS}SystemMembership>")
        yield triple(spell, f"<{RDFS}label>", str(ox.Literal(f"{name} in the state system from {y}")))
        yield triple(spell, p("startDate"), date(y, m, d))
        yield triple(spell, p("endDate"), date(ey, em, ed))
