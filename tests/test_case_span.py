"""An event dated outside its case's `from`/`to` is refused at ingest and reported by `coopsec check`.

It used to be accepted without a word and to move the observed span: an event of 2005-08 in a case with
`to: 2000` made `classify --explain` say "observed to 2005-08-01"; the bundled France-Germany case (`from:
1945`) held an event of 1944.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pyoxigraph as ox
from small_cases import ONE_TREATY_CASE, event
from snapshots import snapshot

from cooperative_security.check import run_checks
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.namespaces import GRAPH, XSD
from cooperative_security.store import open_store

CS = "https://w3id.org/coopsec/ontology#"


def _case(date: str) -> str:
    """A valid case of 1950-1960 with one treaty, and another event dated ``date``."""
    return (ONE_TREATY_CASE.format(id="late", work="milward-2006")
            + textwrap.indent(event("other-move", date, "TreatySigned"), "  "))


def _ingest(cli, tmp_path: Path, date: str):  # type: ignore[no-untyped-def]
    spec = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", spec).code == 0
    store = open_store(spec)
    before = snapshot(store)
    store.close()
    path = tmp_path / "late.yaml"
    path.write_text(_case(date), encoding="utf-8")
    result = cli("ingest", str(path), "--store", spec)
    store = open_store(spec)
    unchanged = snapshot(store) == before
    store.close()
    return result, path, unchanged


def test_an_event_after_the_cases_to_is_refused_at_its_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result, path, unchanged = _ingest(cli, tmp_path, "1965-08")
    assert result.code == 1, result
    assert f"{path}:16: record late/other-move: field 'date': date 1965-08 is after the case's span " \
           "(from 1950 to 1960)" in result.err, result.err
    assert "widen the case's `to` to 1965-08, or leave the event out" in result.err
    assert unchanged, "a refused case file changed the store"


def test_an_event_before_the_cases_from_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result, path, unchanged = _ingest(cli, tmp_path, "1949")
    assert result.code == 1, result
    assert f"{path}:16: record late/other-move: field 'date': date 1949 is before the case's span" in result.err
    assert "widen the case's `from` to 1949" in result.err
    assert unchanged


def test_an_event_within_the_span_at_either_end_is_taken(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A year `to` covers the whole year: an event of 1960-12-31 is inside `to: 1960`."""
    result, _, unchanged = _ingest(cli, tmp_path, "1960-12-31")
    assert result.code == 0, result
    assert not unchanged


def test_check_reports_an_event_outside_its_case_span_in_a_store_loaded_before() -> None:
    """A store loaded before ingest refused such events: France-Germany as it was, `from: 1945` with an event
    of 1944."""
    store = open_knowledge_graph("memory:")
    try:
        name = ox.NamedNode(GRAPH + "case/france-germany")
        start = ox.NamedNode(CS + "startDate")
        triples = [q.triple for q in store.quads(name) if q.predicate != start]
        assert len(triples) > 100, "the bundled France-Germany case is missing"
        triples.append(ox.Triple(ox.NamedNode("https://w3id.org/coopsec/id/case/france-germany"), start,
                                 ox.Literal("1945", datatype=ox.NamedNode(XSD + "gYear"))))
        assert [f for f in run_checks(store, reasoner=False, shacl=False).findings
                if f.check.lower().startswith("event outside")] == []
        store.replace_graphs({name: triples})
        found = [str(f) for f in run_checks(store, reasoner=False, shacl=False).findings
                 if f.check.lower().startswith("event outside")]
        assert len(found) == 1, found
        assert "franco-soviet-treaty-1944" in found[0] and "date 1944 is before the case's span (from 1945 to " \
               "1970)" in found[0], found
    finally:
        store.close()


def test_check_reads_a_cases_to_from_a_turtle_files_graph_as_the_classifier_does() -> None:
    """`coopsec check` read a case's `from`/`to` only from the graph typing it cs:Case, where the classifier and
    ingest read them from any graph: a Turtle file's `cs:endDate` (its own graph, `file/<name>`) was invisible
    to it. A store loaded before ingest checked spans: France-Germany (1944 to 1970 in its case file) given a
    `to` of 1960 by a file of its own; the tighter `to` counts, and each event is reported once."""
    store = open_knowledge_graph("memory:")
    try:
        end = ox.Triple(ox.NamedNode("https://w3id.org/coopsec/id/case/france-germany"), ox.NamedNode(CS + "endDate"),
                        ox.Literal("1960", datatype=ox.NamedNode(XSD + "gYear")))
        assert [f for f in run_checks(store, reasoner=False, shacl=False).findings
                if f.check.lower().startswith("event outside")] == []
        store.replace_graphs({ox.NamedNode(GRAPH + "file/end"): [end]})
        found = [f for f in run_checks(store, reasoner=False, shacl=False).findings
                 if f.check.lower().startswith("event outside")]
        assert found, "the `to` of the file's graph was not read"
        assert all("is after the case's span (from 1944 to 1960)" in f.problem for f in found), found
        assert any(f.term.endswith("france-germany/elysee-treaty") for f in found), found
        assert len({f.term for f in found}) == len(found)  # once each, not once per `to`
    finally:
        store.close()


def test_the_classifier_observes_a_case_to_its_earliest_to_as_check_and_ingest_read_it() -> None:
    """Two graphs giving a case two `to`s (its case file 1970, a Turtle file of its own 1960) made the
    classifier observe it to both: two cs:observedUntil, checkpoints of window ends up to the later one, where
    ingest and `coopsec check` take the tighter. The earliest `to` counts, and the case is observed to one day
    (here its last event, which falls after 1960)."""
    from cooperative_security.classify import classify
    case = ox.NamedNode("https://w3id.org/coopsec/id/case/france-germany")
    until = ("SELECT ?until WHERE { GRAPH <https://w3id.org/coopsec/graph/inferred> { "
             "<https://w3id.org/coopsec/id/case/france-germany> <" + CS + "observedUntil> ?until } }")
    store = open_knowledge_graph("memory:")
    try:
        classify(store)
        alone = [r["until"].value for r in store.select(until)]
        assert alone == ["1970-12-31"], alone
        store.replace_graphs({ox.NamedNode(GRAPH + "file/end"): [
            ox.Triple(case, ox.NamedNode(CS + "endDate"), ox.Literal("1960", datatype=ox.NamedNode(XSD + "gYear")))]})
        classify(store)
        both = [r["until"].value for r in store.select(until)]
        assert len(both) == 1 and both[0] < "1970", both
    finally:
        store.close()


def test_the_case_list_shows_a_to_that_a_turtle_file_gives() -> None:
    """`coopsec query cases/list` read a case's `from`/`to` only from the graph typing it a case, so a
    Turtle file's `cs:endDate` was not shown though the classifier, ingest and check read it."""
    from cooperative_security.queries import load_query
    store = open_knowledge_graph("memory:")
    try:
        store.replace_graphs({ox.NamedNode(GRAPH + "file/end"): [ox.Triple(
            ox.NamedNode("https://w3id.org/coopsec/id/case/france-germany"), ox.NamedNode(CS + "endDate"),
            ox.Literal("1960", datatype=ox.NamedNode(XSD + "gYear")))]})
        ends = sorted(r["end"].value for r in store.select(load_query("cases/list"))
                      if r["slug"].value == "france-germany")
    finally:
        store.close()
    assert ends == ["1960", "1970"], ends
