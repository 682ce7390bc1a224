"""A member that left and rejoined takes part in the case's events again from its return.

A case may name an actor in more than one membership, each with its own span (a state that ceased to exist
for a while, or left a group and came back). The rules count an event between members only while both are
members: any of an actor's spans is enough. Until 2 December 2026 the first span that had ended excluded
the actor for good, so a blind validation case (Austria and Italy, with Austria a member until 1938 and
again from 1945) found no regime in the agreements of 1946-1969.
"""

from __future__ import annotations

from pathlib import Path

from small_cases import classify_case, event, period_at

LEFT_AND_RETURNED = "[{actor: frn, to: 1940-06-22}, {actor: frn, from: 1944-08-25}, gfr, ita]"
AGREEMENT = (event("treaty", "1955-05-05", "TreatySigned", by="[frn, gfr]")
             + event("compliance", "1956-03-01", "ComplianceObserved", by="[frn, gfr]"))


def test_a_member_that_returned_counts_in_an_agreement_after_its_return(tmp_path: Path) -> None:
    period = period_at(classify_case(tmp_path, AGREEMENT, members=LEFT_AND_RETURNED), "1957-06-01")
    assert period.position == "security-regime", (period.position, period.missing)
    assert {"treaty", "compliance"} <= {str(e.get("label", e)) for e in period.evidence}


def test_a_member_outside_every_span_does_not_count(tmp_path: Path) -> None:
    """The same agreement made while the member was away is no agreement between members."""
    away = "[{actor: frn, to: 1940-06-22}, {actor: frn, from: 1960-01-01}, gfr, ita]"
    period = period_at(classify_case(tmp_path, AGREEMENT, members=away), "1957-06-01")
    assert period.position != "security-regime", (period.position, period.evidence)
