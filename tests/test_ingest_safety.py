"""Issue 13, items 9 and 10: an ingest never silently replaces what another file, or coopsec, wrote."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.check import bundled_findings
from cooperative_security.errors import InputError
from cooperative_security.ingest import ingest_paths
from cooperative_security.ingest.remove import remove_source
from cooperative_security.kb import load_bundled, load_theory
from cooperative_security.namespaces import GRAPH
from cooperative_security.ontology import ONTOLOGY_GRAPH
from cooperative_security.store import Store, open_store

BIB = """@book{{{key},
  author = {{Writer, Ann}},
  title = {{{title}}},
  year = {{2001}},
}}
"""


@pytest.fixture
def store() -> Iterator[Store]:
    s = open_store("memory:")
    yield s
    s.close()


def _ttl(path: Path, value: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<urn:ex:s> <urn:ex:p> "{value}" .\n', encoding="utf-8")
    return path


def _values(store: Store, name: str) -> set[str]:
    return {q.object.value for q in store.quads(ox.NamedNode(GRAPH + name))}


def test_two_files_overwrite_each_other_without_a_word(store: Store, tmp_path: Path) -> None:
    a, b = tmp_path / "projA" / "refs.bib", tmp_path / "projB" / "refs.bib"
    for path, key in ((a, "writer-2001a"), (b, "writer-2001b")):
        path.parent.mkdir()
        path.write_text(BIB.format(key=key, title=f"Book {key}"), encoding="utf-8")
    first = ingest_paths(store, [a])
    second = ingest_paths(store, [b])
    assert list(first.graphs)[0] == GRAPH + "bibliography/refs"
    other = [g for g in second.graphs if g.startswith(GRAPH + "bibliography/refs-")]
    assert len(other) == 1  # the name was taken by another file: a short hash of this one's path
    assert store.count(ox.NamedNode(GRAPH + "bibliography/refs")) > 0 and store.count(ox.NamedNode(other[0])) > 0
    # Names without Latin letters stay readable, and distinct.
    japan, korea = _ttl(tmp_path / "日本.ttl", "japan"), _ttl(tmp_path / "한국.ttl", "korea")
    ingest_paths(store, [japan])
    ingest_paths(store, [korea])
    assert _values(store, "file/日本") == {"japan"} and _values(store, "file/한국") == {"korea"}
    # A folder: the path below it names the graph.
    _ttl(tmp_path / "tree" / "x" / "notes.ttl", "x")
    _ttl(tmp_path / "tree" / "y" / "notes.ttl", "y")
    report = ingest_paths(store, [tmp_path / "tree"])
    assert set(report.graphs) >= {GRAPH + "file/x/notes", GRAPH + "file/y/notes"}


def test_reingest_is_recognised_by_content_hash(store: Store, tmp_path: Path) -> None:
    path = _ttl(tmp_path / "data.ttl", "first")
    assert not ingest_paths(store, [path]).already
    _ttl(path, "other")  # same size, same triple count: only the content tells them apart
    assert not ingest_paths(store, [path]).already
    assert _values(store, "file/data") == {"other"}
    _ttl(path, "first")
    report = ingest_paths(store, [path])
    assert not report.already and _values(store, "file/data") == {"first"}
    assert ingest_paths(store, [path]).already  # now it is the latest: nothing to write


HIJACK = """@prefix ex: <urn:ex:> .
<https://w3id.org/coopsec/graph/ontology> { ex:s ex:p "owned" . }
"""


def test_a_trig_file_can_replace_the_projects_own_graphs(store: Store, tmp_path: Path) -> None:
    load_theory(store)
    before = store.count(ONTOLOGY_GRAPH)
    assert before > 1000
    trig = tmp_path / "innocent.trig"
    trig.write_text(HIJACK, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        ingest_paths(store, [trig])
    message = str(caught.value)
    assert "innocent.trig" in message and "graph/ontology" in message and "--replace" in message
    assert store.count(ONTOLOGY_GRAPH) == before
    # A graph another file wrote is not replaced either, whatever its namespace.
    case = tmp_path / "mine.trig"
    case.write_text('<urn:their:graph> { <urn:ex:s> <urn:ex:p> "theirs" . }\n', encoding="utf-8")
    ingest_paths(store, [case])
    copy = tmp_path / "copy" / "mine.trig"
    copy.parent.mkdir()
    copy.write_text('<urn:their:graph> { <urn:ex:s> <urn:ex:p> "mine" . }\n', encoding="utf-8")
    with pytest.raises(InputError, match="would replace the graph <urn:their:graph>, written by .*mine.trig"):
        ingest_paths(store, [copy])
    # Asked for by name, it is done.
    ingest_paths(store, [trig], replace=[GRAPH + "ontology"])
    assert store.count(ONTOLOGY_GRAPH) == 1


def test_a_dataset_file_keeps_the_per_file_graphs_it_names(store: Store, tmp_path: Path) -> None:
    """A TriG or N-Quads file that names graphs of coopsec's per-file families (an export restored) keeps
    them apart: until 2 December 2026 they were all renamed to the file's own graph, each replacing the
    one before (two graphs in, one out, exit 0). Unasked, they are refused as coopsec's namespace."""
    nq = tmp_path / "audit.nq"
    nq.write_text("".join(f'<urn:ex:s> <urn:ex:p> "{v}" <{GRAPH}bibliography/{g}> .\n'
                          for v, g in (("x", "a"), ("y", "b"))), encoding="utf-8")
    with pytest.raises(InputError, match="bibliography/a"):
        ingest_paths(store, [nq])
    ingest_paths(store, [nq], replace=[GRAPH + "bibliography/*"])
    assert _values(store, "bibliography/a") == {"x"} and _values(store, "bibliography/b") == {"y"}
    assert store.count(ox.NamedNode(GRAPH + "bibliography/audit")) == 0


