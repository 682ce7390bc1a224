"""A person's view: real headless Chromium on a real ``coopsec serve`` (127.0.0.1) serving a built site.

The query page (YASGUI), the interactive concept map and citation network, and a case timeline are
opened, used as a person would (typing, clicking), screenshotted into the temporary folder
(``coopsec-*.png``), and checked for errors in the browser's console."""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import chromium
import pytest
from chromium import console_errors, needs_chromium, open_page, wait

from cooperative_security.kb import open_knowledge_graph
from cooperative_security.serve import RunningServer, ServerConfig, prepare_store, start_server
from cooperative_security.site import build_site

SHOTS = Path(tempfile.gettempdir())
SCREENSHOT = SHOTS / "coopsec-query-page.png"
CS = "https://w3id.org/coopsec/ontology#"

pytestmark = needs_chromium
browser = chromium.browser  # the session's Chromium (a fixture)

QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX cs: <https://w3id.org/coopsec/ontology#>
SELECT ?concept ?label WHERE { ?concept rdfs:subClassOf cs:SecurityCondition ; rdfs:label ?label }
ORDER BY ?label"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    site = tmp_path_factory.mktemp("site")
    store = open_knowledge_graph("memory:")
    build_site(store, site)
    store.close()
    kg = prepare_store("memory:")
    try:
        with start_server(ServerConfig(host="127.0.0.1", port=0, site_dir=site), store=kg) as running:
            yield running
    finally:
        kg.close()


# ----------------------------------------------------------------------------------- query page (YASGUI)

