"""An agreement that founds a regime is one between members: at least one member is among its parties.

rule:regime-agreement counts treaties, institutions, adopted norms and guarantees "between two or more
members"; queries/classify/30-security-regime.rq read that as two members involved, as parties or as
targets, so a guarantee that outsiders gave to two members (Britain and the United States to Malaysia,
Singapore and the Philippines, in ASEAN's case file) was an agreement among the members, and made the
relationship a regime resting on guarantees (collective security). A guarantee given by a member to
another still counts. Each case runs through the real ingest and the real rules.
"""

from __future__ import annotations

from pathlib import Path

from small_cases import classify_case, event, period_at

CONDUCT = event("comply", "1951-03-01", "ComplianceObserved", by="[frn, ita]")


def test_an_outsiders_guarantee_to_two_members_is_no_agreement_between_them(tmp_path: Path) -> None:
    events = event("guarantee", "1950-03-01", "SecurityGuarantee", by="[ukg, usa]", towards="[frn, ita]") + CONDUCT
    p = period_at(classify_case(tmp_path, events, members="[frn, ita]", to="1960"), "1952-06-30")
    assert p.position != "security-regime", p
    assert p.subtype != "collective-security", p


def test_a_members_guarantee_to_another_member_is_one(tmp_path: Path) -> None:
    events = event("guarantee", "1950-03-01", "SecurityGuarantee", by="[frn]", towards="[ita]") + CONDUCT
    p = period_at(classify_case(tmp_path, events, members="[frn, ita]", to="1960"), "1952-06-30")
    assert p.position == "security-regime" and p.subtype == "collective-security", p


# Conduct too is the members' own: rule:regime-conduct counts cooperative deeds between two or more members, and
# a guarantee (or any deed) that outsiders direct at two members involves them only as targets. Before this was
# read so, the outsiders' guarantee below renewed the members' treaty as its conduct and made the relationship a
# regime resting on guarantees.
TREATY = event("treaty", "1950-03-01", "TreatySigned", by="[frn, ita]")


def test_an_outsiders_guarantee_to_two_members_is_not_their_conduct(tmp_path: Path) -> None:
    events = TREATY + event("guarantee", "1951-03-01", "SecurityGuarantee", by="[ukg, usa]", towards="[frn, ita]")
    p = period_at(classify_case(tmp_path, events, members="[frn, ita]", to="1960"), "1952-06-30")
    assert p.position != "security-regime", p
    assert any(m["rule"].endswith("/regime-conduct") for m in p.missing), p.missing


def test_a_members_deed_towards_another_member_is_conduct(tmp_path: Path) -> None:
    events = TREATY + event("comply", "1951-03-01", "ComplianceObserved", by="[frn]", towards="[ita]")
    p = period_at(classify_case(tmp_path, events, members="[frn, ita]", to="1960"), "1952-06-30")
    assert p.position == "security-regime", p


def test_a_member_acting_with_an_outsider_towards_a_member_is_conduct(tmp_path: Path) -> None:
    events = TREATY + event("guarantee", "1951-03-01", "SecurityGuarantee", by="[frn, ukg]", towards="[ita]")
    p = period_at(classify_case(tmp_path, events, members="[frn, ita]", to="1960"), "1952-06-30")
    assert p.position == "security-regime" and p.subtype == "collective-security", p
