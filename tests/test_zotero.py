"""Zotero in, unchanged: CSL-JSON and BibTeX as Zotero and Better BibTeX export them (tests/data/zotero/, written
by hand in the tools' exact shapes) are read as they come, with readable keys and the mapping reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cooperative_security.catalogue import list_works
from cooperative_security.ingest import ingest_paths
from cooperative_security.ingest.bibtex import read_bibtex_text
from cooperative_security.ingest.csl import read_csl_text
from cooperative_security.ingest.formats import key_changes
from cooperative_security.ingest.keys import kebab
from cooperative_security.kb import load_bundled
from cooperative_security.store import open_store

ZOTERO = Path(__file__).parent / "data" / "zotero"


@pytest.fixture
def store():  # type: ignore[no-untyped-def]
    s = open_store("memory:")
    load_bundled(s)
    yield s
    s.close()


def _read(name: str):  # type: ignore[no-untyped-def]
    path = ZOTERO / name
    reader = read_csl_text if path.suffix == ".json" else read_bibtex_text
    return reader(path.read_text(encoding="utf-8"), str(path))


def test_zotero_csl_json_item_uris_become_author_year_keys_and_citation_key_is_honoured() -> None:
    works, changes = _read("zotero-export.json")
    assert [w.key for w in works] == ["laudy-2000", "herz-1950", "booth-wheeler-2008"]
    laudy = works[0]
    assert laudy.kind == "chapter" and laudy.year == "2000" and laudy.publisher == "Rowman & Littlefield"
    assert [e.family for e in laudy.editors] == ["Greenberg", "Barton", "McGuinness"]
    assert works[1].pages == "157-180" and works[1].doi == "10.2307/2009187"
    by_original = {c.original: c for c in changes}
    assert by_original["http://zotero.org/users/4711502/items/7QJ4X2KB"].key == "laudy-2000"
    assert "authors and year" in by_original["http://zotero.org/users/4711502/items/7QJ4X2KB"].why
    assert by_original["http://zotero.org/users/4711502/items/Q8D2M4NX"].why == "the citation-key"
    assert str(changes[0]).endswith("item 1: http://zotero.org/users/4711502/items/7QJ4X2KB -> laudy-2000 "
                                    "(made from the authors and year, as the id is not a key)")


@pytest.mark.parametrize("name", ["better-bibtex.json", "better-bibtex.bib", "better-biblatex.bib"])
def test_better_bibtex_camel_case_keys_become_the_same_key_in_kebab_case(name: str) -> None:
    works, changes = _read(name)
    assert [w.key for w in works] == ["laudy-vatican-mediation-beagle-2000", "herz-idealist-internationalism-security-1950"]
    assert [(c.original, c.key) for c in changes] == [
        ("laudyVaticanMediationBeagle2000", "laudy-vatican-mediation-beagle-2000"),
        ("herzIdealistInternationalismSecurity1950", "herz-idealist-internationalism-security-1950")]
    herz = works[1]
    assert herz.year == "1950" and herz.container == "World Politics" and herz.volume == "2"
    assert works[0].place == "Lanham, MD"


def test_zotero_default_bibtex_keys_become_kebab_case() -> None:
    works, changes = _read("zotero-export.bib")
    assert [w.key for w in works] == ["laudy-vatican-2000", "herz-idealist-1950"]
    assert changes[0].record == "line 2" and changes[0].original == "laudy_vatican_2000"
    assert works[0].title.startswith("The Vatican Mediation of the Beagle Channel Dispute")


def test_derived_keys_never_collide_within_a_file() -> None:
    item = {"type": "book", "title": "T", "author": [{"family": "Doe", "given": "Jane"}],
            "issued": {"date-parts": [["2001"]]}}
    raw = json.dumps([{**item, "id": "http://zotero.org/users/1/items/A"},
                      {**item, "id": "http://zotero.org/users/1/items/B", "title": "U"}])
    works, changes = read_csl_text(raw, "two.json")
    assert [w.key for w in works] == ["doe-2001", "doe-2001-b"]
    assert "taken by an earlier entry" in changes[1].why


def test_kebab() -> None:
    assert kebab("laudyVatican2000") == "laudy-vatican-2000"
    assert kebab("laudy_vatican_2000") == "laudy-vatican-2000"
    assert kebab("Müller:Frieden1995") == "muller-frieden-1995"


def test_every_export_ingests_and_the_works_are_there(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name in ("zotero-export.json", "better-bibtex.bib"):
        report = ingest_paths(store, [ZOTERO / name])
        assert report.triples > 40
    works = {w.key: w for w in list_works(store)}
    assert {"laudy-2000", "laudy-vatican-mediation-beagle-2000", "herz-idealist-internationalism-security-1950"} <= set(works)
    laudy = works["laudy-2000"]
    assert laudy.iri == "https://w3id.org/coopsec/id/work/laudy-2000"
    assert "Beagle Channel" in (laudy.title or "") and laudy.authors == ["Mark Laudy"] and laudy.year == "2000"


def test_the_ingest_command_reports_the_mapping(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "My Library.bib"
    shutil.copy(ZOTERO / "zotero-export.bib", copy)
    result = cli("ingest", str(copy))
    assert result.code == 0, result.err
    assert "2 work key(s) made readable" in result.out
    assert "laudy_vatican_2000 -> laudy-vatican-2000 (the key in kebab-case)" in result.out
    assert [str(c) for c in key_changes([tmp_path])] == [
        f"{copy}: line 2: laudy_vatican_2000 -> laudy-vatican-2000 (the key in kebab-case)",
        f"{copy}: line 14: herz_idealist_1950 -> herz-idealist-1950 (the key in kebab-case)"]
