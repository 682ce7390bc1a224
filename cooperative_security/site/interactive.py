"""The interactive concept map and citation network (Cytoscape.js, vendored: they work offline).

The graph data is computed here, positions included (networkx), and written into the page as JSON, so
the page needs no request to show it (it opens from ``file://`` too). The same pages are written by
``coopsec site`` (links to the static pages) and answered by ``coopsec serve`` (links to the
dereferenceable IRIs)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from importlib import resources
from typing import Any

import networkx as nx
import pyoxigraph as ox

from ..concepts import concept_graph, list_concepts
from ..namespaces import compact
from ..queries import load_query
from ..store import Store
from .html import esc, page

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
    "quotes": "#0067a5", "citesAsEvidence": "#008856", "citesForInformation": "#a1caf1",
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

_VENDOR_FILES = {
    "cytoscape.min.js": ("cytoscape/cytoscape.min.js", "text/javascript; charset=utf-8"),
    "cytoscape.LICENSE": ("cytoscape/LICENSE", "text/plain; charset=utf-8"),
    "yasgui.min.js": ("yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
    "yasgui.min.css": ("yasgui/yasgui.min.css", "text/css; charset=utf-8"),
    "yasgui.LICENSE": ("yasgui/LICENSE", "text/plain; charset=utf-8"),
    "VERSIONS": ("VERSIONS", "text/plain; charset=utf-8"),
}


def vendor_file(name: str) -> tuple[bytes, str] | None:
    """A vendored file by its public name (``cytoscape.min.js``...), with its media type; None if unknown."""
    if name not in _VENDOR_FILES:
        return None
    rel, kind = _VENDOR_FILES[name]
    return (resources.files(__package__).joinpath("vendor", *rel.split("/")).read_bytes(), kind)


def vendor_names() -> list[str]:
    return list(_VENDOR_FILES)


def box(label: str) -> tuple[float, float]:
    """The size in pixels (at zoom 1) of a node showing ``label``, wrapped at 150 px as the page draws it."""
    width = min(150.0, 7.2 * len(label)) + 14
    lines = max(1, -(-int(7.2 * len(label)) // 150))
    return width, lines * 17.0 + 12


def _positions(graph: nx.Graph, sizes: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Each connected component laid out on its own (Kamada-Kawai), biggest first, shelved in rows; scaled to
    the area the boxes need, then pushed apart until no two boxes (labels) overlap."""
    import numpy as np

    from .figures import packed_layout

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
    from .figures import concept_modules

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
    from .figures import citation_network

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



def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")




def _checkbox(attr: str, value: str, text: str, colour: str, count: int, dot: bool = False) -> str:
    mark = f'<span class="{"dot" if dot else "swatch"}" style="background:{esc(colour)}"></span>'
    return (f'<label><input type="checkbox" checked {attr}="{esc(value)}"> {mark}{esc(text)} '
            f'<span class="count">({count})</span></label>')


def interactive_page(kind: str, data: dict[str, Any], vendor: str, nav: str, css: str | None) -> str:
    """The whole page: ``kind`` is ``concepts`` or ``citations``; ``vendor`` the URL prefix of the vendored
    scripts (``vendor/`` in the site, ``/vendor/`` on the server)."""
    if kind == "concepts":
        title = "Concept map"
        intro = ("The typology (above) and the schema classes that case data and records use (below). Arrows "
                 "point from a concept to the one it is related to; hover a concept for its definition, click it "
                 "to open its page.")
        filters = ("<h2>Modules</h2>" + "".join(_checkbox("data-module", m["name"], m["name"] + (
            "" if m["group"] == "typology" else " (schema)"), m["colour"], m["count"], dot=True)
            for m in data["modules"]))
        legend = "<h2>Relations</h2>" + "".join(
            _checkbox("data-relation", r["name"], r["label"] + (" (dashed)" if r["name"] == "owl:disjointWith"
                                                                 else ""), r["colour"], r["count"])
            for r in data["relations"])
    else:
        title = "Citation network"
        intro = ("Works linked by the chapter's citations (thin, by their CiTO function) and by scholarly "
                 "positions (thick: who agrees with, extends, qualifies, critiques or disputes whom). "
                 "Click a work to see where the chapter cites it.")
        filters = ""
        legend = ("<h2>Citations by the chapter</h2>" + "".join(
            _checkbox("data-relation", r["name"], r["label"], r["colour"], r["count"])
            for r in data["relations"] if r["kind"] == "citation")
            + "<h2>Scholarly positions</h2>" + "".join(
            _checkbox("data-relation", r["name"], r["label"], r["colour"], r["count"])
            for r in data["relations"] if r["kind"] == "position"))
    payload = json.dumps(data).replace("</", "<\\/")
    body = (f'<h1>{esc(title)}</h1><p class="muted">{esc(intro)}</p><div id="app"><div id="side">'
            '<label for="search"><strong>Search</strong></label>'
            '<input id="search" type="search" autocomplete="off" placeholder="'
            + ("e.g. embedded trust" if kind == "concepts" else "e.g. Jervis 1982") + '">'
            '<div id="search-status" class="count"></div><ul id="search-results"></ul>'
            '<button id="show-all" type="button">Show everything</button>'
            f'<div id="info"></div>{filters}<div id="legend">{legend}</div></div><div id="cy"></div></div>'
            f'<script type="application/json" id="graph-data">{payload}</script>'
            f'<script src="{esc(vendor)}cytoscape.min.js"></script><script>{_asset("map.js")}</script>')
    html = page(title, body, nav, css=css, head=f"<style>{_asset('map.css')}</style>")
    return html.replace("<body>", f'<body data-kind="{esc(kind)}">', 1)


_SERVED: dict[tuple[int, str], str] = {}


def served_page(store: Store, kind: str) -> str:
    """The page ``coopsec serve`` answers at ``/map`` (``concepts``) or ``/citations``: nodes link to the
    dereferenceable IRIs, scripts come from ``/vendor/``. Computed once per store."""
    from ..serve.linked import path_for_iri

    key = (id(store), kind)
    if key not in _SERVED:
        make = concept_map_data if kind == "concepts" else citation_data
        nav = ('<a href="/">query</a><a href="/ontology">ontology</a><a href="/map">concept map</a>'
               '<a href="/citations">citation network</a>')
        _SERVED[key] = interactive_page(kind, make(store, path_for_iri), "/vendor/", nav, None)
    return _SERVED[key]
