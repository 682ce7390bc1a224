"""Regressions of the CSL-JSON, BibTeX and RDF readers, one test per finding of the ingest prober.

1. CSL-JSON values of the wrong type (names as a string, a null name, ``issued`` as a string, JSON nested
   100,000 deep) gave "unexpected AttributeError ... please report"; a year of 99999 was cut to 9999 in the
   store, ``[["abc"]]`` became an untyped date, ``"id": 5`` became the IRI ``work/5``, and a top-level object
   was reported as an item without an id.
2. Control characters written as escapes (CSL ``\\u0000``, Turtle and N-Triples ``"a\\u0000b"``) were
   accepted, and the RDF/XML export then failed.
3. An IRI of 2,000,000 characters was accepted.
4. BibTeX LaTeX was garbled (``\\emphRealpolitik``, ``e̊laxO'Brien``); an undefined @string macro was
   reported without a line.
5. A BibTeX or CSL entry under a bundled work's key, describing another work, was taken silently, and the
   bundled evidence then cited it ("Aardvark 1066").

Each refusal runs the real command line on an on-disk store: exit 1, a message naming the file, the
record and what to fix, and the store exactly as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.cli import main
from cooperative_security.ingest.bibtex import read_bibtex_text
from cooperative_security.ingest.csl import read_csl_text
from cooperative_security.namespaces import DCTERMS, FOAF, instance
from cooperative_security.store import open_store

ZOTERO_URI = "http://zotero.org/users/1/items/AAAA"


@pytest.fixture(scope="module")
def spec(initialised_spec: str) -> str:
    return initialised_spec


def item(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {"id": ZOTERO_URI, "type": "book", "title": "A Book",
                               "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2001]]}}
    base.update(fields)
    return base


# --- 1: CSL-JSON of the wrong shape ------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "expected"), [
    pytest.param({"author": "Doe, Jane"}, ["field 'author'", "must be a list of names", "not the text 'Doe, Jane'"],
                 id="author-a-string"),
    pytest.param({"author": [None]}, ["field 'author'", "name 1 must be an object", "not null"], id="author-null"),
    pytest.param({"author": [{}]}, ["field 'author'", "name 1 has no family name"], id="author-empty-object"),
    pytest.param({"author": [{"family": 7}]}, ["field 'author'", "'family' must be text"], id="family-a-number"),
    pytest.param({"issued": "2001"}, ["field 'issued'", "must be a date object", '{"date-parts": [[2001]]}'],
                 id="issued-a-string"),
    pytest.param({"issued": {"date-parts": [[99999]]}}, ["field 'issued'", "the year 99999 is outside 1 to 9999"],
                 id="year-99999"),
    pytest.param({"issued": {"date-parts": [[0]]}}, ["field 'issued'", "the year 0 is outside 1 to 9999"],
                 id="year-0"),
    pytest.param({"issued": {"date-parts": [["abc"]]}}, ["field 'issued'", "must be a whole number",
                                                          "not the text 'abc'"], id="year-abc"),
    pytest.param({"issued": {"date-parts": "2001"}}, ["field 'issued'", "date-parts must be a list"],
                 id="date-parts-a-string"),
    pytest.param({"id": 5}, ["record item 1 (5)", "field 'id'", "the id must be a string", "not the number 5"],
                 id="id-a-number"),
    pytest.param({"type": ["book"]}, ["field 'type'", "must be text, one of", "not a list"], id="type-a-list"),
    pytest.param({"type": "patent"}, ["field 'type'", "unsupported type 'patent'; use one of"], id="type-unknown"),
    pytest.param({"title": {"a": 1}}, ["field 'title'", "must be text", "not an object"], id="title-an-object"),
    pytest.param({"container-title": ["x"]}, ["field 'container-title'", "must be text"], id="container-a-list"),
    pytest.param({"citation-key": 3}, ["field 'citation-key'", "must be text"], id="citation-key-a-number"),
])
def test_finding1_csl_values_of_the_wrong_type_are_located_errors(refused, fields: dict[str, object],  # type: ignore[no-untyped-def]
                                                                  expected: list[str]) -> None:
    refused("items.json", json.dumps([item(**fields)]), f"record item 1 ({fields.get('id', ZOTERO_URI)})",
            *expected)


def test_finding1_csl_a_top_level_object_is_not_an_array_of_items(refused) -> None:  # type: ignore[no-untyped-def]
    err = refused("one.json", '{"a": 1}', "must be a JSON array of items", "holds an object",
                  "if it is one item, put it in [ ]")
    assert "field 'id'" not in err
    refused("number.json", "5", "must be a JSON array of items", "holds the number 5")


def test_finding1_csl_json_nested_100000_deep_is_refused_before_parsing(refused) -> None:  # type: ignore[no-untyped-def]
    refused("deep.json", "[" * 100_000 + "]" * 100_000, "CSL-JSON nested deeper than 100 objects or arrays")


def test_finding1_csl_good_years_and_a_numeric_id_beside_a_citation_key_still_load(tmp_path: Path) -> None:
    path = tmp_path / "good.json"
    path.write_text(json.dumps([
        item(issued={"date-parts": [["1950", 5]]}),  # CSL allows the year as a string of digits
        item(id=7, **{"citation-key": "roe-0850"}, author=[{"family": "Roe"}], issued={"date-parts": [[850]]}),
        item(id="doe-forthcoming", issued={"literal": "forthcoming"}),
    ]))
    works = {w.key: w for w in read_csl_text(path.read_text(encoding="utf-8"), str(path))[0]}
    assert works["doe-1950"].year == "1950"
    assert works["roe-0850"].year == "0850"  # an xsd:gYear has four digits at least
    assert works["doe-forthcoming"].year == "forthcoming"


# --- 2: control characters written as escapes ----------------------------------------------------------------

@pytest.mark.parametrize("char", ["\u0000", "\u000b", "\u001b", "\uffff"])
def test_finding2_csl_escaped_control_characters_are_refused(refused, char: str) -> None:  # type: ignore[no-untyped-def]
    refused("ctl.json", json.dumps([item(title=f"A{char}B")]), "record item 1", "field 'title'",
            f"control character U+{ord(char):04X}", "delete it")
    refused("ctl-name.json", json.dumps([item(author=[{"family": f"Do{char}e"}])]), "field 'author'",
            f"U+{ord(char):04X}")


# RDF keeps them: they are valid RDF (the W3C suites hold them, tests/test_w3c*), and the RDF/XML export
# refuses them clearly (tests/test_input_caps.py)


def test_finding2_tab_and_line_breaks_stay_allowed(tmp_path: Path) -> None:
    path = tmp_path / "ok.json"
    path.write_text(json.dumps([item(note="line one\n\tline two\r\n")]))
    assert read_csl_text(path.read_text(encoding="utf-8"), str(path))[0]


# --- 3: the length of an IRI -------------------------------------------------------------------------------

def test_finding3_an_iri_over_the_cap_is_refused(refused, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    long = "http://example.org/" + "x" * 2_000_000
    refused("huge-iri.nt", f"<http://example.org/s> <http://example.org/p> <{long}> .\n",
            "an IRI of 2,000,019 characters", "longer than the 100,000 coopsec accepts", "COOPSEC_MAX_IRI")
    monkeypatch.setenv("COOPSEC_MAX_IRI", "50")
    refused("iri.ttl", f"<http://example.org/s> <http://example.org/{'p' * 40}> \"x\" .\n",
            "an IRI of 59 characters", "longer than the 50 coopsec accepts")
    refused("datatype.ttl", f"<http://a/s> <http://a/p> \"x\"^^<http://example.org/{'d' * 40}> .\n",
            "an IRI of 59 characters")


# --- 4: LaTeX in BibTeX -----------------------------------------------------------------------------------

LATEX = r"""@article{lx-2,
  author = {Schr{\"o}der, Gerhard and van der Berg, Jan and \relax{O'Brien}, Se{\'a}n and {World Bank}},
  title = {The \emph{Realpolitik} of {\em d{\'e}tente}: \textit{Ostpolitik} 1969--1974 and the {NATO} ``dual-track''},
  journal = {Journal of Cold War Studies},
  note = {50% of it, 100\% \& more},
  url = {http://example.org/a_b%20c},
  pages = {1--20},
  year = {2001}
}
"""


def test_finding4_bibtex_latex_becomes_text(spec: str, tmp_path: Path) -> None:
    path = tmp_path / "latex.bib"
    path.write_text(LATEX, encoding="utf-8")
    (work,) = read_bibtex_text(path.read_text(encoding="utf-8"), str(path))[0]
    assert work.title == "The Realpolitik of détente: Ostpolitik 1969–1974 and the NATO “dual-track”"
    assert [(p.family, p.given) for p in work.authors] == [
        ("Schröder", "Gerhard"), ("van der Berg", "Jan"), ("O'Brien", "Seán"), ("World Bank", "")]
    assert work.note == "50% of it, 100% & more"
    assert work.url == "http://example.org/a_b%20c" and work.pages == "1-20"
    # and so in the store, through the command line
    assert main(["ingest", str(path), "--store", spec]) == 0
    store = open_store(spec)
    try:
        titles, families = set(), set()
        for q in store.quads():
            if not isinstance(q.object, ox.Literal):
                continue
            if q.subject == instance("work", "lx-2") and q.predicate == ox.NamedNode(DCTERMS + "title"):
                titles.add(q.object.value)
            if q.predicate == ox.NamedNode(FOAF + "familyName"):
                families.add(q.object.value)
    finally:
        store.close()
    assert titles == {work.title}
    assert {"Schröder", "O'Brien"} <= families and not any("laxO" in f or "\\" in f for f in families)


def test_finding4_an_undefined_string_macro_is_located(refused) -> None:  # type: ignore[no-untyped-def]
    refused("macro.bib", '@string{jn = "Journal of Things"}\n\n@article{ok-1,\n  author = {X, Y},\n  title = {T},\n'
                         '  journal = jn,\n  year = {2000}\n}\n\n@article{mac-1,\n  author = {X, Y},\n  title = {Macro},\n'
                         '  journal = jn # " Quarterly",\n  year = undefinedmacro\n}\n',
            "macro.bib:14: record mac-1:", "the @string macro 'undefinedmacro' is used but not defined",
            "@string{undefinedmacro = {...}}")


# --- 5: a bundled work's key for another work --------------------------------------------------------------

def test_finding5_bibtex_entry_under_a_bundled_key_for_another_work_is_refused(refused) -> None:  # type: ignore[no-untyped-def]
    refused("collide.bib", "@article{milward-2006,\n  author = {Aardvark, Evil},\n  title = {A Totally Different Work},\n"
                           "  journal = {Fake},\n  year = {1066}\n}\n",
            "collide.bib:1: record milward-2006:", "the key 'milward-2006' is the bundled work Milward 2006",
            "this entry is Aardvark 1066", "another key, such as 'aardvark-1066'")
    # the same author, another year; a key made readable (Milward_2006) collides the same way
    refused("year.bib", "@article{Milward_2006,\n  author = {Milward, Alan},\n  title = {T},\n  year = {1999}\n}\n",
            "record Milward_2006:", "the key 'milward-2006' is the bundled work", "this entry is Milward 1999")


def test_finding5_csl_item_under_a_bundled_key_for_another_work_is_refused(refused) -> None:  # type: ignore[no-untyped-def]
    refused("collide.json", json.dumps([item(**{"citation-key": "milward-2006"})]),
            "record item 1", "the key 'milward-2006' is the bundled work Milward 2006", "this entry is Doe 2001",
            "such as 'doe-2001'")


def test_finding5_the_same_work_described_again_is_still_accepted(spec: str, tmp_path: Path) -> None:
    path = tmp_path / "again.bib"
    path.write_text("@article{milward-2006,\n  author = {Milward, Alan S. and Zed, Zoe},\n  title = {Another Title},\n"
                    "  year = {2006}\n}\n", encoding="utf-8")
    assert main(["ingest", str(path), "--store", spec]) == 0

