"""Recovery on open: what a killed bulk load leaves is hidden at once, dropped, and never seen.

Each test makes the state a real kill leaves (a child process killed at a chosen moment, or the
staging graph a killed ``coopsec ingest-dataset`` leaves) and reopens the store.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.errors import StoreError
from cooperative_security.store import open_store
from cooperative_security.store.folder import BULK_TEMPORARY, JOURNAL_FILE, STAGING_PREFIX

EX = "http://example.org/"
BIG = ox.NamedNode(EX + "big")
KEPT = ox.NamedNode(EX + "kept")

# A child that publishes a big batch through the store's bulk path, and is killed at the commit
# point: after every triple is on disk, before the journal is deleted.
KILLED_AT_PUBLISH = f"""
import os, signal, sys
import pyoxigraph as ox
from cooperative_security.store import open_store
from cooperative_security.store.embedded import EmbeddedStore

EmbeddedStore._publish = lambda self: os.kill(os.getpid(), signal.SIGKILL)
store = open_store("oxigraph:" + sys.argv[1])
store.replace_graphs({{ox.NamedNode("{BIG.value}"): (
    ox.Triple(ox.NamedNode(f"{EX}s{{i}}"), ox.NamedNode("{EX}p"), ox.Literal(str(i))) for i in range(int(sys.argv[2])))}})
"""

# A child bulk-loading straight into pyoxigraph, killed while the loader writes its table files.
BULK_LOADING = f"""
import sys
import pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_extend(ox.Quad(ox.NamedNode(f"{EX}s{{i}}"), ox.NamedNode("{EX}p"), ox.Literal(str(i)),
                          ox.NamedNode("{BIG.value}")) for i in range(3_000_000))
