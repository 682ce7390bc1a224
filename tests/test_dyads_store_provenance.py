"""`dyads --store` names the data set files it classified, as `dyads --data-dir` does.

Until December 2026 `coopsec ingest-dataset` kept no record of the files it read, so the run of `dyads --store`
named none: dyad-years published from a store could not say which release of COW, MID or ATOP they came from.
The record (graph ``ingest/<the data set's graph>``) is written and replaced with the data set's graph, all or
nothing; a store loaded before it still classifies, and says the files are unknown.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.errors import InputError
from cooperative_security.ingest import field_datasets
from cooperative_security.ingest.dataset_record import record_graph, recorded_use
from cooperative_security.ingest.dyad_years import DYADS_GRAPH
from cooperative_security.ingest.ingest_dataset import ingest_dataset
from cooperative_security.kb import load_bundled
from cooperative_security.namespaces import graph
from cooperative_security.store import BulkLoading, open_store

LAYOUT = Path(__file__).parent / "data" / "layout"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
USED = ox.NamedNode(PROV + "used")
CHECKSUM = ox.NamedNode("http://spdx.org/rdf/terms#checksumValue")
DESCRIBED = {"title": ox.NamedNode(DCTERMS + "title"), "path": ox.NamedNode(DCTERMS + "identifier"),
             "sha256": CHECKSUM, "version": ox.NamedNode("http://www.w3.org/ns/dcat#version"),
             "note": ox.NamedNode(DCTERMS + "description")}
DATASET = "https://w3id.org/coopsec/id/dataset/"
RECORD = record_graph(DYADS_GRAPH)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(triples: list[ox.Triple] | list[ox.Quad], run: ox.NamedNode | None = None) -> dict[str, dict[str, str]]:
    """The data set files ``run`` (or the one run or record there is) used: IRI -> what is said of it."""
    used = {t.object for t in triples if t.predicate == USED and t.object.value.startswith(DATASET)
            and (run is None or t.subject == run)}
    return {node.value: {key: "; ".join(sorted(t.object.value for t in triples if t.subject == node and t.predicate == p))
                         for key, p in DESCRIBED.items()} for node in used}


def _run_files(path: Path) -> dict[str, dict[str, str]]:
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    (run,) = {q.subject for q in quads if q.object == ox.NamedNode(PROV + "Activity") and "/id/run/" in q.subject.value}
    return _files(quads, run)  # type: ignore[arg-type]


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the slices under tests/data/layout, whose MID file is made the known release (a version)."""
    folder = tmp_path / "data"
    shutil.copytree(LAYOUT, folder)
    mid = next(ds for ds in field_datasets.DATASETS if ds.name == "mid")
    known = dataclasses.replace(mid, sha256=_sha256(folder / mid.path))
    monkeypatch.setattr(field_datasets, "DATASETS", tuple(known if ds is mid else ds for ds in field_datasets.DATASETS))
    return folder


