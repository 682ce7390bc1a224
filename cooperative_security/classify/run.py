"""Run the rule queries of ``queries/classify/`` in order, writing the inferred graph."""

from __future__ import annotations

import re

import pyoxigraph as ox

from .. import reproducible
from ..errors import UsageError
from ..ingest.base import FuzzyDate, parse_date
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


def requested_day(text: str) -> FuzzyDate:
    """``--at 1955`` names all of 1955; the checkpoint is its last day (see :func:`parse_date`)."""
    try:
        return parse_date(text)
    except ValueError as exc:
        raise UsageError(f"--at {text!r}: {exc}") from None


def run_rules(store: Store, at: list[str] | None = None) -> ox.NamedNode:
    """Write the request (run activity, requested dates) and run every rule query; returns the run IRI."""
    run = instance("run", reproducible.run_id())
    triples = [
        ox.Triple(run, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        ox.Triple(run, ox.NamedNode(PROV + "startedAtTime"),
                  ox.Literal(reproducible.now().isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))),
    ]
    for text in at or []:
        node = ox.BlankNode()
        last = requested_day(text).latest.isoformat()
        # A plain ISO string: the rules compare days as strings, never as xsd:date values (strict SPARQL 1.1).
        triples.append(ox.Triple(node, cs("requestedDate"), ox.Literal(last)))
        triples.append(ox.Triple(node, cs("requestedText"), ox.Literal(text)))
    store.replace_graphs({REQUEST_GRAPH: triples})
    for query in rule_queries():
        store.update(query)
    return run
