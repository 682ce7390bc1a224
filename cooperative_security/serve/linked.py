"""Dereferenceable IRIs: ``/id/<kind>/<slug>`` and ``/ontology`` answer with HTML, Turtle or JSON-LD.

Browsers never send the fragment of ``https://w3id.org/coopsec/ontology#Term``: a request for it
reaches the server as ``/ontology``, whose HTML page has an anchor per term, so the browser scrolls
to it. Each term also has its own address: ``/ontology/Term`` or ``/ontology?term=Term``. Asked for in an RDF
format, the ontology's own IRIs (``/ontology``, its version, its modules) are documents, not descriptions:
:mod:`.vocabulary` answers them before :func:`describe` is asked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from ..namespaces import CS, ID, ONTOLOGY_IRI, compact
from ..queries import load_query
from ..site.html import esc, link, page, table
from .negotiate import choose
from .results import GRAPH_FORMATS, rdf_bytes

OFFERS = ["text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]
FORMAT_PARAMETER = {"html": "text/html", "turtle": "text/turtle", "ttl": "text/turtle",
                    "jsonld": "application/ld+json", "json-ld": "application/ld+json", "nt": "application/n-triples",
                    "rdfxml": "application/rdf+xml"}


def iri_for_path(path: str, term: str | None = None) -> str | None:
    """The IRI a local path names, or None: ``/id/work/herz-1950``, ``/ontology/Trust``, ``/ontology``."""
    if path.startswith("/id/") and len(path) > 4:
        return ID + path[4:]
    if path in ("/ontology", "/ontology/"):
        return CS + term if term else ONTOLOGY_IRI
    if path.startswith("/ontology/"):
        rest = path[len("/ontology/"):]
        # a term's local name starts with a letter; a module (modules/trust) or a version (0.1.0) is the ontology's
        return ONTOLOGY_IRI + "/" + rest if "/" in rest or rest[:1] in _DIGITS else CS + rest
    return None


def path_for_iri(iri: str) -> str | None:
    """Where the server answers for an IRI of the project, or None for other IRIs."""
    if iri.startswith(ID):
        return "/id/" + quote(iri[len(ID):], safe="/-_.~")
    if iri.startswith(CS):
        local = iri[len(CS):]
        if "/" in local or local[:1] in _DIGITS:  # /ontology/<local> would name the ontology's own IRIs
            return "/ontology?term=" + quote(local, safe="-_.~")
        return "/ontology/" + quote(local, safe="-_.~")
    if iri == ONTOLOGY_IRI:
        return "/ontology"
    if iri.startswith(ONTOLOGY_IRI + "/"):
        return "/ontology/" + quote(iri[len(ONTOLOGY_IRI) + 1:], safe="/-_.~")
    return None


_DIGITS = tuple("0123456789")


@dataclass
class Representation:
    status: int
    content_type: str
    data: bytes
    more: bool = False  # a later page holds more of it (the server says so in a Link header, rel="next")


def _v(term: Any) -> str | None:
    return None if term is None else term.value


def _node_html(term: Any, label: Any = None) -> str:
    if isinstance(term, ox.NamedNode):
        local = path_for_iri(term.value)
        text = _v(label) or compact(term.value)
        if local:
            return link(local, text, term.value)
        if term.value.startswith(("http://", "https://")):
            return link(term.value, text, term.value)
        return esc(text)
    if isinstance(term, ox.Literal):
        lang = f' <span class="muted">@{esc(term.language)}</span>' if term.language else ""
        return esc(term.value) + lang
    return esc(_v(term))


def describe(store: ox.Store, iri: str, accept: str | None, format_parameter: str | None = None,
             page_number: int = 1, page_size: int = 500) -> Representation:
    """The resource in the representation the client prefers; 404 if the graph knows nothing of it.

    Each table (and the triples of a Turtle or JSON-LD answer) holds at most ``page_size`` rows;
    ``page_number`` (from 1) picks which. The rows are read in the store's order and never all at once,
    so a term with 300,000 incoming links costs one page.
    """
    resource = ox.NamedNode(iri)
    wanted = FORMAT_PARAMETER.get((format_parameter or "").lower())
    media = wanted or choose(accept, OFFERS)
    if media is None:
        return Representation(406, "text/plain; charset=utf-8",
                              f"available representations: {', '.join(OFFERS)}\n".encode())
    window = ((page_number - 1) * page_size, page_size)
    if media == "text/html":
        return _html(store, resource, window)
    rows, more = _select(store, "serve/describe", resource, window)
    if not rows:  # asked for as data: the plain-text answer every other error gets
        return _past_end(store, resource, window) or Representation(
            404, "text/plain; charset=utf-8", f"the graph knows nothing about {iri}\n".encode())
    triples = [ox.Triple(r["subject"], r["property"], r["value"]) for r in rows]  # type: ignore[arg-type]
    charset = "; charset=utf-8"
    return Representation(200, media + charset, rdf_bytes(triples, media) if media in GRAPH_FORMATS else b"", more)


def _select(store: ox.Store, name: str, resource: ox.NamedNode,
            window: tuple[int, int]) -> tuple[list[dict[str, Any]], bool]:
    """The rows of one page (``window``: rows to skip, rows to keep), and whether more follow."""
    from ..store.sparql_text import with_values

    skip, keep = window
    rows: list[dict[str, Any]] = []
    index = 0
    for one in name.split("+"):  # several queries, paged as if their rows were one list
        result = store.query(with_values(load_query(one).text, {"resource": resource}))
        names = [v.value for v in result.variables]  # type: ignore[union-attr]
        for solution in result:  # type: ignore[union-attr]
            index += 1
            if index <= skip:
                continue
            if len(rows) == keep:
                return rows, True
            rows.append({n: solution[n] for n in names})
    return rows, False


def _sort_key(*terms: Any) -> tuple[str, ...]:
    return tuple("" if t is None else str(t) for t in terms)


def _past_end(store: ox.Store, resource: ox.NamedNode, window: tuple[int, int]) -> Representation | None:
    """A page after the last of a resource the graph knows (it said it knew nothing about it), or None."""
    if not window[0] or not any(_select(store, name, resource, (0, 1))[0] for name in
                                ("serve/describe", "serve/incoming+serve/incoming-via-blank")):
        return None
    message = (f"page {window[0] // window[1] + 1} of {resource.value} is past its last page "
               f"({window[1]} rows a page): start from page 1\n")
    return Representation(404, "text/plain; charset=utf-8", message.encode())


def _not_found(iri: str) -> Representation:
    body = page("not found", f"<h1>Not found</h1><p>The graph knows nothing about <code>{esc(iri)}</code>.</p>"
                             '<p><a href="/">Query page</a> · <a href="/ontology">the ontology</a></p>')
    return Representation(404, "text/html; charset=utf-8", body.encode())


def _html(store: ox.Store, resource: ox.NamedNode, window: tuple[int, int]) -> Representation:
    out, more_out = _select(store, "serve/outgoing", resource, window)
    inc, more_in = _select(store, "serve/incoming+serve/incoming-via-blank", resource, window)
    if not out and not inc:
        return _past_end(store, resource, window) or _not_found(resource.value)
    out.sort(key=lambda r: _sort_key(r["property"], r["value"], r["innerProperty"]))
    inc.sort(key=lambda r: _sort_key(r["via"], r["property"], r["subject"]))
    label = next((_v(r["value"]) for r in out if _v(r["property"]) in _LABELS), None) or compact(resource.value)
    definition = next((_v(r["value"]) for r in out if _v(r["property"]) == _DEFINITION), None)
    rows: list[list[str]] = []
    inner: dict[str, list[str]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for r in out:
        value = r["value"]
        if isinstance(value, ox.BlankNode):
            if r["innerProperty"] is not None:
                inner[value.value].append(f"{_node_html(r['innerProperty'], r['innerPropertyLabel'])}: "
                                          f"{_node_html(r['innerValue'], r['innerValueLabel'])}")
        key = (_v(r["property"]) or "", value.value if isinstance(value, ox.BlankNode) else str(value))
        if key in seen:
            continue
        seen.add(key)
        rows.append([_node_html(r["property"], r["propertyLabel"]),
                     _BNODE + value.value if isinstance(value, ox.BlankNode) else _node_html(value, r["valueLabel"]),
                     _node_html(r["graph"])])
    for row in rows:
        if row[1].startswith(_BNODE):  # a blank node: show what it says in the cell
            row[1] = "; ".join(inner.get(row[1][len(_BNODE):], [])) or '<span class="muted">(blank node)</span>'
    incoming = [[_node_html(r["subject"], r["subjectLabel"]),
                 (_node_html(r["via"], r["viaLabel"]) + " / " if r["via"] is not None else "")
                 + _node_html(r["property"], r["propertyLabel"])] for r in inc]
    anchors = ""
    if resource.value == ONTOLOGY_IRI:
        terms = sorted({r["subject"].value for r in inc if isinstance(r["subject"], ox.NamedNode)
                        and r["subject"].value.startswith(CS)})
        anchors = "".join(f'<span id="{esc(t[len(CS):])}"></span>' for t in terms)
    here = path_for_iri(resource.value) or ""
    sep = "&" if "?" in here else "?"  # /ontology?term=0x: the query string goes on
    formats = " · ".join(link(f"{here}{sep}format={f}", name) for f, name in
                         (("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"),
                          ("rdfxml", "RDF/XML")))
    body = (f"<h1>{esc(label)}</h1><p class=\"iri\">{esc(resource.value)}</p>"
            + (f'<p class="definition">{esc(definition)}</p>' if definition else "")
            + f"<p>Also as {formats}</p>{anchors}<h2>What it says</h2>"
            + table(["property", "value", "graph"], rows)
            + "<h2>What points here</h2>" + table(["from", "by"], incoming))
    number = window[0] // window[1] + 1
    pager = ""
    if number > 1 or more_out or more_in:
        pager = (f'<p class="pager">page {number}'
                 + (" · " + link(f"{here}{sep}page={number - 1}", "previous") if number > 1 else "")
                 + (" · " + link(f"{here}{sep}page={number + 1}", "next") if more_out or more_in else "")
                 + f" ({window[1]} rows a page)</p>")
    body += pager
    nav = '<a href="/">query</a><a href="/ontology">ontology</a>'
    return Representation(200, "text/html; charset=utf-8", page(label, body, nav).encode())


_LABELS = {"http://www.w3.org/2000/01/rdf-schema#label", "http://xmlns.com/foaf/0.1/name",
           "http://www.w3.org/2004/02/skos/core#prefLabel"}
_BNODE = "\x00bnode:"  # cannot occur in escaped HTML
_DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"
