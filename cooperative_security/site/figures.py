"""The two pictures of the site, drawn from the graph with networkx and matplotlib (Agg)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx

from ..concepts import concept_graph
from ..store import Store
from .graphs import citation_network, packed_layout


def _plt():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt




def draw_concept_map(store: Store, out: Path, data: dict[str, Any] | None = None) -> nx.MultiDiGraph:
    """The typology for papers: the interactive map's layout (typology above, schema classes below, no two
    labels overlapping), one colour per relation kind, directed arrows, label boxes coloured by module."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

    from .graphs import concept_map_data

    plt = _plt()
    graph = concept_graph(store)
    data = data or concept_map_data(store, lambda iri: None)
    nodes = {e["data"]["id"]: e for e in data["elements"] if "position" in e}
    module_colour = {m["name"]: m["colour"] for m in data["modules"]}
    relation_colour = {r["name"]: r["colour"] for r in data["relations"]}
    xs = [e["position"]["x"] for e in nodes.values()]
    ys = [e["position"]["y"] for e in nodes.values()]
    pad = 120.0
    left, right, top, bottom = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    # one point of the figure per pixel of the layout, so labels take the room the layout gave them
    fig = plt.figure(figsize=((right - left) / 72, (bottom - top) / 72 + 1.2), dpi=72)
    ax = fig.add_axes((0, 0, 1, (bottom - top) / ((bottom - top) + 86.4)))
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.axis("off")
    for group, title in (("typology", "Typology: the concepts of the theory"),
                         ("schema", "Schema classes: events, records, classification, data sets")):
        members = [e for e in nodes.values() if e["data"]["group"] == group]
        if not members:
            continue
        gx = [e["position"]["x"] for e in members]
        gy = [e["position"]["y"] for e in members]
        ax.add_patch(FancyBboxPatch((min(gx) - 90, min(gy) - 40), max(gx) - min(gx) + 180, max(gy) - min(gy) + 80,
                                    boxstyle="round,pad=10", facecolor="#f3f6fa" if group == "typology" else "#f6f3ee",
                                    edgecolor="#c5cfdb", linewidth=1.5, zorder=0))
        ax.text(min(gx) - 90, min(gy) - 60, title, fontsize=26, fontweight="bold", color="#445", va="bottom")
    for u, v, d in graph.edges(data=True):
        if u not in nodes or v not in nodes or u == v:
            continue
        a = (nodes[u]["position"]["x"], nodes[u]["position"]["y"])
        b = (nodes[v]["position"]["x"], nodes[v]["position"]["y"])
        sub = d["relation"] == "rdfs:subClassOf"
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>" if not sub else "-|>", mutation_scale=14 if sub else 17,
                                     color=relation_colour.get(d["relation"], "#888888"),
                                     linewidth=1.0 if sub else 2.0, alpha=0.55 if sub else 0.9,
                                     linestyle="--" if d["relation"] == "owl:disjointWith" else "-",
                                     connectionstyle="arc3,rad=0.06", shrinkA=14, shrinkB=16, zorder=1))
    for e in nodes.values():
        x, y = e["position"]["x"], e["position"]["y"]
        ax.text(x, y, e["data"]["label"], ha="center", va="center", fontsize=10, wrap=False, zorder=3,
                bbox={"boxstyle": "round,pad=0.3", "facecolor": module_colour.get(e["data"]["module"], "#eeeeee"),
                      "edgecolor": "#8a8a8a", "linewidth": 0.8})
    handles = [Patch(facecolor=m["colour"], edgecolor="#8a8a8a", label=f"module: {m['name']}") for m in data["modules"]]
    handles += [Patch(color=r["colour"], label=r["label"]) for r in data["relations"]]
    fig.legend(handles=handles, loc="upper center", ncol=min(10, len(handles)), fontsize=12, frameon=False,
               title="The typology of cooperative security: concepts (coloured by module) and their relations "
                     "(one colour per kind; arrows point from a concept to the one it is related to)",
               title_fontsize=16)
    fig.savefig(out, dpi=72)
    plt.close(fig)
    return graph


_POSITION_COLOURS = {"agreesWith": "#2a9d2a", "extends": "#1f5fbf", "qualifies": "#e08a00",
                     "critiques": "#d43d3d", "disputes": "#8b0000"}




def draw_citation_network(store: Store, out: Path) -> nx.MultiDiGraph:
    plt = _plt()
    graph = citation_network(store)
    cited = Counter(v for _, v, d in graph.edges(data=True) if d["kind"] == "citation")
    # The chapter cites every work: laid out by its citations the picture is one star. Place works by the
    # positions (who builds on or disputes whom); works only cited line up below, the grey lines still drawn.
    layout = nx.Graph()
    layout.add_nodes_from(graph.nodes)
    layout.add_edges_from((u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "position")
    pos = packed_layout(layout)
    simple = nx.Graph(layout)
    simple.add_edges_from((u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "citation")
    fig, ax = plt.subplots(figsize=(22, 18))
    plain = [(u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "citation"]
    nx.draw_networkx_edges(simple, pos, edgelist=list({(u, v) for u, v in plain}), ax=ax, edge_color="#dddddd",
                           width=0.6)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="#dddddd", label="cited in the chapter's footnotes")]
    for relation, colour in _POSITION_COLOURS.items():
        edges = [(u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "position" and d["relation"] == relation]
        if edges:
            nx.draw_networkx_edges(graph, pos, edgelist=edges, ax=ax, edge_color=colour, width=2.2, arrows=True,
                                   arrowsize=16, connectionstyle="arc3,rad=0.12")
            handles.append(Line2D([], [], color=colour, linewidth=2.2, label=relation))
    nodes = list(graph.nodes)
    nx.draw_networkx_nodes(graph, pos, nodelist=nodes, ax=ax, node_color="#8fb3d9",
                           node_size=[60 + 40 * cited.get(n, 0) for n in nodes])
    nx.draw_networkx_labels(graph, pos, labels={n: graph.nodes[n]["label"] for n in nodes}, ax=ax, font_size=9,
                            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.3})
    ax.legend(handles=handles, loc="upper left", fontsize=12, title="who builds on or disputes whom (CiTO)")
    _save(fig, ax, "Citation network: node size = footnotes citing the work", out)
    return graph


def _save(fig: Any, ax: Any, title: str, out: Path) -> None:
    """Title a network drawing (no axes), write it and free the figure."""
    ax.set_title(title, fontsize=18)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(out)
    _plt().close(fig)
