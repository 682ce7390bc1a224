"""Run the rule queries of ``queries/classify/`` in order, writing the inferred graph."""

from __future__ import annotations

import re
from collections.abc import Callable

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


def numbered_queries(folder: str, pattern: re.Pattern[str] = _RULE_FILE) -> list[Query]:
    """The update queries of ``queries/FOLDER`` whose file names match ``pattern``, in the order their
    numbers give (``classify/dyads`` uses ``rule-NN-``)."""
    queries = [q for q in list_queries(folder) if pattern.match(q.name.rpartition("/")[2])]
    if not queries:
        raise FileNotFoundError(f"no rule queries found in queries/{folder}/")
    return queries


def run_rule_set(store: Store, queries: list[Query], request_graph: ox.NamedNode, request: list[ox.Triple]) -> None:
    """Write the request graph, then run the rule queries in order: the one runner of the curated rules
    and the dyad-year rules."""
    store.replace_graphs({request_graph: request})
    for query in queries:
        store.update(query)


def requested_day(text: str) -> FuzzyDate:
    """``--at 1955`` names all of 1955; the checkpoint is its last day (see :func:`parse_date`)."""
    try:
        return parse_date(text)
    except ValueError as exc:
        raise UsageError(f"--at {text!r}: {exc}") from None


def run_rules(store: Store, at: list[str] | None = None,
              progress: Callable[[str], None] | None = None) -> ox.NamedNode:
    """Write the request (run activity, requested dates) and run every rule query; returns the run IRI.
    ``progress`` is told each rule query as it starts (``rule 11 of 17: 55-dependable-expectations``)."""
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
    queries = rule_queries()
    for number, query in enumerate(queries, 1):
        if progress:
            progress(f"rule {number} of {len(queries)}: {query.name.rpartition('/')[2]}")
        store.update(query)
    return run
