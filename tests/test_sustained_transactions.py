"""Deutsch's transactions show dependable expectations only when sustained (rule:dependable-expectations).

Within a regime that has held for the window, transactions (flows, free movement, exchanges, civil-society
ties, joint military planning) make a nascent security community only when two of them are at least
cs:minimumSpanYears apart, or of two kinds, as leaders' trust must be (tests/test_sustained_trust.py): one
flow is not the high level of transactions Deutsch's team measured (docs/development/decisions.md, "Deutsch's
transactions must be sustained"). Each test runs a small case through the real ingest and rules; the first
two fail if the test is dropped, the last two if it is made stricter than the rule says. The transactions
are coded at the elite level here, so that no societal trust (which counts some of the same types) decides.
"""

from __future__ import annotations

from pathlib import Path

from small_cases import RULE, classify_case, event, period_at

INSTITUTION = event("institution", "1950", "InstitutionFounded")  # a standing institution: a regime since 1950


def test_one_flow_in_a_long_regime_is_no_community(tmp_path: Path) -> None:
    period = period_at(classify_case(tmp_path, INSTITUTION + event("trade", "1962-05-01", "TransactionFlow")),
                       "1963-12-31")
    assert period.position == "security-regime", (period.position, period.stage)
    assert RULE + "dependable-expectations" in {m["rule"] for m in period.missing}


def test_two_flows_a_year_apart_are_one_signal(tmp_path: Path) -> None:
    events = INSTITUTION + event("trade", "1962-05-01", "TransactionFlow") + event("trade-2", "1963-02-01",
                                                                                 "TransactionFlow")
    assert period_at(classify_case(tmp_path, events), "1963-12-31").position == "security-regime"


def test_flows_three_years_apart_show_dependable_expectations(tmp_path: Path) -> None:
    events = INSTITUTION + event("trade", "1962-05-01", "TransactionFlow") + event("trade-2", "1965-05-01",
                                                                                 "TransactionFlow")
    periods = classify_case(tmp_path, events)
    assert period_at(periods, "1964-12-31").position == "security-regime"
    community = period_at(periods, "1965-12-31")
    assert (community.position, community.stage) == ("security-community", "nascent")
    assert {"trade", "trade-2"} <= {str(e.get("label", e)) for e in community.evidence}


def test_a_flow_and_free_movement_in_one_year_are_two_kinds(tmp_path: Path) -> None:
    events = INSTITUTION + event("trade", "1962-05-01", "TransactionFlow") + event("border", "1962-09-01",
                                                                                 "FreeMovement")
    assert period_at(classify_case(tmp_path, events), "1962-12-31").position == "security-community"
