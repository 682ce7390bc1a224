"""Big N-Triples and Turtle files stream from disk into the embedded store, all or nothing.

The threshold is lowered (``COOPSEC_STREAM_AFTER``) so small files take the streaming path; the
memory figures for big files are in docs/operations/reliability.md ("What streams").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.errors import InputError
from cooperative_security.ingest import VOID_TRIPLES, ingest_paths
from cooperative_security.ingest.naming import file_graph
from cooperative_security.store import Store, open_store
from cooperative_security.store.folder import JOURNAL_FILE

EX = "http://example.org/"


def _ntriples(n: int, start: int = 0) -> str:
    return "".join(f'<{EX}s{i}> <{EX}p> "value {i}" .\n' for i in range(start, start + n))


@pytest.fixture(params=["memory", "disk"])
def store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("COOPSEC_STREAM_AFTER", "1")
    opened = open_store("memory:" if request.param == "memory" else f"oxigraph:{tmp_path / 'store'}")
    yield opened
    opened.close()


def _snapshot(store: Store) -> set[ox.Quad]:
    return set(store.quads())


def test_a_streamed_file_lands_whole_with_its_count_in_the_record(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "dump.nt"
    data.write_text(_ntriples(2000) + _ntriples(10), encoding="utf-8")  # ten duplicates: stored once
    report = ingest_paths(store, [data])
    g = file_graph(data)
    assert store.count(g) == 2000
    assert report.graphs[g.value] == 2000
    record = ox.NamedNode(f"https://w3id.org/coopsec/graph/ingest/{report.ingest_id}")
    counts = {q.subject: q.object.value for q in store.quads(record) if q.predicate == VOID_TRIPLES}
    assert counts == {g: "2000"}
    assert store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <http://example.org/p> ?o } }")[0]["n"].value == "2000"  # type: ignore[union-attr]


def test_a_streamed_turtle_file_resolves_relative_iris_against_its_own_url(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "dump.ttl"
    data.write_text("@prefix ex: <http://example.org/> .\n<local> ex:p [ ex:q 1 ] .\n", encoding="utf-8")
    ingest_paths(store, [data])
    subjects = {q.subject for q in store.quads(file_graph(data))}
    assert ox.NamedNode(data.resolve().as_uri().rsplit("/", 1)[0] + "/local") in subjects


def test_a_retry_of_a_streamed_ingest_writes_nothing(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "dump.nt"
    data.write_text(_ntriples(500), encoding="utf-8")
    first = ingest_paths(store, [data])
    before = _snapshot(store)
    second = ingest_paths(store, [data])
    assert (first.already, second.already) == (False, True)
    assert _snapshot(store) == before
    assert second.graphs[file_graph(data).value] == 500


def test_a_syntax_error_deep_in_a_streamed_file_is_located_and_leaves_the_store_as_it_was(
        store: Store, tmp_path: Path) -> None:
    kept = tmp_path / "kept.nt"
    kept.write_text(_ntriples(5), encoding="utf-8")
    ingest_paths(store, [kept])
    before = _snapshot(store)
    data = tmp_path / "broken.nt"
    data.write_text(_ntriples(3000) + f'<{EX}s> <{EX}p "unclosed .\n' + _ntriples(10), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        ingest_paths(store, [data])
    problem = caught.value.problems[0]
    assert problem.source == str(data) and problem.line == 3001
    assert problem.message.startswith("not valid N-Triples")
    assert _snapshot(store) == before
    assert file_graph(data).value not in store.graph_names()
    if getattr(store, "path", None):
        assert not (store.path / JOURNAL_FILE).exists()  # type: ignore[attr-defined]


def test_a_streamed_file_that_is_not_utf8_is_located(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "latin.nt"
    head = _ntriples(20).encode() + f'<{EX}x> <{EX}p> "caf'.encode()
    data.write_bytes(head + b"\xe9" + b'" .\n')
    before = _snapshot(store)
    with pytest.raises(InputError) as caught:
        ingest_paths(store, [data])
    problem = caught.value.problems[0]
    assert problem.line == 21 and "byte 0xe9" in problem.message
    assert f"offset {len(head)}" in problem.message
    assert _snapshot(store) == before


def test_a_changed_file_replaces_its_graph(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "dump.nt"
    data.write_text(_ntriples(300), encoding="utf-8")
    ingest_paths(store, [data])
    data.write_text(_ntriples(40, start=1000), encoding="utf-8")
    report = ingest_paths(store, [data])
    g = file_graph(data)
    assert not report.already and store.count(g) == 40
    assert ox.NamedNode(f"{EX}s1000") in {q.subject for q in store.quads(g)}


def test_a_streamed_file_and_a_parsed_one_land_together(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.nt").write_text(_ntriples(100), encoding="utf-8")
    (folder / "b.trig").write_text(f"<{EX}g> {{ <{EX}x> <{EX}p> 1 . }}\n", encoding="utf-8")  # TriG never streams
    report = ingest_paths(store, [folder])
    assert report.graphs[file_graph(folder / "a.nt").value] == 100
    assert f"{EX}g" in store.graph_names()


def test_only_big_ntriples_and_turtle_files_stream(store: Store, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from cooperative_security.ingest import expand_paths, parse_all

    big, small, trig = tmp_path / "big.nt", tmp_path / "small.ttl", tmp_path / "big.trig"
    big.write_text(_ntriples(200), encoding="utf-8")
    small.write_text(f"<{EX}a> <{EX}p> 1 .\n", encoding="utf-8")
    trig.write_text(_ntriples(200), encoding="utf-8")
    monkeypatch.setenv("COOPSEC_STREAM_AFTER", str(big.stat().st_size))
    batches = {Path(b.source).name: b for b in parse_all(store, expand_paths([big, small, trig]))}
    assert batches["big.nt"].graphs == {} and batches["big.nt"].streams == {file_graph(big): [big]}
    assert batches["small.ttl"].streams == {} and batches["small.ttl"].size() == 1
    assert batches["big.trig"].streams == {} and batches["big.trig"].size() == 200


class Watching:
    """A pyoxigraph store that records which graphs' triples are read back."""

    def __init__(self, real: ox.Store) -> None:
        self.real = real
        self.read: list[object] = []

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.real, name)

    def quads_for_pattern(self, *args: object):  # type: ignore[no-untyped-def]
        self.read.append(args[3] if len(args) > 3 else None)
        return self.real.quads_for_pattern(*args)


