"""One writer per format: Turtle, N-Triples, RDF/XML, JSON-LD (merged graphs); TriG, N-Quads (kept)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import BinaryIO

import pyoxigraph as ox

from .base import Stamp, Writer, jsonld_context, prefixes


class OxigraphWriter(Writer):
    """A format pyoxigraph writes itself; a stamp becomes a leading comment."""

    format: ox.RdfFormat = ox.RdfFormat.TURTLE
    with_prefixes = True

    def write(self, quads: Sequence[ox.Quad], out: BinaryIO, stamp: Stamp | None = None) -> int:
        statements: list[ox.Quad] | list[ox.Triple] = self.ordered(quads) if self.datasets else self.merged(quads)
        if stamp:
            out.write(self.comment(stamp.comment()))
        if self.with_prefixes:
            ox.serialize(statements, out, format=self.format, prefixes=prefixes())
        else:
            ox.serialize(statements, out, format=self.format)
        return len(statements)

    def comment(self, text: str) -> bytes:
        return ("# " + text + "\n").encode("utf-8")


class TurtleWriter(OxigraphWriter):
    name, suffix, media_type = "turtle", ".ttl", "text/turtle"
    format = ox.RdfFormat.TURTLE


class NTriplesWriter(OxigraphWriter):
    name, suffix, media_type = "ntriples", ".nt", "application/n-triples"
    format = ox.RdfFormat.N_TRIPLES
    with_prefixes = False


class TriGWriter(OxigraphWriter):
    name, suffix, media_type, datasets = "trig", ".trig", "application/trig", True
    format = ox.RdfFormat.TRIG


class NQuadsWriter(OxigraphWriter):
    name, suffix, media_type, datasets = "nquads", ".nq", "application/n-quads", True
    format = ox.RdfFormat.N_QUADS
    with_prefixes = False


class RdfXmlWriter(OxigraphWriter):
    """RDF/XML (what Protégé opens); the stamp is an XML comment after the declaration."""

    name, suffix, media_type = "rdfxml", ".rdf", "application/rdf+xml"
    format = ox.RdfFormat.RDF_XML

    def write(self, quads: Sequence[ox.Quad], out: BinaryIO, stamp: Stamp | None = None) -> int:
        triples = self.merged(quads)
        body = ox.serialize(triples, format=self.format, prefixes=prefixes()) or b""
        if stamp:
            declaration, newline, rest = body.partition(b"\n")
            text = stamp.comment().replace("--", "-")
            body = declaration + newline + ("<!-- " + text + " -->\n").encode("utf-8") + rest
        out.write(body)
        return len(triples)


class JsonLdWriter(Writer):
    """JSON-LD compacted against ``ontology/context.jsonld`` (embedded, so it reads offline).

    rdflib does the compaction; it is fine for the bundled graph, slow for millions of triples (use
    N-Quads there).
    """

    name, suffix, media_type = "jsonld", ".jsonld", "application/ld+json"

    def write(self, quads: Sequence[ox.Quad], out: BinaryIO, stamp: Stamp | None = None) -> int:
        import rdflib

        triples = self.merged(quads)
        g = rdflib.Graph()
        g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")
        text = g.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
        document = json.loads(text)
        if isinstance(document, dict) and "@context" not in document:
            document = {"@context": jsonld_context(), **document}
        out.write(json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n")
        return len(triples)


WRITERS: dict[str, Writer] = {
    w.name: w
    for w in (TurtleWriter(), NTriplesWriter(), RdfXmlWriter(), JsonLdWriter(), TriGWriter(), NQuadsWriter())
}
