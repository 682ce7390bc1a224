"""The one place where update text is written, and only from RDF terms.

pyoxigraph serialises every term in N-Triples syntax (IRIs checked, literals escaped), so a value
from a user can never change the structure of the update.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox


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