def test_a_query_typed_into_yasgui_returns_rows_that_link_to_their_pages(server: RunningServer, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    open_page(browser, server.url)
    assert "coopsec SPARQL endpoint" in browser.title
    wait(browser, lambda d: d.execute_script("return !!(window.coopsecYasgui && document.querySelector('.CodeMirror'))"))
    # the named queries are the examples, and choosing one puts its text in the editor
    options = [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#examples option")]
    assert "concepts/list" in options and "concepts/community-stages" in options
    browser.execute_script("const s = document.getElementById('examples'); s.value = 'concepts/community-stages';"
                           "s.dispatchEvent(new Event('change'));")
    assert "community" in browser.execute_script("return coopsecYasgui.getTab().getQuery()").lower()
    # the project's prefixes are known to the results table
    assert browser.execute_script("return JSON.parse(document.getElementById('prefix-data').textContent).cs") == CS
    # a person's own query, run with YASGUI's button
    browser.execute_script("coopsecYasgui.getTab().setQuery(arguments[0])", QUERY)
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr")) > 3)
    headers = [th.text.strip() for th in browser.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable thead th")]
    assert "concept" in headers and "label" in headers
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody td")]
    assert any("security dilemma" in c for c in cells) and any("international anarchy" in c for c in cells)
    rows = len(browser.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr"))
    wait(browser, lambda d: d.find_element(By.ID, "status").text == f"{rows} rows")
    # a concept IRI in the table is a link to the concept's own page on this server (shown with its prefix)
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, ".yasr a.iri") if a.text == "cs:SecurityDilemma")
    assert link.get_attribute("href") == server.url + "ontology/SecurityDilemma"
    browser.save_screenshot(str(SCREENSHOT))
    assert console_errors(browser) == []
    link.click()
    wait(browser, lambda d: d.title == "security dilemma")
    assert "Keating and Wheeler 2013" in browser.find_element(By.TAG_NAME, "body").text


def test_the_query_page_makes_only_http_iris_in_results_clickable(server: RunningServer, browser) -> None:  # type: ignore[no-untyped-def]
    """Item 8 of issue 13: only http(s) IRIs in a result become links; javascript:, data: and file: IRIs are
    text; the project's IRIs link to their pages on this server."""
    from selenium.webdriver.common.by import By

    open_page(browser, server.url)
    wait(browser, lambda d: d.execute_script("return !!window.coopsecYasgui"))
    browser.execute_script("coopsecYasgui.getTab().setQuery(arguments[0])",
                           "SELECT ?x WHERE { VALUES ?x { <javascript:alert(document.domain)> <data:text/html,hi> "
                           "<file:///etc/passwd> <https://example.org/plain> "
                           "<https://w3id.org/coopsec/ontology#SecurityDilemma> } }")
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr")) == 5)
    hrefs = sorted(a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable a"))
    assert hrefs == sorted(["https://example.org/plain", server.url + "ontology/SecurityDilemma"])
    texts = " ".join(s.text for s in browser.find_elements(By.CSS_SELECTOR, ".yasr span.iri-text"))
    for iri in ("javascript:alert(document.domain)", "data:text/html,hi", "file:///etc/passwd"):
        assert iri in texts


def test_a_bad_query_shows_the_parser_message(server: RunningServer, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    open_page(browser, server.url)
    wait(browser, lambda d: d.execute_script("return !!window.coopsecYasgui"))
    browser.execute_script("coopsecYasgui.getTab().setQuery('SELECT WHERE nonsense')")
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait(browser, lambda d: "not valid SPARQL" in d.find_element(By.CSS_SELECTOR, ".yasr").text)
    assert browser.find_element(By.ID, "status").text.startswith("the query failed")


# ------------------------------------------------------------------------------ concept map (Cytoscape)

def _click_node(browser, node_id: str) -> None:  # type: ignore[no-untyped-def]
    """Click where the node is drawn on the canvas, as a person would."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser.execute_script("document.getElementById('cy').scrollIntoView({block: 'center'});")
    time.sleep(0.5)  # Cytoscape notices the scroll (it maps clicks to the canvas from its position)
    # the search's glide to its matches ends before the view is set (an animation still running would
    # move the view after ours): the page runs one glide, not one per keystroke
    wait(browser, lambda d: not d.execute_script("return coopsecGraph.animated()"), 5)
    browser.execute_script("const n = coopsecGraph.getElementById(arguments[0]);"
                           "coopsecGraph.resize(); coopsecGraph.zoom(1.2); coopsecGraph.center(n);", node_id)
    time.sleep(0.3)
    assert abs(browser.execute_script("return coopsecGraph.zoom()") - 1.2) < 1e-6  # nothing moved the view since
    box = browser.execute_script("const b = coopsecGraph.getElementById(arguments[0]).renderedBoundingBox();"
                                 "return [(b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2];", node_id)
    canvas = browser.find_element(By.ID, "cy")
    size = canvas.size
    ActionChains(browser).move_to_element_with_offset(canvas, int(box[0] - size["width"] / 2),
                                                      int(box[1] - size["height"] / 2)).click().perform()


def test_the_concept_map_finds_embedded_trust_and_a_click_opens_its_page(server: RunningServer, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    open_page(browser, server.url + "site/concept-map.html")
    wait(browser, lambda d: d.execute_script("return !!window.coopsecGraph && coopsecGraph.nodes().length > 100"))
    assert browser.execute_script("return coopsecGraph.edges().length") > 300
    # a legend entry, with its own colour, for every relation kind; the typology apart from the schema
    colours = browser.execute_script("return [...document.querySelectorAll('#legend .swatch')]"
                                     ".map(s => getComputedStyle(s).backgroundColor)")
    assert len(colours) >= 15 and len(set(colours)) == len(colours)
    # the modules' fills are told apart at a glance too (they were pale tints a few units apart)
    fills = browser.execute_script("return [...document.querySelectorAll('.dot')]"
                                   ".map(s => getComputedStyle(s).backgroundColor)")
    rgb = [tuple(int(x) for x in re.findall(r"\d+", f)[:3]) for f in fills]
    assert len(rgb) >= 11
    closest = min(sum((a - b) ** 2 for a, b in zip(p, q, strict=True)) ** 0.5
                  for i, p in enumerate(rgb) for q in rgb[i + 1:])
    assert closest > 40, fills
    assert browser.execute_script("return coopsecGraph.getElementById(arguments[0]).data('parent')",
                                  CS + "EmbeddedTrust") == "typology"
    assert browser.execute_script("return coopsecGraph.getElementById(arguments[0]).data('parent')",
                                  CS + "War") == "schema"
    assert browser.execute_script("return coopsecGraph.edges()[0].style('target-arrow-shape')") != "none"
    browser.save_screenshot(str(SHOTS / "coopsec-concept-map.png"))
    # the search finds "embedded trust"
    search = browser.find_element(By.ID, "search")
    search.send_keys("embedded trust")
    wait(browser, lambda d: "embedded trust" in [a.text for a in d.find_elements(By.CSS_SELECTOR, "#search-results a")])
    assert browser.execute_script("return coopsecGraph.getElementById(arguments[0]).hasClass('match')",
                                  CS + "EmbeddedTrust")
    time.sleep(0.6)  # the view glides to the best match and its neighbours, close enough to read
    assert browser.execute_script("return coopsecGraph.zoom()") > 0.5
    box = browser.execute_script("return coopsecGraph.getElementById(arguments[0]).renderedBoundingBox()",
                                 CS + "EmbeddedTrust")
    assert 0 <= box["x1"] and box["x2"] <= browser.find_element(By.ID, "cy").size["width"]
    browser.save_screenshot(str(SHOTS / "coopsec-concept-map-search.png"))
    # filtering a relation kind hides its arrows
    browser.find_element(By.CSS_SELECTOR, 'input[data-relation="rdfs:subClassOf"]').click()
    # the classes change at once, but Cytoscape may restyle on its next frame (the search's glide can still
    # be running on a loaded machine, where CI once read the edges before it): wait for the style
    wait(browser, lambda d: d.execute_script("return coopsecGraph.edges('[relation = \"rdfs:subClassOf\"]')"
                                             ".filter(e => e.visible()).length") == 0, seconds=10)
    assert browser.execute_script("return coopsecGraph.edges('[relation = \"cs:conditionFor\"]')"
                                  ".filter(e => e.visible()).length") > 0
    assert console_errors(browser) == []
    # clicking the node opens the concept's page
    _click_node(browser, CS + "EmbeddedTrust")
    wait(browser, lambda d: d.current_url.endswith("/concept/EmbeddedTrust.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "embedded trust"


def test_the_served_concept_map_links_to_the_dereferenceable_iris(server: RunningServer, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    open_page(browser, server.url + "map")
    wait(browser, lambda d: d.execute_script("return !!window.coopsecGraph && coopsecGraph.nodes().length > 100"))
    assert console_errors(browser) == []
    _click_node(browser, CS + "SecurityDilemma")
    wait(browser, lambda d: d.current_url == server.url + "ontology/SecurityDilemma")
    assert "security dilemma" in browser.find_element(By.TAG_NAME, "h1").text


def test_clicking_a_work_shows_where_the_chapter_cites_it(server: RunningServer, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    open_page(browser, server.url + "site/citation-network.html")
    wait(browser, lambda d: d.execute_script("return !!window.coopsecGraph && coopsecGraph.nodes().length > 50"))
    _click_node(browser, "https://w3id.org/coopsec/id/work/jervis-1982")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#cited-where li"))
    notes = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#cited-where li")]
    assert any(n.startswith("note 27, p. 357") for n in notes), notes
    link = browser.find_element(By.CSS_SELECTOR, "#info a")
    assert link.get_attribute("href").endswith("/work/jervis-1982.html")
    browser.save_screenshot(str(SHOTS / "coopsec-citation-network.png"))
    assert console_errors(browser) == []


# --------------------------------------------------------------------------------------- case timeline

def test_a_case_timeline_shows_its_events_and_a_mark_leads_to_the_event(server: RunningServer, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    open_page(browser, server.url + "site/case/us-ussr.html")
    figure = browser.find_element(By.ID, "timeline")
    assert figure.size["width"] > 800 and figure.size["height"] > 400
    titles = browser.execute_script("return [...document.querySelectorAll('#timeline g.event-mark > title')]"
                                    ".map(t => t.textContent)")
    assert any("Cuban missile crisis" in t for t in titles)
    browser.execute_script("arguments[0].scrollIntoView()", figure)
    browser.save_screenshot(str(SHOTS / "coopsec-case-timeline.png"))
    # every event has its mark and its label, and none covers another as the page draws them: Osgood's
    # proposal and the Republicans' attack on it share a date (1962) and a kind (societies)
    boxes = browser.execute_script("""
        const out = {};
        for (const g of document.querySelectorAll('#timeline g[id^="event-"], #timeline g[id^="label-"]')) {
          const r = g.getBoundingClientRect(); out[g.id] = [r.left, r.top, r.right, r.bottom];
        }
        return out;""")
    assert {"event-osgood-grit-proposal", "event-rnc-attacks-osgood", "label-osgood-grit-proposal",
            "label-rnc-attacks-osgood"} <= set(boxes)
    assert len(boxes) == 12  # six events, a mark and a label each
    for name in ("osgood-grit-proposal", "rnc-attacks-osgood"):
        left, top, right, bottom = boxes[f"label-{name}"]
        assert right - left > 150 and bottom - top > 5  # drawn, and long enough to read
    clashes = [(a, b) for a in boxes for b in boxes if a < b and a.split("-", 1)[1] != b.split("-", 1)[1]
               and boxes[a][0] < boxes[b][2] and boxes[b][0] < boxes[a][2]
               and boxes[a][1] < boxes[b][3] and boxes[b][1] < boxes[a][3]]
    assert not clashes, clashes
    mark = browser.find_element(By.CSS_SELECTOR, "#timeline g#event-cuban-missile-crisis a")
    mark.click()
    wait(browser, lambda d: d.current_url.endswith("#cuban-missile-crisis"))
    assert console_errors(browser) == []


def test_the_served_site_shows_a_concept_page_with_its_pictures(server: RunningServer, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(server.url + "site/concept/SecurityDilemma.html")
    assert browser.find_element(By.TAG_NAME, "h1").text == "security dilemma"
    definition = browser.find_element(By.CLASS_NAME, "definition").text
    assert definition.startswith("The predicament of states under anarchy")
    browser.find_element(By.LINK_TEXT, "index").click()
    images = browser.find_elements(By.TAG_NAME, "img")
    assert len(images) == 2
    for image in images:  # loaded and drawn: a broken image has no natural width
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) > 1000
