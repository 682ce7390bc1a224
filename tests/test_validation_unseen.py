"""The relationships kept unseen (validation/unseen/round-*) stay a loadable validation set.

They were coded blind and have never been scored: the next rule change is to be tested on them. So this
test only loads them, on top of the scored set whose works and states they share (the folder holds only
what they add), and runs no classifier. It fails if the cases stop passing the ingest checks, cite a work
or an actor that neither set holds, or have an expected period that does not parse, or if a case leaks
into the validation set that is scored by default.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cooperative_security.kb import open_knowledge_graph
from cooperative_security.validation import HELD_OUT, load_expected, load_validation
from cooperative_security.validation.sample import load_sample_marks

ROOT = Path(__file__).resolve().parent.parent
# round 19 was scored blind on 3 December 2026 (Deutsch's transactions must be sustained) and joined the set
ROUNDS = {
    "round-21": {"bolivia-paraguay", "thailand-laos", "syria-lebanon", "italy-yugoslavia", "iraq-jordan",
                 "china-mongolia"},
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


@pytest.mark.parametrize("name", sorted(ROUNDS))
def test_each_round_loads_without_the_other_rounds(name: str) -> None:
    """Any unseen round may be the next to be scored: it must not need a work or a state that only another
    unseen round holds (a work both cite is in both bibliographies)."""
    kg = open_knowledge_graph("memory:")
    try:
        load_validation(kg, ROOT / "validation")
        assert set(load_validation(kg, ROOT / "validation" / "unseen" / name)) == ROUNDS[name]
    finally:
        kg.close()


def test_no_unseen_relationship_holds_a_pair_kept_aside() -> None:
    """The pairs kept aside (HELD_OUT: Egypt-Israel, Argentina-Brazil, the Nordic pairs, ...) stay out of the
    unseen rounds too, as members or as the two sides of an event: a round moves into the scored set whole."""
    for name in ROUNDS:
        for path in sorted((ROOT / "validation" / "unseen" / name / "cases").glob("*.yaml")):
            case = yaml.safe_load(path.read_text(encoding="utf-8"))
            members = {m["actor"] if isinstance(m, dict) else m for m in case["members"]}
            assert not any(pair <= members for pair in HELD_OUT), f"{name}/{path.name} holds a pair kept aside"
            for event in case["events"]:
                actors = set(event.get("by") or []) | set(event.get("towards") or []) | set(event.get("members") or [])
                assert not any(pair <= actors for pair in HELD_OUT), (name, path.name, event["id"])


def test_the_unseen_relationships_are_not_in_the_scored_set() -> None:
    scored = {p.stem for p in (ROOT / "validation" / "cases").glob("*.yaml")}
    unseen = set().union(*ROUNDS.values())
    assert scored and not scored & unseen
    assert not {e.case for e in load_expected(ROOT / "validation" / "expected.yaml")} & unseen
    assert {p.name for p in (ROOT / "validation" / "unseen").iterdir() if p.is_dir()} == set(ROUNDS)
