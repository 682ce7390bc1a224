"""The ontology's own IRIs answer, in RDF, with the ontology's documents (W3C, Best Practice Recipes for
Publishing RDF Vocabularies: the vocabulary IRI gives the whole vocabulary to a tool, its HTML to a browser).

``/ontology`` and its version IRI (``/ontology/0.1.0``, the one the header's ``owl:versionIRI`` names) answer
the whole ontology as one document: the hub and its modules merged, the modules' headers and the imports of
them dropped (:func:`..export.release.merged_ontology`, what ``coopsec release`` writes), so a tool that opens
the IRI (Protege, owlready2, rdflib) has every class and property without fetching anything else.

A module's IRI (``/ontology/modules/trust``) answers that module's own document: its header and its axioms. The
store holds the modules merged in one graph, and nothing there says which module a triple came from, so the
document is the module's bundled file (``ontology/modules/*.ttl``), given only while the store's ontology graph
is exactly the bundled ontology (compared with its blank nodes canonical): a store loaded by another version
of coopsec, or whose ontology an update changed, answers 404 and names ``/ontology`` instead. A module is looked
up among the store's ``owl:Ontology`` IRIs, and its file by the header it holds: the name from the request is
never made into a path. The files are parsed once per process, and compared once for each ontology graph the
requests find (:func:`_bundled_if_same`), not once per request.

A document is one answer, never paged (a few thousand triples, well under the server's ``--max-answer``):
``?page=2`` is past its end. Asked for as HTML, these IRIs keep their pages (:func:`.linked.describe`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import pyoxigraph as ox

from ..errors import CoopsecError
from ..export.base import canonical
from ..export.release import MODULES, merged_ontology
from ..namespaces import ONTOLOGY_IRI, OWL, RDF_TYPE
from ..ontology import ONTOLOGY_GRAPH, ontology_files, parse_rdf_file
from ..store import Store
from .httperror import shown
from .linked import FORMAT_PARAMETER, OFFERS, Representation
from .negotiate import choose
from .results import rdf_bytes

_ONTOLOGY = ox.NamedNode(OWL + "Ontology")
_VERSION_IRI = ox.NamedNode(OWL + "versionIRI")
_TEXT = "text/plain; charset=utf-8"


def ontology_document(store: Store, iri: str, accept: str | None, format_parameter: str | None = None,
                      page_number: int = 1) -> Representation | None:
    """The document ``iri`` names in the RDF format the client prefers; None when ``iri`` is not the ontology,
    its current version or a module, or when the client wants HTML (the IRI's page answers then)."""
    if iri != ONTOLOGY_IRI and not iri.startswith(ONTOLOGY_IRI + "/"):
        return None
    media = FORMAT_PARAMETER.get((format_parameter or "").lower()) or choose(accept, OFFERS)
    if media is None or media == "text/html":
        return None
    if iri.startswith(MODULES):
        found = module_document(store, iri)
        if isinstance(found, str):
            return Representation(404, _TEXT, found.encode())
        triples = found
    else:
        quads = merged_ontology(store)
        if iri != ONTOLOGY_IRI and ox.Quad(ox.NamedNode(ONTOLOGY_IRI), _VERSION_IRI, ox.NamedNode(iri),
                                           ONTOLOGY_GRAPH) not in quads:
            return None  # another version: the graph knows nothing about it, as the page says
        if not quads:
            return None
        triples = [q.triple for q in quads]
    if page_number > 1:
        return Representation(404, _TEXT, (f"{iri} is one document, answered whole: page {page_number} is past "
                                           "its end; leave out ?page\n").encode())
    return Representation(200, media + "; charset=utf-8", rdf_bytes(triples, media))


def module_document(store: Store, iri: str) -> list[ox.Triple] | str:
    """The triples of the module ``iri`` (its bundled file), or why there are none to give."""
    ontology = list(store.quads(ONTOLOGY_GRAPH))
    modules = sorted(q.subject.value for q in ontology if q.predicate == RDF_TYPE and q.object == _ONTOLOGY
                     and isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(MODULES))
    if iri not in modules:
        names = ", ".join(m[len(MODULES):] for m in modules) or "none"
        return (f"the ontology has no module {shown(iri[len(MODULES):])!r}: its modules are {names} "
                "(/ontology/modules/NAME); /ontology answers the whole ontology\n")
    differs = (f"this server's ontology is not the one bundled with its coopsec (loaded by another version, or "
               f"changed since), so which of its triples are module {iri[len(MODULES):]}'s cannot be told: "
               "/ontology answers the whole ontology\n")
    files = _bundled_if_same(ontology)
    if files is None:
        return differs
    header = ox.Triple(ox.NamedNode(iri), RDF_TYPE, _ONTOLOGY)
    return next((list(triples) for triples in files if header in triples), differs)  # a copy: the cache stays


_LOCK = threading.Lock()
#: the bundled ontology files last read (by their paths, sizes and times), parsed
_bundled: tuple[tuple[tuple[str, int, int], ...], list[list[ox.Triple]] | None] | None = None
#: the last ontology graph compared with them, as read (its own blank-node labels), and whether it was the same
_compared: tuple[frozenset[str], tuple[tuple[str, int, int], ...], bool] | None = None


def _bundled_if_same(ontology: list[ox.Quad]) -> list[list[ox.Triple]] | None:
    """The bundled ontology files' triples, file by file, if the store's ontology graph (``ontology``) is the
    bundled ontology, else None. The files are parsed once, and the comparison (with canonical blank nodes, about
    0.1 s) is made once for each ontology graph a request finds: a request over the same graph as the last one
    (the same triples with the same blank-node labels, as a store reads them back until its graph is replaced)
    reuses the answer, and a graph an update changed is compared anew."""
    global _bundled, _compared
    try:
        key = tuple((str(p), (st := p.stat()).st_size, st.st_mtime_ns) for p in ontology_files())
    except (CoopsecError, OSError):  # the bundled files missing: no module to compare, none to give
        return None
    read = frozenset(str(q) for q in ontology)
    with _LOCK:
        if _bundled is None or _bundled[0] != key:
            try:
                files: list[list[ox.Triple]] | None = [parse_rdf_file(path) for path in ontology_files()]
            except CoopsecError:  # the bundled files broken: no module to compare, none to give
                files = None
            _bundled, _compared = (key, files), None
        files = _bundled[1]
        if files is None:
            return None
        if _compared is None or _compared[0] != read or _compared[1] != key:
            _compared = (read, key, same_graph(ontology, (t for triples in files for t in triples)))
        return files if _compared[2] else None


def same_graph(quads: Iterable[ox.Quad], triples: Iterable[ox.Triple]) -> bool:
    """Whether the quads (of one graph) and the triples are the same graph, whatever their blank nodes' labels."""
    ours = {str(q.triple) for q in canonical(ox.Quad(q.subject, q.predicate, q.object) for q in quads)}
    theirs = {str(q.triple) for q in canonical(ox.Quad(t.subject, t.predicate, t.object) for t in set(triples))}
    return ours == theirs


__all__ = ["module_document", "ontology_document", "same_graph"]
