"""A ceasefire agreement founds no security regime (rule:regime-agreement, cs:excludesEventType).

A ceasefire, truce or armistice (cs:CeasefireAgreement) is a kind of treaty signature, but stopping the
fighting is in each belligerent's short-run interest and leaves the dispute open, while Jervis's test for
a regime, as the chapter reports it, is cooperation beyond short-run self-interest. So the regime rules
exclude the type, and what the parties agree after it can found a regime. Each test runs the same small
case with the agreement typed as a ceasefire and as a treaty, through the real ingest and rules, so that
it fails if the exclusion stops working and also if the case stops making a regime at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from small_cases import case_store, classify_case, event, period_at

from cooperative_security.kb import open_knowledge_graph
from cooperative_security.queries import load_query

WAR = event("war", "1951-01-10", "War")


def _after_war(agreement_type: str) -> str:
    return (WAR + event("agreement", "1952-06-01", agreement_type)
            + event("compliance", "1953-03-01", "ComplianceObserved") + event("consultation", "1954-03-01",
                                                                               "InstitutionalConsultation"))


@pytest.mark.parametrize(("agreement_type", "regime"), [("CeasefireAgreement", False), ("TreatySigned", True)])
def test_a_ceasefire_after_a_war_founds_no_regime_where_a_treaty_would(tmp_path: Path, agreement_type: str,
                                                                         regime: bool) -> None:
    period = period_at(classify_case(tmp_path, _after_war(agreement_type)), "1954-06-01")
    assert (period.position == "security-regime") is regime, (period.position, period.missing)
    founding = [e for e in period.evidence if "agreement" in str(e.get("label", e))]
    assert bool(founding) is regime


def test_a_settlement_after_the_ceasefire_founds_the_regime_from_its_own_day(tmp_path: Path) -> None:
    events = (WAR + event("ceasefire", "1952-06-01", "CeasefireAgreement")
              + event("settlement", "1955-06-01", "TreatySigned")
              + event("compliance", "1956-03-01", "ComplianceObserved"))
    periods = classify_case(tmp_path, events)
    assert period_at(periods, "1954-06-01").position != "security-regime"
    regime = period_at(periods, "1957-01-01")
    assert regime.position == "security-regime"
    labels = " ".join(str(e) for e in regime.evidence)
    assert "settlement" in labels and "ceasefire" not in labels


def test_the_types_listing_shows_that_no_regime_rule_counts_a_ceasefire() -> None:
    kg = open_knowledge_graph("memory:")
    try:
        rows = kg.select(load_query("concepts/event-types"))
    finally:
        kg.close()
    counted: dict[str, set[str]] = {}
    for row in rows:
        name = str(row["type"].value).rpartition("#")[2]  # type: ignore[union-attr]
        counted.setdefault(name, set()).add(row["ruleLabel"].value if row["ruleLabel"] else "")  # type: ignore[union-attr]
    assert "agreement or institution in force" in counted["TreatySigned"]
    assert counted["CeasefireAgreement"] == {""}  # a subclass of TreatySigned that no rule counts


def test_the_robustness_check_names_the_ceasefire_typing_that_decides_a_period(tmp_path: Path) -> None:
    """A ceasefire coded as a treaty would found the regime: `classify --sensitivity` retypes it (the two
    types are plausible alternatives) and reports the period as fragile on that choice."""
    from cooperative_security.classify.sensitivity import sensitivity

    with case_store(tmp_path, _after_war("CeasefireAgreement"), to="1960") as kg:
        checks = sensitivity(kg, ["test-dyad"])
    deciding = [text for check in checks for text in check.deciding()]
    assert any(text.startswith("agreement as TreatySigned: ") for text in deciding), deciding
    assert any(check.verdict == "fragile" for check in checks)
