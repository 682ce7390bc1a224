"""Any RDF file (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) into a named graph.

Hostile input is refused before any parser sees it:

- RDF/XML with a DOCTYPE or ENTITY declaration anywhere in the file ("billion laughs", external
  entities): pyoxigraph would expand the entities until the process runs out of memory;
- RDF/XML nested deeper than :data:`MAX_XML_DEPTH` elements (pyoxigraph's RDF/XML parser takes
  quadratic time in the depth: 100,000 levels run for minutes);
- JSON-LD nested deeper than :data:`MAX_JSON_DEPTH` objects or arrays (pyoxigraph's JSON-LD parser
  uses memory quadratic in the depth and overflows its stack, killing the process, at ~4,000 levels);
- text that is not UTF-8 (reported with its byte offset and line, never read as mojibake).

A file parsed in memory is then checked value by value: a literal longer than ``COOPSEC_MAX_LITERAL`` or
an IRI longer than ``COOPSEC_MAX_IRI`` (:data:`MAX_IRI`) is refused, naming the triple. Big files
bulk-loaded from disk are not checked so. Control characters in literals are valid RDF (the W3C suites
hold them) and are kept; the RDF/XML export refuses them with a clear message (export/formats.py).

Turtle, TriG, N-Triples and N-Quads need no cap: pyoxigraph parses 1,000,000 nested blank nodes or
collections in about 2 s without recursion.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import xml.parsers.expat
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, Problem
from .base import MAX_LITERAL, Batch, limit
from .naming import file_graph

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
#: the UTF-8 byte order mark some editors (Notepad, Excel) write at the start of a file: oxigraph's Turtle,
#: TriG, N-Triples and N-Quads parsers take it for text, so it is skipped before they read
BOM = codecs.BOM_UTF8
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")

#: N-Triples and Turtle files at least this big (bytes) are bulk-loaded from disk, not parsed into memory,
#: when the store can do it (the embedded one); ``COOPSEC_STREAM_AFTER`` overrides it
STREAM_AFTER = 32 * 1024 * 1024
#: the formats that can stream: triples only, so nothing to rename on the way (TriG and N-Quads may
#: name graphs with blank nodes, which coopsec turns into graphs of their own)
STREAMABLE = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE)

#: deepest element nesting accepted in RDF/XML (real files stay under 20)
MAX_XML_DEPTH = 1000
#: deepest object/array nesting accepted in JSON-LD (real files stay under 20)
MAX_JSON_DEPTH = 100
#: the longest IRI accepted in an RDF file parsed in memory (characters); ``COOPSEC_MAX_IRI`` changes it
MAX_IRI = 100_000


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


def check_utf8_file(path: Path, src: str) -> None:
    """Like :func:`check_utf8`, reading the file in 1 MB chunks (bounded memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = lines = 0
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    # the decoder keeps up to 3 bytes of an unfinished sequence from the chunk before
                    start = max(exc.start - len(exc.object) + len(chunk), 0)
                    at = offset + start
                    line = lines + chunk[:start].count(b"\n") + 1
                    raise InputError(Problem(src, f"not UTF-8 (byte 0x{chunk[start]:02x} at offset {at}); "
                                                  "save the file as UTF-8 and retry", line=line)) from exc
                offset += len(chunk)
                lines += chunk.count(b"\n")
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:  # the file ends inside a multi-byte sequence
        raise InputError(Problem(src, f"not UTF-8 (the file ends inside a character, at offset {offset}); "
                                      "save the file as UTF-8 and retry", line=lines + 1)) from exc
    except OSError as exc:
        raise InputError(Problem(src, f"cannot read the file: {exc.strerror or exc}")) from exc


def stream_after() -> int:
    return int(os.environ.get("COOPSEC_STREAM_AFTER", STREAM_AFTER))


def streamable(path: Path) -> bool:
    """Whether a file is big enough, and of a simple enough format, to bulk-load from disk."""
    try:
        return rdf_format(path) in STREAMABLE and path.stat().st_size >= stream_after()
    except OSError:
        return False  # parse_rdf reports it


def stream_batch(path: Path, target: ox.NamedNode | None = None) -> Batch:
    """A batch that names the file instead of holding its triples (checked for UTF-8 here, for
    syntax while the store loads it: see :func:`bulk_load_file`)."""
    src = str(path)
    check_utf8_file(path, src)
    batch = Batch(src, kind="rdf")
    batch.streams[target or file_graph(path)] = [path]
    return batch


def bulk_load_file(store: ox.Store, path: Path, graph_name: ox.NamedNode) -> None:
    """Bulk-load a streamed file into a graph; a syntax error becomes a located InputError. A file that
    starts with a byte order mark is read from just after it (oxigraph's Turtle and N-Triples parsers take
    the mark for text)."""
    path, fmt, base = stream_source(path)
    try:
        if _starts_with_bom(path):
            with path.open("rb") as fh:
                fh.seek(len(BOM))
                store.bulk_load(input=fh, format=fmt, to_graph=graph_name, base_iri=base)
        else:  # by path: the loader reads it in parallel
            store.bulk_load(path=str(path), format=fmt, to_graph=graph_name, base_iri=base)
    except (SyntaxError, ValueError) as exc:
        raise _not_valid(path, fmt, exc) from exc


def _starts_with_bom(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(BOM)) == BOM


def _not_valid(path: Path, fmt: ox.RdfFormat, exc: SyntaxError | ValueError) -> InputError:
    if isinstance(exc, SyntaxError):
        return InputError(Problem(str(path), f"not valid {fmt.name.replace('_', '-')}: {exc.msg}",
                                  line=getattr(exc, "lineno", None)))
    return InputError(Problem(str(path), f"not valid {fmt.name.replace('_', '-')}: {exc}"))


def stream_triples(path: Path) -> list[ox.Triple]:
    """A streamed file's triples, parsed by oxigraph alone as its bulk load would (replacing the graph of a
    file that was streamed): a syntax error becomes a located InputError."""
    path, fmt, base = stream_source(path)
    try:
        if not _starts_with_bom(path):
            return [q.triple if isinstance(q, ox.Quad) else q  # a triple format's statements come as quads
                    for q in ox.parse(path=str(path), format=fmt, base_iri=base)]
        with path.open("rb") as fh:  # after the byte order mark, as the bulk load reads it
            fh.seek(len(BOM))
            return [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(input=fh, format=fmt, base_iri=base)]
    except (SyntaxError, ValueError) as exc:
        raise _not_valid(path, fmt, exc) from exc


def stream_source(path: Path) -> tuple[Path, ox.RdfFormat, str]:
    """A streamed file as its bulk load reads it: path, format and base IRI (its own ``file:`` URL)."""
    fmt = rdf_format(path)
    assert fmt is not None and fmt in STREAMABLE
    return path, fmt, path.resolve().as_uri()


def xml_depth_problem(raw: bytes, src: str) -> Problem | None:
    """The first place RDF/XML nests deeper than MAX_XML_DEPTH (expat: iterative, no entities)."""
    # the text is UTF-8 (checked before): expat reads it as such whatever the declaration says, so an
    # encoding it does not know (``encoding="TF-8"``) is left for pyoxigraph to refuse with its own message
    parser = xml.parsers.expat.ParserCreate(encoding="utf-8")
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


def json_depth_problem(raw: bytes, src: str, what: str = "JSON-LD") -> Problem | None:
    """The first place JSON nests deeper than MAX_JSON_DEPTH (strings skipped); ``what`` names the format."""
    depth = 0
    offset = 0
    for piece in _JSON_STRING.split(raw):
        for match in _JSON_BRACKET.finditer(piece):
            depth += 1 if match[0] in b"[{" else -1
            if depth > MAX_JSON_DEPTH:
                line = raw[: offset + match.start()].count(b"\n") + 1
                return Problem(src, f"{what} nested deeper than {MAX_JSON_DEPTH} objects or arrays is refused",
                               line=line)
        offset += len(piece)
    return None


def _where(q: ox.Quad | ox.Triple) -> str:
    """The triple a value belongs to, for a message (a blank subject by its predicate alone)."""
    if isinstance(q.subject, ox.NamedNode) and len(q.subject.value) <= 200:
        return f"the value of <{q.subject.value}> <{_short(q.predicate.value)}>"
    return f"a value of <{_short(q.predicate.value)}>"


def _short(iri: str) -> str:
    return iri if len(iri) <= 200 else iri[:80] + "..."


def _check_literal(q: ox.Quad | ox.Triple, literal: ox.Literal, src: str, cap: int) -> None:
    """Refuse a literal over the length cap. Control characters are valid RDF (the W3C suites hold them): the
    RDF/XML export refuses them with a clear message instead (export/formats.py)."""
    value = literal.value
    if len(value) > cap:
        raise InputError(Problem(src, f"{_where(q)} has {len(value):,} characters, more than the {cap:,} coopsec "
                                      "accepts (COOPSEC_MAX_LITERAL changes the cap)"))


def _check_terms(q: ox.Quad | ox.Triple, src: str, max_literal: int, max_iri: int) -> None:
    """Check a statement's literal and every IRI in it (a literal's datatype, RDF 1.2 triple terms too)."""
    o = q.object
    if isinstance(o, ox.Literal):
        _check_literal(q, o, src, max_literal)
        o = o.datatype
    for term in (q.subject, q.predicate, o, q.graph_name if isinstance(q, ox.Quad) else None):
        if isinstance(term, ox.NamedNode):
            if len(term.value) > max_iri:
                raise InputError(Problem(src, f"an IRI of {len(term.value):,} characters (<{term.value[:80]}...>) "
                                              f"is longer than the {max_iri:,} coopsec accepts; shorten it, or "
                                              "raise the cap with COOPSEC_MAX_IRI=CHARACTERS"))
        elif isinstance(term, ox.Triple):
            _check_terms(term, src, max_literal, max_iri)


def rdf_format(path: Path) -> ox.RdfFormat | None:
    return FORMATS.get(path.suffix.lower())


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
    raw = raw.removeprefix(BOM)
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
    max_literal = limit("COOPSEC_MAX_LITERAL", MAX_LITERAL)
    max_iri = limit("COOPSEC_MAX_IRI", MAX_IRI)
    batch = Batch(src, kind="rdf")
    graphs = batch.graphs
    default = graphs.setdefault(target, [])
    blank_graphs: dict[ox.BlankNode, ox.NamedNode] = {}
    try:
        # one pass, triples straight into the batch: no intermediate list of quads
        for q in ox.parse(raw, fmt, base_iri=base_iri or path.resolve().as_uri()):
            _check_terms(q, src, max_literal, max_iri)
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
        other = other_syntax(raw, path) if fmt == ox.RdfFormat.RDF_XML else None
        if other:
            raise InputError(Problem(src, other)) from exc
        raise InputError(Problem(src, f"not valid {fmt.name.replace('_', '-')}: {exc.msg}",
                                 line=getattr(exc, "lineno", None))) from exc
    except (ValueError, OSError) as exc:
        raise InputError(Problem(src, f"not valid {fmt.name.replace('_', '-')}: {exc}")) from exc
    if not default and len(graphs) > 1:
        del graphs[target]  # a dataset file with nothing in its default graph
    return batch



#: how each syntax a file read as RDF/XML may hold instead begins (after comments and blank lines)
_SYNTAXES = (
    ("Turtle", re.compile(rb"(?:@prefix|@base|PREFIX|BASE)\s|<[^>\s]*>\s+(?:a|<[^>\s]*>|\w*:\w*)\s", re.IGNORECASE)),
    ("OWL/XML", re.compile(rb"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:\w+:)?Ontology\b[^>]*"
                           rb"=\s*[\"']http://www\.w3\.org/2002/07/owl#[\"'][^>]*\bontologyIRI\b", re.DOTALL)),
    ("OWL functional syntax", re.compile(rb"(?:Prefix|Ontology|Import)\(")),
    ("OWL Manchester syntax", re.compile(rb"(?:Prefix|Ontology|Class|ObjectProperty):\s")),
)


def other_syntax(raw: bytes, path: Path) -> str | None:
    """Why a file read as RDF/XML (by its suffix, ``.owl``, ``.rdf``, ``.xml``) that is not RDF/XML did not
    read, when it holds another syntax that editors such as Protégé save: which it is, and how to save it."""
    text = re.sub(rb"\A(?:\s*#[^\n]*\n)*\s*", b"", raw[:65536])  # (Turtle and Manchester comments)
    found = next((name for name, start in _SYNTAXES if start.match(text)), None)
    if found is None:
        return None
    suffix = path.suffix.lower() or "(none)"
    if found == "Turtle":
        said = (f"this file holds Turtle (or N-Triples), but a {suffix} file is read as RDF/XML: rename it to .ttl, or "
                "save it as RDF/XML")
    else:
        said = (f"this file holds {found}, which coopsec does not read (a {suffix} file is read as RDF/XML): save it "
                "as RDF/XML (in Protégé: File > Save as... > RDF/XML Syntax), or as Turtle with the suffix .ttl")
    return (f"{said}; coopsec reads RDF/XML (.rdf .owl .xml), Turtle (.ttl), N-Triples (.nt), N-Quads (.nq), TriG "
            "(.trig) and JSON-LD (.jsonld)")