def test_an_export_restored_keeps_each_files_graph(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The documented restore (export --format trig, ingest --replace 'graph/*') gives back every graph of
    the files ingested, under the same names, not one graph named after the export."""
    first, second = f"oxigraph:{tmp_path / 'a'}", f"oxigraph:{tmp_path / 'b'}"
    for name in ("refs-a", "refs-b"):
        (tmp_path / f"{name}.bib").write_text(BIB.format(key=f"writer-2001{name[-1]}", title=f"Book {name}"),
                                              encoding="utf-8")
        assert cli("ingest", str(tmp_path / f"{name}.bib"), "--store", first).code == 0
    dump = tmp_path / "dump.trig"
    assert cli("export", "--format", "trig", "--no-classify", "-o", str(dump), "--store", first).code == 0
    restored = cli("ingest", str(dump), "--store", second, "--replace", GRAPH + "*")
    assert restored.code == 0, restored.err
    a, b = open_store(first), open_store(second)
    try:
        for name in ("bibliography/refs-a", "bibliography/refs-b"):
            g = ox.NamedNode(GRAPH + name)
            named = [{q for q in s.quads(g) if not isinstance(q.subject, ox.BlankNode)
                      and not isinstance(q.object, ox.BlankNode)} for s in (a, b)]  # blank nodes are renamed
            assert a.count(g) > 0 and b.count(g) == a.count(g) and named[0] == named[1], name
        assert b.count(ox.NamedNode(GRAPH + "bibliography/dump")) == 0
    finally:
        a.close()
        b.close()


def test_check_reports_a_bundled_graph_that_is_missing_or_changed(tmp_path: Path) -> None:
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    try:
        load_bundled(store)
        assert bundled_findings(store) == []
        korea = GRAPH + "case/korea"
        trig = tmp_path / "korea.trig"
        trig.write_text(f'<{korea}> {{ <urn:ex:s> <urn:ex:p> "gone" . }}\n', encoding="utf-8")
        ingest_paths(store, [trig], replace=[korea])
        findings = [str(f) for f in bundled_findings(store)]
        assert any("case/korea" in f and "changed since `coopsec init`" in f for f in findings), findings
        store.update(f"DROP GRAPH <{GRAPH}case/asean>")
        findings = [str(f) for f in bundled_findings(store)]
        assert any("case/asean" in f and "is missing" in f for f in findings), findings
    finally:
        store.close()


def test_coopsec_remove_removes_what_an_ingest_added(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "store"
    store = open_store(f"oxigraph:{folder}")
    try:
        load_theory(store)
    finally:
        store.close()
    path = _ttl(tmp_path / "notes.ttl", "note")
    result = cli("ingest", str(path), "--store", f"oxigraph:{folder}")
    assert result.code == 0, result.err
    result = cli("remove", str(path), "--store", f"oxigraph:{folder}")
    assert result.code == 0 and "removed https://w3id.org/coopsec/graph/file/notes: 1 triples" in result.out
    store = open_store(f"oxigraph:{folder}")
    try:
        names = store.graph_names()
        assert GRAPH + "file/notes" not in names and not any(n.startswith(GRAPH + "ingest/") for n in names)
        assert ONTOLOGY_GRAPH.value in names
        with pytest.raises(Exception, match="holds nothing ingested from"):
            remove_source(store, path)
    finally:
        store.close()
    again = cli("remove", str(path), "--store", f"oxigraph:{folder}")
    assert again.code == 1 and "holds nothing ingested from" in again.err  # a subject that is not there, as cli.md says
