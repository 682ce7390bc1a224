"""The files scholars keep, as their tools save them: each finding of testing ingest on them, one test each.

1. Turtle and N-Triples files that begin with a UTF-8 byte order mark were refused (parsed in memory and
   bulk-loaded from disk alike).
2. Old Mac line ends (a lone carriage return) broke CSV, and BibTeX past its first entry.

A refusal runs the real command line on an on-disk store: exit 1, a message naming the file (and the line
or record) and what to do, and the store exactly as it was. What is read is checked in the store, or in
the works the real readers make.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from snapshots import snapshot

from cooperative_security.cli import main
from cooperative_security.ingest.base import read_text
from cooperative_security.ingest.bibtex import read_bibtex_text
from cooperative_security.ingest.naming import file_graph
from cooperative_security.ingest.works import Work
from cooperative_security.namespaces import DCTERMS, instance
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
        store = open_store(spec)
        before = snapshot(store)
        store.close()
        capsys.readouterr()
        code = main(["ingest", *map(str, paths), "--store", spec])
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


def test_2_csv_yaml_and_csl_json_with_lone_carriage_returns_are_read(spec: str, ingested: Ingested) -> None:
    case = ("id: crcase\nlabel: A case saved on an old Mac\nmembers: [frn, gfr]\nfrom: 1950\nevents:\n"
            "  - id: first\n    date: 1951\n    type: TreatySigned\n    by: [frn, gfr]\n    level: elite\n"
            "    label: A treaty\n    evidence: [{work: keating-wheeler-2013, kind: mentions, pages: \"1\"}]\n")
    csv = ("case,id,date,type,by,level,label,work,pages\n"
           "crcase,second,1952,TreatySigned,frn;gfr,elite,Another treaty,cr-csl-2001,12\n")
    csl = '[\n {"id": "cr-csl-2001", "type": "book", "title": "Saved on a Mac",\n  "author": [{"family": "Doe"}]}\n]\n'
    ingested({"crcase.yaml": case.replace("\n", "\r"), "cr-events.csv": csv.replace("\n", "\r"),
              "cr.json": csl.replace("\n", "\r")})
    assert _objects(spec, instance("work", "cr-csl-2001"), ox.NamedNode(DCTERMS + "title")) == {"Saved on a Mac"}
    assert _objects(spec, instance("event", "crcase/second"), ox.NamedNode(DCTERMS + "date")) == {"1952"}
