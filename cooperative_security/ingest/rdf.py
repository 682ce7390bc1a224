"""Any RDF file (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) into a named graph.

Hostile input is refused before any parser sees it:

- RDF/XML with a DOCTYPE or ENTITY declaration anywhere in the file ("billion laughs", external
  entities): pyoxigraph would expand the entities until the process runs out of memory;
- RDF/XML nested deeper than :data:`MAX_XML_DEPTH` elements (pyoxigraph's RDF/XML parser takes
  quadratic time in the depth: 100,000 levels run for minutes);
- JSON-LD nested deeper than :data:`MAX_JSON_DEPTH` objects or arrays (pyoxigraph's JSON-LD parser
  uses memory quadratic in the depth and overflows its stack, killing the process, at ~4,000 levels);
- text that is not UTF-8 (reported with its byte offset and line, never read as mojibake).

Turtle, TriG, N-Triples and N-Quads need no cap: pyoxigraph parses 1,000,000 nested blank nodes or
collections in about 2 s without recursion.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import xml.parsers.expat
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, Problem
from ..namespaces import graph
from .base import Batch
from .works import slugify

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".n3": ox.RdfFormat.N3,
}
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")

#: deepest element nesting accepted in RDF/XML (real files stay under 20)
MAX_XML_DEPTH = 1000
#: deepest object/array nesting accepted in JSON-LD (real files stay under 20)
MAX_JSON_DEPTH = 100


def check_utf8(raw: bytes, src: str) -> None:
    """Raise a located InputError unless ``raw`` is UTF-8 (decoded in chunks: no second copy)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    chunk = 1 << 20
    try:
        for start in range(0, max(len(raw), 1), chunk):
            decoder.decode(raw[start:start + chunk], final=start + chunk >= len(raw))
    except UnicodeDecodeError:
        try:  # only on failure: decode it whole for the exact offset
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(Problem(src, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                                          "save the file as UTF-8 and retry", line=line)) from exc


def xml_depth_problem(raw: bytes, src: str) -> Problem | None:
    """The first place RDF/XML nests deeper than MAX_XML_DEPTH (expat: iterative, no entities)."""
    parser = xml.parsers.expat.ParserCreate()
    depth = 0

    class TooDeep(Exception):
        pass

    def start(name: str, attrs: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise TooDeep

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(raw, True)
    except TooDeep:
        return Problem(src, f"RDF/XML nested deeper than {MAX_XML_DEPTH} elements is refused",
                       line=parser.CurrentLineNumber)
    except xml.parsers.expat.ExpatError:
        return None  # not well-formed: pyoxigraph reports it, with its own message
    return None


def json_depth_problem(raw: bytes, src: str) -> Problem | None:
    """The first place JSON nests deeper than MAX_JSON_DEPTH (strings skipped)."""
    depth = 0
    offset = 0
    for piece in _JSON_STRING.split(raw):
        for match in _JSON_BRACKET.finditer(piece):
            depth += 1 if match[0] in b"[{" else -1
            if depth > MAX_JSON_DEPTH:
                line = raw[: offset + match.start()].count(b"\n") + 1
                return Problem(src, f"JSON-LD nested deeper than {MAX_JSON_DEPTH} objects or arrays is refused",
                               line=line)
        offset += len(piece)
    return None


def rdf_format(path: Path) -> ox.RdfFormat | None:
    return FORMATS.get(path.suffix.lower())


def file_graph(path: Path) -> ox.NamedNode:
    return graph(f"file/{slugify(path.stem) or 'unnamed'}")


def skolem(path_bytes: bytes, fmt: ox.RdfFormat) -> str:
    """A base for blank-node IRIs stable across re-ingests of the same content."""
    return hashlib.sha256(path_bytes + fmt.name.encode()).hexdigest()[:16]


def parse_rdf(path: Path, target: ox.NamedNode | None = None, base_iri: str | None = None) -> Batch:
    """The file's triples, its default graph in ``target``; relative IRIs against ``base_iri``
    (default: the file's own ``file:`` URL)."""
    fmt = rdf_format(path)
    src = str(path)
    if fmt is None:
        raise InputError(Problem(src, f"unknown RDF file extension {path.suffix!r}; use one of {sorted(FORMATS)}"))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(src, f"cannot read the file: {exc.strerror or exc}")) from exc
    check_utf8(raw, src)
    if fmt == ox.RdfFormat.RDF_XML:
        doctype = _DOCTYPE.search(raw)  # anywhere: a prefix of comments must not hide it
        if doctype:
            line = raw[: doctype.start()].count(b"\n") + 1
            raise InputError(Problem(src, "RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity "
                                          "expansion and external entities are unsafe); remove the declaration",
                                     line=line))
        too_deep = xml_depth_problem(raw, src)
        if too_deep:
            raise InputError(too_deep)
    if fmt == ox.RdfFormat.JSON_LD:
        too_deep = json_depth_problem(raw, src)
        if too_deep:
            raise InputError(too_deep)
    target = target or file_graph(path)
    batch = Batch(src, kind="rdf")
    graphs = batch.graphs
    default = graphs.setdefault(target, [])
    blank_graphs: dict[ox.BlankNode, ox.NamedNode] = {}
    try:
        # one pass, triples straight into the batch: no intermediate list of quads
        for q in ox.parse(raw, fmt, base_iri=base_iri or path.resolve().as_uri()):
            g = q.graph_name
            if isinstance(g, ox.DefaultGraph):
                default.append(q.triple)
                continue
            if isinstance(g, ox.BlankNode):
                # a graph named by a blank node (TriG, N-Quads) stays a graph of its own, named by
                # its order of appearance: stable when the same file is ingested again
                g = blank_graphs.setdefault(g, ox.NamedNode(f"{target.value}/graph-{len(blank_graphs) + 1}"))
            graphs.setdefault(g, []).append(q.triple)  # type: ignore[arg-type]
    except SyntaxError as exc:
        raise InputError(Problem(src, f"not valid {fmt.name.replace('_', '-')}: {exc.msg}",
                                 line=getattr(exc, "lineno", None))) from exc
    except (ValueError, OSError) as exc:
        raise InputError(Problem(src, f"not valid {fmt.name.replace('_', '-')}: {exc}")) from exc
    if not default and len(graphs) > 1:
        del graphs[target]  # a dataset file with nothing in its default graph
    return batch
