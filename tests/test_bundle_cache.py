"""The per-user cache of the parsed bundle: the same knowledge graph as a parse, never stale, never in the way."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security import bundle_cache, kb
from cooperative_security.classify import classify
from cooperative_security.kb import bundled_inputs, open_knowledge_graph


def _ground(store) -> set[ox.Quad]:  # type: ignore[no-untyped-def]
    """The quads without blank nodes, and the count of those with them (labels differ between loads)."""
    return {q for q in store.quads() if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}


def _periods(store) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return [(p.relationship, p.from_, p.to, p.position, p.stage, p.trust) for p in classify(store)]


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("bundled-*.nq"))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("COOPSEC_CACHE_DIR", str(folder))
    monkeypatch.delenv("COOPSEC_NO_CACHE", raising=False)
    return folder


def test_a_warm_cache_is_read_not_the_files(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_knowledge_graph("memory:").close()

    def no_parse(*args: object) -> None:
        raise AssertionError("the bundled files were parsed although the cache holds them")

    monkeypatch.setattr(kb, "_parse_bundled", no_parse)
    store = open_knowledge_graph("memory:")
    try:
        assert store.count() > 10000
    finally:
        store.close()


def test_a_cached_load_is_the_same_knowledge_graph_as_a_parse(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPSEC_NO_CACHE", "1")
    parsed = open_knowledge_graph("memory:")
    assert not cache.exists()  # turned off: nothing written
    monkeypatch.delenv("COOPSEC_NO_CACHE")
    first = open_knowledge_graph("memory:")  # parses and writes the entry
    assert len(_entries(cache)) == 1
    cached = open_knowledge_graph("memory:")  # reads it
    try:
        assert cached.count() == parsed.count() == first.count()
        assert sorted(cached.graph_names()) == sorted(parsed.graph_names())
        ground_cached, ground_parsed = _ground(cached), _ground(parsed)
        # the ingest record's end time is when each was loaded (the pinned time if set); everything else is identical
        time = ox.NamedNode("http://www.w3.org/ns/prov#endedAtTime")
        assert {q for q in ground_cached if q.predicate != time} == {q for q in ground_parsed if q.predicate != time}
        assert _periods(cached) == _periods(parsed)
    finally:
        for store in (parsed, first, cached):
            store.close()


def test_an_edited_bundled_file_is_parsed_again_never_read_stale(cache: Path, resources_copy: Path) -> None:
    open_knowledge_graph("memory:").close()
    before = _entries(cache)
    case = resources_copy / "data" / "cases" / "korea.yaml"
    key = bundle_cache.bundle_key(bundled_inputs())
    case.write_text(case.read_text(encoding="utf-8").replace("label: North and South Korea", "label: Edited North and South Korea", 1), encoding="utf-8")
    assert bundle_cache.bundle_key(bundled_inputs()) != key
    store = open_knowledge_graph("memory:")
    try:
        label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
        names = {q.object.value for q in store.quads() if q.predicate == label and "Edited" in q.object.value}
    finally:
        store.close()
    assert names, "the edit must reach the store"
    assert len(_entries(cache)) == len(before) + 1


def test_a_second_checkout_shares_the_entry_and_names_no_folder(cache: Path, resources_copy: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The quads name each graph's file by its path in the package (data/cases/korea.yaml), never by the folder
    the package sits in: the same files in another folder (a second checkout, a worktree) give the same quads,
    from the same entry. Until December 2026 they named the resolved path, and each checkout had its own."""
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    monkeypatch.delenv("COOPSEC_RESOURCES")
    first = open_knowledge_graph("memory:")  # the repository's own files fill the cache first
    try:
        mine = {q for q in first.quads() if q.predicate == title and "korea.yaml" in q.object.value}
    finally:
        first.close()
    monkeypatch.setenv("COOPSEC_RESOURCES", str(resources_copy))
    store = open_knowledge_graph("memory:")
    try:
        named = {q for q in store.quads() if q.predicate == title and "korea.yaml" in q.object.value}
    finally:
        store.close()
    assert named and {q.object.value for q in named} == {"data/cases/korea.yaml"}, named
    assert named == mine
    assert len(_entries(cache)) == 1


def test_a_damaged_entry_is_ignored_and_rewritten(cache: Path) -> None:
    open_knowledge_graph("memory:").close()
    (entry,) = _entries(cache)
    good = entry.read_bytes()
    entry.write_bytes(good[: len(good) // 2] + b"<broken")
    store = open_knowledge_graph("memory:")
    try:
        assert store.count() > 10000
        assert _periods(store)
    finally:
        store.close()
    rewritten = list(ox.parse(entry.read_bytes(), format=ox.RdfFormat.N_QUADS))  # whole again
    assert len(rewritten) == len(list(ox.parse(good, format=ox.RdfFormat.N_QUADS)))


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COOPSEC_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv("COOPSEC_NO_CACHE", raising=False)
    store = open_knowledge_graph("memory:")
    try:
        assert store.count() > 10000
    finally:
        store.close()


def test_only_the_newest_entries_are_kept(cache: Path) -> None:
    cache.mkdir()
    for i in range(bundle_cache.KEEP + 3):
        bundle_cache.write(f"k{i}", [])
    assert len(_entries(cache)) == bundle_cache.KEEP
    assert not list(cache.glob(".*partial"))


def test_a_partial_entry_left_by_a_killed_writer_is_swept(cache: Path) -> None:
    cache.mkdir()
    stale, fresh = cache / ".bundled-dead.partial", cache / ".bundled-live.partial"
    for path in (stale, fresh):
        path.write_bytes(b"<half")
    os.utime(stale, (1_000_000, 1_000_000))
    bundle_cache.write("k", [])
    assert not stale.exists() and fresh.exists()
