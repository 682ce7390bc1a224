"""Concept navigation: path walks the typology's relations in plain words, describe reads inbound relations
back towards the concept, and unknown or unconnected terms say so."""

from __future__ import annotations

import json


def test_path_walks_typology_relations_in_plain_words_never_disjointness(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("path", "GRIT", "security community", "--via-scholars", "--format", "json")
    assert result.code == 0, result.err
    steps = json.loads(result.out)
    relations = [s["relation"] for s in steps]
    assert not {"disjoint with", "disjointWith", "subClassOf", "a kind of", "has the kind"} & set(relations)
    assert all(" " in r or r in {"proposed"} for r in relations), relations  # words, not property names
    for a, b in zip(steps, steps[1:], strict=False):
        assert a["to"] == b["from"], "each hop starts where the last one ended"
    # GRIT is linked by the typology itself now (through the leap of trust it is an alternative to), so no
    # hop goes through a scholar
    assert relations[:3] == ["alternative to", "mechanism for", "needs the condition"], relations
    assert "proposed by" not in relations and steps[-1]["to"] == "security community"


def test_a_hop_walked_backwards_reads_backwards(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("path", "security community", "mature security community", "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == [{
        "from": "security community", "relation": "has the stage", "to": "mature security community",
        "from_iri": "https://w3id.org/coopsec/ontology#SecurityCommunity",
        "to_iri": "https://w3id.org/coopsec/ontology#MatureSecurityCommunity"}]


def test_unconnected_and_unknown_terms_are_clear_errors(cli) -> None:  # type: ignore[no-untyped-def]
    unconnected = cli("path", "GRIT", "dyad-year")
    assert unconnected.code == 2
    assert "no chain of relations between GRIT and dyad-year" in unconnected.err
    assert "internal error" not in unconnected.err
    unknown = cli("path", "GRIT", "securty comunity")
    assert unknown.code == 1 and "did you mean 'security community'" in unknown.err


def test_describe_reads_inbound_relations_towards_the_concept(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("describe", "embedded trust", "--format", "json")
    data = json.loads(result.out)
    # contingent cooperation --next stage--> embedded trust: from embedded trust, it is the previous stage
    assert [o["label"] for o in data["relations_in"]["previous stage"]] == ["contingent cooperation"]
    assert "next stage" not in data["relations_in"]
    assert "disjoint with" in data["relations_out"] and "disjointWith" not in data["relations_out"]
    assert "a kind of" in data["relations_out"]
    table = cli("describe", "embedded trust").out
    assert "disjointWith" not in table and "seeAlso" not in table and "subClassOf" not in table


def test_every_typology_relation_reads_backwards_in_its_own_words(cli) -> None:  # type: ignore[no-untyped-def]
    # walked from its object, a relation has inverse wording (GRIT's path reads a thesis backwards), never the
    # generic fallback: a relation added to the ontology without it fails here
    from cooperative_security.concepts import plain_relation, typology_graph
    from cooperative_security.kb import open_knowledge_graph

    kg = open_knowledge_graph("memory:")
    try:
        relations = {d["relation"] for _, _, d in typology_graph(kg, via_scholars=True).edges(data=True)}
    finally:
        kg.close()
    assert {"is about", "model of", "condition for", "proposed by"} <= relations
    assert [r for r in sorted(relations) if plain_relation(r, inbound=True).startswith("is the object of")] == []
    steps = json.loads(cli("path", "GRIT", "security community", "--format", "json").out)
    assert "is the subject of" in [s["relation"] for s in steps]


def test_the_hint_names_the_scholars_the_path_then_takes(cli) -> None:  # type: ignore[no-untyped-def]
    # two scholars proposed the security complex: the hint and --via-scholars break the tie the same way
    hint = cli("path", "security complex", "security community")
    assert hint.code == 2 and "links them through the concepts Barry Buzan proposed" in hint.err
    steps = json.loads(cli("path", "security complex", "security community", "--via-scholars", "--format",
                           "json").out)
    assert [s["to"] for s in steps if s["relation"] == "proposed by"] == ["Barry Buzan"]
