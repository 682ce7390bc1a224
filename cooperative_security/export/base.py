"""What every writer shares: the format table, choosing graphs, the version stamp."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, BinaryIO

import pyoxigraph as ox

from ..errors import UnknownTerm
from ..namespaces import GRAPH, PREFIXES, graph
from ..resources import ontology_dir
from ..store import Store

#: graphs that only carry a run's input, never exported
TRANSIENT_GRAPHS = frozenset({graph("request").value})
VOID_GRAPH = graph("void")
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"


@cache
def jsonld_context() -> dict[str, Any]:
    """``ontology/context.jsonld``: the prefixes of :data:`PREFIXES` and readable terms."""
    data = json.loads((ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))
    return dict(data["@context"])


def prefixes() -> dict[str, str]:
    """The prefixes writers declare: the project's, VoID and DCAT."""
    return {**PREFIXES, "void": VOID, "dcat": DCAT}


@dataclass(frozen=True)
class Stamp:
    """What a release file says about itself: the version IRI and the version."""

    version_iri: str
    version: str

    def comment(self) -> str:
        return f"coopsec {self.version} ({self.version_iri})"


class Writer:
    """One RDF format. Triple formats merge the graphs; dataset formats keep them."""

    name: str = ""
    suffix: str = ""
    also: tuple[str, ...] = ()  # other file name endings of the format (.owl for RDF/XML)
    media_type: str = ""
    datasets: bool = False

    def write(self, quads: Sequence[ox.Quad], out: BinaryIO, stamp: Stamp | None = None) -> int:
        """Write the quads; returns how many statements the file holds (triples or quads)."""
        raise NotImplementedError

    @staticmethod
    def merged(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
        """The distinct triples of all graphs, in a stable order (readable diffs), blank nodes canonical."""
        return sorted({q.triple for q in canonical(quads)}, key=str)

    @staticmethod
    def ordered(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        return sorted(set(canonical(quads)), key=lambda q: (str(q.graph_name), str(q.triple)))


def canonical(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with their blank nodes relabelled by W3C RDF Dataset Canonicalization (RDFC-1.0), so that the
    same data gives byte-identical files on every run, whatever labels a parse or a store gave the blank nodes.

    Blank nodes stay blank (an OWL restriction must stay anonymous for Protégé and HermiT); only their labels
    become ``c14n0``, ``c14n1``... About 0.25 s for the bundled 11,000 quads; data without blank nodes is
    returned as it is."""
    listed = list(quads)
    if not any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in listed):
        return listed
    dataset = ox.Dataset(listed)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return list(dataset)


def graph_iri(name: str) -> ox.NamedNode:
    """``ontology``, ``case/asean``, ``inferred`` or a full graph IRI."""
    if "://" in name:
        return ox.NamedNode(name.strip("<>"))
    return graph(name.strip("/"))


def short_name(iri: str) -> str:
    return iri[len(GRAPH):] if iri.startswith(GRAPH) else iri


def exported_graphs(store: Store, name: str | None = None) -> list[ox.NamedNode]:
    """The named graphs an export holds: all but the transient ones, or the one named."""
    names = [g for g in store.graph_names() if g not in TRANSIENT_GRAPHS]
    if name is None:
        return [ox.NamedNode(g) for g in names]
    wanted = graph_iri(name)
    if wanted.value not in names:  # names nothing the store holds: exit 1, as an unknown case or concept
        import difflib

        short = [short_name(g) for g in names]
        close = difflib.get_close_matches(short_name(wanted.value), short, n=3, cutoff=0.6)
        mean = f" (did you mean {' or '.join(close)}?)" if close else ""
        raise UnknownTerm(f"no graph named {name!r} in the store{mean}; graphs: {', '.join(short)}")
    return [wanted]


def collect_quads(store: Store, graphs: Sequence[ox.NamedNode]) -> list[ox.Quad]:
    """The quads of the given graphs (one pass over the store when all are wanted)."""
    if len(graphs) == 1:
        return list(store.quads(graphs[0]))
    wanted = set(graphs)
    return [q for q in store.quads() if q.graph_name in wanted]
