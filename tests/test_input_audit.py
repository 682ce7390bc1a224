"""What an attacker's probes of the ingest met on 2 December 2026: each is now a located error that names
the file and says what to do, and the store is left as it was. (An empty RDF file stays accepted: it is a
valid document, a W3C positive syntax test that tests/test_w3c.py runs.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from cooperative_security.errors import InputError
from cooperative_security.ingest import ingest_paths
from cooperative_security.ingest.base import load_yaml
from cooperative_security.store import open_store

LONG = "9" * 5000


def _refused(path: Path) -> str:
    """The message of the InputError an ingest of ``path`` raises, the store checked unchanged."""
    store = open_store("memory:")
    try:
        before = sorted(str(g) for g in store.graph_names())
        with pytest.raises(InputError) as caught:
            ingest_paths(store, [path])
        assert sorted(str(g) for g in store.graph_names()) == before
        return str(caught.value)
    finally:
        store.close()


def test_a_yaml_number_too_long_for_python_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(f"id: x\nvalue: {LONG}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    assert f"{path}:2" in str(caught.value) and "too long to read" in str(caught.value)
    assert "internal error" not in str(caught.value)


@pytest.mark.parametrize("name, text, said", [
    ("refs.json", '[{"id": "a-2001", "type": "book", "title": "T", "author": [{"family": "A"}], '
                  f'"issued": {{"date-parts": [[{LONG}]]}}}}]', "more than 4,300 digits"),
    ("refs2.json", '[{"id": "a-2001", "type": "book", "title": "T", "author": [{"family": "A"}], '
                   f'"issued": {{"date-parts": [["{LONG}"]]}}}}]', "must be a whole number"),
])
def test_bad_files_are_refused_and_the_store_left_as_it_was(tmp_path: Path, name: str, text: str,
                                                            said: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    message = _refused(path)
    assert str(path) in message and said in message
    assert "coopsec cannot read this" not in message  # the readers' fallback for the unforeseen


BOOK = """@book{{audit-2001,
  author = {{Auditor, Ann}},
{fields}
}}
"""


@pytest.mark.parametrize("fields, said", [
    ("  title = {An Audit}},\n  publisher = {Press},\n  year = {2001},",
     "the fields 'publisher', 'year' could not be read"),
    ("  title = {An Audit},\n  year = {2001},\n  year = {2002},", "the field 'year' is given twice"),
])
def test_bibtex_fields_the_parser_would_drop_are_refused(tmp_path: Path, fields: str, said: str) -> None:
    """bibtexparser keeps one of two fields of the same name, and a stray brace ends an entry before the
    fields after it, both without a word: the work was stored without its year."""
    path = tmp_path / "refs.bib"
    path.write_text(BOOK.format(fields=fields), encoding="utf-8")
    message = _refused(path)
    assert f"{path}:1" in message and said in message


def test_a_csl_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "refs.json"
    path.write_text('[{"id": "audit-2001", "id": "other-1999", "type": "book", "title": "T", '
                    '"author": [{"family": "A"}], "issued": {"date-parts": [[2001]]}}]', encoding="utf-8")
    assert "the key 'id' twice" in _refused(path)


def test_ingest_dataset_given_a_folder_says_so(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("ingest-dataset", "mid", str(tmp_path))
    assert result.code == 1
    assert "that is a folder" in result.err and "no such file" not in result.err
