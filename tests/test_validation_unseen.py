"""The relationships kept unseen (validation/unseen/round-*) stay a loadable validation set.

They were coded blind and have never been scored: the next rule change is to be tested on them. So this
test only loads them, on top of the scored set whose works and states they share (the folder holds only
what they add), and runs no classifier. It fails if the cases stop passing the ingest checks, cite a work
or an actor that neither set holds, or have an expected period that does not parse, or if a case leaks
into the validation set that is scored by default.
"""

from __future__ import annotations

from pathlib import Path

from cooperative_security.kb import open_knowledge_graph
from cooperative_security.validation import load_expected, load_validation
from cooperative_security.validation.sample import load_sample_marks

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = {
    "round-19": {"ghana-togo", "kenya-tanzania", "turkey-iran", "colombia-peru", "algeria-tunisia",
                 "south-africa-zimbabwe"},
}


def test_the_unseen_relationships_load_on_top_of_the_scored_set() -> None:
    kg = open_knowledge_graph("memory:")
    try:
        load_validation(kg, ROOT / "validation")
        for name, cases in ROUNDS.items():  # each round on top of the ones before, as they would be merged
            assert set(load_validation(kg, ROOT / "validation" / "unseen" / name)) == cases, name
    finally:
        kg.close()
    for name, cases in ROUNDS.items():
        unseen = ROOT / "validation" / "unseen" / name
        expected = load_expected(unseen / "expected.yaml")
        assert {e.case for e in expected} == cases and len(expected) >= 2 * len(cases), name
        assert set(load_sample_marks(unseen / "expected.yaml")) == cases, name


def test_the_unseen_relationships_are_not_in_the_scored_set() -> None:
    scored = {p.stem for p in (ROOT / "validation" / "cases").glob("*.yaml")}
    unseen = set().union(*ROUNDS.values())
    assert scored and not scored & unseen
    assert not {e.case for e in load_expected(ROOT / "validation" / "expected.yaml")} & unseen
    assert {p.name for p in (ROOT / "validation" / "unseen").iterdir() if p.is_dir()} == set(ROUNDS)
