"""One writer per format: Turtle, N-Triples, RDF/XML, JSON-LD (merged graphs); TriG, N-Quads (kept)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..errors import UsageError
from ..ingest.base import control_character
from .base import Stamp, Writer, prefixes
from .jsonld import JsonLdWriter


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


#: XML 1.0's NameStartChar and NameChar, less the colon: an RDF/XML property element is a QName, whose local
#: part is the longest such name that ends the IRI
_NAME_START = ("A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
               "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_LOCAL_NAME = re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]*$")


def xml_name_problem(iri: str) -> bool:
    """Whether a property IRI cannot be an RDF/XML element name: it ends in no XML name (``.../``, ``...#``,
    ``.../1``, ``urn:x:1``), so a writer would make up a prefix with an empty or invalid local part."""
    return _LOCAL_NAME.search(iri) is None


def rdfxml_problem(triples: Sequence[ox.Triple]) -> str | None:
    """Why RDF/XML cannot hold these triples (valid RDF that XML 1.0 cannot write), or None: a literal with a
    control character, or a property IRI that ends in no XML name, which oxigraph would write as
    ``<oxprefix: xmlns:oxprefix="...">``, an element no XML parser reads."""
    for t in triples:
        bad = control_character(t.object.value) if isinstance(t.object, ox.Literal) else None
        if bad is not None:
            return (f"RDF/XML cannot hold the control character U+{ord(bad[2]):04X} in the value of "
                    f"{t.subject} {t.predicate}")
    unwritable = sorted({t.predicate.value for t in triples if xml_name_problem(t.predicate.value)})
    if unwritable:
        more = f" (and {len(unwritable) - 1} more)" if len(unwritable) > 1 else ""
        return (f"RDF/XML cannot hold the property <{unwritable[0]}>{more}: an RDF/XML property is an XML element "
                "name, and this IRI does not end in one (it ends with '/', '#' or a character no XML name starts with)")
    return None


class RdfXmlWriter(OxigraphWriter):
    """RDF/XML (what Protégé opens); the stamp is an XML comment after the declaration."""

    name, suffix, media_type, also = "rdfxml", ".rdf", "application/rdf+xml", (".owl", ".xml")
    format = ox.RdfFormat.RDF_XML

    def write(self, quads: Sequence[ox.Quad], out: BinaryIO, stamp: Stamp | None = None) -> int:
        triples = self.merged(quads)
        problem = rdfxml_problem(triples)
        if problem:
            raise UsageError(f"{problem}: export as Turtle, N-Triples, JSON-LD or TriG")
        body = ox.serialize(triples, format=self.format, prefixes=prefixes()) or b""
        if stamp:
            declaration, newline, rest = body.partition(b"\n")
            text = stamp.comment().replace("--", "-")
            body = declaration + newline + ("<!-- " + text + " -->\n").encode("utf-8") + rest
        out.write(body)
        return len(triples)


WRITERS: dict[str, Writer] = {
    w.name: w
    for w in (TurtleWriter(), NTriplesWriter(), RdfXmlWriter(), JsonLdWriter(), TriGWriter(), NQuadsWriter())
}


def check_suffix(fmt: str, path: Path) -> None:
    """Refuse a file name whose ending says another format than ``fmt`` (Turtle in ``coopsec.rdf``): a usage
    error naming the endings ``fmt`` takes, and the format the name asks for if it names one."""
    writer = WRITERS[fmt]
    endings = (writer.suffix, *writer.also)
    if path.suffix.lower() in endings:
        return
    named = next((w.name for w in WRITERS.values() if path.suffix.lower() in (w.suffix, *w.also)), None)
    hint = f", or --format {named} for a {path.suffix} file" if named else ""
    title = {"turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF/XML", "trig": "TriG",
             "nquads": "N-Quads"}[fmt]
    raise UsageError(f"-o {path}: --format {fmt} writes {title}: give a name ending in "
                     f"{' or '.join(endings)}{hint}")
