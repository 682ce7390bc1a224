"""Release artefacts: the merged ontology in three formats, the full dataset, the inferred graph, VoID.

Every file carries the version in its name and the version IRI inside (a comment where the format has
comments; the ontology and dataset files also hold the ``owl:versionIRI`` triple).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import ONTOLOGY_IRI, OWL
from ..ontology import ONTOLOGY_GRAPH
from ..store import Store
from .base import VOID_GRAPH, Stamp, collect_quads, exported_graphs, graph_iri
from .formats import WRITERS
from .void import ontology_header, void_quads

MODULES = ONTOLOGY_IRI + "/modules/"
INFERRED = graph_iri("inferred")


def merged_ontology(store: Store) -> list[ox.Quad]:
    """The ontology graph as one ontology: the modules' own headers and the imports of them dropped
    (their axioms are all in the graph already), so a tool never fetches them from the web."""
    imports = ox.NamedNode(OWL + "imports")
    keep = []
    for q in store.quads(ONTOLOGY_GRAPH):
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(MODULES):
            continue
        if q.predicate == imports and isinstance(q.object, ox.NamedNode) and q.object.value.startswith(MODULES):
            continue
        keep.append(q)
    return keep


@dataclass
class Artefact:
    path: Path
    what: str
    statements: int
    #: True when a file of the same name (the same version's earlier release) was replaced
    replaced: bool = False


def write_release(store: Store, out_dir: Path, endpoint: str | None = None) -> list[Artefact]:
    """Write every release file into ``out_dir``; the inferred graph must already be in the store.

    The files are written into a hidden folder inside ``out_dir`` and moved into place together once all are
    complete, so that a crash leaves no half-written release file. Other files in ``out_dir`` (other
    versions' releases) are left alone; a file of the same name is replaced, and :attr:`Artefact.replaced`
    says so."""
    from ..errors import UsageError
    from ..outputs import file_mode

    header = ontology_header(store)
    stamp, version = header.stamp, header.version
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"-o {out_dir}: a file of that name exists; the release is a folder: give another name")
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".release.", suffix=".partial", dir=out_dir))
    try:
        written = _write_files(store, work, endpoint, stamp, version)
        artefacts = []
        for a in written:
            final = out_dir / a.path.name
            replaced = final.exists()
            os.chmod(a.path, file_mode())
            os.replace(a.path, final)
            artefacts.append(Artefact(final, a.what, a.statements, replaced))
        return artefacts
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _write_files(store: Store, out_dir: Path, endpoint: str | None, stamp: Stamp, version: str) -> list[Artefact]:
    graphs = exported_graphs(store)
    plan: list[tuple[str, str, str, list[ox.Quad] | None]] = [
        (f"coopsec-ontology-{version}.ttl", "turtle", "merged ontology", None),
        (f"coopsec-ontology-{version}.rdf", "rdfxml", "merged ontology", None),
        (f"coopsec-ontology-{version}.jsonld", "jsonld", "merged ontology", None),
        (f"coopsec-dataset-{version}.trig", "trig", "full dataset", None),
        (f"coopsec-dataset-{version}.nq", "nquads", "full dataset", None),
        (f"coopsec-inferred-{version}.ttl", "turtle", "inferred graph", None),
    ]
    files = [(name, WRITERS[fmt].media_type) for name, fmt, _, _ in plan]
    description = void_quads(store, graphs, endpoint, files)
    ontology = merged_ontology(store)
    dataset = collect_quads(store, graphs) + description
    inferred = list(store.quads(INFERRED)) if INFERRED in graphs else []
    artefacts: list[Artefact] = []
    for name, fmt, what, _ in plan:
        quads = ontology if what == "merged ontology" else dataset if what == "full dataset" else inferred
        path = out_dir / name
        with path.open("wb") as fh:
            n = WRITERS[fmt].write(quads, fh, stamp)
            os.fsync(fh.fileno())
        artefacts.append(Artefact(path, what, n))
    path = out_dir / f"coopsec-void-{version}.ttl"
    with path.open("wb") as fh:
        n = WRITERS["turtle"].write([q for q in description if q.graph_name == VOID_GRAPH], fh, stamp)
        os.fsync(fh.fileno())
    artefacts.append(Artefact(path, "VoID and DCAT description", n))
    return artefacts
