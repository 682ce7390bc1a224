"""A replacement that would delete most of the store rebuilds it instead: the store is emptied (instant in
Oxigraph) and the kept graphs and the new content are bulk-loaded (issue 13: "a replacement ingest is as
fast as a first load, within 2x"; Oxigraph's delete alone cost 1.7x a first load at 1,000,000 triples).

What is kept must come back whole (named graphs, an empty one, the default graph, blank nodes shared by
two triples); a crash at any point leaves the old content or the new, never a mix and never an empty
store; a store opened read-only while a rebuild is committed and unfinished refuses to be read. The crashes
are real: a child process exits (``os._exit``) at a chosen point, or is killed with SIGKILL.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from replace_children import REPLACE_AND_CLOSE, died_at, kill_at_random

from cooperative_security.errors import StoreError
from cooperative_security.store import replacement_journal
from cooperative_security.store.embedded import EmbeddedStore
from cooperative_security.store.folder import REBUILD_AFTER, REBUILD_DATA, REPLACEMENT_DATA, REPLACEMENT_FILE

G = ox.NamedNode("https://w3id.org/coopsec/graph/file/big")
OTHER = ox.NamedNode("https://w3id.org/coopsec/graph/file/other")
EMPTY = ox.NamedNode("https://w3id.org/coopsec/graph/file/empty")
P = ox.NamedNode("http://example.org/p")
X = ox.NamedNode("http://example.org/x")
SMALL_REBUILD = 30_000  # the threshold the crash tests give their child, so that each store is quick to make


def triples(tag: str, n: int) -> list[ox.Triple]:
    return [ox.Triple(ox.NamedNode(f"http://example.org/s{i}"), P, ox.Literal(f"{tag} {i}")) for i in range(n)]


def content(store: EmbeddedStore, g: ox.NamedNode) -> set[ox.Triple]:
    return {q.triple for q in store.quads(g)}


def _make(folder: Path, big: int) -> None:
    """A store holding the big graph, a small one with a blank node used twice, an empty named graph and a
    triple in the default graph."""
    store = EmbeddedStore(folder)
    blank = ox.BlankNode()
    store.replace_graphs({G: triples("old", big), EMPTY: [],
                          OTHER: [*triples("other", 10), ox.Triple(blank, P, X), ox.Triple(X, P, blank)]})
    store._store.add(ox.Quad(X, P, ox.Literal("in the default graph"), ox.DefaultGraph()))
    store.close()


def _kept_whole(store: EmbeddedStore) -> None:
    """The graphs the replacement did not touch are there as they were."""
    other = content(store, OTHER)
    assert len(other) == 12 and set(triples("other", 10)) <= other
    blanks = [t for t in other if not isinstance(t.subject, ox.NamedNode) or not isinstance(t.object, ox.Literal)]
    (out,) = [t for t in blanks if t.object == X]
    (back,) = [t for t in blanks if t.subject == X]
    assert isinstance(out.subject, ox.BlankNode) and out.subject == back.object  # still one node
    assert EMPTY in set(store._store.named_graphs()) and store.count(EMPTY) == 0
    assert [q.triple for q in store._store.quads_for_pattern(None, None, None, ox.DefaultGraph())] == [
        ox.Triple(X, P, ox.Literal("in the default graph"))]


class Watched:
    """A pyoxigraph store that records whether it was emptied."""

    def __init__(self, real: ox.Store) -> None:
        self.real = real
        self.cleared = 0

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.real, name)

    def clear(self) -> None:
        self.cleared += 1
        self.real.clear()


def test_replacing_most_of_the_store_rebuilds_it_and_keeps_the_rest_whole(tmp_path: Path) -> None:
    """At the shipped threshold: a graph of REBUILD_AFTER triples replaced by wholly new ones."""
    folder = tmp_path / "store"
    _make(folder, REBUILD_AFTER)
    store = EmbeddedStore(folder)
    real = store._store
    watched = Watched(real)
    store._store = watched  # type: ignore[assignment]
    try:
        store.replace_graphs({G: triples("new", REBUILD_AFTER)})
        assert watched.cleared == 1  # rebuilt, not deleted
        store._store = real  # type: ignore[assignment]
        assert content(store, G) == set(triples("new", REBUILD_AFTER))
        _kept_whole(store)
        assert not any((folder / f).exists() for f in (REPLACEMENT_FILE, REPLACEMENT_DATA, REBUILD_DATA))
    finally:
        store._store = real  # type: ignore[assignment]
        store.close()
    del real, watched, store  # they hold the pyoxigraph store, and with it RocksDB's lock
    gc.collect()
    again = EmbeddedStore(folder)  # and it is so on disk, after closing
    try:
        assert again.count(G) == REBUILD_AFTER
        _kept_whole(again)
    finally:
        again.close()


@pytest.mark.parametrize(("deleting", "others", "rebuilt"), [
    (SMALL_REBUILD, SMALL_REBUILD // 2, True),  # the others hold half as many: rebuilding pays
    (SMALL_REBUILD, SMALL_REBUILD // 2 + 10, False),  # a few more: deleting is cheaper
    (SMALL_REBUILD - 1, 0, False),  # under the threshold: always deleted
])
def test_the_store_is_rebuilt_only_when_the_rest_is_at_most_half_of_what_goes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deleting: int, others: int, rebuilt: bool) -> None:
    monkeypatch.setattr(replacement_journal, "REBUILD_AFTER", SMALL_REBUILD)
    store = EmbeddedStore(tmp_path / "store")
    real = store._store
    watched = Watched(real)
    try:
        store.replace_graphs({G: triples("old", deleting)})
        if others:
            store.replace_graphs({OTHER: triples("other", others - 1)})
            store._store.add(ox.Quad(X, P, X, ox.DefaultGraph()))  # the default graph counts too
        store._store = watched  # type: ignore[assignment]
        store.replace_graphs({G: triples("new", deleting)})
        store._store = real  # type: ignore[assignment]
        assert watched.cleared == int(rebuilt)
        assert content(store, G) == set(triples("new", deleting))
        assert store.count(OTHER) == max(others - 1, 0)
    finally:
        store._store = real  # type: ignore[assignment]
        store.close()


CHILD = """
import os, sys
import pyoxigraph as ox
from cooperative_security.store import replacement_journal
from cooperative_security.store.embedded import EmbeddedStore
replacement_journal.REBUILD_AFTER = int(sys.argv[4])
G = ox.NamedNode("https://w3id.org/coopsec/graph/file/big")
P = ox.NamedNode("http://example.org/p")
where, n = sys.argv[2], int(sys.argv[3])
store = EmbeddedStore(sys.argv[1])
class Dies:
    def __init__(self, real):
        self.real = real
        self.loads = 0
    def __getattr__(self, name):
        return getattr(self.real, name)
    def clear(self):
        self.real.clear()
        if where == "after-clear":
            os._exit(9)
    def bulk_load(self, *args, **kwargs):
        self.real.bulk_load(*args, **kwargs)
        self.loads += 1
        if where == "after-rest" and self.loads == 1 or where == "after-load" and self.loads == 2:
            os._exit(9)
