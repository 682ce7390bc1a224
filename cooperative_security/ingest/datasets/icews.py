"""ICEWS coded event data (Boschee et al.), in ICEWS's own tab-separated layout -> typed events.

Each event ``id/event/icews/<Event ID>`` is a ``cs:CameoEvent`` with its CAMEO code, intensity and date,
and, through ``data/mappings/cameo-to-event-types.csv`` (code, else its longest listed prefix such as
the root), the ontology's event type. Source and target countries become states by their COW name (or
``data/mappings/icews-country-to-cow.csv`` where ICEWS names them differently); the country names are
kept as given either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from ...errors import InputError
from ...namespaces import CS, RDFS
from .cameo import GOLDSTEIN, CameoCode
from .cow_states import RDF_TYPE, state_node
from .mappings import cameo_event_type, icews_country_codes
from .ntriples import date, node, p, triple, xsd_decimal
from .reader import CsvStream, Progress, decimal

REQUIRED = ("Event ID", "Event Date", "Source Name", "Source Country", "CAMEO Code", "Intensity",
            "Target Name", "Target Country")


def country_states(names: dict[str, int], abbs: dict[int, str]) -> dict[str, str]:
    """ICEWS country name -> state IRI, from COW names (``names``: COW name -> ccode) and the alias table."""
    codes = dict(names)
    codes.update(icews_country_codes())
    return {name: state_node(abbs[code]) for name, code in codes.items() if code in abbs}


def triples(path: Path, countries: dict[str, str], codebook: dict[str, CameoCode] | None = None,
            progress: Progress | None = None) -> Iterator[str]:
    stream = CsvStream(path, REQUIRED, delimiter="\t", progress=progress)
    for row in stream:
        try:
            eid = row.get("Event ID").strip()
            if not (eid.isascii() and eid.isdigit()):
                raise stream.problem(f"{eid!r} is not an event id (digits 0-9)", row.line, "Event ID")
            code = row.get("CAMEO Code").strip()
            if not (code.isascii() and code.isdigit()):
                raise stream.problem(f"{code!r} is not a CAMEO code (digits 0-9)", row.line, "CAMEO Code")
            try:
                day = dt.date.fromisoformat(row.get("Event Date").strip())
            except ValueError:
                raise stream.problem(f"{row.get('Event Date')!r} is not a date (YYYY-MM-DD)", row.line,
                                     "Event Date") from None
            intensity = decimal(stream, row, "Intensity", GOLDSTEIN)
            e = node("event", f"icews/{eid}")
            yield triple(e, RDF_TYPE, f"<{CS}CameoEvent>")
            etype = cameo_event_type(code)
            if etype:
                yield triple(e, RDF_TYPE, f"<{CS}{etype}>")
            yield triple(e, p("cameoCode"), str(ox.Literal(code)))
            if intensity is not None:
                yield triple(e, p("intensity"), xsd_decimal(intensity))
            if codebook and code in codebook and codebook[code].goldstein is not None:
                yield triple(e, p("goldstein"), xsd_decimal(codebook[code].goldstein))  # type: ignore[arg-type]
            d = date(day.year, day.month, day.day)
            yield triple(e, p("earliestDate"), d)
            yield triple(e, p("latestDate"), d)
            yield triple(e, p("datePrecision"), '"day"')
            label = f"{row.get('Source Name')} -> {row.get('Target Name')}: {row.get('Event Text') or code}"
            yield triple(e, f"<{RDFS}label>", str(ox.Literal(label)))
            for column, prop, role in (("Source Country", "sourceCountry", "agent"),
                                       ("Target Country", "targetCountry", "target")):
                country = row.get(column).strip()
                if country and country != "NA":
                    yield triple(e, p(prop), str(ox.Literal(country)))
                    if country in countries:
                        yield triple(e, p(role), countries[country])
        except InputError as exc:  # noted, and the next row read: all bad rows are told
            stream.reject(exc)
