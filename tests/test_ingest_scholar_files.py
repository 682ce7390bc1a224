"""The files scholars keep, as their tools save them: each finding of testing ingest on them, one test each.

1. Turtle and N-Triples files that begin with a UTF-8 byte order mark were refused (parsed in memory and
   bulk-loaded from disk alike).
2. Old Mac line ends (a lone carriage return) broke CSV, and BibTeX past its first entry.
3. BibTeX ``and others`` made an author called "others"; it means et al.
4. A BibTeX chapter that cross-references its volume took nothing from it (year, publisher, place, editors,
   the volume's title).
5. A line of a braced BibTeX value that reads ``key = value`` was taken for a field the parser dropped.
6. A BibTeX entry without a key was reported as an entry keyed by its first field's name.
7. A thesis's ``school``, a report's ``institution`` (the bundled gerner-etal-2002's too) and a CSL report's
   ``number`` were dropped.
8. Months were stored as written (``may``, ``5``) or not at all (CSL, BibLaTeX ``date``); now by name.
9. A CSL ``dropping-particle`` ("van") was dropped from the family name.
10. A CSL item without an id was refused; now keyed by its authors and year, and a made key that another
    work (of another title) holds is refused, naming both.
11. An actor id that another actors file declares (in the store, or earlier in the same ingest) was taken
    again without a word; it is refused at its `id` line.
12. An events CSV's empty spreadsheet rows (`,,,,`) were read as events of case ''; a `by` or `towards` holding
    commas was read as one unknown actor.
13. An empty CSV, CSL-JSON or YAML file was refused without saying it is empty.
14. A `.owl` file holding Turtle, OWL/XML or another OWL syntax got a parser error, not how to save it.

A refusal runs the real command line on an on-disk store: exit 1, a message naming the file (and the line
or record) and what to do, and the store exactly as it was. What is read is checked in the store, or in
the works the real readers make.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from snapshots import ingest_refused

from cooperative_security.cli import main
from cooperative_security.ingest.base import read_text
from cooperative_security.ingest.bibtex import read_bibtex_text
from cooperative_security.ingest.naming import file_graph
from cooperative_security.ingest.works import Work
from cooperative_security.namespaces import BIBO, CS, DCTERMS, FOAF, instance
from cooperative_security.store import open_store

BOM = b"\xef\xbb\xbf"

Refused = Callable[..., str]
Ingested = Callable[..., str]


@pytest.fixture(scope="module")
def spec(initialised_spec: str) -> str:
    return initialised_spec


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def refused(spec: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Refused]:
    """``refused({name: content, ...}, *expected)``: ingest the files through the command line; it must exit 1
    with every ``expected`` text in its message and no "please report", and leave the store unchanged."""

    def run(files: dict[str, str | bytes], *expected: str) -> str:
        paths = [_write(tmp_path / name, content) for name, content in files.items()]
        return ingest_refused(spec, paths, capsys, *expected)

    yield run


@pytest.fixture
def ingested(spec: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Ingested]:
    """``ingested({name: content, ...})``: ingest the files through the command line; it must exit 0."""

    def run(files: dict[str, str | bytes]) -> str:
        paths = [_write(tmp_path / name, content) for name, content in files.items()]
        capsys.readouterr()
        code = main(["ingest", *map(str, paths), "--store", spec])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        return captured.out + captured.err

    yield run


def _objects(spec: str, subject: ox.NamedNode, predicate: ox.NamedNode) -> set[str]:
    store = open_store(spec)
    try:
        return {q.object.value for q in store.quads() if q.subject == subject and q.predicate == predicate}
    finally:
        store.close()


def _works(path: Path, text: str | bytes) -> dict[str, Work]:
    """The works of a BibTeX file, as the real reader reads the file."""
    _write(path, text)
    return {w.key: w for w in read_bibtex_text(read_text(path), str(path))[0]}


# --- 1: a byte order mark before Turtle or N-Triples -------------------------------------------------------

TRIPLE = '<http://example.org/bom/s> <http://example.org/bom/p> "with a BOM" .\n'


@pytest.mark.parametrize("name", ["bom.ttl", "bom.nt"])
def test_1_turtle_and_ntriples_after_a_byte_order_mark_are_read(spec: str, ingested: Ingested, tmp_path: Path,
                                                                 name: str) -> None:
    ingested({name: BOM + TRIPLE.encode()})
    store = open_store(spec)
    try:
        assert {q.object.value for q in store.quads(file_graph(tmp_path / name))} == {"with a BOM"}
    finally:
        store.close()


@pytest.mark.parametrize("name", ["big-bom.ttl", "big-bom.nt"])
def test_1_a_bulk_loaded_file_after_a_byte_order_mark_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              name: str) -> None:
    from cooperative_security.ingest import ingest_paths

    monkeypatch.setenv("COOPSEC_STREAM_AFTER", "1")  # every Turtle and N-Triples file is bulk-loaded from disk
    path = _write(tmp_path / name, BOM + TRIPLE.encode())
    store = open_store(f"oxigraph:{tmp_path / 'kg'}")
    try:
        ingest_paths(store, [path])
        assert store.count(file_graph(path)) == 1
        ingest_paths(store, [_write(path, BOM + TRIPLE.replace("with", "still with").encode())])  # replaced
        assert {q.object.value for q in store.quads(file_graph(path))} == {"still with a BOM"}
    finally:
        store.close()


# --- 2: old Mac line ends (a lone carriage return) ----------------------------------------------------------

def test_2_bibtex_with_lone_carriage_returns_reads_every_entry_and_its_lines(refused: Refused, tmp_path: Path) -> None:
    bib = ("@book{cr-one-2001,\n  author = {Doe, Jane},\n  title = {One},\n  year = {2001}\n}\n\n"
           "@book{cr-two-2002,\n  author = {Roe, Jane},\n  title = {Two},\n  year = {2002}\n}\n")
    works = _works(tmp_path / "mac.bib", bib.replace("\n", "\r"))
    assert sorted(works) == ["cr-one-2001", "cr-two-2002"]
    # and a field given twice is still found, at its entry's line
    twice = bib.replace("  year = {2002}\n", "  year = {2002},\n  year = {2003}\n").replace("\n", "\r")
    refused({"cr.bib": twice}, "cr.bib:7: record cr-two-2002", "the field 'year' is given twice")


HEADER = "case,id,date,type,by,level,label,work,pages\n"


def _case(case: str) -> str:
    """A case file of one event, for an events CSV to add to."""
    return (f"id: {case}\nlabel: A case of the tests\nmembers: [frn, gfr]\nfrom: 1950\nevents:\n"
            "  - id: first\n    date: 1951\n    type: TreatySigned\n    by: [frn, gfr]\n    level: elite\n"
            "    label: A treaty\n    evidence: [{work: keating-wheeler-2013, kind: mentions, pages: \"1\"}]\n")


def test_2_csv_yaml_and_csl_json_with_lone_carriage_returns_are_read(spec: str, ingested: Ingested) -> None:
    case = _case("crcase")
    csv = (HEADER +
           "crcase,second,1952,TreatySigned,frn;gfr,elite,Another treaty,cr-csl-2001,12\n")
    csl = '[\n {"id": "cr-csl-2001", "type": "book", "title": "Saved on a Mac",\n  "author": [{"family": "Doe"}]}\n]\n'
    ingested({"crcase.yaml": case.replace("\n", "\r"), "cr-events.csv": csv.replace("\n", "\r"),
              "cr.json": csl.replace("\n", "\r")})
    assert _objects(spec, instance("work", "cr-csl-2001"), ox.NamedNode(DCTERMS + "title")) == {"Saved on a Mac"}
    assert _objects(spec, instance("event", "crcase/second"), ox.NamedNode(DCTERMS + "date")) == {"1952"}


# --- 3: BibTeX `and others` ---------------------------------------------------------------------------------

def test_3_bibtex_and_others_means_et_al_not_an_author(spec: str, ingested: Ingested, tmp_path: Path) -> None:
    bib = ("@article{others-2001,\n  author = {Doe, Jane and Roe, Richard and others},\n  title = {Many Hands},\n"
           "  journal = {Journal},\n  year = {2001}\n}\n"
           "@article{OthersAlone2002,\n  author = {Poe, Edgar and others},\n  title = {Alone},\n  year = {2002}\n}\n")
    works = _works(tmp_path / "others.bib", bib)
    assert [p.family for p in works["others-2001"].authors] == ["Doe", "Roe"]
    assert works["others-alone-2002"].et_al
    ingested({"others.bib": bib})
    citation = ox.NamedNode(CS + "shortCitation")
    assert _objects(spec, instance("work", "others-2001"), citation) == {"Doe et al. 2001"}
    assert _objects(spec, instance("work", "others-alone-2002"), citation) == {"Poe et al. 2002"}
    assert not _objects(spec, instance("person", "others"), ox.NamedNode(FOAF + "name"))


# --- 4: BibTeX crossref ------------------------------------------------------------------------------------

VOLUME = """@collection{xref-volume-2001,
  editor    = {Roe, Richard and Poe, Edgar},
  title     = {The Volume},
  publisher = {Volume Press},
  address   = {Leiden},
  year      = {2001}
}
"""


@pytest.mark.parametrize("etype", ["incollection", "inbook"])
def test_4_a_chapter_takes_what_it_lacks_from_the_volume_it_cross_references(spec: str, ingested: Ingested,
                                                                            etype: str) -> None:
    key = f"xref-{etype}-2001"
    ingested({f"{etype}.bib": VOLUME + f"@{etype}{{{key},\n  author = {{Doe, Jane}},\n  title = {{A Chapter}},\n"
                                       "  crossref = {xref-volume-2001},\n  pages = {1--20}\n}\n"})
    chapter = instance("work", key)
    assert _objects(spec, chapter, ox.NamedNode(DCTERMS + "issued")) == {"2001"}
    assert _objects(spec, chapter, ox.NamedNode(DCTERMS + "publisher")) == {"Volume Press"}
    assert _objects(spec, chapter, ox.NamedNode(CS + "placeOfPublication")) == {"Leiden"}
    assert _objects(spec, chapter, ox.NamedNode(CS + "containerTitle")) == {"The Volume"}
    assert _objects(spec, chapter, ox.NamedNode(BIBO + "editor")) == {instance("person", "roe-r").value,
                                                                      instance("person", "poe-e").value}
    assert _objects(spec, chapter, ox.NamedNode(DCTERMS + "isPartOf")) == {instance("work", "xref-volume-2001").value}


def test_4_what_the_chapter_gives_itself_stays(tmp_path: Path) -> None:
    works = _works(tmp_path / "own.bib", VOLUME + "@incollection{own-1999,\n  author = {Doe, Jane},\n"
                   "  title = {Own},\n  booktitle = {Its Own Title},\n  crossref = {xref-volume-2001},\n"
                   "  year = {1999},\n  publisher = {Own Press}\n}\n")
    own = works["own-1999"]
    assert (own.year, own.publisher, own.container, own.place) == ("1999", "Own Press", "Its Own Title", "Leiden")


# --- 5: a line inside a braced BibTeX value ----------------------------------------------------------------

def test_5_a_line_of_a_braced_value_that_reads_like_a_field_is_text(spec: str, ingested: Ingested,
                                                                   refused: Refused) -> None:
    ingested({"braced.bib": "@book{braced-2001,\n  author = {Doe, Jane},\n  title = {A Book},\n"
                            "  note = {Read with care:\n    year = 1999 is a misprint,\n    \"quoted = too\"},\n"
                            "  year = {2001}\n}\n"})
    assert _objects(spec, instance("work", "braced-2001"), ox.NamedNode(CS + "note")) == {
        'Read with care: year = 1999 is a misprint, "quoted = too"'}
    # a field given twice, or cut off from its entry by a stray brace, is still found
    refused({"twice.bib": "@book{twice-2001,\n  author = {Doe, Jane},\n  title = {A},\n  year = {2001},\n"
                          "  year = {2002}\n}\n"}, "twice.bib:1: record twice-2001", "the field 'year' is given twice")
    refused({"cut.bib": "@book{cut-2001,\n  author = {Doe, Jane},\n  title = {A}},\n  year = {2001}\n}\n"},
            "cut.bib:1: record cut-2001", "'year' could not be read")


# --- 6: a BibTeX entry without a key -----------------------------------------------------------------------

@pytest.mark.parametrize("opening", ["@book{\n", "@book{,\n"])
def test_6_an_entry_without_a_key_is_refused_saying_so(refused: Refused, opening: str) -> None:
    err = refused({"nokey.bib": "@book{fine-2001,\n  author = {Doe, Jane},\n  title = {Fine},\n  year = {2001}\n}\n\n"
                                + opening + "  author = {Roe, Jane},\n  title = {No Key},\n  year = {2002}\n}\n"},
                  "nokey.bib:7: the @book entry has no key", "write one after its opening brace")
    assert "'author'" not in err


# --- 7: a thesis's school, a report's institution and number -------------------------------------------------

def test_7_school_and_institution_are_the_publisher_and_a_csl_report_number_its_issue(
        spec: str, ingested: Ingested) -> None:
    ingested({
        "degrees.bib": "@phdthesis{school-2001,\n  author = {Doe, Jane},\n  title = {A Thesis},\n"
                       "  school = {University of Aberystwyth},\n  year = {2001}\n}\n"
                       "@techreport{institution-2002,\n  author = {Roe, Jane},\n  title = {A Report},\n"
                       "  institution = {RAND Corporation},\n  number = {R-123},\n  year = {2002}\n}\n",
        "reports.json": '[{"id": "csl-report-2003", "type": "report", "title": "A CSL Report", "number": "WP 7",'
                        ' "publisher": "SIPRI", "author": [{"family": "Poe"}]}]'})
    publisher, issue = ox.NamedNode(DCTERMS + "publisher"), ox.NamedNode(BIBO + "issue")
    assert _objects(spec, instance("work", "school-2001"), publisher) == {"University of Aberystwyth"}
    assert _objects(spec, instance("work", "institution-2002"), publisher) == {"RAND Corporation"}
    assert _objects(spec, instance("work", "institution-2002"), issue) == {"R-123"}
    assert _objects(spec, instance("work", "csl-report-2003"), issue) == {"WP 7"}


def test_7_the_bundled_cameo_report_has_its_publisher(spec: str) -> None:
    assert _objects(spec, instance("work", "gerner-etal-2002"), ox.NamedNode(DCTERMS + "publisher")) == {
        "International Studies Association annual meeting, New Orleans"}


# --- 8: months by name --------------------------------------------------------------------------------------

def test_8_a_month_is_stored_by_name_from_every_format(spec: str, ingested: Ingested) -> None:
    def entry(key: str, field: str) -> str:
        return f"@article{{{key},\n  author = {{Doe, Jane}},\n  title = {{{key}}},\n  {field}\n}}\n"

    def item(key: str, issued: str) -> str:
        return f'{{"id": "{key}", "type": "article-journal", "title": "{key}", "author": [{{"family": "Doe"}}], ' \
               f'"issued": {issued}}}'

    ingested({
        "months.bib": entry("m-macro-1999", "month = may,\n  year = {1999}") + entry("m-braced-1999", "month = {may},\n  year = {1999}")
        + entry("m-number-1999", "month = {5},\n  year = {1999}") + entry("m-date-1999", "date = {1999-05}")
        + entry("m-season-1999", "month = {Fall},\n  year = {1999}"),
        "months.json": "[" + ", ".join([item("m-parts-1999", '{"date-parts": [[1999, 5]]}'),
                                         item("m-text-parts-1999", '{"date-parts": [["1999", "5", "9"]]}'),
                                         item("m-raw-1999", '{"raw": "1999-05-09"}'),
                                         item("m-spring-1999", '{"date-parts": [[1999, 13]]}'),
                                         item("m-year-1999", '{"date-parts": [[1999]]}')]) + "]"})
    month = ox.NamedNode(CS + "month")
    got = {key: _objects(spec, instance("work", key), month) for key in (
        "m-macro-1999", "m-braced-1999", "m-number-1999", "m-date-1999", "m-parts-1999", "m-text-parts-1999",
        "m-raw-1999", "m-spring-1999", "m-season-1999", "m-year-1999")}
    assert got == {**{key: {"May"} for key in got}, "m-spring-1999": {"Spring"}, "m-season-1999": {"Fall"},
                   "m-year-1999": set()}


# --- 9: CSL dropping-particle -------------------------------------------------------------------------------

def test_9_a_dropping_particle_is_part_of_the_family_name(spec: str, ingested: Ingested) -> None:
    ingested({"particle.json": '[{"id": "particle-1999", "type": "book", "title": "Causes of War", "issued": '
                               '{"date-parts": [[1999]]}, "author": [{"family": "Evera", "given": "Stephen", '
                               '"dropping-particle": "van"}]}]'})
    assert _objects(spec, instance("work", "particle-1999"), ox.NamedNode(CS + "shortCitation")) == {
        "van Evera 1999"}
    assert _objects(spec, instance("person", "van-evera-s"), ox.NamedNode(FOAF + "familyName")) == {"van Evera"}


# --- 10: the key of a CSL item without an id ------------------------------------------------------------------

def _no_id(title: str, family: str = "Keyless", year: int = 1987) -> str:
    return (f'{{"type": "book", "title": "{title}", "author": [{{"family": "{family}"}}], '
            f'"issued": {{"date-parts": [[{year}]]}}}}')


def test_10_an_item_without_an_id_is_keyed_by_its_authors_and_year(spec: str, ingested: Ingested) -> None:
    out = ingested({"keyless.json": f"[{_no_id('The First Book')}]"})
    assert "keyless-1987" in out  # the key is reported, for case files to cite
    assert _objects(spec, instance("work", "keyless-1987"), ox.NamedNode(DCTERMS + "title")) == {"The First Book"}
    # the same work again (a subtitle added) is the same work, described again
    ingested({"keyless-again.json": f"[{_no_id('The First Book: With a Subtitle')}]"})
    # a key the user gave says the work is the same, whatever its title
    ingested({"given-a.json": '[{"id": "given-1987", "type": "book", "title": "One Title", "author": '
                              '[{"family": "Given"}], "issued": {"date-parts": [[1987]]}}]'})
    ingested({"given-b.json": '[{"id": "given-1987", "type": "book", "title": "Quite Another Title", "author": '
                              '[{"family": "Given"}], "issued": {"date-parts": [[1987]]}}]'})


def test_10_a_made_key_another_work_holds_is_refused_naming_both(ingested: Ingested, refused: Refused) -> None:
    ingested({"first-of-two.json": f"[{_no_id('An Early Work', 'Twokeys')}]"})
    refused({"second-of-two.json": f"[{_no_id('A Different Work', 'Twokeys')}]"},
            "second-of-two.json: record item 1", "the key 'twokeys-1987'", "made this entry's key from its authors and year",
            "titled 'An Early Work'", "titled 'A Different Work'", "first-of-two.json", "Give it another key")
    # two files of one ingest, alike
    refused({"a-of-two.json": f"[{_no_id('Work A', 'Together')}]", "b-of-two.json": f"[{_no_id('Work B', 'Together')}]"},
            "b-of-two.json: record item 1", "'together-1987'", "titled 'Work A'", "a-of-two.json, ingested with it")
    # and a bundled work's key, made for another work
    refused({"bundled-clash.json": '[{"type": "book", "title": "Not the Bundled Work", "author": [{"family": '
                                   '"Milward"}], "issued": {"date-parts": [[2006]]}}]'},
            "'milward-2006'", "the bundled work Milward 2006", "titled 'Not the Bundled Work'")



# --- 11: an actor id another actors file declares -----------------------------------------------------------

def test_11_an_actor_id_another_file_declares_is_refused_at_its_id_line(ingested: Ingested, refused: Refused) -> None:
    ingested({"first-actors.yaml": "states:\n  - id: freedonia\n    name: Freedonia\n"})
    refused({"second-actors.yaml": "organisations:\n  - name: Freedonia League\n    id: freedonia\n"},
            "second-actors.yaml:3: record freedonia: field 'id'", "the actor id 'freedonia' is declared in",
            "first-actors.yaml already", "give this one another id")
    # two files of one ingest, alike
    refused({"a-actors.yaml": "states:\n  - id: sylvania\n    name: Sylvania\n",
             "b-actors.yaml": "people:\n  - id: sylvania\n    name: Sylvania the Person\n"},
            "b-actors.yaml:2: record sylvania: field 'id'", "the actor id 'sylvania' is declared in",
            "a-actors.yaml already")
    # the file itself, ingested again, edited, replaces its own actors
    ingested({"first-actors.yaml": "states:\n  - id: freedonia\n    name: Freedonia, renamed\n"})


# --- 12: an events CSV as a spreadsheet saves it -------------------------------------------------------------

def test_12_empty_spreadsheet_rows_are_blank_lines(spec: str, ingested: Ingested) -> None:
    ingested({"rowcase.yaml": _case("rowcase"),
              "rows.csv": HEADER + ",,,,,,,,\n" + "rowcase,second,1952,TreatySigned,frn;gfr,elite,Another,"
                          "keating-wheeler-2013,2\n" + " , ,,,,,,,\n"})
    assert _objects(spec, instance("event", "rowcase/second"), ox.NamedNode(DCTERMS + "date")) == {"1952"}


def test_12_actors_separated_by_commas_are_told_to_use_semicolons(ingested: Ingested, refused: Refused) -> None:
    ingested({"commacase.yaml": _case("commacase")})
    refused({"commas.csv": HEADER + 'commacase,second,1952,TreatySigned,"frn, gfr",elite,Another,'
                                    'keating-wheeler-2013,2\n'},
            "commas.csv:2: record commacase/second: field 'by'", "separates actors with commas",
            "separate them with `;` (frn;gfr)")
    refused({"unquoted.csv": HEADER.replace("\n", ",towards\n") + "commacase,third,1952,TreatySigned,frn,elite,"
                                                                  "Another,keating-wheeler-2013,2,gfr,usa\n"},
            "unquoted.csv:2", "11 fields where the header has 10", "actors in `by` and `towards` are separated by `;`")


# --- 13: empty files -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "expected"), [
    ("empty.csv", "", "an events CSV starts with a header line"),
    ("comments.csv", "# only a comment\n\n", "the file is empty but for comments"),
    ("empty.json", "", "a CSL-JSON file is a JSON array of items"),
    ("blank.json", " \n\n", "a CSL-JSON file is a JSON array of items"),
    ("empty.yaml", "", "`coopsec schema case` and `coopsec schema actors` print the layouts"),
    ("comments.yaml", "# to do\n", "or holds only comments"),
])
def test_13_an_empty_file_is_refused_saying_it_is_empty(refused: Refused, name: str, content: str,
                                                        expected: str) -> None:
    refused({name: content}, f"{name}: the file is empty", expected)


# --- 14: an .owl file in another syntax ----------------------------------------------------------------------

OWL_XML = """<?xml version="1.0"?>
<Ontology xmlns="http://www.w3.org/2002/07/owl#" xml:base="http://example.org/onto"
     xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" ontologyIRI="http://example.org/onto">
    <Prefix name="" IRI="http://example.org/onto#"/>
    <Declaration><Class IRI="#Alliance"/></Declaration>
</Ontology>
"""


@pytest.mark.parametrize(("content", "expected"), [
    ("# saved by hand\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<http://example.org/A> a owl:Class .\n",
     "this file holds Turtle (or N-Triples), but a .owl file is read as RDF/XML: rename it to .ttl"),
    (OWL_XML, "this file holds OWL/XML, which coopsec does not read (a .owl file is read as RDF/XML): save it as "
              "RDF/XML (in Protégé: File > Save as... > RDF/XML Syntax)"),
    ("Prefix(:=<http://example.org/onto#>)\nOntology(<http://example.org/onto>\nDeclaration(Class(:A)))\n",
     "this file holds OWL functional syntax, which coopsec does not read"),
])
def test_14_an_owl_file_in_another_syntax_is_told_how_to_save_it(refused: Refused, content: str,
                                                                 expected: str) -> None:
    refused({"saved.owl": content}, "saved.owl: ", expected)
