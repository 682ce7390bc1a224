"""The default graph of a query is the union of the named graphs, on the command line and in Python as on the
server (docs/operations/stores.md): a first query written without ``GRAPH`` found nothing in the embedded store
(a header and no rows, exit 0) where ``coopsec serve`` answered it. A query that names its own default graph
with ``FROM`` keeps it."""

from __future__ import annotations

from pathlib import Path

from cooperative_security.kb import open_knowledge_graph

# the README's server example, without GRAPH
SUBCLASSES = ("PREFIX cs: <https://w3id.org/coopsec/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
              "SELECT ?c ?label {FROM} WHERE { ?c rdfs:subClassOf cs:SecurityCondition ; rdfs:label ?label } ORDER BY ?c")
ONTOLOGY = "<https://w3id.org/coopsec/graph/ontology>"
CASES = "<https://w3id.org/coopsec/graph/case/france-germany>"


def test_a_query_without_graph_reads_the_union_and_from_keeps_its_own_default_graph() -> None:
    kg = open_knowledge_graph("memory:")
    try:
        union = [r["c"].value for r in kg.select(SUBCLASSES.replace("{FROM}", ""))]
        own = [r["c"].value for r in kg.select(SUBCLASSES.replace("{FROM}", "FROM " + ONTOLOGY))]
        elsewhere = kg.select(SUBCLASSES.replace("{FROM}", "FROM " + CASES))
        named_only = kg.select(SUBCLASSES.replace("{FROM}", "FROM NAMED " + CASES))
    finally:
        kg.close()
    assert len(union) >= 3 and "https://w3id.org/coopsec/ontology#Anarchy" in union
    assert own == union  # the classes are all in the ontology graph
    assert len(elsewhere) == 0  # FROM a case's graph: the ontology is not in it
    assert [r["c"].value for r in named_only] == union  # FROM NAMED alone keeps the union default graph


def test_coopsec_query_answers_a_users_query_written_without_graph(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    (resources_copy / "queries" / "concepts" / "mine.rq").write_text(
        "# Security conditions\n#\n# Answers: the kinds of security condition.\n# Parameters: none.\n"
        + SUBCLASSES.replace("{FROM}", ""), encoding="utf-8")
    result = cli("query", "concepts/mine", "-f", "csv")
    assert result.code == 0, result.err
    rows = result.out.strip().splitlines()
    assert rows[0].startswith("c,label") and len(rows) >= 4, result.out
    assert any("Anarchy" in row for row in rows[1:]), result.out
