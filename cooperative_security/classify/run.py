"""Run the rule queries of ``queries/classify/`` in order, writing the inferred graph."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime

import pyoxigraph as ox

from ..errors import UsageError
from ..namespaces import PROV, RDF_TYPE, XSD, cs, graph, instance
from ..queries import Query, list_queries
from ..store import Store

INFERRED_GRAPH = graph("inferred")
REQUEST_GRAPH = graph("request")

_RULE_FILE = re.compile(r"^\d\d-")


def rule_queries() -> list[Query]:
    """The update queries, in the order their numbers give (``00-clear`` first)."""
    queries = [q for q in list_queries("classify") if _RULE_FILE.match(q.name.rpartition("/")[2])]
    if not queries:
        raise FileNotFoundError("no rule queries found in queries/classify/")
    return queries


def end_of(text: str) -> date:
    """``1955`` -> 1955-12-31, ``1950-05`` -> 1950-05-31, ``1950-05-09`` itself."""
    try:
        parts = [int(p) for p in text.strip().split("-")]
        if len(parts) == 1:
            return date(parts[0], 12, 31)
        if len(parts) == 2:
            nxt = date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        if len(parts) == 3:
            return date(*parts)
    except ValueError:
        pass
    raise UsageError(f"--at {text!r}: write a date as YYYY, YYYY-MM or YYYY-MM-DD")


def span_of(text: str) -> tuple[str, str]:
    """The first and last day (ISO) that ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` names."""
    last = end_of(text)
    parts = text.strip().split("-")
    first = date(last.year, 1 if len(parts) == 1 else last.month, 1 if len(parts) < 3 else last.day)
    return first.isoformat(), last.isoformat()


def run_rules(store: Store, at: list[str] | None = None) -> ox.NamedNode:
    """Write the request (run activity, requested dates) and run every rule query; returns the run IRI."""
    run = instance("run", uuid.uuid4().hex)
    date_type = ox.NamedNode(XSD + "date")
    triples = [
        ox.Triple(run, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        ox.Triple(run, ox.NamedNode(PROV + "startedAtTime"),
                  ox.Literal(datetime.now(UTC).isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))),
    ]
    for text in at or []:
        node = ox.BlankNode()
        triples.append(ox.Triple(node, cs("requestedDate"), ox.Literal(end_of(text).isoformat(), datatype=date_type)))
        triples.append(ox.Triple(node, cs("requestedText"), ox.Literal(text)))
    store.replace_graphs({REQUEST_GRAPH: triples})
    for query in rule_queries():
        store.update(query)
    return run
