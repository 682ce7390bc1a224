"""A shared institution does not hold a regime through hostility among its members
(rule:institution-refuted-by-hostility; docs/development/decisions.md, tested blind on round 16 and adopted).

A shared institution sustains a regime with no window (rule:standing-institution), so an armistice
commission or a regional body both states belong to kept a regime through twenty years of raids and
proxy war (Israel-Syria and Jordan-Israel 1949-1967, Honduras-Nicaragua in the contra war). Hostility
among every member its founding involves, on or after the founding and within the conflict-formation
window, now suspends it; agreements other than the institution are untouched."""

from __future__ import annotations

from pathlib import Path

from small_cases import RULE
from small_cases import classify_case as _case
from small_cases import event as _event
from small_cases import period_at as _at

INSTITUTION = (_event("commission", "1951-04-01", "InstitutionFounded")
               + _event("consultation", "1952-04-01", "InstitutionalConsultation"))
CLASH = _event("clash", "1960-03-01", "ArmedClash", by="[frn]", towards="[gfr]")


def _refuted(p) -> list[dict]:  # type: ignore[no-untyped-def]
    return [m for m in p.missing if m["rule"] == RULE + "institution-refuted-by-hostility"]


def _labels(items: list[dict]) -> set[str]:
    return {str(e.get("label")) for e in items}


def test_hostility_between_its_members_suspends_the_institutions_regime_for_the_window(tmp_path: Path) -> None:
    periods = _case(tmp_path, INSTITUTION + CLASH)
    assert _at(periods, "1959-12-31").position == "security-regime"
    during = _at(periods, "1961-01-01")
    assert during.position == "conflict-formation", (during.position, during.missing)
    [obstacle] = _refuted(during)
    assert "clash" in _labels(obstacle["evidence"])
    # ten years on (the conflict-formation window) with no hostility since, the institution stands again
    after = _at(periods, "1971-06-01")
    assert after.position == "security-regime" and not _refuted(after), (after.position, after.missing)


def test_hostility_before_the_founding_leaves_the_institution_standing(tmp_path: Path) -> None:
    """An institution founded after a conflict (ASEAN after the confrontation) is not refuted by it."""
    events = (_event("clash", "1950-06-01", "ArmedClash", by="[frn]", towards="[gfr]")
              + _event("commission", "1951-04-01", "InstitutionFounded")
              + _event("consultation", "1952-04-01", "InstitutionalConsultation"))
    p = _at(_case(tmp_path, events), "1955-01-01")
    assert p.position == "security-regime" and not _refuted(p)


def test_hostility_between_two_members_of_a_larger_group_leaves_the_groups_institution(tmp_path: Path) -> None:
    """Thailand and Cambodia clashed inside ASEAN, which the chapter still reads as a regime."""
    events = (_event("body", "1951-04-01", "InstitutionFounded", by="[frn, gfr, ita]")
              + _event("meeting", "1952-04-01", "InstitutionalConsultation", by="[frn, gfr, ita]")
              + CLASH)
    p = _at(_case(tmp_path, events, members="[frn, gfr, ita]", case_id="test-group"), "1961-01-01")
    assert p.position == "security-regime" and not _refuted(p), (p.position, p.missing)


def test_a_treaty_with_conduct_is_not_suspended_by_the_same_hostility(tmp_path: Path) -> None:
    events = (_event("treaty", "1951-04-01", "TreatySigned") + _event("compliance", "1952-04-01", "ComplianceObserved")
              + CLASH)
    p = _at(_case(tmp_path, events), "1961-01-01")
    assert p.position == "security-regime" and not _refuted(p), (p.position, p.missing)


def test_a_suspended_institution_is_no_conduct_under_another_agreement(tmp_path: Path) -> None:
    """The rule says a refuted institution neither founds nor sustains a regime nor counts as its conduct: it
    was kept out of force but still counted as conduct consistent with an earlier treaty, which held the
    regime through the clash."""
    events = (_event("treaty", "1951-04-01", "TreatySigned") + _event("commission", "1952-04-01", "InstitutionFounded")
              + _event("clash", "1955-03-01", "ArmedClash", by="[frn]", towards="[gfr]"))
    periods = _case(tmp_path, events)
    assert _at(periods, "1954-12-31").position == "security-regime"
    during = _at(periods, "1956-01-01")
    assert during.position == "conflict-formation", (during.position, during.missing)
    assert "commission" not in _labels(during.evidence)


def test_an_institution_already_ended_is_not_said_to_be_refuted(tmp_path: Path) -> None:
    """The obstacle named institutions that a member had already abrogated: only one that would otherwise be
    in force is suspended (and would stand again)."""
    events = (INSTITUTION + _event("walk-out", "1953-06-01", "Abrogation", by="[frn]")
              + _event("threat", "1955-03-01", "Threat", by="[frn]", towards="[gfr]"))
    p = _at(_case(tmp_path, events), "1956-01-01")
    assert p.position == "conflict-formation"
    assert [m for m in p.missing if m["rule"] == RULE + "regime-ended"] and not _refuted(p), p.missing
