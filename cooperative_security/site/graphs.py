"""The graph data of the site's two pictures, computed once for both: the concept map (the typology's
classes, their relations and modules) and the citation network (works, the chapter's citations, scholarly
positions), with their layouts (networkx). ``figures.py`` draws them for papers (matplotlib) and
``interactive.py`` writes them into the interactive pages (Cytoscape.js)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import networkx as nx
import pyoxigraph as ox

from ..concepts import concept_graph, list_concepts
from ..namespaces import CITO, CS, RDF, compact
from ..ontology import ontology_files, parse_rdf_file
from ..queries import load_query
from ..store import Store

#: modules of the typology (the theory); the others hold the schema classes case data and records use
TYPOLOGY_MODULES = ("condition", "perspectives", "games", "regimes", "communities", "trust", "strategies")

#: one colour per relation kind, all distinct (Kelly's colours of maximum contrast); subclass is grey
RELATION_COLOURS = {
    "rdfs:subClassOf": "#a9a9a9", "cs:opposedTo": "#be0032", "owl:disjointWith": "#2b3d26",
    "cs:partOf": "#0067a5", "cs:mechanismFor": "#008856", "cs:conditionFor": "#f38400",
    "cs:formulationOf": "#875692", "cs:alternativeTo": "#e68fac", "cs:limitationOf": "#654522",
    "cs:costOf": "#f3c300", "cs:nextStage": "#5fa8e8", "cs:previousStage": "#604e97", "cs:stageOf": "#8db600",
    "cs:nextPosition": "#e25822", "cs:previousPosition": "#c2b280", "cs:motorOf": "#b3446c",
    "cs:preconditionOf": "#a8a000",
}

_SPARE = ["#f99379", "#f6a600", "#882d17", "#00a3a3", "#222222", "#7f7fff"]

#: the citation functions (CiTO) and scholarly positions of the citation network
CITATION_COLOURS = {
    "includesQuotationFrom": "#0067a5", "citesAsEvidence": "#008856", "citesForInformation": "#a1caf1",
    "citesAsAuthority": "#875692", "discusses": "#c2b280", "obtainsSupportFrom": "#f3c300", "cites": "#a9a9a9",
    "agreesWith": "#2a9d2a", "extends": "#1f5fbf", "qualifies": "#e08a00", "critiques": "#e25822",
    "disputes": "#be0032",
}

#: node fills by module, told apart at a glance (ColorBrewer Set3, dark text stays readable on each): the
#: typology's modules take the strongest, the schema's (drawn in their own box) the quieter ones
MODULE_FILLS = {
    "condition": "#fb8072", "perspectives": "#6fa8dc", "games": "#ffed6f", "regimes": "#bebada",
    "communities": "#fdb462", "trust": "#b3de69", "strategies": "#8dd3c7",
    "classification": "#f7f7f7", "datasets": "#fccde5", "events": "#e5d8bd", "records": "#bc80bd",
}

MODULE_COLOURS = ["#ccebc5", "#ffffb3", "#decbe4", "#fed9a6", "#b3cde3", "#f2f2f2"]  # modules added later


_OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"


def concept_modules() -> dict[str, str]:
    """Each class of the typology -> the module file that declares it (its colour in the concept map)."""
    modules: dict[str, str] = {}
    for path in ontology_files():
        for t in parse_rdf_file(path):
            if t.predicate.value == RDF + "type" and t.object == ox.NamedNode(_OWL_CLASS) \
                    and isinstance(t.subject, ox.NamedNode):
                modules.setdefault(t.subject.value, path.stem if path.parent.name == "modules" else "hub")
    return modules


def packed_layout(graph: nx.Graph, spring: bool = False) -> dict[str, tuple[float, float]]:
    """Lay out each connected component on its own (Kamada-Kawai, or a seeded spring layout, faster and
    more even), and shelve the boxes in rows, biggest first, so that small components do not push the
    big one into a corner."""
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), sorted(c)))
    row_width = 1.6 * max(1.0, len(graph) ** 0.5)
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for nodes in components:
        side = max(0.6, len(nodes) ** 0.5)
        sub = graph.subgraph(nodes)
        if len(nodes) <= 2:
            local = {n: (i * 0.8, 0.0) for i, n in enumerate(sorted(nodes))}
        elif spring:
            start = nx.circular_layout(sorted(nodes))
            local = nx.spring_layout(sub, pos=start, k=1.6 / len(nodes) ** 0.5, iterations=200, seed=7)
        else:
            local = nx.kamada_kawai_layout(sub)
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
        if x + side > row_width and x > 0:
            x, y, row_height = 0.0, y - row_height - 0.5, 0.0
        for n, (px, py) in local.items():
            pos[n] = (x + (px - min(xs)) / span * side, y - (max(ys) - py) / span * side)
        x += side + 0.6
        row_height = max(row_height, side)
    return pos


def citation_network(store: Store) -> nx.MultiDiGraph:
    """Works linked by citations (the chapter's footnotes) and by scholarly positions (CiTO)."""
    graph = nx.MultiDiGraph()
    labels = {r["work"].value: (r["citation"].value if r["citation"] else r["key"].value)  # type: ignore[union-attr]
              for r in store.select(load_query("works/list"))}
    for work, label in labels.items():
        graph.add_node(work, label=label)
    for r in store.select(load_query("site/citation-network")):
        citing, cited = r["citing"].value, r["cited"].value  # type: ignore[union-attr]
        relation = r["relation"].value.removeprefix(CITO) if r["relation"] else "cites"  # type: ignore[union-attr]
        for w in (citing, cited):
            if w not in graph:
                graph.add_node(w, label=labels.get(w, compact(w)))
        graph.add_edge(citing, cited, kind=r["kind"].value, relation=relation,  # type: ignore[union-attr]
                       about=r["about"].value.removeprefix(CS) if r["about"] else None)  # type: ignore[union-attr]
    return graph


def box(label: str) -> tuple[float, float]:
    """The size in pixels (at zoom 1) of a node showing ``label``, wrapped at 150 px as the page draws it."""
    width = min(150.0, 7.2 * len(label)) + 14
    lines = max(1, -(-int(7.2 * len(label)) // 150))
    return width, lines * 17.0 + 12


def _positions(graph: nx.Graph, sizes: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Each connected component laid out on its own (Kamada-Kawai), biggest first, shelved in rows; scaled to
    the area the boxes need, then pushed apart until no two boxes (labels) overlap."""
    import numpy as np

    if not len(graph):
        return {}
    raw = packed_layout(graph, spring=True)
    names = list(raw)
    xy = np.array([raw[n] for n in names], dtype=float)
    xy[:, 1] *= -1
    wh = np.array([sizes[n] for n in names], dtype=float)
    cell = (wh + np.array([40.0, 36.0])).mean(axis=0)  # the room one box needs, wider than tall
    side = (len(names) ** 0.5) * cell * 1.5
    span = np.maximum(np.ptp(xy, axis=0), 1e-9)
    xy = (xy - xy.min(axis=0)) / span * side
    gap = np.array([14.0, 10.0])
    order = np.arange(len(names))
    for _ in range(400):
        d = xy[:, None, :] - xy[None, :, :]
        need = (wh[:, None, :] + wh[None, :, :]) / 2 + gap
        over = need - np.abs(d)
        hit = (over[:, :, 0] > 0) & (over[:, :, 1] > 0)
        np.fill_diagonal(hit, False)
        if not hit.any():
            break
        # push each overlapping pair apart along the line between their centres, scaled to the boxes, so
        # that a crowd spreads in every direction instead of stacking into a column
        unit = d / need
        norm = np.sqrt((unit ** 2).sum(axis=2))
        tie = norm == 0
        unit[tie] = np.stack([np.sign(order[:, None] - order[None, :]), np.zeros_like(norm)], axis=2)[tie]
        norm = np.where(tie, 1.0, norm)
        depth = np.minimum(over[:, :, 0] / need[:, :, 0], over[:, :, 1] / need[:, :, 1])
        step = np.where(hit, depth / norm, 0.0)[:, :, None] * unit * need * 0.5
        xy += step.sum(axis=1)
    return {n: (float(x), float(y)) for n, (x, y) in zip(names, xy, strict=True)}


def concept_map_data(store: Store, href: Callable[[str], str | None]) -> dict[str, Any]:
    """Nodes (with module, group, definition, position, link) and edges (with relation kind) of the typology."""
    graph = concept_graph(store)
    modules = concept_modules()
    concepts = {c.iri: c for c in list_concepts(store)}
    names = sorted({modules.get(n, "hub") for n in graph.nodes})
    groups = {"typology": [n for n in graph.nodes if modules.get(n, "hub") in TYPOLOGY_MODULES]}
    groups["schema"] = [n for n in graph.nodes if n not in set(groups["typology"])]
    nodes: list[dict[str, Any]] = []
    offset = 0.0
    for group, members in groups.items():
        simple = nx.Graph()
        simple.add_nodes_from(members)
        simple.add_edges_from((u, v) for u, v in graph.subgraph(members).edges())
        pos = _positions(simple, {n: box(graph.nodes[n].get("label") or compact(n)) for n in members})
        if not pos:
            continue
        ys = [p[1] for p in pos.values()]
        xs = [p[0] for p in pos.values()]
        shift = offset - min(ys)
        for n in members:
            c = concepts.get(n)
            label = graph.nodes[n].get("label") or compact(n)
            w, h = box(label)
            nodes.append({"data": {"id": n, "label": label, "parent": group, "w": w, "h": h,
                                   "module": modules.get(n, "hub"), "group": group, "href": href(n),
                                   "curie": compact(n), "definition": c.definition if c else "",
                                   "alt": ", ".join(c.alt_labels) if c else ""},
                          "position": {"x": pos[n][0] - min(xs), "y": pos[n][1] + shift}})
        offset += max(ys) - min(ys) + 300.0
    parents = [{"data": {"id": "typology", "label": "Typology: the concepts of the theory", "compound": True}},
               {"data": {"id": "schema", "label": "Schema classes: events, records, classification, data sets",
                         "compound": True}}]
    relations = sorted({d["relation"] for _, _, d in graph.edges(data=True)},
                       key=lambda r: (r != "rdfs:subClassOf", r))
    colours = dict(RELATION_COLOURS)
    for r in relations:
        if r not in colours:
            colours[r] = _SPARE[len([k for k in colours if k not in RELATION_COLOURS]) % len(_SPARE)]
    counts = Counter(d["relation"] for _, _, d in graph.edges(data=True))
    edges = [{"data": {"id": f"e{i}", "source": u, "target": v, "relation": d["relation"]}}
             for i, (u, v, d) in enumerate(graph.edges(data=True))]
    return {"elements": parents + nodes + edges,
            "modules": [{"name": m, "colour": MODULE_FILLS.get(m) or MODULE_COLOURS[i % len(MODULE_COLOURS)],
                         "group": "typology" if m in TYPOLOGY_MODULES else "schema",
                         "count": sum(1 for n in nodes if n["data"]["module"] == m)} for i, m in enumerate(names)],
            "relations": [{"name": r, "label": r.split(":")[1], "colour": colours[r], "count": counts[r]}
                          for r in relations]}


def citation_data(store: Store, href: Callable[[str], str | None]) -> dict[str, Any]:
    """Works, the chapter's citations of them (by CiTO function) and scholarly positions; for each work,
    where the chapter cites it (footnote, claim, pages)."""
    graph = citation_network(store)
    cited = Counter(v for _, v, d in graph.edges(data=True) if d["kind"] == "citation")
    citing = Counter(u for u, _, d in graph.edges(data=True) if d["kind"] == "citation")
    chapter = citing.most_common(1)[0][0] if citing else None
    layout = nx.Graph()
    layout.add_nodes_from(n for n in graph.nodes if n != chapter)
    layout.add_edges_from((u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "position"
                          and chapter not in (u, v))
    # Works linked by positions are placed by those links; the chapter, which cites every work, stands
    # apart on the left, so its citations fan out instead of knotting the picture.
    pos = _positions(layout, {n: box(graph.nodes[n]["label"]) for n in layout.nodes})
    ys = [p[1] for p in pos.values()] or [0.0]
    xs = [p[0] for p in pos.values()] or [0.0]
    elements: list[dict[str, Any]] = []
    for n in graph.nodes:
        where = []
        for r in store.select(load_query("cases/work-cited-for"), {"work": ox.NamedNode(n)}):
            if r["kind"] and r["kind"].value == "footnote claim" and r["what"] is not None:
                where.append({"footnote": r["what"].value.rstrip("/").rpartition("/")[2],
                              "claim": r["label"].value if r["label"] else "",
                              "pages": r["pages"].value if r["pages"] else ""})
        where.sort(key=lambda w: (int(w["footnote"]) if w["footnote"].isdigit() else 10**6, w["footnote"]))
        x, y = pos.get(n, (min(xs) - 500.0, (min(ys) + max(ys)) / 2))
        w, h = box(graph.nodes[n]["label"])
        elements.append({"data": {"id": n, "label": graph.nodes[n]["label"], "href": href(n), "cited": cited.get(n, 0),
                                  "w": w if n != chapter else 2 * w, "h": h if n != chapter else 2 * h,
                                  "chapter": n == chapter, "where": where}, "position": {"x": x, "y": y}})
    kinds = Counter((d["kind"], d["relation"]) for _, _, d in graph.edges(data=True))
    for i, (u, v, d) in enumerate(graph.edges(data=True)):
        elements.append({"data": {"id": f"e{i}", "source": u, "target": v, "relation": d["relation"],
                                  "kind": d["kind"], "about": d.get("about") or ""}})
    relations = [{"name": r, "label": r, "kind": k, "colour": CITATION_COLOURS.get(r, "#888888"), "count": c}
                 for (k, r), c in sorted(kinds.items())]
    return {"elements": elements, "relations": relations, "chapter": chapter}
