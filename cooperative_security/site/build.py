"""Build the static site: index, ontology, one page per concept, case and work, and two pictures."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..catalogue import Case, WorkRecord, list_cases, list_works
from ..classify import Period, classify
from ..classify.timeline import draw_timeline
from ..concepts import Concept, list_concepts
from ..namespaces import CITO, CS, ID, compact
from ..queries import load_query
from ..store import Store
from .figures import draw_citation_network, draw_concept_map
from .graphs import citation_data, concept_map_data, concept_modules
from .html import STYLE, esc, link, page, table
from .interactive import interactive_page, vendor_file, vendor_names


@dataclass
class SiteReport:
    out: Path
    pages: list[Path] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)


def _v(term: Any) -> Any:
    return None if term is None else term.value


def _slug(iri: str) -> str:
    return iri.rstrip("/").rpartition("/")[2].rpartition("#")[2]


class Site:
    """What a page needs to link to the others: which concepts, cases and works have pages."""

    def __init__(self, store: Store, out: Path) -> None:
        self.store, self.out = store, out
        self.concepts = {c.iri: c for c in list_concepts(store)}
        self.cases = list_cases(store)
        self.works = {w.iri: w for w in list_works(store)}
        self.event_case = {e.iri: c.id for c in self.cases for e in c.events}
        self.report = SiteReport(out)

    # where each page lives, relative to the site root
    def concept_href(self, iri: str) -> str | None:
        return f"concept/{_slug(iri)}.html" if iri in self.concepts else None

    def work_href(self, iri: str) -> str | None:
        return f"work/{_slug(iri)}.html" if iri in self.works else None

    def case_href(self, iri_or_id: str) -> str | None:
        slug = _slug(iri_or_id)
        return f"case/{slug}.html" if any(c.id == slug for c in self.cases) else None

    def href(self, iri: str) -> str | None:
        if iri in self.event_case:
            return f"case/{self.event_case[iri]}.html#{_slug(iri)}"
        return self.concept_href(iri) or self.work_href(iri) or (self.case_href(iri) if iri.startswith(ID + "case/")
                                                                   else None)

    def label(self, iri: str) -> str:
        if iri in self.concepts:
            return self.concepts[iri].label or compact(iri)
        if iri in self.works:
            return self.works[iri].citation or self.works[iri].key
        return compact(iri)

    def a(self, iri: str | None, text: str | None = None, up: str = "../") -> str:
        """A link to the page of ``iri`` (from a page ``up`` below the root), or plain text."""
        if not iri:
            return ""
        target = self.href(iri)
        return link(up + target if target else None, text or self.label(iri), iri)

    def write(self, rel: str, title: str, body: str) -> None:
        depth = rel.count("/")
        up = "../" * depth
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(title, body, self.nav(up), css=f"{up}style.css"), encoding="utf-8")
        self.report.pages.append(path)

    @staticmethod
    def nav(up: str) -> str:
        return (f'<a href="{up}index.html">index</a><a href="{up}ontology.html">ontology</a>'
                f'<a href="{up}concept-map.html">concept map</a><a href="{up}citation-network.html">citation '
                f'network</a><a href="{up}cases.html">cases</a><a href="{up}works.html">works</a>')

    def write_raw(self, rel: str, html: str) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        self.report.pages.append(path)

    def sources(self, concept: Concept) -> str:
        rows = [[self.a(s.work, s.citation), esc(s.pages or ""), esc(s.section or ""),
                 esc(s.footnote if s.footnote is not None else "")] for s in concept.sources]
        return table(["work", "pages", "section", "footnote"], rows, "no source recorded")


def build_site(store: Store, out: Path) -> SiteReport:
    """Write the whole site into ``out``; runs the classifier for the case pages.

    The site is built in a temporary folder beside ``out`` and renamed into place when complete: a crash leaves
    ``out`` as it was. ``out`` may be new, empty, or an earlier site (which is replaced whole); a folder holding
    anything else is refused (:func:`cooperative_security.outputs.check_folder`)."""
    from ..outputs import replace_folder

    with replace_folder(out, "site") as work:
        built = _build(store, work)
    report = SiteReport(out)
    report.pages = [out / p.relative_to(work) for p in built.pages]
    report.figures = [out / p.relative_to(work) for p in built.figures]
    return report


def _build(store: Store, out: Path) -> SiteReport:
    (out / "figures").mkdir(exist_ok=True)
    periods = classify(store)
    site = Site(store, out)
    (out / "style.css").write_text(STYLE, encoding="utf-8")
    map_data = concept_map_data(store, site.href)  # laid out once: the interactive map and the pictures
    for suffix in (".svg", ".png"):
        for name, draw in (("concept-map", lambda st, path: draw_concept_map(st, path, map_data)),
                           ("citation-network", draw_citation_network)):
            path = out / "figures" / (name + suffix)
            draw(store, path)
            site.report.figures.append(path)
    (out / "vendor").mkdir(exist_ok=True)
    for name in vendor_names():
        found = vendor_file(name)
        if found:
            (out / "vendor" / name).write_bytes(found[0])
    site.write_raw("concept-map.html", interactive_page("concepts", map_data, "vendor/",
                                                        site.nav(""), "style.css"))
    site.write_raw("citation-network.html", interactive_page("citations", citation_data(store, site.href),
                                                             "vendor/", site.nav(""), "style.css"))
    _index(site)
    _ontology(site)
    for concept in site.concepts.values():
        _concept_page(site, concept)
    by_case: dict[str, list[Period]] = defaultdict(list)
    for p in periods:
        by_case[p.relationship].append(p)
    _cases_index(site)
    for case in site.cases:
        _case_page(site, case, by_case.get(case.id, []))
    _works_index(site)
    for work in site.works.values():
        _work_page(site, work)
    return site.report


def _index(site: Site) -> None:
    body = (f"<h1>Cooperative security: a knowledge graph</h1>"
            f"<p>{len(site.concepts)} concepts, {len(site.cases)} cases, {len(site.works)} works. Everything here "
            "traces back to a work and a page.</p><ul>"
            '<li><a href="ontology.html">The ontology</a>: every concept with its definition and sources</li>'
            '<li><a href="cases.html">Cases</a>: relationships between states on Buzan\'s spectrum</li>'
            '<li><a href="works.html">Works</a>: what each work is cited for</li></ul>'
            '<h2>Concept map</h2><p><a href="concept-map.html"><strong>Explore the interactive concept map'
            '</strong></a>: search, filter by module and relation, click a concept to open its page. Below, the '
            'picture for papers.</p><figure><a href="figures/concept-map.svg"><img src="figures/concept-map.png" '
            'alt="The concepts of the typology and their relations"></a><figcaption>The typology: grey lines are '
            'subclass links, coloured arrows the other relations; node colour is the ontology module '
            '(<a href="figures/concept-map.svg">SVG, zoomable</a>).</figcaption></figure>'
            '<h2>Citation network</h2><p><a href="citation-network.html"><strong>Explore the interactive '
            'citation network</strong></a>: click a work to see where the chapter cites it.</p>'
            '<figure><a href="figures/citation-network.svg"><img '
            'src="figures/citation-network.png" alt="Works and who builds on or disputes whom"></a><figcaption>'
            'Works linked by the chapter\'s citations (grey) and by scholarly positions (coloured, CiTO) '
            '(<a href="figures/citation-network.svg">SVG</a>).</figcaption></figure>')
    site.write("index.html", "coopsec", body)


def _ontology(site: Site) -> None:
    modules = concept_modules()
    groups: dict[str, list[Concept]] = defaultdict(list)
    for c in site.concepts.values():
        groups[modules.get(c.iri, "other")].append(c)
    parts = ["<h1>The ontology</h1>", f'<p class="iri">{esc(CS)}</p>',
             "<p>The concepts (classes) by module, then the properties with their domains and ranges: "
             + ", ".join(f'<a href="#module-{esc(m)}">{esc(m)}</a>' for m in sorted(groups))
             + '; <a href="#properties">properties</a>.</p>']
    for module in sorted(groups):
        rows = [[site.a(c.iri, c.label, up=""), esc(c.definition)]
                for c in sorted(groups[module], key=lambda c: c.label.lower())]
        parts.append(f'<h2 id="module-{esc(module)}">Module: {esc(module)}</h2>'
                     + table(["concept", "definition"], rows))
    parts.append(_properties(site))
    site.write("ontology.html", "The ontology", "".join(parts))


def _properties(site: Site) -> str:
    """The ontology's properties by kind, each with its definition, domains and ranges
    (``queries/concepts/properties.rq``); a domain or range that is a concept links to its page."""
    kinds = {"ObjectProperty": "Object properties", "DatatypeProperty": "Datatype properties",
             "AnnotationProperty": "Annotation properties"}
    none = '<span class="muted" title="none declared">&ndash;</span>'
    rows: dict[str, list[tuple[str, list[str], list[str], str]]] = defaultdict(list)
    for r in site.store.select(load_query("concepts/properties")):
        iri = _v(r["property"])
        name = (f'<span id="{esc(_slug(iri))}">{esc(_v(r["label"]) or _slug(iri))}</span>'
                f'<br><span class="muted">{esc(compact(iri))}</span>')
        rows[_slug(_v(r["kind"]))].append((name, sorted((_v(r["domains"]) or "").split()),
                                           sorted((_v(r["ranges"]) or "").split()), esc(_v(r["definition"]) or "")))
    out = ['<h2 id="properties">Properties</h2>']
    headers = ["property", "domain", "range", "definition"]
    for kind, title in kinds.items():
        if not rows[kind]:
            continue
        keep = [0, *(i for i in (1, 2) if any(row[i] for row in rows[kind])), 3]  # no column all empty
        cells = [[row[0], *(", ".join(site.a(c, up="") for c in named) or none for named in row[1:3]), row[3]]
                 for row in rows[kind]]
        out.append(f'<h3 id="{kind}">{title} ({len(rows[kind])})</h3>'
                   + table([headers[i] for i in keep], [[row[i] for i in keep] for row in cells]))
    return "".join(out)


def _concept_page(site: Site, c: Concept) -> None:
    relations: dict[str, list[list[str]]] = {"out": [], "in": []}
    for r in site.store.select(load_query("concepts/relations"), {"concept": ox.NamedNode(c.iri)}):
        relations[_v(r["direction"])].append([esc(_v(r["propertyLabel"])), site.a(_v(r["other"]), _v(r["otherLabel"]))])
    body = (f"<h1>{esc(c.label)}</h1><p class=\"iri\">{esc(c.iri)}</p>"
            f'<p class="definition">{esc(c.definition)}</p>'
            + (f"<p>Also called: {esc(', '.join(c.alt_labels))}</p>" if c.alt_labels else "")
            + "<h2>Sources</h2>" + site.sources(c)
            + "<h2>Relations from this concept</h2>" + table(["relation", "to"], relations["out"])
            + "<h2>Relations to this concept</h2>" + table(["relation", "from"], relations["in"]))
    site.write(f"concept/{_slug(c.iri)}.html", c.label, body)


def _cases_index(site: Site) -> None:
    rows = [[site.a(c.iri, c.label or c.id, up=""), esc(", ".join(c.members)), str(len(c.events))] for c in site.cases]
    site.write("cases.html", "Cases", "<h1>Cases</h1>" + table(["case", "members", "events"], rows))


def _event_sources(site: Site, sources: list[Any]) -> str:
    return "; ".join(site.a(s["work"] if isinstance(s, dict) else s.work,
                            (s["citation"] if isinstance(s, dict) else s.citation))
                     + esc(" " + ((s["pages"] if isinstance(s, dict) else s.pages) or
                                  (s["section"] if isinstance(s, dict) else s.section) or "")).rstrip()
                     for s in sources)


def _case_page(site: Site, case: Case, periods: list[Period]) -> None:
    picture = site.out / "case" / f"{case.id}-timeline.png"
    picture.parent.mkdir(parents=True, exist_ok=True)
    draw_timeline(case.id, periods, case.events, picture)
    vector = picture.with_suffix(".svg")
    draw_timeline(case.id, periods, case.events, vector)
    site.report.figures += [picture, vector]
    period_rows = []
    for p in periods:
        why = "<br>".join(f"{esc(e['date'])} {site.a(e['event'], e['label'])} ({_event_sources(site, e['sources'])})"
                          for e in p.evidence)
        missing = "<br>".join(esc(m["condition"]) for m in p.missing)
        strategies = "<br>".join(esc(f"{s['kind']} {', '.join(d or '?' for d in s['dates'])}: {s['outcome']}")
                                 for s in p.strategies)
        position = esc(p.position or "unclassifiable") + (f"<br><span class=\"muted\">{esc(p.reason)}</span>"
                                                          if p.reason else "")
        extra = esc(", ".join(x for x in (p.subtype, p.stage, p.trust and f"trust {p.trust}") if x))
        to = esc(p.to) if p.to else "open" + (f"<br><span class=\"muted\">observed to {esc(p.observed_until)}; "
                                               "nothing is concluded after it</span>" if p.observed_until else "")
        period_rows.append([esc(p.from_ or "?"), to, position, extra, why or "", missing,
                            strategies, esc(", ".join(compact(r) for r in p.rules))])
    event_rows = [[f'<span id="{esc(e.id)}">{esc(e.date)}</span>', site.a(e.type, e.type_label),
                   esc(e.level or ""), esc(e.label), _event_sources(site, e.sources)] for e in case.events]
    body = (f"<h1>{esc(case.label or case.id)}</h1><p class=\"iri\">{esc(case.iri)}</p>"
            f"<p>Members: {esc(', '.join(case.members))}</p>"
            + _inline_timeline(vector, case.id) + '<h2>Periods and positions</h2>'
            + table(["from", "to", "position", "subtype / stage / trust", "because", "missing for the next position",
                     "strategies", "rules"], period_rows, "not classified")
            + "<h2>Events</h2>" + table(["date", "type", "level", "event", "sources"], event_rows))
    site.write(f"case/{case.id}.html", case.label or case.id, body)


def _inline_timeline(svg: Path, case_id: str) -> str:
    """The timeline drawn inline: hovering an event mark shows its date, type and label, clicking it goes to
    its row below; the PNG and SVG files are linked for papers."""
    text = svg.read_text(encoding="utf-8")
    text = text[text.index("<svg"):]
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 role="img" style="width:100%;height:auto"',
                  text, count=1)
    return (f'<figure class="timeline" id="timeline">{text}<figcaption>{esc(case_id)}: position on Buzan\'s '
            'spectrum, stage, trust, events and strategies over time. Hover an event for what it was; click it for '
            f'its sources. For papers: <a href="{esc(case_id)}-timeline.png">PNG</a>, '
            f'<a href="{esc(case_id)}-timeline.svg">SVG</a>.</figcaption></figure>')


def _works_index(site: Site) -> None:
    rows = [[site.a(w.iri, w.citation or w.key, up=""), esc(w.title or ""), esc(w.year or ""),
             str(len(w.cited_in))] for w in sorted(site.works.values(), key=lambda w: w.key)]
    site.write("works.html", "Works", "<h1>Works</h1>" + table(["work", "title", "year", "footnotes"], rows))


def _work_page(site: Site, w: WorkRecord) -> None:
    iri = ox.NamedNode(w.iri)
    cited = []
    for r in site.store.select(load_query("cases/work-cited-for"), {"work": iri}):
        what = _v(r["what"])
        shown = site.a(what, _v(r["label"]) or compact(what)) if _v(r["kind"]) != "footnote claim" else \
            esc(f"{compact(what)}: {_v(r['label']) or ''}")
        cited.append([esc(_v(r["kind"])), shown, esc(_v(r["pages"]) or "")])
    positions = [[site.a(_v(r["holder"])), esc(_v(r["relation"]).removeprefix(CITO)), site.a(_v(r["target"])),
                  site.a(_v(r["about"])), esc(_v(r["claim"]) or "")]
                 for r in site.store.select(load_query("site/positions-about"), {"work": iri})]
    body = (f"<h1>{esc(w.citation or w.key)}</h1><p class=\"iri\">{esc(w.iri)}</p>"
            f"<p>{esc('; '.join(w.authors))} ({esc(w.year or 'n.d.')}). <em>{esc(w.title or '')}</em></p>"
            + (f"<p>Cited in footnotes {esc(', '.join(str(n) for n in w.cited_in))}.</p>" if w.cited_in else "")
            + "<h2>What it is cited for</h2>" + table(["as", "what", "pages"], cited, "not cited")
            + "<h2>Positions: who builds on or disputes whom</h2>"
            + table(["holder", "relation", "target", "about", "claim"], positions, "no recorded position"))
    site.write(f"work/{_slug(w.iri)}.html", w.citation or w.key, body)
