"""``coopsec site``: a static HTML site of the knowledge graph (ontology, concepts, cases, works, pictures).

    from cooperative_security.kb import open_knowledge_graph
    from cooperative_security.site import build_site
    report = build_site(open_knowledge_graph("memory:"), Path("build/site"))
"""

from __future__ import annotations

from .build import SiteReport, build_site
from .figures import draw_citation_network, draw_concept_map
from .graphs import citation_network

__all__ = ["SiteReport", "build_site", "citation_network", "draw_concept_map", "draw_citation_network"]
