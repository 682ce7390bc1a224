"""The documentation site: it builds with strict warnings, every internal link of the built HTML resolves,
and the reference pages hold every command, query, rule and ontology term of the tree."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import chromium
import pytest
from chromium import console_errors, needs_chromium, wait

pytest.importorskip("mkdocs", reason="the docs extra: pip install -e \".[docs]\"")
pytest.importorskip("material", reason="the docs extra: pip install -e \".[docs]\"")

from cooperative_security.cli import main  # noqa: E402
from cooperative_security.docs import build_docs  # noqa: E402
from cooperative_security.docs.reference import queries_reference  # noqa: E402
from cooperative_security.errors import UsageError  # noqa: E402
from cooperative_security.queries import list_queries  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
browser = chromium.browser  # the session's Chromium (a fixture)


class _Tables(HTMLParser):
    """Each table of a page as rows of (tag, text) cells, and whether each row sits in a <thead>."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[tuple[bool, list[tuple[str, str]]]]] = []
        self.classes: list[str] = []
        self._head = False
        self._cell: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
            self.classes.append(dict(attrs).get("class") or "")
        elif tag == "thead":
            self._head = True
        elif tag == "tr":
            self.tables[-1].append((self._head, []))
        elif tag in ("th", "td"):
            self._cell = (tag, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._head = False
        elif tag in ("th", "td") and self._cell is not None:
            self.tables[-1][-1][1].append((self._cell[0], "".join(self._cell[1]).strip()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1].append(data)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value:
                self.links.append(value)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = (tmp_path_factory.mktemp("docs") / "site").resolve()
    code = main(["docs", "-o", str(out)])
    assert code == 0
    yield out
    shutil.rmtree(out, ignore_errors=True)


def test_the_site_builds_strictly_with_every_section(site: Path) -> None:
    for page in ("index.html", "getting-started.html", "guide/index.html", "guide/explanations.html",
                 "operations/stores.html", "operations/reliability.html", "development/extending.html",
                 "reference/cli.html", "reference/queries.html", "reference/rules.html", "reference/ontology.html",
                 "reference/python.html"):
        assert (site / page).is_file(), page
    nav = (site / "index.html").read_text(encoding="utf-8")
    for section in ("Getting started", "User guide", "Operations", "Reference", "Development"):
        assert section in nav


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    pages = {p.resolve(): _parse(p) for p in site.rglob("*.html")}
    assert len(pages) > 20
    broken = []
    checked = 0
    for page, parsed in pages.items():
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("//", "mailto:", "data:")):
                continue
            base = site if parts.path.startswith("/") else page.parent  # 404.html links from the site root
            target = page if not parts.path else (base / unquote(parts.path).lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {link} (no file)")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(site)}: {link} (no anchor)")
    assert checked > 1000
    assert not broken, "\n".join(broken[:40])


def test_the_references_are_generated_from_the_tree(site: Path) -> None:
    cli = (site / "reference/cli.html").read_text(encoding="utf-8")
    for command in ("classify", "timeline", "serve", "site", "dyads", "docs", "query", "export"):
        assert f'id="coopsec-{command}"' in cli
    assert "--explain" in cli and "--max-results" in cli
    queries = (site / "reference/queries.html").read_text(encoding="utf-8")
    every = list_queries()
    assert len(every) > 50
    for q in every:
        assert f'id="{q.name.replace("/", "-").replace(".", "-")}"' in queries, q.name
    rules = (site / "reference/rules.html").read_text(encoding="utf-8")
    assert 'id="rule-no-force"' in rules and "cs:windowYears" in rules and "deutsch-etal-1957, p. 5" in rules
    ontology = (site / "reference/ontology.html").read_text(encoding="utf-8")
    for term in ("cs-SecurityDilemma", "cs-SecurityCommunity", "cs-LeapOfTrust", "cs-stageOf", "cs-pages"):
        assert f'id="{term}"' in ontology, term
    for heading in ("Namespaces", "Classes", "Annotation properties"):
        assert heading in ontology
    assert "The predicament of states under anarchy" in ontology
    python = (site / "reference/python.html").read_text(encoding="utf-8")
    assert "open_knowledge_graph" in python and "classify" in python


def test_no_table_of_the_site_has_an_empty_header_row(site: Path) -> None:
    """The ontology reference's term tables are pyLODE's: a name a row, no header row. As Markdown tables
    they had a header row of empty cells above every one of its ~300 tables."""
    empty, tables = [], 0
    for page in sorted(site.rglob("*.html")):
        parsed = _Tables()
        parsed.feed(page.read_text(encoding="utf-8"))
        for table in parsed.tables:
            tables += 1
            for head, cells in table:
                if head and not all(text for _, text in cells):
                    empty.append(f"{page.relative_to(site)}: {[text for _, text in cells]}")
    assert tables > 400
    assert not empty, "\n".join(empty[:10])
    parsed = _Tables()
    parsed.feed((site / "reference/ontology.html").read_text(encoding="utf-8"))
    terms = [t for t, cls in zip(parsed.tables, parsed.classes, strict=True) if cls == "coopsec-term"]
    assert len(terms) > 300
    for table in terms:  # every row: its name, then its value
        assert all(not head and [tag for tag, _ in cells] == ["th", "td"] and cells[1][1] for head, cells in table)
    dilemma = next(dict(cells for _, cells in [(h, [c[1] for c in row]) for h, row in t])
                   for t in terms if any(row[1][1].endswith("ontology#SecurityDilemma") for _, row in t))
    assert dilemma["definition"].startswith("The predicament of states under anarchy")
    assert dilemma["superclasses"] == "cs:SecurityCondition" and "herz-1950, p. 157" in dilemma["sources"]


def test_the_ontology_reference_lists_the_namespaces_it_uses_and_no_others(site: Path) -> None:
    import re

    page = (site / "reference/ontology.html").read_text(encoding="utf-8")
    start, end = page.index('id="namespaces"'), page.index('id="index"')
    listed = set(re.findall(r"<td><code>([a-z]+)</code></td>", page[start:end]))
    assert {"cs", "owl", "rdfs", "skos", "dcterms", "xsd", "work"} <= listed
    assert not listed & {"brick", "sosa", "odrl", "schema"}  # rdflib's own bindings, unused by the ontology
    used = set(re.findall(r"<code>([a-z]+):[A-Za-z]", page[end:])) | set(re.findall(r">([a-z]+):[A-Za-z]+</a>", page[end:]))
    assert used and used <= listed, used - listed


@needs_chromium
def test_the_search_finds_embedded_trust_in_the_site_opened_from_disk(site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    """Opened from file:// (no server), the search loads its index and runs: the offline plugin inlines the
    index as a script, and the vendored iframe-worker shim runs the search worker, which a browser refuses
    to start from file:// by itself."""
    from selenium.webdriver.common.by import By

    browser.get((site / "guide" / "index.html").as_uri())
    console_errors(browser)
    browser.refresh()
    search = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")  # the box in the header
    search.click()
    search.send_keys("embedded trust")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result__item"))
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")]
    target = next(h for h in links if h.endswith("#cs-EmbeddedTrust"))
    assert target.startswith((site / "reference" / "ontology.html").as_uri())
    assert "matching documents" in browser.find_element(By.CSS_SELECTOR, ".md-search-result__meta").text
    assert console_errors(browser) == []
    link = browser.find_element(By.CSS_SELECTOR, f'.md-search-result__item a[href="{target}"]')
    if not link.is_displayed():  # among the page's further matches: unfold them, as a person would
        link.find_element(By.XPATH, "ancestor::details/summary").click()
    link.click()
    wait(browser, lambda d: d.current_url.endswith("#cs-EmbeddedTrust"))
    assert browser.find_element(By.ID, "cs-EmbeddedTrust").text.startswith("embedded trust")


def test_a_new_query_appears_in_the_reference_without_editing_it(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "queries", tmp_path / "queries")
    (tmp_path / "queries" / "concepts" / "brand-new.rq").write_text(
        "# A brand new question\n#\n# Answers: whether the reference follows the tree.\n# Parameters:\n"
        "#   ?concept iri  the concept\nSELECT ?concept WHERE { ?concept ?p ?o }\n", encoding="utf-8")
    text = queries_reference(tmp_path / "queries")
    assert "concepts/brand-new" in text and "A brand new question" in text and "`?concept`" in text


def test_an_answer_over_several_header_lines_is_given_whole() -> None:
    """The reference cut each query's "Answers:" at its first line ("...events of the types of")."""
    from cooperative_security.queries import load_query

    trust = load_query("classify/50-trust")
    assert trust.answers.startswith("at each checkpoint, the elite trust evidence")
    assert trust.answers.endswith("which becomes that rule's obstacle.")
    assert "(derived from the single societal piece, if any)." in trust.answers
    assert "Parameters" not in trust.answers and "#" not in trust.answers
    text = queries_reference()
    assert "not read as fear or mistrust" in text


def test_a_broken_link_fails_the_strict_build_naming_the_page(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "docs" / "guide" / "broken-example.md").write_text(
        "# Broken\n\nSee [nowhere](no-such-page.md).\n", encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "cooperative_security/docs/hooks.py", str(ROOT / "cooperative_security/docs/hooks.py")).replace(
        "paths: [.]", f"paths: [{ROOT}]")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    with pytest.raises(UsageError, match="no-such-page.md"):
        build_docs(tmp_path / "out", tmp_path / "mkdocs.yml")
    # the page joined the navigation on its own (the hook), which is how the link was checked at all


def test_the_readme_is_short_and_its_links_and_commands_hold() -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = readme.splitlines()
    assert 150 <= len(lines) <= 200, len(lines)
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme):
        if "://" not in target:
            assert (ROOT / target).is_file(), f"README links to {target}, which does not exist"
    # The two commands: install and the main job; the tests, as .ci/run runs them.
    assert "pip install -e . && coopsec classify" in readme
    assert 'pip install -e ".[test]" && python -m pytest -q' in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert '-e ".[test]"' in ci and "pytest -q" in ci
    # Every command the README shows exists.
    from cooperative_security.docs.reference import cli_reference

    known = set(re.findall(r"^## `coopsec ([a-z-]+)`", cli_reference(), re.M))
    used = set(re.findall(r"^\s*coopsec ([a-z][a-z-]+)", readme, re.M)) | set(re.findall(r"`coopsec ([a-z][a-z-]+)", readme))
    assert used and used <= known, used - known


def test_the_site_builds_strictly_without_the_pages_other_work_adds(tmp_path: Path) -> None:
    from cooperative_security.docs.hooks import EXPECTED

    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    removed = [rel for rel in EXPECTED if (tmp_path / "docs" / rel).exists()]
    for rel in removed:
        (tmp_path / "docs" / rel).unlink()
    shutil.rmtree(tmp_path / "docs" / "notebooks", ignore_errors=True)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "cooperative_security/docs/hooks.py", str(ROOT / "cooperative_security/docs/hooks.py")).replace(
        "paths: [.]", f"paths: [{ROOT}]")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    pages = build_docs(tmp_path / "out", tmp_path / "mkdocs.yml")
    names = {p.relative_to(tmp_path / "out").as_posix() for p in pages}
    assert "guide/explanations.html" in names and "reference/rules.html" in names
    assert not any(rel.replace(".md", ".html") in names for rel in removed)
