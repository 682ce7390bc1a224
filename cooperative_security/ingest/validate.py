"""SHACL validation of curated data (cases, actors, citations) with pyshacl."""

from __future__ import annotations

import gc
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import Problem
from ..namespaces import SH, compact
from ..resources import ontology_dir
from ..store import Store
from .base import Batch

if TYPE_CHECKING:
    import rdflib


@cache
def _shapes_nt(root: Path) -> bytes:
    files = sorted((root / "shapes").glob("*.ttl"))
    triples: list[ox.Triple] = []
    for path in files:
        triples += [q.triple for q in ox.parse(path.read_bytes(), ox.RdfFormat.TURTLE)]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def shapes_graph(root: Path | None = None) -> rdflib.Graph:
    import rdflib  # here, not at the top: commands that read the bundled cache never need it
    g = rdflib.Graph()
    g.parse(data=_shapes_nt(root or ontology_dir()), format="nt")
    return g


def validate_triples(triples: list[ox.Triple], source: str, root: Path | None = None) -> list[Problem]:
    """Run the shapes over the triples; each violation becomes a Problem naming the node."""
    import pyshacl
    import rdflib  # here, not at the top: commands that read the bundled cache never need it

    data = rdflib.Graph()
    data.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(root), inference="none", allow_warnings=True
    )
    if conforms:
        return []
    sh = rdflib.Namespace(SH)
    problems = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = report.value(result, sh.resultSeverity)
        if severity is not None and severity != sh.Violation:
            continue
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage)
        problems.append(Problem(
            source,
            str(message or "does not conform to the shapes"),
            field=compact(str(path)) if path is not None else None,
            record=compact(str(focus)) if isinstance(focus, rdflib.URIRef) else None,
        ))
    return sorted(problems, key=str)


#: named resources validated together: pyshacl's memory grows with the graph it is given, so a case
#: of 100,000 events is validated a slice at a time (the shapes look at one resource and its blank nodes)
CHUNK = 2_000


def chunks(triples: list[ox.Triple], size: int = CHUNK) -> list[list[ox.Triple]]:
    """The triples in slices of ``size`` named subjects, each with the blank nodes it reaches."""
    by_subject: dict[object, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    named = [s for s in by_subject if not isinstance(s, ox.BlankNode)]
    if len(named) <= size:
        return [triples]
    slices: list[list[ox.Triple]] = []
    for start in range(0, len(named), size):
        part: list[ox.Triple] = []
        todo = list(named[start:start + size])
        seen: set[object] = set(todo)
        while todo:
            for t in by_subject.get(todo.pop(), []):
                part.append(t)
                if isinstance(t.object, ox.BlankNode) and t.object not in seen:
                    seen.add(t.object)
                    todo.append(t.object)
        slices.append(part)
    return slices


def shacl_problems(store: Store, batches: list[Batch]) -> list[Problem]:
    del store  # the shapes look at the batch alone: references were checked against the store before
    problems: list[Problem] = []
    for batch in batches:
        triples = [t for ts in batch.graphs.values() for t in ts]
        for part in chunks(triples):
            # pyshacl and rdflib make millions of small objects, and each full pass of Python's cycle
            # collector walks every live one (the case's triples included): a 3,000-event case spent a
            # quarter of its time there, more the bigger the case. The collector waits while a slice is
            # validated (reference counting frees most of its garbage; the next pass, the rest).
            enabled = gc.isenabled()
            gc.disable()
            try:
                problems += validate_triples(part, batch.source)
            finally:
                if enabled:
                    gc.enable()
    return problems
