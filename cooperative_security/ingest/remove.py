"""``coopsec remove SOURCE``: take out of the store what ingesting a file put there.

The ingest records say which graphs each source file wrote (``prov:hadPrimarySource``, the resolved
path). Removing a source drops the graphs it still owns (those no later ingest of another file took
over), and the records of ingests left with no graph, in one atomic update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import UnknownTerm
from ..namespaces import graph
from ..queries import load_query
from ..store import Store
from ..store.sparql_text import drop_graphs_update
from .naming import claims


@dataclass
class Removal:
    source: str
    graphs: dict[str, int] = field(default_factory=dict)  # graph -> triples it held
    records: list[str] = field(default_factory=list)


def remove_source(store: Store, source: Path | str) -> Removal:
    """Drop the graphs ``source`` wrote (by its resolved path) and the ingest records left empty."""
    path = Path(source).resolve()
    owners = claims(store)
    mine = sorted(g for g, claim in owners.items() if claim.source == str(path))
    if not mine:
        known = sorted({c.source for c in owners.values() if c.source and Path(c.source).name == path.name})
        hint = f"; files of that name it holds: {', '.join(known)}" if known else ""
        raise UnknownTerm(f"{store.spec} holds nothing ingested from {path}{hint} (coopsec remove takes the path "
                         "of a file given to `coopsec ingest`, as it was then)")
    removal = Removal(str(path), {g: store.count(ox.NamedNode(g)) for g in mine})
    by_ingest: dict[str, set[str]] = {}
    for row in store.select(load_query("ingest/graph-claims")):
        if row["ident"] is not None and row["graph"] is not None:
            by_ingest.setdefault(row["ident"].value, set()).add(row["graph"].value)
    remaining = set(store.graph_names()) - set(mine)
    for ident, graphs in sorted(by_ingest.items()):
        if not graphs & remaining:
            removal.records.append(graph(f"ingest/{ident}").value)
    store.update(drop_graphs_update([ox.NamedNode(g) for g in [*mine, *removal.records]]))
    return removal


__all__ = ["Removal", "remove_source"]
