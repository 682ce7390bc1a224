"""A store's quads in a form two snapshots compare by (for the tests that check a refused input wrote nothing)."""

from __future__ import annotations

import pyoxigraph as ox

from cooperative_security.store import Store

BLANK = ox.NamedNode("urn:bnode")


def snapshot(store: Store) -> set[ox.Quad]:
    """Every quad, blank nodes replaced by one placeholder (their labels differ from one load to the next)."""
    return {ox.Quad(BLANK if isinstance(q.subject, ox.BlankNode) else q.subject, q.predicate,
                    BLANK if isinstance(q.object, ox.BlankNode) else q.object, q.graph_name) for q in store.quads()}