def test_dyads_from_a_store_name_the_files_the_data_dir_run_names(cli, data: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", spec).code == 0
    assert (r := cli("ingest-dataset", "dyad-years", str(data), "--store", spec)).code == 0, r.err
    stored, read = tmp_path / "store.nq", tmp_path / "files.nq"
    assert (r := cli("dyads", "--store", spec, "--from", "1990", "--to", "1991", "--format", "rdf",
                     "-o", str(stored))).code == 0, r.err
    assert "no record" not in r.err
    assert (r := cli("dyads", "--data-dir", str(data), "--from", "1990", "--to", "1991", "--format", "rdf",
                     "-o", str(read), "--jobs", "1")).code == 0, r.err
    from_store, from_files = _run_files(stored), _run_files(read)
    assert from_store == from_files
    assert {f["title"] for f in from_store.values()} == {ds.name for ds in field_datasets.DATASETS}
    by_title = {f["title"]: f for f in from_store.values()}
    for ds in field_datasets.DATASETS:
        assert by_title[ds.name]["path"] == ds.path
        assert by_title[ds.name]["sha256"] == _sha256(data / ds.path)
    assert by_title["mid"]["version"] == "GML MID 2.1.1"
    assert str(tmp_path) not in stored.read_text(encoding="utf-8")
    kg = open_store(spec)
    try:  # the record itself names no folder of the user's either
        assert all(str(tmp_path) not in str(q) for q in kg.quads(RECORD))
    finally:
        kg.close()


def _regzipped(source: Path, target: Path) -> Path:
    """A copy of ``source`` with the same rows and other bytes (another gzip header): another checksum."""
    shutil.copytree(source, target)
    universe = target / "cow" / "directed-dyad-years.csv.gz"
    universe.write_bytes(gzip.compress(gzip.decompress(universe.read_bytes()), compresslevel=1, mtime=12345))
    assert _sha256(universe) != _sha256(source / "cow" / "directed-dyad-years.csv.gz")
    return universe


def _recorded(store) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    uses = recorded_use(store, DYADS_GRAPH)
    assert uses is not None
    return _files(uses(ox.NamedNode("https://example.org/run")))


@pytest.mark.parametrize("where", ["disk", "memory"])
def test_a_replaced_data_set_replaces_its_record_all_or_nothing(data: Path, tmp_path: Path, where: str) -> None:
    store = open_store(f"oxigraph:{tmp_path / 'kg'}" if where == "disk" else "memory:")
    try:
        load_bundled(store)
        ingest_dataset(store, "dyad-years", data)
        first = _recorded(store)
        other = tmp_path / "other"
        universe = _regzipped(data, other)
        ingest_dataset(store, "dyad-years", other)  # the graph and its record replaced
        second = _recorded(store)
        (changed,) = [f for f in second.values() if f["title"] == "dyad-years"]
        assert changed["sha256"] == _sha256(universe) and changed["path"] == "cow/directed-dyad-years.csv.gz"
        assert {k: v for k, v in first.items() if v["title"] != "dyad-years"} == \
            {k: v for k, v in second.items() if v["title"] != "dyad-years"}
        assert _sha256(data / "cow" / "directed-dyad-years.csv.gz") not in {f["sha256"] for f in second.values()}
        size = store.count(DYADS_GRAPH)
        distance = data / "cow" / "minimum-distance-dyad-years.csv.gz"  # a bad row: nothing replaced
        lines = gzip.decompress(distance.read_bytes()).decode().splitlines()
        distance.write_bytes(gzip.compress(("\n".join([*lines[:2], "2,41,1990,far", *lines[2:]]) + "\n").encode()))
        with pytest.raises(InputError):
            ingest_dataset(store, "dyad-years", data)
        assert _recorded(store) == second and store.count(DYADS_GRAPH) == size
    finally:
        store.close()
    if where == "disk":  # and so it stays, opened again
        again = open_store(f"oxigraph:{tmp_path / 'kg'}")
        try:
            assert _recorded(again) == second
        finally:
            again.close()


def test_a_store_without_the_record_says_the_files_are_unknown_and_classifies(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", spec).code == 0
    assert (r := cli("ingest-dataset", "dyad-years", str(LAYOUT), "--store", spec)).code == 0, r.err
    kg = open_store(spec)
    try:  # as a store loaded before ingest-dataset recorded its files
        assert isinstance(kg, BulkLoading) and kg.count(RECORD) > 0
        kg.drop_graph(RECORD)
    finally:
        kg.close()
    out = tmp_path / "out.nq"
    result = cli("dyads", "--store", spec, "--from", "1990", "--to", "1991", "--format", "rdf", "-o", str(out))
    assert result.code == 0, result.err
    assert "no record of the data set files" in result.err and "ingest-dataset dyad-years" in result.err
    assert _run_files(out) == {}
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    assert any(q.graph_name == graph("dyads-inferred") for q in quads)
    table = cli("dyads", "--store", spec, "--from", "1990", "--to", "1991", "-o", str(tmp_path / "out.csv"))
    assert table.code == 0 and "no record" in table.err
    assert len((tmp_path / "out.csv").read_text().splitlines()) > 10  # the header and the dyad-years


def test_a_data_set_file_is_recorded_by_its_place_in_the_data_folder(data: Path) -> None:
    store = open_store("memory:")
    try:
        load_bundled(store)
        mid = data / "mid" / "gml-mid-dyad-years-2.1.1.csv"
        ingest_dataset(store, "mid", mid)
        uses = recorded_use(store, graph("events/mid"))
        assert uses is not None
        (found,) = _files(uses(ox.NamedNode("https://example.org/run"))).values()
        assert found == {"title": "mid", "path": "mid/gml-mid-dyad-years-2.1.1.csv", "sha256": _sha256(mid),
                         "version": "GML MID 2.1.1", "note": ""}
        assert recorded_use(store, DYADS_GRAPH) is None
    finally:
        store.close()
