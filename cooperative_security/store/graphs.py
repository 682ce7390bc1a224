"""Small helpers over a pyoxigraph store's graphs: count one, write some as N-Triples, and a view of
the store that leaves some graphs out."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from ..queries import load_query
from .sparql_text import with_values


def ntriples(graphs: Mapping[ox.NamedNode, list[ox.Triple]]) -> dict[ox.NamedNode, bytes]:
    """Each graph's triples as N-Triples text, one ``S P O .`` line each (oxigraph's serialiser)."""
    return {g: (ox.serialize(ts, format=ox.RdfFormat.N_TRIPLES) or b"") if ts else b"" for g, ts in graphs.items()}


def graph_size(store: ox.Store, graph: ox.NamedNode) -> int:
    """Triples in one graph, counted inside the store (ten times faster than iterating in Python)."""
    result = store.query(with_values(load_query("ingest/graph-size").text, {"graph": graph}))
    assert isinstance(result, ox.QuerySolutions)  # a SELECT
    for solution in result:
        return int(solution["triples"].value)  # type: ignore[union-attr]
    return 0


class VisibleStore:
    """A pyoxigraph store whose queries leave some graphs out (an unpublished load, a replacement under
    way), for code that runs queries on the pyoxigraph store itself (``coopsec serve``'s query workers).

    Every query gets an explicit dataset: the named graphs are the visible ones (or those of them the
    caller names), and a union default graph is the default graph plus the visible named graphs.
    """

    def __init__(self, store: ox.Store, hidden: frozenset[ox.NamedNode]) -> None:
        self._store = store
        self._hidden = hidden

    def query(self, query: str, **options):  # type: ignore[no-untyped-def]
        hidden = self._hidden
        visible = [g for g in self._store.named_graphs() if isinstance(g, ox.NamedNode) and g not in hidden]
        union = options.pop("use_default_graph_as_union", False)
        if "default_graph" in options:
            chosen = options["default_graph"]
            chosen = chosen if isinstance(chosen, list) else [chosen]
            options["default_graph"] = [g for g in chosen if g not in hidden]
        elif union:
            options["default_graph"] = [ox.DefaultGraph(), *visible]
        named = options.get("named_graphs")
        options["named_graphs"] = visible if named is None else [g for g in named if g not in hidden]
        return self._store.query(query, **options)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._store, name)
