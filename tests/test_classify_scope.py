"""Classifying named cases costs what those cases cost, with the same answers.

`coopsec classify CASE` ran every rule over every case in the store (about 12 s for one case in a store of
25), then kept the named case's periods. The rules now run on an in-memory copy of what the named cases
read (classify/scope.py): the ontology, the rules, the actors and works, the cases' own graphs and every
graph that gives them events (an events CSV's), without the other cases. The answers must not move: each
test compares the output for one case with the same case's output when every case is classified.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from small_cases import ONE_TREATY_CASE

from cooperative_security.catalogue import list_cases
from cooperative_security.classify import INFERRED_GRAPH, classify
from cooperative_security.classify.scope import case_scope
from cooperative_security.ingest import ingest_paths
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.namespaces import cs, graph
from cooperative_security.store import open_store

CSV = """case,id,date,type,by,level,label,work,pages
alpha,csv-summit,1953-06,LeadershipVisit,frn;gfr,elite,A summit,milward-2006,5
alpha,csv-crisis,1956,Threat,frn,elite,A threat,milward-2006,6
france-germany,csv-extra,1962-02,LeadershipVisit,frn;gfr,elite,A visit,milward-2006,7
"""


def _files(tmp_path: Path) -> list[Path]:
    """Three small cases (alpha gets two more events from an events CSV, in the CSV's own graph) and the CSV,
    which also gives the bundled france-germany an event."""
    paths = []
    for case in ("alpha", "beta", "gamma"):
        path = tmp_path / f"{case}.yaml"
        path.write_text(ONE_TREATY_CASE.format(id=case, work="milward-2006"), encoding="utf-8")
        paths.append(path)
    (tmp_path / "more.csv").write_text(CSV, encoding="utf-8")
    return [*paths, tmp_path / "more.csv"]


def test_one_case_is_classified_as_among_all_even_with_events_from_a_csv(tmp_path: Path) -> None:
    kg = open_knowledge_graph("memory:")
    try:
        ingest_paths(kg, _files(tmp_path))
        assert graph("events/more").value in kg.graph_names()  # the CSV's events are in a graph of their own
        for at in (None, "1957", "1963"):
            every = classify(kg, at=at)
            assert len({p.relationship for p in every}) >= 12
            for case in ("alpha", "beta", "france-germany", "korea"):
                alone = [p.to_json() for p in classify(kg, [case], at)]
                among = [p.to_json() for p in every if p.relationship == case]
                assert alone and alone == among, (case, at)
        evidence = {e["label"] for p in classify(kg, ["alpha"]) for e in p.evidence}
        assert "A summit" in evidence  # the CSV's event is read
    finally:
        kg.close()


TURTLE = """@prefix cs: <https://w3id.org/coopsec/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix state: <https://w3id.org/coopsec/id/state/> .
<https://example.org/cases/own> a cs:Case, cs:Dyad ; cs:slug "own" ; rdfs:label "A case of its own IRI" ;
    cs:member state:frn, state:gfr ; cs:startDate "1950"^^xsd:gYear .
<https://example.org/events/visit> cs:inCase <https://example.org/cases/own> ; a cs:LeadershipVisit ;
    cs:slug "visit" ; rdfs:label "A visit" ; cs:agent state:frn, state:gfr ; cs:level cs:EliteLevel ;
    dcterms:date "1953"^^xsd:gYear ; cs:earliestDate "1953-01-01"^^xsd:date ; cs:latestDate "1953-12-31"^^xsd:date .
<https://w3id.org/coopsec/id/case/alpha> cs:endDate "1958"^^xsd:gYear .
"""


def test_a_case_of_an_rdf_file_and_a_span_from_another_file_are_read_as_among_all(tmp_path: Path) -> None:
    """A case an RDF file defines under an IRI of its own is named by its slug; a `to` another file gives a
    named case (its own graph) reaches the copy."""
    kg = open_knowledge_graph("memory:")
    try:
        (tmp_path / "own.ttl").write_text(TURTLE, encoding="utf-8")
        ingest_paths(kg, [*_files(tmp_path), tmp_path / "own.ttl"])
        every = classify(kg)
        for case in ("own", "alpha"):
            alone = [p.to_json() for p in classify(kg, [case])]
            assert alone and alone == [p.to_json() for p in every if p.relationship == case], case
        assert [p.observed_until for p in classify(kg, ["alpha"])][-1] == "1958-12-31"
        assert any(p.position for p in classify(kg, ["own"]))
    finally:
        kg.close()


def test_the_copy_holds_the_named_cases_and_what_they_read_not_the_others(tmp_path: Path) -> None:
    kg = open_knowledge_graph("memory:")
    try:
        ingest_paths(kg, _files(tmp_path))
        with case_scope(kg, ["alpha"]) as scoped:
            assert [c.id for c in list_cases(scoped)] == ["alpha"]
            names = scoped.graph_names()
            assert graph("case/alpha").value in names and graph("case/beta").value not in names
            assert graph("ontology").value in names and graph("rules").value in names
            # the CSV's graph is copied without the bundled case's row
            events = [q for q in scoped.quads(graph("events/more")) if q.predicate == cs("inCase")]
            assert {q.object.value.rpartition("/")[2] for q in events} == {"alpha"}
            in_case = {q.object.value.rpartition("/")[2] for q in scoped.quads() if q.predicate == cs("inCase")}
            assert in_case == {"alpha"}  # no other case's event, of the bundled cases either
    finally:
        kg.close()


def test_classifying_one_case_leaves_the_stores_inferred_graph_as_it_was(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", spec).code == 0
    assert cli("ingest", *map(str, _files(tmp_path)), "--store", spec).code == 0
    assert cli("classify", "alpha", "--store", spec).code == 0
    store = open_store(spec)
    try:  # the rules ran on a copy: nothing written into the store
        assert INFERRED_GRAPH.value not in store.graph_names()
    finally:
        store.close()
    every = cli("classify", "--store", spec, "-f", "json", "--explain")
    assert every.code == 0, every.err
    store = open_store(spec)
    try:
        before = sorted(str(q) for q in store.quads(INFERRED_GRAPH) if not isinstance(q.subject, ox.BlankNode))
    finally:
        store.close()
    assert len(before) > 1000
    for case in ("alpha", "france-germany"):
        alone = cli("classify", case, "--store", spec, "-f", "json", "--explain")
        assert alone.code == 0, alone.err
        among = [r for r in json.loads(every.out) if r["relationship"] == case]
        assert json.loads(alone.out) == among
    turtle = cli("classify", "alpha", "--store", spec, "-f", "turtle")
    assert turtle.code == 0 and "assessment/alpha/" in turtle.out and "assessment/beta/" not in turtle.out
    store = open_store(spec)
    try:  # the whole store's classification is still there: naming a case only reads the store
        assert sorted(str(q) for q in store.quads(INFERRED_GRAPH)
                      if not isinstance(q.subject, ox.BlankNode)) == before
    finally:
        store.close()
