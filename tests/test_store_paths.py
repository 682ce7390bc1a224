"""Store paths as users write them: `~`, a folder that is not a store, a file, a store that is not there,
and a store used after it was closed. Each used to go wrong quietly (a literal `~` folder, database
files written among a user's files, a store created by `remove`) or with a raw AttributeError."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cooperative_security.errors import ClosedStore, StoreError
from cooperative_security.store import open_store


def test_a_tilde_in_the_store_path_is_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    monkeypatch.chdir(tmp_path)
    store = open_store("oxigraph:~/kb")
    try:
        assert store.path == tmp_path / "home" / "kb"  # type: ignore[attr-defined]
        assert store.spec == f"oxigraph:{tmp_path / 'home' / 'kb'}"
    finally:
        store.close()
    assert (tmp_path / "home" / "kb" / "CURRENT").is_file()
    assert not (tmp_path / "~").exists()  # it used to fail, or to make a folder named "~"


def test_a_folder_of_other_files_is_not_made_a_store(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(StoreError, match="holds other files \\(notes.csv\\) but no store"):
        open_store(f"oxigraph:{folder}")
    result = cli("cases", "--store", f"oxigraph:{folder}")
    assert result.code == 2 and "new or empty folder" in result.err and "Traceback" not in result.err
    assert os.listdir(folder) == ["notes.csv"]  # RocksDB's CURRENT, LOCK, LOG, *.sst used to be written here


def test_a_file_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "kb.ttl"
    path.write_text("", encoding="utf-8")
    with pytest.raises(StoreError, match="it is a file; an on-disk store is a folder"):
        open_store(f"oxigraph:{path}")


def test_an_empty_folder_and_an_existing_store_still_open(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for _ in range(2):  # the second time, the folder holds a store
        store = open_store(f"oxigraph:{tmp_path / 'empty'}")
        store.close()
    assert (tmp_path / "empty" / "CURRENT").is_file()


def test_remove_from_a_store_that_is_not_there_creates_nothing(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "no-store"
    result = cli("remove", "cases/x.yaml", "--store", f"oxigraph:{missing}")
    assert result.code == 2 and "there is no store" in result.err
    assert not missing.exists()  # it used to create an empty store and say it held nothing ingested


def test_a_closed_store_says_so(tmp_path: Path) -> None:
    store = open_store(f"oxigraph:{tmp_path / 'kb'}")
    store.close()
    assert store.closed
    store.close()  # closing twice is fine
    with pytest.raises(ClosedStore, match="was closed; open it again"):
        store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    with pytest.raises(AttributeError):
        store.no_such_attribute  # type: ignore[attr-defined]  # noqa: B018


def test_a_closed_stores_properties_say_so_too(tmp_path: Path) -> None:
    """`raw` and `reader` read the pyoxigraph store: after close() they said "no attribute 'raw'"."""
    store = open_store(f"oxigraph:{tmp_path / 'kb'}")
    store.close()
    for name in ("raw", "reader"):
        with pytest.raises(ClosedStore, match="was closed; open it again"):
            getattr(store, name)
