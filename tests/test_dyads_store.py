"""One pipeline through the store: `ingest-dataset dyad-years DIR` -> store -> `dyads --store` and
`compare --store`, giving what the in-memory path gives from the same files (the slices under tests/data)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from cooperative_security.ingest.dyad_years import DYADS_GRAPH, DataFiles
from cooperative_security.store import open_store

LAYOUT = Path(__file__).parent / "data" / "layout"


@pytest.fixture
def store(cli, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    spec = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", spec).code == 0
    loaded = cli("ingest-dataset", "dyad-years", str(LAYOUT), "--store", spec)
    assert loaded.code == 0, loaded.err
    assert "graph/dyads" in loaded.out
    return spec


@pytest.mark.parametrize("directed", [False, True])
def test_dyads_from_the_store_are_the_dyads_from_the_files(cli, store: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           directed: bool) -> None:
    extra = ["--directed"] if directed else []
    from_store = cli("dyads", "--store", store, "--from", "1950", "--to", "2010", "-o",
                     str(tmp_path / "store.csv"), *extra)
    assert from_store.code == 0, from_store.err
    from_files = cli("dyads", "--data-dir", str(LAYOUT), "--from", "1950", "--to", "2010", "-o",
                     str(tmp_path / "files.csv"), *extra)
    assert from_files.code == 0, from_files.err
    text = (tmp_path / "store.csv").read_text()
    assert len(text.splitlines()) > 800
    assert text == (tmp_path / "files.csv").read_text()


def test_compare_takes_the_dyad_years_from_the_store(cli, store: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("COOPSEC_DATA", raising=False)
    from_store = cli("compare", "--store", store, "--all", "--format", "csv")
    assert from_store.code == 0, from_store.err
    from_files = cli("compare", "--store", store, "--data-dir", str(LAYOUT), "--all", "--format", "csv")
    assert from_files.code == 0, from_files.err
    assert "indonesia-malaysia" in from_store.out
    assert from_store.out == from_files.out


def test_dyads_store_without_dyad_years_says_how_to_load_them(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = f"oxigraph:{tmp_path / 'empty'}"
    assert cli("init", "--store", spec).code == 0
    result = cli("dyads", "--store", spec, "-o", str(tmp_path / "out.csv"))
    assert result.code != 0
    assert "ingest-dataset dyad-years" in result.err and "Traceback" not in result.err
    both = cli("dyads", "--store", spec, "--data-dir", str(LAYOUT), "-o", str(tmp_path / "out.csv"))
    assert both.code != 0 and "not both" in both.err


def test_bad_row_in_the_folder_leaves_the_store_unchanged(cli, store: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "data"
    for path in DataFiles(LAYOUT).all():
        target = folder / path.relative_to(LAYOUT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(path.resolve())
    distance = folder / "cow" / "minimum-distance-dyad-years.csv.gz"
    lines = gzip.decompress(distance.read_bytes()).decode().splitlines()
    lines.insert(2, "2,41,1990,far")
    distance.unlink()
    distance.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    kg = open_store(store)
    before = kg.count(DYADS_GRAPH)
    kg.close()
    result = cli("ingest-dataset", "dyad-years", str(folder), "--store", store)
    assert result.code != 0
    assert f"{distance}:3" in result.err and "mindist" in result.err
    kg = open_store(store)
    assert kg.count(DYADS_GRAPH) == before > 0
    kg.close()


def test_compare_against_an_endpoint_holding_dyad_years_says_what_to_do(cli, store: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A real `oxigraph serve` on 127.0.0.1 over the store: the rules cannot run there (read only)."""
    from oxigraph_server import oxigraph_binary, start_server

    if oxigraph_binary() is None:
        pytest.skip("needs the oxigraph command (pip install oxigraph)")
    monkeypatch.delenv("COOPSEC_DATA", raising=False)
    server = start_server(Path(store.removeprefix("oxigraph:")))
    try:
        result = cli("compare", "--store", server.read_only_spec)
    finally:
        server.stop()
    assert result.code == 2, result.err
    assert "holds dyad-years" in result.err and "--data-dir" in result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
