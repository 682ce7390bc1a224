"""Replacing a big graph costs about what it changes, and a crash part way leaves the old graph or the
new one, never a mix (issue 13: "a replacement ingest is as fast as a first load, within 2x";
bench/bench_replace.py measures it).

The crashes are real: a child process replacing a graph in an on-disk store exits (``os._exit``, no
clean-up) at a chosen point, or is killed with SIGKILL at random moments; the store is then reopened.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from replace_children import REPLACE_AND_CLOSE, died_at, kill_at_random

from cooperative_security.store.embedded import EmbeddedStore
from cooperative_security.store.folder import COPIES_DIR, REPLACEMENT_DATA, REPLACEMENT_FILE, SMALL_REPLACEMENT

G = ox.NamedNode("https://w3id.org/coopsec/graph/file/big")
OTHER = ox.NamedNode("https://w3id.org/coopsec/graph/file/other")
P = ox.NamedNode("http://example.org/p")
BIG = 3 * SMALL_REPLACEMENT  # big enough to go through the journal
MID = SMALL_REPLACEMENT + 1_000  # big enough for a copy, and for a change of all of it to be a big one


def triples(tag: str, n: int) -> list[ox.Triple]:
    return [ox.Triple(ox.NamedNode(f"http://example.org/s{i}"), P, ox.Literal(f"{tag} {i}")) for i in range(n)]


def content(store: EmbeddedStore, g: ox.NamedNode) -> set[ox.Triple]:
    return {q.triple for q in store.quads(g)}


CHILD = """
import os, sys
import pyoxigraph as ox
from cooperative_security.store import folder, replacement_journal
from cooperative_security.store.embedded import EmbeddedStore
G = ox.NamedNode("https://w3id.org/coopsec/graph/file/big")
P = ox.NamedNode("http://example.org/p")
where, n = sys.argv[2], int(sys.argv[3])
store = EmbeddedStore(sys.argv[1])
class Dies:
    def __init__(self, real):
        self.real = real
    def __getattr__(self, name):
        return getattr(self.real, name)
    def remove_graph(self, graph):
        self.real.remove_graph(graph)
        if where == "after-drop":
            os._exit(9)
    def bulk_load(self, *args, **kwargs):
        self.real.bulk_load(*args, **kwargs)
        if where == "after-load":
            os._exit(9)
    def update(self, text, *args, **kwargs):
        self.real.update(text, *args, **kwargs)
        if where == "mid-delete" and text.startswith("DELETE DATA"):
            os._exit(9)  # from the deleting thread, while the bulk loader runs
if where == "before-commit":  # the new data is written, the journal not yet in place
    replacement_journal.os.replace = lambda *a: os._exit(9)  # the commit point (replacement_journal.py)
elif where == "after-drop":  # committed, the old graph dropped, the new one not loaded (no copy: read path)
    import shutil
    shutil.rmtree(store.path / folder.COPIES_DIR)