def test_replacing_a_streamed_file_finds_the_old_triples_in_the_copy_made_while_it_loaded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cooperative_security.store.embedded import EmbeddedStore
    from cooperative_security.store.folder import SMALL_REPLACEMENT

    monkeypatch.setenv("COOPSEC_STREAM_AFTER", "1")
    n = SMALL_REPLACEMENT + 5000  # big enough for a copy, and for the replacement to be a big one
    data = tmp_path / "dump.nt"
    data.write_text(_ntriples(n), encoding="utf-8")
    store = EmbeddedStore(tmp_path / "store")
    try:
        ingest_paths(store, [data])
        g = file_graph(data)
        copy = store._copy_file(g)
        assert copy.exists() and len(copy.read_bytes().splitlines()) == n + 1  # a line naming the graph
        data.write_text(_ntriples(n, start=10 * n), encoding="utf-8")
        watching = Watching(store._store)
        store._store = watching  # type: ignore[assignment]
        try:
            ingest_paths(store, [data])
        finally:
            store._store = watching.real  # type: ignore[assignment]
        assert g not in watching.read and None not in watching.read
        expected = {ox.Triple(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(f"value {i}"))
                    for i in range(10 * n, 11 * n)}
        assert {q.triple for q in store.quads(g)} == expected
    finally:
        store.close()