"""


def _store_with_kept_data(folder: Path) -> None:
    store = open_store(f"oxigraph:{folder}")
    store.replace_graphs({KEPT: [ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("kept"))]})
    store.close()


def _raw_count(folder: Path, graph: ox.NamedNode) -> int:
    peek = ox.Store.read_only(str(folder))
    try:
        return sum(1 for _ in peek.quads_for_pattern(None, None, None, graph))
    finally:
        del peek


def _killed_at_publish(tmp_path: Path, triples: int) -> Path:
    """A store with one kept graph, and a load of ``triples`` killed at its commit point."""
    folder = tmp_path / "store"
    _store_with_kept_data(folder)
    child = subprocess.run([sys.executable, "-c", KILLED_AT_PUBLISH, str(folder), str(triples)],
                           capture_output=True, text=True, timeout=300)
    assert child.returncode == -signal.SIGKILL, child.stderr
    return folder


SEEN_IN_ANY_GRAPH = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
SEEN_IN_THE_DEFAULT_GRAPH = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # the union of the named graphs


def test_a_load_killed_at_its_commit_point_is_hidden_at_once_then_dropped(tmp_path: Path) -> None:
    folder = _killed_at_publish(tmp_path, 300_000)
    # the kill left every triple on disk, and the journal saying they are not published
    assert (folder / JOURNAL_FILE).exists()
    assert _raw_count(folder, BIG) == 300_000

    start = time.perf_counter()
    store = open_store(f"oxigraph:{folder}")
    opened = time.perf_counter() - start
    try:
        assert store.recovering  # 300,000 triples take a few seconds to drop: the queries below run meanwhile
        assert BIG.value not in store.graph_names()
        assert store.count(BIG) == 0 and list(store.quads(BIG)) == []
        assert store.count() == 1 and [q.graph_name for q in store.quads()] == [KEPT]
        one = ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        assert store.select(SEEN_IN_ANY_GRAPH)[0]["n"] == one
        assert store.select(SEEN_IN_THE_DEFAULT_GRAPH)[0]["n"] == one
        # writing waits for the drop, then works as on a store that never saw the load
        store.replace_graphs({BIG: [ox.Triple(ox.NamedNode(EX + "b"), ox.NamedNode(EX + "p"), ox.Literal("new"))]})
        assert not store.recovering
        assert store.count(BIG) == 1
    finally:
        store.close()
    assert opened < 5
    assert not (folder / JOURNAL_FILE).exists()
    assert _raw_count(folder, BIG) == 1 and _raw_count(folder, KEPT) == 1


def test_closing_finishes_the_drop(tmp_path: Path) -> None:
    folder = _killed_at_publish(tmp_path, 150_000)
    store = open_store(f"oxigraph:{folder}")
    store.close()
    assert not (folder / JOURNAL_FILE).exists()
    assert _raw_count(folder, BIG) == 0 and _raw_count(folder, KEPT) == 1
    reopened = open_store(f"oxigraph:{folder}")
    try:
        assert not reopened.recovering and reopened.graph_names() == [KEPT.value]
    finally:
        reopened.close()


def test_the_bulk_loaders_temporary_files_are_removed_on_open(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    _store_with_kept_data(folder)
    child = subprocess.Popen([sys.executable, "-c", BULK_LOADING, str(folder)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not any(BULK_TEMPORARY.fullmatch(p.name) for p in folder.iterdir()):
            assert child.poll() is None, "the load ended before writing a temporary file"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert any(BULK_TEMPORARY.fullmatch(p.name) for p in folder.iterdir())
    store = open_store(f"oxigraph:{folder}")
    try:
        assert not any(BULK_TEMPORARY.fullmatch(p.name) for p in folder.iterdir())
        assert store.count(KEPT) == 1  # RocksDB's own files were left alone
    finally:
        store.close()


def test_a_staging_graph_left_by_a_killed_dataset_load_is_never_seen(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    _store_with_kept_data(folder)
    staging = ox.NamedNode(STAGING_PREFIX + "load")
    raw = ox.Store(str(folder))
    raw.extend(ox.Quad(ox.NamedNode(f"{EX}x{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)), staging)
               for i in range(1000))
    raw.flush()
    del raw  # as a kill leaves it: a staging graph written, never published
    store = open_store(f"oxigraph:{folder}")
    try:
        assert staging.value not in store.graph_names()
        assert store.count() == 1
    finally:
        store.close()
    assert _raw_count(folder, staging) == 0


def test_a_damaged_journal_is_a_clear_error_and_frees_the_store(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    _store_with_kept_data(folder)
    (folder / JOURNAL_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="delete that file") as caught:
        open_store(f"oxigraph:{folder}")
    assert JOURNAL_FILE in str(caught.value)
    (folder / JOURNAL_FILE).unlink()
    store = open_store(f"oxigraph:{folder}")  # the failed open did not keep the lock
    try:
        assert store.count(KEPT) == 1
    finally:
        store.close()



def test_the_command_line_says_an_interrupted_load_is_being_dropped(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    folder = _killed_at_publish(tmp_path, 200_000)
    small = tmp_path / "small.nt"
    small.write_text(f'<{EX}x> <{EX}p> "after the crash" .\n', encoding="utf-8")
    result = cli("ingest", str(small), "--store", f"oxigraph:{folder}")
    assert result.code == 0, result.err
    assert "interrupted" in result.err and "hidden from every query" in result.err
    store = open_store(f"oxigraph:{folder}")
    try:
        assert not store.recovering
        assert BIG.value not in store.graph_names()
        assert store.count(ox.NamedNode("https://w3id.org/coopsec/graph/file/small")) == 1
    finally:
        store.close()


def test_query_workers_never_see_an_unpublished_load_or_a_staging_graph(tmp_path: Path) -> None:
    """``coopsec serve``'s workers query the pyoxigraph store themselves, through a snapshot: the graphs
    the journal names and a leftover staging graph stay out of every dataset they query."""
    import json

    from cooperative_security.serve.worker import answer
    from cooperative_security.store import open_snapshot

    folder = tmp_path / "store"
    _store_with_kept_data(folder)
    staging = ox.NamedNode(STAGING_PREFIX + "load")
    raw = ox.Store(str(folder))
    raw.extend(ox.Quad(ox.NamedNode(f"{EX}x{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)), g)
               for g in (BIG, staging) for i in range(100))
    raw.flush()
    del raw  # as a killed load leaves it: written, never published
    (folder / JOURNAL_FILE).write_text(json.dumps({"graphs": [BIG.value]}), encoding="utf-8")

    snapshot = open_snapshot(str(folder))
    limits = {"accept": "application/sparql-results+json", "max_results": 1000, "max_answer": 10**6}

    def values(text: str, **dataset: list[str]) -> list[str]:
        header, body = answer(snapshot, {"kind": "query", "text": text, **limits, **dataset})  # type: ignore[arg-type]
        assert header["status"] == 200, header
        rows = json.loads(body)["results"]["bindings"]
        return sorted(v["value"] for row in rows for v in row.values())

    try:
        # the union default graph, GRAPH ?g, and graphs named by the request: only the kept graph
        assert values("SELECT ?o WHERE { ?s ?p ?o }") == ["kept"]
        assert values("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }") == [KEPT.value]
        assert values("SELECT ?o WHERE { ?s ?p ?o }", default_graphs=[BIG.value, KEPT.value]) == ["kept"]
        assert values("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[staging.value]) == []
        header, _ = answer(snapshot, {**limits, "kind": "describe", "iri": EX + "x1",  # type: ignore[arg-type]
                                      "accept": "text/turtle", "page": 1, "page_size": 100})
        assert header["status"] == 404
        # the raw store does hold them: what is hidden is hidden by the worker's dataset
        assert sum(1 for _ in snapshot.raw.quads_for_pattern(None, None, None, BIG)) == 100  # type: ignore[attr-defined]
    finally:
        snapshot.close()


@pytest.mark.parametrize(("name", "what"), [("JOURNAL_FILE", "an interrupted load"),
                                            ("REPLACEMENT_FILE", "an interrupted replacement")])
def test_a_damaged_journal_is_named_with_how_to_recover(tmp_path: Path, name: str, what: str) -> None:
    from cooperative_security.errors import StoreError
    from cooperative_security.store import folder
    from cooperative_security.store.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "kg")
    store.close()
    (tmp_path / "kg" / getattr(folder, name)).write_text("{not json")
    with pytest.raises(StoreError) as info:
        EmbeddedStore(tmp_path / "kg")
    assert f"damaged journal of {what}" in str(info.value) and "re-run the last ingest" in str(info.value)
