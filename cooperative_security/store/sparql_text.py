"""The one place where update text is written, and only from RDF terms.

pyoxigraph serialises every term in N-Triples syntax (IRIs checked, literals escaped), so a value
from a user can never change the structure of the update.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pyoxigraph as ox


def with_values(query: str, bindings: Mapping[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> str:
    """Bind parameters with a trailing ``VALUES`` block written from RDF terms.

    A trailing VALUES clause is joined with the query's pattern before projection (SPARQL 1.1,
    section 18.2.4.3), so it restricts parameters whether or not they are selected, on every
    SPARQL 1.1 store; but after grouping, so in an aggregate query only a GROUP BY key is restricted
    (queries/README.md; tests/test_query_parameter_scope.py checks every bundled query).
    """
    if not bindings:
        return query
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"{name!r} is not a SPARQL variable name")
    names = " ".join("?" + name for name in bindings)
    values = " ".join(str(term) for term in bindings.values())
    return "\n".join((query.rstrip(), "VALUES (" + names + ") { (" + values + ") }"))


def _triple_line(t: ox.Triple) -> str:
    return " ".join((str(t.subject), str(t.predicate), str(t.object))) + " ."


def replace_graphs_update(graphs: Mapping[ox.NamedNode, Iterable[ox.Triple]]) -> str:
    """``DROP SILENT GRAPH`` then ``INSERT DATA`` for each graph, as one atomic request."""
    parts: list[str] = []
    for g in graphs:
        parts.extend(("DROP SILENT GRAPH", str(g), ";"))
    body: list[str] = []
    for g, triples in graphs.items():
        body.extend(("GRAPH", str(g), "{"))
        body.extend(_triple_line(t) for t in triples)
        body.append("}")
    parts.extend(("INSERT DATA {", *body, "}"))
    return "\n".join(parts)


def difference_update(deletions: Mapping[ox.NamedNode, Iterable[ox.Triple]],
                      insertions: Mapping[ox.NamedNode, Iterable[ox.Triple]],
                      whole: Iterable[ox.NamedNode] = ()) -> str:
    """Change graphs by their difference, as one atomic request: ``DROP SILENT GRAPH`` for each of
    ``whole``, then ``DELETE DATA`` and ``INSERT DATA`` (the deletions hold no blank node)."""
    parts: list[str] = []
    for g in whole:
        parts.extend(("DROP SILENT GRAPH", str(g), ";"))
    for keyword, graphs in (("DELETE DATA {", deletions), ("INSERT DATA {", insertions)):
        parts.append(keyword)
        for g, triples in graphs.items():
            parts.extend(("GRAPH", str(g), "{"))
            parts.extend(_triple_line(t) for t in triples)
            parts.append("}")
        parts.append("} ;")
    parts[-1] = "}"
    return "\n".join(parts)


def delete_lines_update(graph: ox.NamedNode, lines: Iterable[bytes]) -> str:
    """``DELETE DATA`` of N-Triples lines (oxigraph's serialiser, no blank node) from one graph: an
    N-Triples line is a triple in SPARQL's syntax too."""
    return "\n".join(("DELETE DATA { GRAPH " + str(graph) + " {", b"\n".join(lines).decode(), "} }"))


def drop_some_update(graph: ox.NamedNode, limit: int) -> str:
    """Delete at most ``limit`` triples of a graph: big deletions in bounded transactions."""
    pattern = " ".join(("GRAPH", str(graph), "{ ?s ?p ?o }"))
    return " ".join(("DELETE {", pattern, "} WHERE { { SELECT ?s ?p ?o WHERE {", pattern, "} LIMIT",
                     str(int(limit)), "} }"))


def drop_graphs_update(graphs: Iterable[ox.NamedNode]) -> str:
    """``DROP SILENT GRAPH`` for each graph, as one atomic request (``coopsec remove``)."""
    return " ;\n".join("DROP SILENT GRAPH " + str(g) for g in graphs)


def move_graph_update(source: ox.NamedNode, target: ox.NamedNode) -> str:
    """``MOVE`` one graph over another, in one transaction (the target's old content goes)."""
    return f"MOVE GRAPH {source} TO GRAPH {target}"
