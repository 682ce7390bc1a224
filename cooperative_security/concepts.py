"""Concepts of the typology as plain records, for the command line and for notebooks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .errors import UnknownTerm, UsageError
from .namespaces import CS, compact, expand
from .queries import load_query
from .store import Store

if TYPE_CHECKING:
    import networkx as nx


@dataclass
class Source:
    work: str
    citation: str | None
    pages: str | None
    section: str | None
    footnote: int | None = None


@dataclass
class Concept:
    iri: str
    label: str
    definition: str
    alt_labels: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _v(term: Any) -> Any:
    return None if term is None else term.value


def list_concepts(store: Store) -> list[Concept]:
    concepts = {
        r["concept"].value: Concept(r["concept"].value, _v(r["label"]) or "", _v(r["definition"]) or "")  # type: ignore[union-attr]
        for r in store.select(load_query("concepts/list"))
    }
    for r in store.select(load_query("concepts/alt-labels")):
        if (c := concepts.get(_v(r["concept"]))) is not None:
            c.alt_labels.append(_v(r["alt"]))
    for r in store.select(load_query("concepts/broader")):
        if (c := concepts.get(_v(r["concept"]))) is not None:
            c.broader.append(_v(r["broader"]))
    for r in store.select(load_query("concepts/sources")):
        if (c := concepts.get(_v(r["concept"]))) is not None:
            fn = _v(r["footnote"])
            c.sources.append(Source(_v(r["work"]), _v(r["citation"]), _v(r["pages"]), _v(r["section"]),
                                    int(fn) if fn else None))
    return list(concepts.values())


def resolve(store: Store, text: str) -> str:
    """A label, alternative label, CURIE (``cs:Trust``), IRI, or a label written as the classifier writes its
    values (``security-regime``, ``embedded-trust``) -> the concept's IRI."""
    rows = store.select(load_query("concepts/find"), {"text": ox.Literal(" ".join(text.lower().split()))})
    if not rows and ":" not in text and ("-" in text or "_" in text):
        # the id as the classifier's outputs write it (security-regime, embedded-trust): the label in kebab case
        spaced = " ".join(text.lower().replace("-", " ").replace("_", " ").split())
        rows = store.select(load_query("concepts/find"), {"text": ox.Literal(spaced)})
    if len(rows) == 1:
        return rows[0]["concept"].value  # type: ignore[union-attr]
    if len(rows) > 1:
        options = ", ".join(compact(r["concept"].value) for r in rows)  # type: ignore[union-attr]
        raise UsageError(f"{text!r} names several concepts: {options}; give the IRI")
    candidates = [text] if ("://" in text or ":" in text) else [CS + text]
    for candidate in candidates:
        try:
            iri = expand(candidate)
        except ValueError:
            continue
        if any(c.iri == iri for c in list_concepts(store)):
            return iri
    raise UnknownTerm(f"no concept called {text!r}{suggest(text, concept_names(store))}; "
                     "`coopsec concepts` lists them all")


def concept_names(store: Store) -> list[str]:
    """Every label and alternative label of the typology."""
    return [name for c in list_concepts(store) for name in (c.label, *c.alt_labels) if name]


def suggest(text: str, names: list[str]) -> str:
    """``; did you mean 'x' or 'y'?`` for a mistyped term, or nothing when nothing is close."""
    import difflib

    lowered = {n.lower(): n for n in names}
    close = difflib.get_close_matches(" ".join(text.lower().split()), list(lowered), n=3, cutoff=0.6)
    if not close:
        close = [n for n in lowered if text.lower() in n][:3]
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(lowered[c]) for c in close) + "?)"


@dataclass
class Description:
    concept: Concept
    outgoing: dict[str, list[tuple[str, str]]]
    incoming: dict[str, list[tuple[str, str]]]


#: how a relation reads backwards, from its object to its subject (symmetric relations read the same)
INVERSE = {
    "stage of": "has the stage",
    "next stage": "previous stage",
    "previous stage": "next stage",
    "next position": "previous position",
    "previous position": "next position",
    "part of": "has the part",
    "precondition of": "has the precondition",
    "condition for": "needs the condition",
    "mechanism for": "comes about through",
    "opposed to": "opposed to",
    "alternative to": "alternative to",
    "limitation of": "is limited by",
    "motor of": "is driven by",
    "cost of": "has the cost",
    "formulation of": "is formulated by",
    "proposed by": "proposed",
    "a kind of": "has the kind",
    "disjoint with": "disjoint with",
    "same as": "same as",
    "see also": "see also",
    "is about": "is the subject of",
    "model of": "is modelled by",
    "plausible alternative": "plausible alternative",
}
#: plain words for the OWL and RDFS names a relation may carry
PLAIN = {
    "subClassOf": "a kind of",
    "disjointWith": "disjoint with",
    "equivalentClass": "same as",
    "seeAlso": "see also",
    "isDefinedBy": "defined by",
    "source": "source",
}


def plain_relation(label: str, inbound: bool = False) -> str:
    """A relation's label in plain words, read from the subject (``inbound``: read back from the object)."""
    words = PLAIN.get(label, label)
    if not inbound:
        return words
    return INVERSE.get(words, f"is the object of “{words}” for")


