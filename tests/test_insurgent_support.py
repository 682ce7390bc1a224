"""Support for insurgents (cs:InsurgentSupport): a state arming or sheltering rebels against another member's
government is counted as force between the members is (docs/development/decisions.md, "Support for
insurgents", tested blind on validation round 20 and adopted). Before it, coders had no type for it and
described it without coding it, so such a relationship came out undetermined, or a community."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from small_cases import RULE
from small_cases import classify_case as _case
from small_cases import event as _event
from small_cases import period_at as _at

from cooperative_security.cli import main

SUPPORT = _event("arms-for-rebels", "1960-03-01", "InsurgentSupport", by="[frn]", towards="[gfr]")
#: a regime on a treaty (a shared institution would be suspended: tests/test_institution_hostility.py)
REGIME = (_event("treaty", "1951-04-01", "TreatySigned") + _event("compliance", "1952-04-01", "ComplianceObserved")
          + _event("compliance-again", "1958-04-01", "ComplianceObserved"))


def _events(items: list[dict]) -> set[str]:
    return {str(e["event"]).rsplit("/", 1)[-1] for e in items}


@pytest.mark.parametrize(("etype", "position"), [("InsurgentSupport", "conflict-formation"),
                                                 ("Speech", "undetermined")])
def test_support_for_a_neighbours_rebels_is_evidence_of_a_conflict_formation(
        tmp_path: Path, etype: str, position: str) -> None:
    events = _event("arms-for-rebels", "1960-03-01", etype, by="[frn]", towards="[gfr]")
    p = _at(_case(tmp_path, events), "1961-01-01")
    assert p.position == position, (p.position, p.missing)
    assert ("arms-for-rebels" in _events(p.evidence)) is (etype == "InsurgentSupport")


def test_support_for_rebels_against_a_third_state_sets_no_member_against_another(tmp_path: Path) -> None:
    events = _event("arms-for-rebels", "1960-03-01", "InsurgentSupport", by="[frn]", towards="[usa]")
    assert _at(_case(tmp_path, events), "1961-01-01").position == "undetermined"


def test_support_inside_a_regime_leaves_it_standing_but_strained_and_no_community(tmp_path: Path) -> None:
    """Like force short of war, support for insurgents does not break a regime; it leaves Jervis's third
    condition unmet (the regime is strained since) and keeps a security community out (no force, even
    through others, within the window)."""
    p = _at(_case(tmp_path, REGIME + SUPPORT), "1961-01-01")
    assert p.position == "security-regime", (p.position, p.missing)
    no_expansion = next(c for c in p.regime_conditions if c["rule"] == RULE + "jervis-no-expansion")
    assert no_expansion["status"] == "unmet" and "strained since" in (p.qualification or "")
    no_force = [m for m in p.missing if m["rule"] == RULE + "no-force"]
    assert no_force and "arms-for-rebels" in _events(no_force[0]["evidence"])
    before = _at(_case(tmp_path, REGIME), "1961-01-01")
    assert before.qualification is None
    assert not [m for m in before.missing if m["rule"] == RULE + "no-force" and m.get("evidence")]


def test_the_types_listing_says_what_counts_support_for_insurgents(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["types", "--format", "json"]) == 0
    row = next(t for t in json.loads(capsys.readouterr().out) if t["type"].endswith("InsurgentSupport"))
    assert row["polarity"] == "conflictual"
    counted = " ".join(row["counted_by"]) if isinstance(row["counted_by"], list) else row["counted_by"]
    assert "conflict formation from evidence" in counted and "no use of force between members" in counted


@pytest.mark.parametrize(("etype", "trust"), [("InsurgentSupport", False), ("Speech", True)])
def test_support_for_rebels_refutes_the_leaders_trust_shown_before_it(tmp_path: Path, etype: str, trust: bool) -> None:
    """Round 20's four trust gains: leaders' visits followed by one side arming the other's rebels are no
    trust from the day of the support on (rule:trust-refuted-by-hostility)."""
    events = (_event("visit", "1955-03-01", "LeadershipVisit") + _event("visit-again", "1958-03-01", "LeadershipVisit")
              + _event("arms-for-rebels", "1959-03-01", etype, by="[frn]", towards="[gfr]"))
    p = _at(_case(tmp_path, events), "1960-01-01")
    assert (p.trust == "contingent-cooperation") is trust, (p.trust, p.missing)