if where == "before-commit":  # the new data and the rest are written, the journal not yet in place
    replacement_journal.os.replace = lambda *a: os._exit(9)
"""


@pytest.fixture
def template(tmp_path: Path) -> Path:
    folder = tmp_path / "template"
    _make(folder, SMALL_REBUILD)
    return folder


def _child(folder: Path, where: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD + REPLACE_AND_CLOSE, str(folder), where, str(SMALL_REBUILD), str(SMALL_REBUILD)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _reopen(folder: Path) -> set[ox.Triple]:
    store = EmbeddedStore(folder)
    try:
        assert not any((folder / f).exists() for f in (REPLACEMENT_FILE, REPLACEMENT_DATA, REBUILD_DATA))
        _kept_whole(store)
        return content(store, G)
    finally:
        store.close()


@pytest.mark.parametrize(("where", "expected"), [("before-commit", "old"), ("after-clear", "new"),
                                                 ("after-rest", "new"), ("after-load", "new")])
def test_a_rebuild_that_dies_part_way_leaves_the_old_store_or_the_new(template: Path, where: str,
                                                                     expected: str) -> None:
    committed = where != "before-commit"
    died_at(_child(template, where), template, committed, (REBUILD_DATA, REPLACEMENT_DATA))
    if committed:
        assert "rebuild" in json.loads((template / REPLACEMENT_FILE).read_text(encoding="utf-8"))
    assert _reopen(template) == set(triples(expected, SMALL_REBUILD))


def test_rebuilds_killed_at_random_moments_leave_the_old_store_or_the_new(template: Path, tmp_path: Path) -> None:
    outcomes = kill_at_random(template, tmp_path, _child, triples("old", SMALL_REBUILD), triples("new", SMALL_REBUILD), G, _reopen, seed=31)
    print("outcomes:", outcomes)


def test_a_store_opened_read_only_part_way_through_a_rebuild_refuses_to_be_read(template: Path) -> None:
    died_at(_child(template, "after-clear"), template, True, (REBUILD_DATA, REPLACEMENT_DATA))
    with pytest.raises(StoreError) as caught:
        EmbeddedStore.snapshot(template)
    message = str(caught.value)
    assert "being rebuilt" in message and str(template) in message and "coopsec check" in message
    assert _reopen(template) == set(triples("new", SMALL_REBUILD))  # a writable open finishes it
