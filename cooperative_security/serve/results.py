"""Serialise query results with a cap on their size, in the formats of the SPARQL 1.1 Protocol.

pyoxigraph serialises a whole result at once, so the capped rows are written as SPARQL JSON here,
and parsed back by pyoxigraph when another results format is asked for.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..namespaces import PREFIXES, XSD
from .httperror import HttpError

SOLUTION_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}

GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}

_STRING = XSD + "string"


class TooManyResults(Exception):
    """The result has more rows or triples than the server's ``--max-results``."""


class Cancelled(Exception):
    """The request gave up waiting (time limit): stop reading the result."""


@dataclass
class Body:
    content_type: str
    data: bytes


def term_json(term: Any) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        data: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            data["xml:lang"] = term.language
        elif term.datatype.value != _STRING:
            data["datatype"] = term.datatype.value
        return data
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": term_json(term.subject),
                                            "predicate": term_json(term.predicate),
                                            "object": term_json(term.object)}}
    raise TypeError(f"not an RDF term: {term!r}")


def _charset(media: str) -> str:
    return media + ("; charset=utf-8" if media.startswith("text/") or "json" in media or "xml" in media else "")


def solutions_body(result: ox.QuerySolutions, media: str, max_results: int, cancel: threading.Event,
                   arrange: Callable[[dict[str, str | None]], dict[str, str | None]] | None = None) -> Body:
    """The rows as ``media``; ``arrange`` (a named query's :meth:`~cooperative_security.queries.Query.arrange`)
    puts the items of its list columns in order, keeping each term's kind, datatype and language."""
    names = [v.value for v in result.variables]
    bindings: list[dict[str, Any]] = []
    for solution in result:
        if cancel.is_set():
            raise Cancelled()
        if len(bindings) >= max_results:
            raise TooManyResults(f"the query has more than {max_results} results (the server's --max-results); "
                                 "add a LIMIT, or ask whoever runs the server to raise --max-results")
        row = {n: term_json(solution[n]) for n in names if solution[n] is not None}
        if arrange is not None:
            for n, value in arrange({n: cell["value"] for n, cell in row.items() if cell["type"] == "literal"}).items():
                row[n]["value"] = value
        bindings.append(row)
    data = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}},
                      ensure_ascii=False, separators=(",", ":")).encode()
    fmt = SOLUTION_FORMATS[media]
    if fmt is not ox.QueryResultsFormat.JSON:
        data = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON).serialize(format=fmt) or b""
    return Body(_charset(media), data)


def boolean_body(result: ox.QueryBoolean, media: str) -> Body:
    return Body(_charset(media), result.serialize(format=SOLUTION_FORMATS[media]) or b"")


def triples_body(triples: Any, media: str, max_results: int, cancel: threading.Event) -> Body:
    kept: list[ox.Triple] = []
    for t in triples:
        if cancel.is_set():
            raise Cancelled()
        if len(kept) >= max_results:
            raise TooManyResults(f"the query builds more than {max_results} triples (the server's --max-results); "
                                 "add a LIMIT, or ask whoever runs the server to raise --max-results")
        kept.append(t)
    return Body(_charset(media), rdf_bytes(kept, media))


def rdf_bytes(triples: list[ox.Triple], media: str) -> bytes:
    """The triples in ``media``; JSON-LD compacted against the project's context (``ontology/context.jsonld``,
    embedded), as ``coopsec export`` writes it, so that a client reads ``label``, ``cs:Trust`` and ``"@context"``
    rather than full IRIs."""
    fmt = GRAPH_FORMATS[media]
    if fmt is ox.RdfFormat.JSON_LD:
        from ..export.formats import WRITERS

        out = io.BytesIO()
        try:
            WRITERS["jsonld"].write([ox.Quad(t.subject, t.predicate, t.object) for t in triples], out)
        except TypeError as exc:  # an RDF-star triple term
            raise HttpError(406, f"{exc}: ask for text/turtle or application/n-triples") from None
        return out.getvalue()
    if fmt is ox.RdfFormat.RDF_XML:
        from ..export.formats import rdfxml_problem

        problem = rdfxml_problem(triples)
        if problem:
            raise HttpError(406, f"{problem}: ask for text/turtle, application/n-triples or application/ld+json")
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return ox.serialize(triples, format=fmt, prefixes=dict(PREFIXES)) or b""
    return ox.serialize(triples, format=fmt) or b""
