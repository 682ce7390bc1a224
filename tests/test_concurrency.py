"""Concurrency: one process owns an on-disk store, others fail fast naming it; threads share a store
safely, and every read sees a consistent snapshot."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.errors import StoreError
from cooperative_security.store import Store, open_store
from cooperative_security.store.folder import OWNER_FILE

EX = "http://example.org/"
CLI = "import sys; from cooperative_security.cli import main; sys.exit(main(sys.argv[1:]))"
HOLDER = """
import sys, time
from cooperative_security.store import open_store
s = open_store(sys.argv[1])
print("ready", flush=True)
time.sleep(120)
"""


def _triple(i: int, j: int) -> ox.Triple:
    return ox.Triple(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(j)))


def test_a_second_process_fails_fast_naming_the_store_and_its_owner(tmp_path: Path) -> None:
    spec = f"oxigraph:{tmp_path / 'store'}"
    store = open_store(spec)
    store.replace_graphs({ox.NamedNode(EX + "g"): [_triple(1, 1)]})
    store.close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, spec], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        data = tmp_path / "more.nt"
        data.write_text(f"<{EX}a> <{EX}b> <{EX}c> .\n")
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", CLI, "ingest", str(data), "--store", spec], capture_output=True, text=True, timeout=60)
        took = time.perf_counter() - start
        assert result.returncode == 2, result.stderr
        assert f"the store {tmp_path / 'store'} is in use by another process (process {holder.pid}" in result.stderr
        assert "coopsec serve" in result.stderr
        assert "Traceback" not in result.stderr
        assert took < 5, took
        # in-process too: a typed StoreError, not an OSError
        with pytest.raises(StoreError, match=f"process {holder.pid}"):
            open_store(spec)
    finally:
        holder.kill()
        holder.wait()
    # the owner was killed: its store opens, unchanged, and the stale owner file does no harm
    again = open_store(spec)
    try:
        assert again.count() == 1
    finally:
        again.close()
    assert not (tmp_path / "store" / OWNER_FILE).exists()


def test_the_owner_file_is_removed_on_close(tmp_path: Path) -> None:
    store = open_store(f"oxigraph:{tmp_path}")
    assert (tmp_path / OWNER_FILE).is_file()
    store.close()
    assert not (tmp_path / OWNER_FILE).exists()


@pytest.mark.parametrize("where", ["memory", "disk"])
def test_n_threads_times_m_updates_give_exactly_n_times_m_changes(tmp_path: Path, where: str) -> None:
    store = open_store("memory:" if where == "memory" else f"oxigraph:{tmp_path}")
    n, m = 8, 40
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(m):
                store.replace_graphs({ox.NamedNode(f"{EX}g/{i}/{j}"): [_triple(i, j), _triple(i, j + 1000)]})
                # and replace an existing graph (the DROP + INSERT DATA path) every time
                store.replace_graphs({ox.NamedNode(f"{EX}shared/{i}"): [_triple(i, j)]})
        except BaseException as exc:  # noqa: BLE001 - collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert len([g for g in store.graph_names() if g.startswith(EX + "g/")]) == n * m
        assert store.count() == n * m * 2 + n
        for i in range(n):
            assert [q.object.value for q in store.quads(ox.NamedNode(f"{EX}shared/{i}"))] == [str(m - 1)]
    finally:
        store.close()


def run_readers_and_writer(store: Store, seconds: float, readers: int = 8, at_least: int = 0) -> tuple[int, int]:
    """One writer adds pairs of triples in one transaction each; readers must never see an odd count.

    Runs for ``seconds``, and on past that (up to 60 s more) until both sides made ``at_least``
    operations, so a loaded machine slows the test down instead of failing it.
    """
    stop = threading.Event()
    errors: list[BaseException] = []
    reads = [0]
    writes = [0]

    def writer() -> None:
        i = 0
        try:
            while not stop.is_set():
                store.replace_graphs({ox.NamedNode(f"{EX}pair/{i}"): [_triple(i, 0), _triple(i, 1)]})
                i += 1
                writes[0] = i
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def reader() -> None:
        try:
            while not stop.is_set():
                seen = sum(1 for _ in store.quads())
                assert seen % 2 == 0, f"a read saw {seen} triples: half a transaction"
                reads[0] += 1
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(readers)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    deadline = time.monotonic() + 60
    while (reads[0] < at_least or writes[0] < at_least) and time.monotonic() < deadline and not errors:
        time.sleep(0.1)
    stop.set()
    for t in threads:
        t.join()
    assert errors == [], errors[:3]
    assert store.count() == 2 * writes[0]
    return reads[0], writes[0]


@pytest.mark.parametrize("where", ["memory", "disk"])
def test_eight_readers_and_a_writer_see_only_whole_transactions(tmp_path: Path, where: str) -> None:
    store = open_store("memory:" if where == "memory" else f"oxigraph:{tmp_path}")
    try:
        reads, writes = run_readers_and_writer(store, 2.0, at_least=20)
    finally:
        store.close()
    assert reads >= 20 and writes >= 20, (reads, writes)


@pytest.mark.slow
@pytest.mark.parametrize("where", ["memory", "disk"])
def test_long_run_eight_readers_and_a_writer_for_60_s(tmp_path: Path, where: str) -> None:
    seconds = float(os.environ.get("COOPSEC_SOAK_SECONDS", "60"))
    store = open_store("memory:" if where == "memory" else f"oxigraph:{tmp_path}")
    try:
        run_readers_and_writer(store, seconds)
    finally:
        store.close()
