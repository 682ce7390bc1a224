"""Crash safety: SIGKILL during ``coopsec ingest`` never half-writes a batch (bench/crash_harness.py).

CI: 5 trials with 100,000 triples. Long run (``--run-slow``): 50 trials with 1,000,000 triples.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parent.parent / "bench" / "crash_harness.py"
_spec = importlib.util.spec_from_file_location("crash_harness", HARNESS)
assert _spec and _spec.loader
crash_harness = importlib.util.module_from_spec(_spec)
sys.modules["crash_harness"] = crash_harness
_spec.loader.exec_module(crash_harness)


def _check(trials: int, triples: int, tmp_path: Path) -> None:
    setup, results = crash_harness.run(trials, triples, seed=11, workdir=tmp_path)
    assert len(results) == trials
    for t in results:
        assert t.outcome in {"none", "all", "finished"}
        assert t.reopen_seconds < 5, t
        assert t.leftovers == [], t
    # the kills must land during the ingest, or the harness tests nothing
    assert any(t.outcome != "finished" for t in results), results


def test_five_kills_during_ingest_leave_all_or_none(tmp_path: Path) -> None:
    _check(5, 100_000, tmp_path)


@pytest.mark.slow
def test_fifty_kills_during_a_million_triple_ingest(tmp_path: Path) -> None:
    _check(50, 1_000_000, tmp_path)


def test_a_retry_of_an_ingest_that_landed_writes_nothing(tmp_path: Path) -> None:
    from cooperative_security.ingest import ingest_paths
    from cooperative_security.ingest.naming import file_graph
    from cooperative_security.store import open_store

    data = tmp_path / "batch.nt"
    data.write_text("".join(f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n" for i in range(50)))
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    try:
        first = ingest_paths(store, [data])
        quads = set(store.quads())
        second = ingest_paths(store, [data])
        assert (first.already, second.already) == (False, True)
        assert second.ingest_id == first.ingest_id
        assert set(store.quads()) == quads  # not even the record's time stamp changed
        # something else replaced the graph since: the retry writes it again
        store.replace_graphs({file_graph(data): []})
        third = ingest_paths(store, [data])
        assert not third.already and store.count(file_graph(data)) == 50
    finally:
        store.close()
