"""``coopsec check``: clean on the shipped ontology; names the offending IRI when something is wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cooperative_security.ontology import java_available

needs_java = pytest.mark.skipif(not java_available(), reason="HermiT needs Java")


@needs_java
def test_check_passes_on_the_shipped_ontology_and_data(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("check")
    assert result.code == 0, result.out + result.err
    assert "clean" in result.out
    classes = int(re.search(r"(\d+) classes reasoned over", result.out).group(1))  # type: ignore[union-attr]
    assert classes >= 90


def test_check_fails_naming_the_class_stripped_of_its_definition(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    module = resources_copy / "ontology" / "modules" / "trust.ttl"
    text = module.read_text(encoding="utf-8")
    # strip the definition of one class (the first skos:definition in the module)
    stripped, n = re.subn(r'skos:definition\s+"(?:[^"\\]|\\.)*"@en\s*;', "", text, count=1)
    assert n == 1
    module.write_text(stripped, encoding="utf-8")
    block = text[: text.index("skos:definition")]
    victim = re.findall(r"^(cs:\w+)\s+a\s+owl:Class", block, re.MULTILINE)[-1]
    result = cli("check", "--no-reasoner")
    assert result.code == 1
    assert f"{victim} has no definition" in result.out


def test_check_fails_on_a_term_that_two_modules_define(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    # a second module that defines a term again (cs:year had two definitions, and `concepts` showed either)
    module = resources_copy / "ontology" / "modules" / "datasets.ttl"
    text = module.read_text(encoding="utf-8")
    # untagged, so read as English beside the @en one; and a second label
    module.write_text(text.rstrip("\n") + '\n\ncs:Dyad skos:definition "A pair of states." .\n'
                      'cs:year rdfs:label "calendar year"@en .\n', encoding="utf-8")
    result = cli("check", "--no-reasoner")
    assert result.code == 1
    assert "cs:Dyad has 2 definitions (skos:definition) in one language: merge them into one" in result.out
    assert "cs:year has 2 labels (rdfs:label) in one language: merge them into one" in result.out


def test_check_fails_on_a_dangling_work(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    module = resources_copy / "ontology" / "modules" / "trust.ttl"
    text = module.read_text(encoding="utf-8")
    module.write_text(text.replace("work:hollis-1998", "work:hollis-1889", 1), encoding="utf-8")
    result = cli("check", "--no-reasoner")
    assert result.code == 1
    assert "hollis-1889, which is not in the bibliography" in result.out


@needs_java
def test_hermit_reports_an_unsatisfiable_class(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    extra = resources_copy / "ontology" / "modules" / "zz-broken.ttl"
    extra.write_text(
        "@prefix cs: <https://w3id.org/coopsec/ontology#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "cs:Impossible a owl:Class ; rdfs:subClassOf cs:ConflictFormation, cs:SecurityCommunity .\n",
        encoding="utf-8",
    )
    result = cli("check")
    assert result.code == 1
    assert "cs:Impossible is unsatisfiable" in result.out


def test_check_exits_2_when_java_is_missing(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", "/nonexistent")
    result = cli("check")
    assert result.code == 2
    assert "Java" in result.err


def test_check_stays_clean_after_classification() -> None:
    """Regression: the inferred graph restates events, which once read as events without evidence."""
    from cooperative_security.check import run_checks
    from cooperative_security.classify import classify
    from cooperative_security.kb import open_knowledge_graph

    store = open_knowledge_graph("memory:")
    assert classify(store)
    assert "https://w3id.org/coopsec/graph/inferred" in store.graph_names()
    report = run_checks(store, reasoner=False, shacl=False)
    assert report.findings == []


def test_check_names_a_property_used_outside_its_declared_domain_and_range() -> None:
    """Annotation properties are not enforced by the reasoner; the signature check enforces their
    declared rdfs:domain and rdfs:range (an actor's COW code on a work, a date's precision as a number)."""
    import pyoxigraph as ox

    from cooperative_security.check import run_checks
    from cooperative_security.kb import open_knowledge_graph

    cs, work = "https://w3id.org/coopsec/ontology#", ox.NamedNode("https://w3id.org/coopsec/id/work/herz-1950")
    store = open_knowledge_graph("memory:")
    try:
        assert run_checks(store, reasoner=False, shacl=False).findings == []
        event = next(q.subject for q in store.quads() if q.predicate == ox.NamedNode(cs + "datePrecision"))
        store.replace_graphs({ox.NamedNode("https://w3id.org/coopsec/graph/file/stray"): [
            ox.Triple(work, ox.NamedNode(cs + "cowCode"), ox.Literal("2", datatype=ox.NamedNode(
                "http://www.w3.org/2001/XMLSchema#integer"))),
            ox.Triple(event, ox.NamedNode(cs + "datePrecision"), ox.Literal("3", datatype=ox.NamedNode(
                "http://www.w3.org/2001/XMLSchema#integer"))),
            ox.Triple(event, ox.NamedNode(cs + "agent"), work)]})
        problems = [f"{f.term} {f.problem}" for f in run_checks(store, reasoner=False, shacl=False).findings]
    finally:
        store.close()
    assert any("herz-1950 is the subject of " + cs + "cowCode but is not a " + cs + "State" in p for p in problems), problems
    assert any("datePrecision 3, which is not of its declared datatype" in p for p in problems), problems
    assert any(cs + "agent " + work.value + ", which is not a " + cs + "Actor" in p for p in problems), problems
    assert len(problems) == 3, problems


def test_check_names_a_rule_whose_label_has_no_language(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    """The rules' labels and descriptions were plain strings where the ontology's are @en: a client asking for
    English labels (LANGMATCHES, a JSON-LD @language) found none of the rules'."""
    rules = resources_copy / "data" / "rules.ttl"
    text = rules.read_text(encoding="utf-8")
    assert text.count('"@en ;') > 100
    rules.write_text(text.replace('rdfs:label "regime sustained by evidence"@en', 'rdfs:label "regime sustained by '
                                  'evidence"', 1), encoding="utf-8")
    result = cli("check", "--no-reasoner")
    assert result.code == 1
    assert "rule:regime-sustained has a rdfs:label without a language tag" in result.out


def test_check_names_a_paraphrase_without_a_language(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    """The paraphrases of the sources were plain strings where the definitions they stand beside are @en."""
    rules = resources_copy / "data" / "rules.ttl"
    text = rules.read_text(encoding="utf-8")
    first = text.index("cs:paraphrase ")
    end = text.index('"@en', first)
    rules.write_text(text[:end + 1] + text[end + 4:], encoding="utf-8")
    result = cli("check", "--no-reasoner")
    assert result.code == 1
    assert "has a source whose cs:paraphrase has no language tag" in result.out
    assert result.out.count("cs:paraphrase has no language tag") == 1, result.out
