"""The files scholars keep, second round: what ingest still lost or refused wrongly, one test each.

1. A BibTeX ``@book``'s ``number`` beside its ``series`` (Adelphi Papers 123) was stored as a journal issue
   (bibo:issue); it is the book's number in the series (cs:seriesNumber), for a chapter from its volume too.
2. CSL-JSON's ``collection-number`` (the series number) was dropped.
3. A name's suffix, BibTeX's ``von Last, Jr, First`` form (``King, Jr., Martin Luther``) and CSL's ``suffix``,
   was dropped.
4. ``coopsec ingest FOLDER`` refused a folder that also holds a README.md, notes, a PDF or a backup ("unknown file
   type"); they are skipped and listed on stderr, while a data file that does not parse, or a file of a suffix
   coopsec does not read, is still refused.
5. A BibTeX ``crossref`` that writes the volume's key in another case (``Volume-Key`` for ``volume-key``) took
   nothing from the volume, or named no work at all.
6. A CSL-JSON ``volume`` of ``NaN`` or ``Infinity`` (json.loads reads both) was refused with the advice to quote
   ``"nan"``; a whole number written ``12.0`` (pandas) was refused.

A refusal runs the real command line on an on-disk store: exit 1, a message naming the file and what to do, and
the store exactly as it was. What is read is checked in the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from snapshots import snapshot

from cooperative_security.cli import main
from cooperative_security.ingest.base import read_text
from cooperative_security.ingest.bibtex import read_bibtex_text
from cooperative_security.ingest.works import Work
from cooperative_security.namespaces import BIBO, CS, DCTERMS, FOAF, instance
from cooperative_security.store import open_store

Run = Callable[..., str]
Cli = Callable[..., Any]  # conftest's ``cli``: a Result of code, out and err


@pytest.fixture(scope="module")
def spec(initialised_spec: str) -> str:
    return initialised_spec


def _write(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def refused(spec: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Run]:
    """``refused({name: content, ...}, *expected, folder=False)``: ingest the files (or, with ``folder``, the
    folder holding them) through the command line; it must exit 1 with every ``expected`` text in its message and
    no "please report", and leave the store unchanged."""

    def run(files: dict[str, str], *expected: str, folder: bool = False) -> str:
        paths = [_write(tmp_path / name, content) for name, content in files.items()]
        store = open_store(spec)
        before = snapshot(store)
        store.close()
        capsys.readouterr()
        code = main(["ingest", *map(str, [tmp_path] if folder else paths), "--store", spec])
        err = capsys.readouterr().err
        assert code == 1, err
        for text in expected:
            assert text in err, f"{text!r} not in: {err}"
        assert "please report" not in err and "unexpected" not in err, err
        store = open_store(spec)
        try:
            assert snapshot(store) == before, "a refused file changed the store"
        finally:
            store.close()
        return err

    yield run


@pytest.fixture
def ingested(spec: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Run]:
    """``ingested({name: content, ...}, folder=False)``: ingest the files (or the folder holding them) through
    the command line; it must exit 0. Returns stderr."""

    def run(files: dict[str, str], folder: bool = False) -> str:
        paths = [_write(tmp_path / name, content) for name, content in files.items()]
        capsys.readouterr()
        code = main(["ingest", *map(str, [tmp_path] if folder else paths), "--store", spec])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        return captured.err

    yield run


def _objects(spec: str, subject: ox.NamedNode, predicate: ox.NamedNode) -> set[str]:
    store = open_store(spec)
    try:
        return {q.object.value for q in store.quads() if q.subject == subject and q.predicate == predicate}
    finally:
        store.close()


def _works(path: Path, text: str) -> dict[str, Work]:
    """The works of a BibTeX file, as the real reader reads the file."""
    _write(path, text)
    return {w.key: w for w in read_bibtex_text(read_text(path), str(path))[0]}


SERIES, SERIES_NUMBER, ISSUE = ox.NamedNode(CS + "series"), ox.NamedNode(CS + "seriesNumber"), ox.NamedNode(BIBO + "issue")


# --- 1: a BibTeX book's number in its series ----------------------------------------------------------------

def test_1_a_bibtex_books_number_is_its_number_in_the_series_not_an_issue(spec: str, ingested: Run) -> None:
    ingested({"series.bib": (
        "@book{adelphi-2001,\n  author = {Doe, Jane},\n  title = {Deterrence Revisited},\n"
        "  series = {Adelphi Papers},\n  number = {123},\n  publisher = {IISS},\n  year = {2001}\n}\n"
        "@collection{series-volume-2002,\n  editor = {Roe, Richard},\n  title = {A Volume in a Series},\n"
        "  series = {Studies in Security},\n  number = {7},\n  year = {2002}\n}\n"
        "@incollection{series-chapter-2002,\n  author = {Poe, Edgar},\n  title = {A Chapter},\n"
        "  crossref = {series-volume-2002}\n}\n"
        "@article{series-article-2003,\n  author = {Doe, Jane},\n  title = {An Article},\n  journal = {Journal},\n"
        "  volume = {12},\n  number = {4},\n  year = {2003}\n}\n")})
    book = instance("work", "adelphi-2001")
    assert _objects(spec, book, SERIES) == {"Adelphi Papers"}
    assert _objects(spec, book, SERIES_NUMBER) == {"123"}
    assert _objects(spec, book, ISSUE) == set()
    # a chapter takes the series and its number from the volume it cross-references
    chapter = instance("work", "series-chapter-2002")
    assert (_objects(spec, chapter, SERIES), _objects(spec, chapter, SERIES_NUMBER)) == ({"Studies in Security"}, {"7"})
    assert _objects(spec, instance("work", "series-volume-2002"), ISSUE) == set()
    # an article's number is still its issue
    article = instance("work", "series-article-2003")
    assert (_objects(spec, article, ISSUE), _objects(spec, article, SERIES_NUMBER)) == ({"4"}, set())


# --- 2: CSL collection-number --------------------------------------------------------------------------------

def test_2_a_csl_collection_number_is_the_series_number(spec: str, ingested: Run) -> None:
    ingested({"collection.json": '[{"id": "csl-series-2004", "type": "book", "title": "The Military Balance", '
                                 '"collection-title": "Adelphi Papers", "collection-number": 345, "author": '
                                 '[{"family": "Doe"}], "issued": {"date-parts": [[2004]]}},'
                                 ' {"id": "csl-series-2005", "type": "book", "title": "Another", "collection-title": '
                                 '"Adelphi Papers", "collection-number": "346", "author": [{"family": "Roe"}]}]'})
    for key, number in (("csl-series-2004", "345"), ("csl-series-2005", "346")):
        work = instance("work", key)
        assert _objects(spec, work, SERIES) == {"Adelphi Papers"}
        assert _objects(spec, work, SERIES_NUMBER) == {number}
        assert _objects(spec, work, ISSUE) == set()


# --- 3: name suffixes ----------------------------------------------------------------------------------------

def test_3_a_name_suffix_is_kept_from_bibtex_and_csl(spec: str, ingested: Run, cli: Cli) -> None:
    ingested({"suffix.bib": "@book{king-1963,\n  author = {King, Jr., Martin Luther},\n  title = {Strength to "
                            "Love},\n  year = {1963}\n}\n",
              "suffix.json": '[{"id": "gates-1988", "type": "book", "title": "The Signifying Monkey", "author": '
                             '[{"family": "Gates", "given": "Henry Louis", "suffix": "Jr."}], "issued": '
                             '{"date-parts": [[1988]]}}]'})
    name, citation = ox.NamedNode(FOAF + "name"), ox.NamedNode(CS + "shortCitation")
    assert _objects(spec, instance("person", "king-ml"), name) == {"Martin Luther King Jr."}
    assert _objects(spec, instance("person", "king-ml"), ox.NamedNode(FOAF + "familyName")) == {"King"}
    assert _objects(spec, instance("person", "gates-hl"), name) == {"Henry Louis Gates Jr."}
    assert _objects(spec, instance("work", "king-1963"), citation) == {"King 1963"}
    # and shown where the works are listed
    result = cli("works", "--store", spec, "--format", "csv")
    assert result.code == 0, result.err
    rows = {line.split(",")[0]: line for line in result.out.splitlines()}
    assert "Martin Luther King Jr." in rows["king-1963"] and "Henry Louis Gates Jr." in rows["gates-1988"]


# --- 4: a folder that also holds a README ----------------------------------------------------------------------

BOOK = "@book{folder-book-2001,\n  author = {Doe, Jane},\n  title = {Kept in a Folder},\n  year = {2001}\n}\n"
NOT_DATA = {"README.md": "# My library\n", "notes.txt": "to read\n", "paper.pdf": "%PDF-1.4\n",
            "folder-refs.bib~": BOOK, ".DS_Store": "\x00", ".git/HEAD": "ref: refs/heads/main\n"}


def test_4_a_folders_documentation_and_hidden_files_are_skipped_and_listed(spec: str, ingested: Run,
                                                                            tmp_path: Path) -> None:
    err = ingested({"folder-refs.bib": BOOK, **NOT_DATA}, folder=True)
    assert _objects(spec, instance("work", "folder-book-2001"), ox.NamedNode(DCTERMS + "title")) == {"Kept in a Folder"}
    for skipped in (f"skipped {tmp_path / 'README.md'} (documentation, not data)",
                    f"skipped {tmp_path / 'notes.txt'} (documentation, not data)",
                    f"skipped {tmp_path / 'paper.pdf'} (documentation, not data)",
                    f"skipped {tmp_path / 'folder-refs.bib~'} (a backup, not data)",
                    f"skipped {tmp_path / '.DS_Store'} (hidden)", f"skipped {tmp_path / '.git'} (a hidden folder)"):
        assert skipped in err, f"{skipped!r} not in: {err}"


def test_4_a_data_file_of_the_folder_that_does_not_parse_is_still_refused(refused: Run) -> None:
    refused({"broken.bib": "@book{broken-2001,\n  title = {No Author},\n  year = {2001}\n}\n", **NOT_DATA},
            "broken.bib:1: record broken-2001", "an entry needs an author or an editor", folder=True)


def test_4_a_file_of_a_suffix_coopsec_does_not_read_is_still_refused(refused: Run) -> None:
    refused({"folder-other.bib": BOOK.replace("folder-book", "folder-other"), "README.md": "# x\n",
             "cases.xlsx": "PK\x03\x04"},
            "cases.xlsx: unknown file type '.xlsx'", "move any other file out of the folder", folder=True)


def test_4_a_folder_of_documentation_only_says_what_it_skipped(spec: str, cli: Cli, tmp_path: Path) -> None:
    _write(tmp_path / "README.md", "# nothing yet\n")
    result = cli("ingest", str(tmp_path), "--store", spec)
    assert result.code == 2, result.err  # a usage error: nothing to ingest
    assert f"holds no files to ingest; skipped: {tmp_path / 'README.md'} (documentation, not data)" in result.err


# --- 5: crossref in another case ------------------------------------------------------------------------------

@pytest.mark.parametrize(("volume_key", "crossref", "readable"), [
    ("Volume-Case-2001", "volume-case-2001", "volume-case-2001"),
    ("volume-lower-2001", "Volume-Lower-2001", "volume-lower-2001"),
    ("VolumeCamel2001", "volumecamel2001", "volume-camel-2001"),  # Better BibTeX's key, written in lower case
])
def test_5_a_crossref_finds_its_volume_whatever_the_case(spec: str, ingested: Run, volume_key: str, crossref: str,
                                                         readable: str) -> None:
    chapter_key = f"chapter-of-{readable}"
    ingested({f"{readable}.bib": (
        f"@collection{{{volume_key},\n  editor = {{Roe, Richard}},\n  title = {{The Volume}},\n"
        "  publisher = {Volume Press},\n  year = {2001}\n}\n"
        f"@incollection{{{chapter_key},\n  author = {{Doe, Jane}},\n  title = {{A Chapter}},\n"
        f"  crossref = {{{crossref}}},\n  pages = {{1--20}}\n}}\n")})
    chapter = instance("work", chapter_key)
    assert _objects(spec, chapter, ox.NamedNode(DCTERMS + "isPartOf")) == {instance("work", readable).value}
    assert _objects(spec, chapter, ox.NamedNode(DCTERMS + "publisher")) == {"Volume Press"}
    assert _objects(spec, chapter, ox.NamedNode(CS + "containerTitle")) == {"The Volume"}


def test_5_an_exact_match_is_taken_before_one_of_another_case(tmp_path: Path) -> None:
    works = _works(tmp_path / "exact.bib", (
        "@collection{Exact-Vol-2001,\n  editor = {Roe, Richard},\n  title = {Upper},\n  year = {2001}\n}\n"
        "@collection{exact-vol-2001-b,\n  editor = {Poe, Edgar},\n  title = {Other},\n  year = {2001}\n}\n"
        "@incollection{exact-chapter-2001,\n  author = {Doe, Jane},\n  title = {A Chapter},\n"
        "  crossref = {Exact-Vol-2001}\n}\n"))
    assert (works["exact-chapter-2001"].container, works["exact-chapter-2001"].container_key) == (
        "Upper", "exact-vol-2001")


# --- 6: a CSL volume of NaN, Infinity, 12.0, 12 or "" ---------------------------------------------------------

def _volume(key: str, volume: str) -> str:
    return (f'[{{"id": "{key}", "type": "article-journal", "title": "Volume {key}", "container-title": "Journal",'
            f' "volume": {volume}, "author": [{{"family": "Doe"}}], "issued": {{"date-parts": [[2001]]}}}}]')


def test_6_a_csl_volume_given_as_a_number_is_read_and_an_empty_one_is_none(spec: str, ingested: Run) -> None:
    ingested({"volumes.json": _volume("vol-int-2001", "12")[:-1] + ", " + _volume("vol-float-2001", "12.0")[1:-1]
              + ", " + _volume("vol-empty-2001", '""')[1:]})
    volume = ox.NamedNode(BIBO + "volume")
    assert _objects(spec, instance("work", "vol-int-2001"), volume) == {"12"}
    assert _objects(spec, instance("work", "vol-float-2001"), volume) == {"12"}
    assert _objects(spec, instance("work", "vol-empty-2001"), volume) == set()


@pytest.mark.parametrize(("value", "said"), [("NaN", "is NaN, which is no number (some exporters, such as pandas, "
                                                     "write it where a value is missing)"),
                                             ("Infinity", "is Infinity, which is no number a bibliography holds"),
                                             ("12.5", "not the number 12.5: quote it")])
def test_6_a_csl_volume_of_nan_or_infinity_is_refused_saying_what_it_is(refused: Run, value: str, said: str) -> None:
    err = refused({"nan.json": _volume("vol-nan-2001", value)}, "nan.json: record item 1 (vol-nan-2001): field "
                  "'volume'", said)
    if value != "12.5":
        assert 'leave "volume" out where there is none, or give it as text' in err
        assert '"nan"' not in err and '"inf"' not in err
