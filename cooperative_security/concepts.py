"""Concepts of the typology as plain records, for the command line and for notebooks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox

from .errors import UsageError
from .namespaces import CS, compact, expand
from .queries import load_query
from .store import Store


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
    """A label, alternative label, CURIE (``cs:Trust``) or IRI -> the concept's IRI."""
    rows = store.select(load_query("concepts/find"), {"text": ox.Literal(" ".join(text.lower().split()))})
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
    raise UsageError(f"no concept called {text!r}{suggest(text, concept_names(store))}; "
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


def describe(store: Store, text: str) -> Description:
    iri = resolve(store, text)
    concept = next(c for c in list_concepts(store) if c.iri == iri)
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    inc: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in store.select(load_query("concepts/relations"), {"concept": ox.NamedNode(iri)}):
        target = out if _v(r["direction"]) == "out" else inc
        target[_v(r["propertyLabel"])].append((_v(r["other"]), _v(r["otherLabel"]) or compact(_v(r["other"]))))
    return Description(concept, dict(out), dict(inc))


def concept_graph(store: Store) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for c in list_concepts(store):
        graph.add_node(c.iri, label=c.label)
    for r in store.select(load_query("concepts/concept-graph")):
        graph.add_edge(_v(r["source"]), _v(r["target"]), relation=compact(_v(r["property"])))
    return graph


def concept_path(store: Store, start: str, end: str) -> list[tuple[str, str, str]]:
    """The shortest chain of relations linking two concepts, whatever the direction of each link.

    Returns ``(from, relation, to)`` steps, written the way each relation points.
    """
    a, b = resolve(store, start), resolve(store, end)
    graph = concept_graph(store)
    undirected = nx.Graph()
    for u, v, data in graph.edges(data=True):
        undirected.add_edge(u, v, relation=data["relation"], forward=(u, v))
    try:
        nodes = nx.shortest_path(undirected, a, b)
    except nx.NetworkXNoPath:
        raise UsageError(f"no chain of relations links {compact(a)} and {compact(b)}") from None
    steps = []
    for u, v in zip(nodes, nodes[1:], strict=False):
        edge = undirected.edges[u, v]
        src, dst = edge["forward"]
        steps.append((src, edge["relation"], dst))
    return steps


from ._callable import make_callable  # noqa: E402 - `cs.concepts()` in a notebook calls api.concepts

make_callable(__name__, "concepts")
