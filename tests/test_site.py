"""The static site: every internal link resolves, the pictures are real, the pages say what they should."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest

from cooperative_security.cli import main
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.site.build import Site, _concept_page


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.refs.append(value)
            if name == "id" and value:
                self.ids.add(value)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    assert main(["site", "-o", str(out)]) == 0
    return out


def parsed(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_and_picture_resolves(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 250  # index, ontology, lists, ~220 concepts, 10 cases, 70 works
    ids = {p: parsed(p).ids for p in pages}
    broken, checked = [], 0
    for page in pages:
        for ref in parsed(page).refs:
            url = urlsplit(ref)
            if url.scheme or ref.startswith(("//", "mailto:")):
                continue
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            checked += 1
            if not target.is_file() or not target.is_relative_to(site.resolve()):
                broken.append(f"{page.relative_to(site)} -> {ref}")
            elif url.fragment and target.suffix == ".html" and url.fragment not in ids.get(target, set()):
                broken.append(f"{page.relative_to(site)} -> {ref} (no such anchor)")
    assert checked > 2000
    assert broken == []


def test_the_pictures_are_real_and_drawn_from_the_graph(site: Path) -> None:
    for name in ("concept-map", "citation-network"):
        png = (site / "figures" / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 100_000
        svg = (site / "figures" / f"{name}.svg").read_text(encoding="utf-8")
        assert "<svg" in svg and len(svg) > 100_000
    # matplotlib writes text as paths, with the text itself in comments
    assert "security dilemma" in (site / "figures" / "concept-map.svg").read_text(encoding="utf-8")
    assert "Jervis 1982" in (site / "figures" / "citation-network.svg").read_text(encoding="utf-8")
    timeline = (site / "case" / "france-germany-timeline.png").read_bytes()
    assert timeline.startswith(b"\x89PNG") and len(timeline) > 20_000


def test_a_concept_page_has_its_definition_sources_and_relations(site: Path) -> None:
    page = (site / "concept" / "SecurityDilemma.html").read_text(encoding="utf-8")
    assert "<h1>security dilemma</h1>" in page and 'class="definition"' in page
    assert 'href="../work/keating-wheeler-2013.html"' in page
    assert 'href="../concept/HerzSecurityDilemma.html"' in page  # a relation in (subclass of)


def test_a_case_page_has_periods_positions_reasons_and_sourced_events(site: Path) -> None:
    page = (site / "case" / "france-germany.html").read_text(encoding="utf-8")
    assert 'href="france-germany-timeline.png"' in page and '<g id="event-elysee-treaty" class="event-mark"><title>' in page
    assert "security-community" in page and "Periods and positions" in page
    assert "../work/" in page  # events and evidence link to their sources
    # the last period is open, and no conclusion past the case's `to: 1970`
    assert "observed to 1970-12-31; nothing is concluded after it" in page


def test_the_ontology_page_documents_the_properties_too(site: Path) -> None:
    """The site's ontology page listed the classes only (issue 15); the properties follow them, with their
    definitions, and every table has something in each of its columns."""
    page = (site / "ontology.html").read_text(encoding="utf-8")
    assert '<h2 id="properties">Properties</h2>' in page and 'href="#properties"' in page
    start = page.index('id="properties"')
    for prop, definition in (("stageOf", "Relates a stage to the concept whose development it is a phase of."),
                             ("conditionFor", "")):
        row = page[page.index(f'id="{prop}"', start):]
        row = row[:row.index("</tr>")]
        assert f"cs:{prop}" in row and definition in row
    assert page[start:].count("<tr>") > 150
    assert "<td></td>" not in page[start:]  # a column all empty (no domain or range declared) is left out
    row = page[page.index('id="agent"', start):]
    row = row[:row.index("</tr>")]  # a declared domain and range show, linked to the classes' pages
    assert "Event" in row and "Actor" in row and "none declared" not in row
    row = page[page.index('id="target"', start):]
    assert "none declared" in row[:row.index("</tr>")]  # and where none is declared, the cell says so


def test_a_work_page_says_what_it_is_cited_for(site: Path) -> None:
    page = (site / "work" / "jervis-1982.html").read_text(encoding="utf-8")
    assert "What it is cited for" in page and "footnote claim" in page
    assert 'href="../concept/SecurityRegime.html"' in page  # a position about security regimes
    assert "disputes" in page


def test_values_are_escaped(tmp_path: Path) -> None:
    store = open_knowledge_graph("memory:")
    try:
        store.raw.add(ox.Quad(ox.NamedNode("https://w3id.org/coopsec/ontology#SecurityDilemma"),  # type: ignore[attr-defined]
                              ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                              ox.Literal("<script>alert('x')</script>", language="en"),
                              ox.NamedNode("https://w3id.org/coopsec/graph/ontology")))
        site = Site(store, tmp_path)  # one page is enough: every page writes values through the same escape
        _concept_page(site, site.concepts["https://w3id.org/coopsec/ontology#SecurityDilemma"])
    finally:
        store.close()
    page = (tmp_path / "concept" / "SecurityDilemma.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_the_vendored_scripts_are_the_ones_recorded_with_their_licences() -> None:
    """scripts/update-vendor.sh records each file's SHA-256 in VERSIONS: a hand edit, or a file left out
    of the record, shows here. Every package ships its licence."""
    import hashlib

    from cooperative_security.site import interactive

    vendor = Path(interactive.__file__).parent / "vendor"
    recorded = {}
    for line in (vendor / "VERSIONS").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and len(parts[0]) == 64:
            recorded[parts[1]] = parts[0]
    files = sorted(p.relative_to(vendor).as_posix() for p in vendor.rglob("*") if p.is_file() and p.name != "VERSIONS")
    assert set(recorded) == set(files) and len(files) >= 7
    for rel in files:
        assert hashlib.sha256((vendor / rel).read_bytes()).hexdigest() == recorded[rel], rel
    for package in ("cytoscape", "yasgui", "iframe-worker"):
        assert "Permission is hereby granted" in (vendor / package / "LICENSE").read_text(encoding="utf-8")
