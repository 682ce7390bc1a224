"""Regional integration lasts while the union does: a member's secession after a unification undoes it
(rule:integration-undone), and the other rules place the members again from that day.

The small cases go through the real ingest path and the real rules (tests/small_cases.py).
"""

from __future__ import annotations

from pathlib import Path

from small_cases import RULE, classify_case
from small_cases import event as _event
from small_cases import period_at as _at

UNION = _event("union", "1955-03-01", "Unification")
SECESSION = _event("secession", "1962-06-01", "Secession", by="[gfr]", towards="[frn]")


def _ids(items: list[dict]) -> set[str]:
    return {e["event"].rpartition("/")[2] for e in items}


def test_a_unification_alone_lasts(tmp_path: Path) -> None:
    periods = classify_case(tmp_path, UNION)
    for day in ("1955-03-01", "1970-01-01", "1999-12-31"):
        assert _at(periods, day).position == "regional-integration", day


def test_a_secession_after_the_unification_undoes_it_and_says_so(tmp_path: Path) -> None:
    periods = classify_case(tmp_path, UNION + SECESSION)
    assert _at(periods, "1962-05-31").position == "regional-integration"
    after = _at(periods, "1970-01-01")
    assert after.position != "regional-integration"
    undone = [m for m in after.missing if m["rule"] == RULE + "integration-undone"]
    assert undone and _ids(undone[0]["evidence"]) == {"secession"}
    # the union did take place: the explanation does not say there was none
    assert RULE + "regional-integration" not in {m["rule"] for m in after.missing}


def test_a_secession_before_the_unification_does_not_undo_it(tmp_path: Path) -> None:
    earlier = _event("secession", "1952-06-01", "Secession", by="[gfr]", towards="[frn]")
    periods = classify_case(tmp_path, earlier + UNION)
    assert _at(periods, "1970-01-01").position == "regional-integration"
