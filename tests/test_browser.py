"""A person's view: real headless Chromium on the query page and on a served site page."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cooperative_security.kb import open_knowledge_graph
from cooperative_security.serve import RunningServer, ServerConfig, prepare_store, start_server
from cooperative_security.site import build_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT = Path(tempfile.gettempdir()) / "coopsec-query-page.png"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() or not CHROMEDRIVER.exists(),
                                reason="needs Chromium: /usr/bin/chromium and /usr/bin/chromedriver "
                                       "(Debian packages chromium, chromium-driver)")

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


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def test_a_person_runs_a_query_from_the_page_and_reads_the_table(server: RunningServer, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url)
    assert "coopsec SPARQL endpoint" in browser.title
    textarea = browser.find_element(By.ID, "query")
    textarea.clear()
    textarea.send_keys(QUERY)
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "results-table")))
    table = browser.find_element(By.ID, "results-table")
    headers = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    assert headers == ["concept", "label"]
    labels = [td.text for td in table.find_elements(By.CSS_SELECTOR, "tbody tr td:nth-child(2)")]
    assert "security dilemma" in labels and "international anarchy" in labels
    assert labels == sorted(labels)
    status = browser.find_element(By.ID, "status").text
    assert status.startswith(f"{len(labels)} rows")
    # A concept IRI in the table is a link to the concept's own page on this server.
    link = table.find_element(By.LINK_TEXT, "https://w3id.org/coopsec/ontology#SecurityDilemma")
    assert link.get_attribute("href") == server.url + "ontology/SecurityDilemma"
    browser.save_screenshot(str(SCREENSHOT))
    link.click()
    WebDriverWait(browser, 30).until(ec.title_is("security dilemma"))
    assert "Keating and Wheeler 2013" in browser.find_element(By.TAG_NAME, "body").text


def test_a_bad_query_shows_the_parser_message(server: RunningServer, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url)
    textarea = browser.find_element(By.ID, "query")
    textarea.clear()
    textarea.send_keys("SELECT WHERE nonsense")
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "status").text.startswith("400"))
    assert "not valid SPARQL" in browser.find_element(By.ID, "status").text


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


def test_the_query_page_makes_javascript_iris_in_results_clickable(server: RunningServer, browser) -> None:  # type: ignore[no-untyped-def]
    """Item 8 of issue 13: only http(s) IRIs in a result become links; javascript: and data: IRIs are text."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url)
    textarea = browser.find_element(By.ID, "query")
    textarea.clear()
    textarea.send_keys('SELECT ?x WHERE { VALUES ?x { <javascript:alert(document.domain)> '
                       '<data:text/html,hi> <https://w3id.org/coopsec/ontology#SecurityDilemma> } }')
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "results-table")))
    table = browser.find_element(By.ID, "results-table")
    cells = [td.text for td in table.find_elements(By.CSS_SELECTOR, "tbody td")]
    assert "javascript:alert(document.domain)" in cells and "data:text/html,hi" in cells
    hrefs = [a.get_attribute("href") for a in table.find_elements(By.TAG_NAME, "a")]
    assert hrefs == [server.url + "ontology/SecurityDilemma"]
