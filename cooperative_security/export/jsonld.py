"""The JSON-LD writer: compacted against ``ontology/context.jsonld`` (embedded, so it reads offline).

rdflib builds the document, with two corrections (:class:`_Converter`) so that it reads back to the graph
written, term for term: a blank node under a term typed ``@id`` (``used``, ``seeAlso``...) is described,
where rdflib wrote its bare label and dropped its triples; and a literal becomes a JSON number or boolean
only when that value reads back to the same lexical form (``"0005"^^xsd:integer`` and doubles stay typed
strings, as ``"1.50"^^xsd:decimal`` does).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.shared.jsonld.context import Context
from rdflib.plugins.shared.jsonld.keys import CONTEXT, GRAPH, ID
from rdflib.term import IdentifiedNode, Identifier

from .base import Stamp, Writer, jsonld_context

#: an xsd:integer that JSON-LD's number reads back unchanged (no sign +, no leading zero; within a double's
#: exact integers, which is what a JSON-LD processor may turn a JSON number into)
_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,14})")


def _native_reads_back(o: Literal) -> bool:
    """Whether the literal may be a JSON number or boolean: whether JSON-LD's reading of that value gives
    its lexical form back. A double never is (JSON-LD reads 1.5 as "1.5E0")."""
    if o.datatype == XSD.boolean:
        return str(o) in ("true", "false")
    if o.datatype == XSD.integer:
        return _CANONICAL_INTEGER.fullmatch(str(o)) is not None
    return o.datatype is None or o.datatype == XSD.string


class _Converter(Converter):
    """rdflib's RDF to JSON-LD conversion, writing every triple and every literal's lexical form."""

    def type_coerce(self, o: Identifier, coerce_type: str) -> Any:
        if coerce_type == ID and isinstance(o, BNode):
            return None  # written by to_raw_value as {"@id": "_:..."}, and the node described
        return super().type_coerce(o, coerce_type)

    def to_raw_value(self, graph: Graph, s: IdentifiedNode, o: Identifier, nodemap: dict[str, Any]) -> Any:
        if isinstance(o, Literal) and o.datatype is not None and not _native_reads_back(o):
            return {self.context.type_key: self.context.to_symbol(o.datatype), self.context.value_key: str(o)}
        return super().to_raw_value(graph, s, o, nodemap)


def _rdflib_term(term: object) -> Any:
    """The rdflib term of a pyoxigraph one; literals keep their lexical form (rdflib would normalise it)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"an RDF-star triple term cannot be written as JSON-LD: {term}")


def document(triples: Sequence[ox.Triple]) -> dict[str, Any]:
    """The triples as one JSON-LD document compacted against the project's context, in a stable order."""
    g = Graph()
    for t in triples:  # built term by term, so that blank nodes keep their canonical labels
        g.add((_rdflib_term(t.subject), _rdflib_term(t.predicate), _rdflib_term(t.object)))
    data = jsonld_context()
    context = Context(data)
    result = _Converter(context, False, False).convert(g)
    if isinstance(result, list):
        result = {context.get_key(GRAPH): result}
    stable = _stable({CONTEXT: data, **result})
    assert isinstance(stable, dict)
    return stable


class JsonLdWriter(Writer):
    """JSON-LD compacted against ``ontology/context.jsonld``; fine for the bundled graph, slow for millions
    of triples (use N-Quads there)."""

    name, suffix, media_type, also = "jsonld", ".jsonld", "application/ld+json", (".json",)

    def write(self, quads: Sequence[ox.Quad], out: BinaryIO, stamp: Stamp | None = None) -> int:
        triples = self.merged(quads)
        out.write(json.dumps(document(triples), indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
        return len(triples)


def _stable(value: object, key: str = "") -> object:
    """The JSON-LD document in one order whatever rdflib's: nodes and values sorted (an ``@list`` keeps its
    order, which is the list's)."""
    if isinstance(value, dict):
        return {k: _stable(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_stable(v) for v in value]
        if key in ("@list", "@context"):
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value
