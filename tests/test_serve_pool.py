"""The query workers of `coopsec serve` (cooperative_security/serve/pool.py), on a real on-disk store.

After an update the pool's workers see an old state, so the next query starts a fresh worker. A start can
fail for a moment (a worker that cannot open the store while the writer reopens it after a stopped
update: "end of pipe"), which made test_serve_limits' runaway-update test answer 503 once under load. The
pool tries such a start again before it answers 503.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.serve import pool as pool_module
from cooperative_security.serve.httperror import HttpError

LIMITS = pool_module.WorkerLimits(timeout=10.0, memory=0, max_answer=10**6)
ASK = {"kind": "query", "text": "ASK { ?s ?p ?o }", "accept": "application/sparql-results+json",
       "default_graphs": [], "named_graphs": [], "max_results": 100}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    s = ox.Store(str(path))
    s.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c")))
    s.flush()
    del s
    return path


def _failing_first(monkeypatch: pytest.MonkeyPatch, failures: int) -> list[int]:
    real, calls = pool_module.Worker, []

    def start(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) <= failures:
            raise OSError("end of pipe")
        return real(*args, **kwargs)

    monkeypatch.setattr(pool_module, "Worker", start)
    return calls


def test_a_fresh_worker_that_fails_to_start_once_is_tried_again(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pool = pool_module.WorkerPool(store, 1, LIMITS)
    try:
        pool.refresh()  # an update: the idle worker is stale, so the query starts a fresh one
        calls = _failing_first(monkeypatch, failures=1)
        header, body = pool.run(ASK, wait=1.0)
        assert json.loads(body)["boolean"] is True
        assert len(calls) == 2
    finally:
        pool.close()


def test_a_worker_that_cannot_start_at_all_is_a_503_to_retry(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pool = pool_module.WorkerPool(store, 1, LIMITS)
    try:
        pool.refresh()
        _failing_first(monkeypatch, failures=10**6)
        with pytest.raises(HttpError) as refused:
            pool.run(ASK, wait=1.0)
        assert refused.value.status == 503 and "could not start a query worker (end of pipe); retry later" in str(
            refused.value)
    finally:
        pool.close()


def test_a_closed_pool_starts_no_worker(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pool = pool_module.WorkerPool(store, 1, LIMITS)
    pool.close()
    calls = _failing_first(monkeypatch, failures=0)
    with pytest.raises(OSError, match="stopping"):
        pool._new_worker(3)
    assert calls == []
