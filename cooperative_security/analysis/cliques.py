"""Candidate pluralistic security communities: groups of states in which every pair is a community."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

from ..classify.periods import Period


def community_pairs(periods: Iterable[Period]) -> set[frozenset[str]]:
    """The pairs of members that the periods classify as security communities (a group: all its pairs)."""
    pairs: set[frozenset[str]] = set()
    for period in periods:
        if period.position == "security-community":
            pairs.update(frozenset(pair) for pair in combinations(sorted(set(period.members)), 2))
    return pairs


def community_cliques(periods: Sequence[Period], min_size: int = 3) -> list[list[str]]:
    """Maximal cliques of at least ``min_size`` states in the graph of security-community pairs.

    Pass the periods in effect at one date (``classify(store, at=DATE)``); each returned group is a
    candidate pluralistic security community, members sorted, largest groups first.
    """
    import networkx as nx  # here, not at the top: most commands never need it

    graph = nx.Graph()
    graph.add_edges_from(tuple(pair) for pair in community_pairs(periods))
    cliques = [sorted(c) for c in nx.find_cliques(graph) if len(c) >= min_size]
    return sorted(cliques, key=lambda c: (-len(c), c))
