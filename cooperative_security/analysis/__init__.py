"""networkx projections of the knowledge graph: questions SPARQL answers badly."""

from .cliques import community_cliques, community_pairs

__all__ = ["community_cliques", "community_pairs"]
