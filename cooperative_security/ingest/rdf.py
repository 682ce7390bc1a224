"""Any RDF file (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) into a named graph.

Hostile XML (DOCTYPE or ENTITY declarations: "billion laughs", external entities) is refused before
any parser sees it.
"""

from __future__ import annotations

import hashlib
import re
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


def rdf_format(path: Path) -> ox.RdfFormat | None:
    return FORMATS.get(path.suffix.lower())


def file_graph(path: Path) -> ox.NamedNode:
    return graph(f"file/{slugify(path.stem) or 'unnamed'}")


def skolem(path_bytes: bytes, fmt: ox.RdfFormat) -> str:
    """A base for blank-node IRIs stable across re-ingests of the same content."""
    return hashlib.sha256(path_bytes + fmt.name.encode()).hexdigest()[:16]


def parse_rdf(path: Path, target: ox.NamedNode | None = None) -> Batch:
    fmt = rdf_format(path)
    src = str(path)
    if fmt is None:
        raise InputError(Problem(src, f"unknown RDF file extension {path.suffix!r}; use one of {sorted(FORMATS)}"))
    raw = path.read_bytes()
    if fmt == ox.RdfFormat.RDF_XML and _DOCTYPE.search(raw[:65536] if len(raw) > 65536 else raw):
        line = raw[: _DOCTYPE.search(raw).start()].count(b"\n") + 1  # type: ignore[union-attr]
        raise InputError(Problem(src, "RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity "
                                      "expansion and external entities are unsafe); remove the declaration",
                                 line=line))
    target = target or file_graph(path)
    batch = Batch(src, kind="rdf")
    try:
        quads = list(ox.parse(raw, fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        raise InputError(Problem(src, f"not valid {fmt.name.replace('_', '-')}: {exc.msg}",
                                 line=getattr(exc, "lineno", None))) from exc
    except ValueError as exc:
        raise InputError(Problem(src, f"not valid {fmt.name}: {exc}")) from exc
    for q in quads:
        g = target if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name
        if isinstance(g, ox.BlankNode):
            g = target
        batch.add(g, [q.triple])  # type: ignore[arg-type]
    if not quads:
        batch.graphs.setdefault(target, [])
    return batch
