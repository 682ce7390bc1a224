"""Leaders' trust shows dependable expectations only when it is sustained (rule:dependable-expectations).

Within a regime that has held for the window, leaders' trust makes a nascent security community only when
two of its events are at least cs:minimumSpanYears apart, or of two kinds (the test rule:societal-trust asks
of the societies' evidence): one visit, or one set of meetings, is a signal, not yet an expectation. Each
test runs a small case through the real ingest and rules; the first two fail if the test is dropped, the
last two if it is made stricter than the rule says.
"""

from __future__ import annotations

from pathlib import Path

from small_cases import RULE, classify_case, event, period_at

INSTITUTION = event("institution", "1950", "InstitutionFounded")  # a standing institution: a regime since 1950


def test_one_visit_in_a_long_regime_is_no_community(tmp_path: Path) -> None:
    period = period_at(classify_case(tmp_path, INSTITUTION + event("visit", "1962-05-01", "LeadershipVisit")),
                       "1963-12-31")
    assert period.position == "security-regime", (period.position, period.stage)
    assert RULE + "dependable-expectations" in {m["rule"] for m in period.missing}


def test_two_visits_a_year_apart_are_one_signal(tmp_path: Path) -> None:
    events = INSTITUTION + event("visit", "1962-05-01", "LeadershipVisit") + event("visit-2", "1963-02-01",
                                                                                  "LeadershipVisit")
    assert period_at(classify_case(tmp_path, events), "1963-12-31").position == "security-regime"


def test_visits_three_years_apart_show_dependable_expectations(tmp_path: Path) -> None:
    events = INSTITUTION + event("visit", "1962-05-01", "LeadershipVisit") + event("visit-2", "1965-05-01",
                                                                                  "LeadershipVisit")
    periods = classify_case(tmp_path, events)
    assert period_at(periods, "1964-12-31").position == "security-regime"
    community = period_at(periods, "1965-12-31")
    assert (community.position, community.stage) == ("security-community", "nascent")
    assert {"visit", "visit-2"} <= {str(e.get("label", e)) for e in community.evidence}


def test_a_visit_and_a_summit_in_one_year_are_two_kinds(tmp_path: Path) -> None:
    events = INSTITUTION + event("visit", "1962-05-01", "LeadershipVisit") + event("summit", "1962-09-01", "Summit")
    assert period_at(classify_case(tmp_path, events), "1962-12-31").position == "security-community"