def describe(store: Store, text: str) -> Description:
    """A concept, with its relations in plain words: ``outgoing`` read from the concept (``next stage``),
    ``incoming`` read back towards it (``previous stage``), so both say what the other concept is to it."""
    iri = resolve(store, text)
    concept = next(c for c in list_concepts(store) if c.iri == iri)
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    inc: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in store.select(load_query("concepts/relations"), {"concept": ox.NamedNode(iri)}):
        inbound = _v(r["direction"]) != "out"
        target = inc if inbound else out
        target[plain_relation(_v(r["propertyLabel"]), inbound)].append(
            (_v(r["other"]), _v(r["otherLabel"]) or compact(_v(r["other"]))))
    return Description(concept, dict(out), dict(inc))


def concept_graph(store: Store) -> nx.MultiDiGraph:
    import networkx as nx  # here, not at the top: most commands never need it
    graph = nx.MultiDiGraph()
    for c in list_concepts(store):
        graph.add_node(c.iri, label=c.label)
    for r in store.select(load_query("concepts/concept-graph")):
        graph.add_edge(_v(r["source"]), _v(r["target"]), relation=compact(_v(r["property"])))
    return graph


def typology_graph(store: Store, via_scholars: bool = False) -> nx.MultiDiGraph:
    """The typology's relations between concepts (stage of, precondition of, mechanism for, opposed to...): the
    graph `coopsec path` walks. Class axioms (subclass, disjointness) are not in it, nor links to persons or
    values; ``via_scholars`` adds each concept's "proposed by" links to the scholars it is attributed to."""
    import networkx as nx  # here, not at the top: most commands never need it
    graph = nx.MultiDiGraph()
    for c in list_concepts(store):
        graph.add_node(c.iri, label=c.label)
    # edges in a fixed order, as the store's row order is open and decides between paths of equal length
    for source, target, relation in sorted((_v(r["source"]), _v(r["target"]), _v(r["propertyLabel"]))
                                           for r in store.select(load_query("concepts/typology-graph"))):
        graph.add_edge(source, target, relation=relation)
    if via_scholars:
        for source, target, relation, name in sorted(
                (_v(r["source"]), _v(r["target"]), _v(r["propertyLabel"]), _v(r["targetName"]))
                for r in store.select(load_query("concepts/scholar-links"))):
            if target not in graph.nodes:
                graph.add_node(target, label=name)
            graph.add_edge(source, target, relation=relation)
    return graph


def concept_path(store: Store, start: str, end: str, via_scholars: bool = False) -> list[dict[str, str]]:
    """The shortest chain of typology relations linking two concepts, each hop in plain words and read in
    the direction of travel: ``{"from", "relation", "to"}`` (labels, with ``from_iri`` and ``to_iri``), e.g.
    GRIT "alternative to" leap of trust or, walked backwards, security community "has the stage" ....

    Only relations between two concepts are walked (never ``disjointWith`` or subclass edges, never a
    person or a value), so every hop links two ideas as the sources do. ``via_scholars`` also walks
    "proposed by" links, so that two concepts may be linked through a scholar who proposed both; such a
    hop is taken only when the concepts themselves are not linked in fewer than four hops. Concepts that
    are not linked give a clear error.
    """
    import networkx as nx  # here, not at the top: most commands never need it
    a, b = resolve(store, start), resolve(store, end)
    if a == b:
        raise UsageError(f"{start!r} and {end!r} are the same concept")
    graph = typology_graph(store, via_scholars)
    undirected = _undirected(graph)
    try:
        nodes = nx.shortest_path(undirected, a, b, weight="weight")
    except nx.NetworkXNoPath:
        raise UsageError(f"the typology draws no chain of relations between {_name(graph, a)} and "
                         f"{_name(graph, b)}; `coopsec describe` shows each one's relations"
                         f"{'' if via_scholars else _scholars_hint(store, a, b)}") from None
    steps = []
    for u, v in zip(nodes, nodes[1:], strict=False):
        edge = undirected.edges[u, v]
        forward = edge["forward"] == (u, v)
        steps.append({"from": _name(graph, u), "relation": plain_relation(edge["relation"], inbound=not forward),
                      "to": _name(graph, v), "from_iri": u, "to_iri": v})
    return steps


def _undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    """The typology's links without their direction, one per pair of nodes (where two are linked both ways,
    the first relation, read from u); a hop through a scholar weighs four."""
    import networkx as nx

    undirected = nx.Graph()
    undirected.add_nodes_from(graph.nodes)
    for u, v, data in graph.edges(data=True):
        if not undirected.has_edge(u, v):
            weight = 4 if data["relation"] == "proposed by" else 1
            undirected.add_edge(u, v, relation=data["relation"], forward=(u, v), weight=weight)
    return undirected


def _scholars_hint(store: Store, a: str, b: str) -> str:
    """What ``--via-scholars`` would add for two concepts the typology does not link: the scholars it would
    go through, or that even they do not link the two."""
    import networkx as nx

    graph = typology_graph(store, via_scholars=True)
    try:
        nodes = nx.shortest_path(_undirected(graph), a, b, weight="weight")
    except nx.NetworkXNoPath:
        return "; no scholar who proposed one of them proposed a concept linked to the other either"
    people = [_name(graph, n) for n in nodes if "/id/person/" in n]
    return f"; `--via-scholars` links them through the concepts {' and '.join(people)} proposed"


def _name(graph: nx.MultiDiGraph, iri: str) -> str:
    label = graph.nodes[iri].get("label") if iri in graph.nodes else None
    if label:
        return str(label)
    return iri.rpartition("/")[2].rpartition("#")[2]

from ._callable import make_callable  # noqa: E402 - `cs.concepts()` in a notebook calls api.concepts

make_callable(__name__, "concepts")
