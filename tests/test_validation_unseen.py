"""The relationships kept unseen (validation/unseen/round-14) stay a loadable validation set.

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
UNSEEN = ROOT / "validation" / "unseen" / "round-14"
CASES = {"qatar-bahrain", "senegal-mauritania", "nicaragua-costa-rica", "philippines-malaysia", "oman-yemen",
         "haiti-dominican-republic"}


def test_the_unseen_relationships_load_on_top_of_the_scored_set() -> None:
    kg = open_knowledge_graph("memory:")
    try:
        load_validation(kg, ROOT / "validation")
        assert set(load_validation(kg, UNSEEN)) == CASES
    finally:
        kg.close()
    expected = load_expected(UNSEEN / "expected.yaml")
    assert {e.case for e in expected} == CASES and len(expected) >= 2 * len(CASES)
    assert set(load_sample_marks(UNSEEN / "expected.yaml")) == CASES


def test_the_unseen_relationships_are_not_in_the_scored_set() -> None:
    scored = {p.stem for p in (ROOT / "validation" / "cases").glob("*.yaml")}
    assert scored and not scored & CASES
    assert not {e.case for e in load_expected(ROOT / "validation" / "expected.yaml")} & CASES