"""


@pytest.fixture
def template(tmp_path: Path) -> Path:
    folder = tmp_path / "template"
    store = EmbeddedStore(folder)
    store.replace_graphs({G: triples("old", BIG), OTHER: triples("other", 10)})
    store.close()
    return folder


def _child(folder: Path, where: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD + REPLACE_AND_CLOSE, str(folder), where, str(BIG)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _reopen(folder: Path) -> tuple[set[ox.Triple], int]:
    store = EmbeddedStore(folder)
    try:
        assert not (folder / REPLACEMENT_FILE).exists() and not (folder / REPLACEMENT_DATA).exists()
        return content(store, G), store.count(OTHER)
    finally:
        store.close()


@pytest.mark.parametrize(("where", "expected"), [("before-commit", "old"), ("after-drop", "new"),
                                                 ("mid-delete", "new"), ("after-load", "new")])
def test_a_replacement_that_dies_part_way_leaves_the_old_graph_or_the_new(template: Path, where: str,
                                                                         expected: str) -> None:
    # it died with its new data written, committed or not
    died_at(_child(template, where), template, where != "before-commit", (REPLACEMENT_DATA,))
    got, others = _reopen(template)
    assert got == set(triples(expected, BIG)) and others == 10


def test_replacements_killed_at_random_moments_leave_the_old_graph_or_the_new(template: Path,
                                                                              tmp_path: Path) -> None:
    def content_and_others(folder: Path) -> set[ox.Triple]:
        got, others = _reopen(folder)
        assert others == 10
        return got

    outcomes = kill_at_random(template, tmp_path, _child, triples("old", BIG), triples("new", BIG), G, content_and_others, seed=13)
    print("outcomes:", outcomes)


def test_a_small_change_to_a_big_graph_is_one_update(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    try:
        store.replace_graphs({G: triples("old", BIG), OTHER: triples("other", 10)})
        changed = triples("old", BIG - 5) + triples("new", 3)
        blank = ox.Triple(ox.BlankNode(), P, ox.Literal("a blank node"))
        store.replace_graphs({G: [*changed, blank]})
        assert {t for t in content(store, G) if not isinstance(t.subject, ox.BlankNode)} == set(changed)
        assert store.count(G) == len(changed) + 1 and store.count(OTHER) == 10
        store.replace_graphs({G: changed})  # the blank node goes too, though DELETE DATA cannot name it
        assert content(store, G) == set(changed)
        store.replace_graphs({G: []})
        assert store.count(G) == 0 and G.value in store.graph_names()
        assert not any(p.name.startswith("coopsec-replacing") for p in (tmp_path / "store").iterdir())
    finally:
        store.close()


def test_a_full_disk_after_the_commit_says_the_next_open_finishes_the_replacement(template: Path) -> None:
    """The disk fills while the committed replacement loads its new data: the error says the replacement
    is committed and finished by the next open (not that nothing was kept), and the next open does."""
    import errno
    import gc

    from cooperative_security.errors import StoreError

    class FullDisk:
        def __init__(self, real: ox.Store) -> None:
            self.real = real

        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(self.real, name)

        def bulk_load(self, *args: object, **kwargs: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    store = EmbeddedStore(template)
    real = store._store
    store._store = FullDisk(real)  # type: ignore[assignment]
    try:
        with pytest.raises(StoreError) as caught:
            store.replace_graphs({G: triples("new", BIG)})
        message = str(caught.value)
        assert "is full" in message and "committed" in message and "open the store again" in message
        assert "nothing of it was kept" not in message and G.value in message
        assert store.count(G) == 0 and G.value not in store.graph_names()  # hidden: neither old nor half new
        assert (template / REPLACEMENT_FILE).exists()
    finally:
        store._store = real  # type: ignore[assignment]
        store.close()
    del real, caught, store  # the traceback holds the pyoxigraph store, and with it RocksDB's lock
    gc.collect()
    got, others = _reopen(template)
    assert got == set(triples("new", BIG)) and others == 10


class NoReading:
    """A pyoxigraph store that fails if a graph's triples are read back (counting is allowed)."""

    def __init__(self, real: ox.Store) -> None:
        self.real = real

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.real, name)

    def quads_for_pattern(self, *args: object) -> None:
        raise AssertionError("the old graph was read back")


def test_a_big_replacement_finds_what_to_delete_in_the_copy_not_in_the_store(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    new = triples("new", MID)
    try:
        store.replace_graphs({G: triples("old", MID), OTHER: triples("other", 10)})
        copy = store._copy_file(G)
        assert copy.parent.name == COPIES_DIR and copy.read_bytes().splitlines()[0] == b"# " + G.value.encode()
        assert not store._copy_file(OTHER).exists()  # small graphs get none
        real = store._store
        store._store = NoReading(real)  # type: ignore[assignment]
        try:
            store.replace_graphs({G: new})
        finally:
            store._store = real  # type: ignore[assignment]
        assert content(store, G) == set(new) and store.count(OTHER) == 10
        lines = copy.read_bytes().splitlines()[1:]
        assert set(lines) == set((ox.serialize(new, format=ox.RdfFormat.N_TRIPLES) or b"").splitlines())
    finally:
        store.close()


@pytest.mark.parametrize(("copy_is", "change"), [("stale", "all new"), ("stale", "1% changed"), ("damaged", "all new"),
                                                ("missing", "all new")])  # a 1% change reads the store anyway
def test_a_stale_damaged_or_missing_copy_costs_time_never_data(tmp_path: Path, change: str, copy_is: str) -> None:
    store = EmbeddedStore(tmp_path / "store")
    new = triples("new", MID) if change == "all new" else triples("old", MID - MID // 100) + triples("new", MID // 100)
    try:
        store.replace_graphs({G: triples("old", MID)})
        copy = store._copy_file(G)
        if copy_is == "stale":  # the graph changed by SPARQL after the copy was written
            store.update(f'INSERT DATA {{ GRAPH {G} {{ <http://example.org/x> {P} "added by an update" }} }} ; '
                         f'DELETE DATA {{ GRAPH {G} {{ <http://example.org/s1> {P} "old 1" }} }}')
        elif copy_is == "damaged":
            copy.write_bytes(b"# " + G.value.encode() + b"\n<http://example.org/s1> not n-triples\n")
        else:
            copy.unlink()
        store.replace_graphs({G: new})
        assert content(store, G) == set(new)
    finally:
        store.close()


def test_the_copy_of_a_dropped_graph_and_a_half_written_one_go_when_the_store_is_closed(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.replace_graphs({G: triples("old", MID)})
    copy = store._copy_file(G)
    assert copy.exists()
    store.update(f"DROP GRAPH {G}")
    draft = copy.with_suffix(".123.tmp")  # what a process killed while writing a copy leaves
    draft.write_bytes(b"# half a copy\n")
    store.close()
    assert not copy.exists() and not draft.exists()
