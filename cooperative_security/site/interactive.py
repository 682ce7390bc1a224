"""The interactive concept map and citation network (Cytoscape.js, vendored: they work offline).

The graph data is computed here, positions included (networkx), and written into the page as JSON, so
the page needs no request to show it (it opens from ``file://`` too). The same pages are written by
``coopsec site`` (links to the static pages) and answered by ``coopsec serve`` (links to the
dereferenceable IRIs)."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any

from ..store import Store
from .graphs import citation_data, concept_map_data
from .html import esc, page

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


def served_page(store: Store, kind: str, path_for_iri: Callable[[str], str | None]) -> str:
    """The page ``coopsec serve`` answers at ``/map`` (``concepts``) or ``/citations``: nodes link to the
    dereferenceable IRIs (``path_for_iri``, the server's own, gives where it answers for each), scripts come
    from ``/vendor/``. Computed once per store."""
    key = (id(store), kind)
    if key not in _SERVED:
        make = concept_map_data if kind == "concepts" else citation_data
        nav = ('<a href="/">query</a><a href="/ontology">ontology</a><a href="/map">concept map</a>'
               '<a href="/citations">citation network</a>')
        _SERVED[key] = interactive_page(kind, make(store, path_for_iri), "/vendor/", nav, None)
    return _SERVED[key]
