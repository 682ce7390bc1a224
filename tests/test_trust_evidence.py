"""Trust "none" rests on evidence of mistrust; with no evidence either way it is "undetermined".

Regression for the validity audit: trust was reported "none" whenever no trust evidence was found, so a
relationship the case files say nothing about counted as one without trust, and agreed with every scholar
who says "no trust". Now (queries/classify/50-trust.rq, 90-position.rq; rule:elite-trust) "none" needs
evidence of mistrust at the checkpoint (a conflict formation's events, force or military planning between
members, a setback to trust, a mistrust signal not yet overcome), and "undetermined" says what would
decide it, as the dyad-years do (rule:dyad-undetermined). The small cases go through the real ingest path.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import rdflib
from small_cases import EVIDENCE, RULE, classify_case
from small_cases import period_at as _at

from cooperative_security.classify import Period
from cooperative_security.resources import data_dir
from cooperative_security.validation import summarise
from cooperative_security.validation.readings import Reading, inferred_trust

REGIME = f"""\
- id: institution
  date: 1950-03-01
  type: InstitutionFounded
  by: [frn, gfr]
  level: elite
  label: a shared institution
  evidence: {EVIDENCE}
- id: compliance
  date: 1952-03-01
  type: ComplianceObserved
  by: [frn, gfr]
  level: elite
  label: compliance with it
  evidence: {EVIDENCE}
"""


def _classify(tmp_path: Path, events: str) -> list[Period]:
    return classify_case(tmp_path, events, to="1960")


def _trust_note(p: Period) -> dict:
    found = [m for m in p.missing if m["rule"] == RULE + "elite-trust"]
    assert len(found) == 1, p.missing
    return found[0]


def test_a_regime_with_no_evidence_of_trust_or_mistrust_has_undetermined_trust(tmp_path: Path) -> None:
    p = _at(_classify(tmp_path, REGIME), "1955-06-30")
    assert (p.position, p.trust) == ("security-regime", "undetermined")
    note = _trust_note(p)
    assert "trust undetermined" in note["condition"] and not note["evidence"]
    # it says what would decide it, in the words of rule:elite-trust (cs:wouldBeDecidedBy)
    assert "would show contingent cooperation" in note["condition"] and "would show no trust" in note["condition"]


def test_force_between_the_members_makes_trust_none_and_names_the_event(tmp_path: Path) -> None:
    clash = textwrap.dedent(f"""\
        - id: clash
          date: 1954-05-01
          type: ArmedClash
          by: [gfr]
          towards: [frn]
          level: elite
          label: a border clash
          evidence: {EVIDENCE}
        """)
    periods = _classify(tmp_path, REGIME + clash)
    assert _at(periods, "1953-12-31").trust == "undetermined"
    after = _at(periods, "1954-12-31")
    assert after.trust == "none"
    note = _trust_note(after)
    assert "trust none" in note["condition"]
    assert [e["event"].rpartition("/")[2] for e in note["evidence"]] == ["clash"]


def test_contingency_planning_against_a_member_makes_trust_none(tmp_path: Path) -> None:
    planning = textwrap.dedent(f"""\
        - id: planning
          date: 1956
          type: MilitaryContingencyPlanning
          by: [gfr]
          towards: [frn]
          level: elite
          label: war plans against the other
          evidence: {EVIDENCE}
        """)
    p = _at(_classify(tmp_path, REGIME + planning), "1957-06-30")
    assert p.trust == "none"
    assert "planning" in {e["event"].rpartition("/")[2] for e in _trust_note(p)["evidence"]}


def test_a_mistrust_signal_a_source_reports_makes_trust_none(tmp_path: Path) -> None:
    signal = textwrap.dedent(f"""\
        - id: fearful-speech
          date: 1956-02-01
          type: Declaration
          by: [frn]
          level: elite
          label: a speech voicing fear of the other
          evidence: {EVIDENCE}
          characterised_as:
            - {{concept: Mistrust, work: keating-wheeler-2013, section: "Building Trust in World Politics"}}
        """)
    p = _at(_classify(tmp_path, REGIME + signal), "1957-06-30")
    assert p.trust == "none"
    assert "fearful-speech" in {e["event"].rpartition("/")[2] for e in _trust_note(p)["evidence"]}


def test_leaders_trust_is_still_contingent_cooperation(tmp_path: Path) -> None:
    visit = textwrap.dedent(f"""\
        - id: visit
          date: 1955-05-01
          type: LeadershipVisit
          by: [frn, gfr]
          level: elite
          label: a state visit
          evidence: {EVIDENCE}
        """)
    p = _at(_classify(tmp_path, REGIME + visit), "1955-12-31")
    assert p.trust == "contingent-cooperation"
    assert RULE + "elite-trust" not in {m["rule"] for m in p.missing}


def test_what_would_decide_trust_names_the_window_of_the_rule() -> None:
    """The words of cs:wouldBeDecidedBy on rule:elite-trust give its window (data/rules.ttl): a window changed
    there without the words fails here."""
    g = rdflib.Graph().parse(data_dir() / "rules.ttl")
    cs = rdflib.Namespace("https://w3id.org/coopsec/ontology#")
    rule = rdflib.URIRef(RULE + "elite-trust")
    assert f"within {g.value(rule, cs.windowYears)} years" in str(g.value(rule, cs.wouldBeDecidedBy))


def test_the_validation_scores_undetermined_trust_apart_from_none() -> None:
    period = Period("x", ["A", "B"], "1990", None, "security-regime", trust="undetermined", start="1990-01-01")
    assert inferred_trust(period) == "undetermined"
    assert inferred_trust(None) == "undetermined"  # no assessment covers the date: no evidence either way
    assert inferred_trust(Period("x", ["A", "B"], "1990", None, "conflict-formation", trust="none")) == "none"
    readings = [Reading("trust", "x", "p", "1990-06-30", "midpoint", "none", "undetermined", []),
                Reading("trust", "x", "p", "1990-12-31", "end", "none", "none", [])]
    trust = summarise(["x"], readings).agreement["trust"]
    assert "undetermined" in trust.labels and (trust.agreed, trust.total) == (1, 2)


# --- rule:trust-broken-by-force (a war or an invasion between members) and rule:trust-refuted-by-hostility
# (lesser hostility between the parties of a meeting) end the trust evidence before them ------------------

@pytest.mark.parametrize(("hostile", "rule"), [("Invasion", "trust-broken-by-force"),
                                               ("ArmedClash", "trust-refuted-by-hostility")])
def test_trust_read_from_a_visit_does_not_outlast_hostility_between_the_two(tmp_path: Path, hostile: str,
                                                                           rule: str) -> None:
    # the definition of trust the chapter takes from Rousseau et al. (note 47): positive expectations of
    # the other's behaviour, which force or hostility between the very parties of the visit refutes
    from small_cases import event

    events = (event("visit", "1952-05-01", "LeadershipVisit", by="[frn]", towards="[gfr]")
              + event("hostile", "1954-08-02", hostile, by="[gfr]", towards="[frn]"))
    periods = _classify(tmp_path, events)
    assert _at(periods, "1953-06-30").trust == "contingent-cooperation"  # the visit, before the hostility
    after = _at(periods, "1956-06-30")
    assert after.trust == "none", after  # within the visit's ten-year window, but after the hostility
    ended = [m for m in after.missing if m["rule"] == RULE + rule]
    assert len(ended) == 1 and [e["event"].rpartition("/")[2] for e in ended[0]["evidence"]] == ["hostile"]
    # a reciprocated move after it shows trust again: only the evidence before it stops counting (a visit
    # alone would not, inside the conflict formation the hostility made: rule:spiral-of-mistrust, tested in
    # test_spiral_of_mistrust.py)
    again = _classify(tmp_path, events + event("visit-after", "1955-03-01", "Reciprocation", by="[gfr]",
                                               towards="[frn]"))
    p = _at(again, "1956-06-30")
    assert p.trust == "contingent-cooperation"
    assert not [m for m in p.missing if m["rule"] == RULE + rule]


def test_hostility_between_some_members_of_a_group_does_not_end_the_trust_of_its_meetings(tmp_path: Path) -> None:
    # the chapter finds trust among ASEAN's leaders beside contingency planning and clashes between some
    # members: a clash between two of three members leaves the trust a summit of all three showed
    from small_cases import event

    # members of a regime, as ASEAN's are (inside a conflict formation, leaders' meetings are not yet trust:
    # rule:spiral-of-mistrust)
    regime = (event("institution", "1950-03-01", "InstitutionFounded", by="[frn, gfr, ita]")
              + event("compliance", "1951-03-01", "ComplianceObserved", by="[frn, gfr, ita]"))
    events = (regime + event("summit", "1952-05-01", "Summit", by="[frn, gfr, ita]")
              + event("clash", "1954-08-02", "ArmedClash", by="[gfr]", towards="[ita]"))
    periods = classify_case(tmp_path, events, members="[frn, gfr, ita]", to="1960")
    p = _at(periods, "1956-06-30")
    assert (p.position, p.trust) == ("security-regime", "contingent-cooperation"), p
    assert not [m for m in p.missing if m["rule"] == RULE + "trust-refuted-by-hostility"]
    # the same clash after a meeting of only those two ends what that meeting showed
    two = (event("talks", "1952-05-01", "LeadershipVisit", by="[gfr]", towards="[ita]")
           + event("clash", "1954-08-02", "ArmedClash", by="[gfr]", towards="[ita]"))
    q = _at(classify_case(tmp_path, two, members="[frn, gfr, ita]", to="1960"), "1956-06-30")
    assert q.trust == "none", q


def test_the_inferred_graph_records_each_trust_event_with_the_hostility_that_refutes_it(tmp_path: Path) -> None:
    # rule:trust-refuted-by-hostility is tested once (cs:refutedBy), and the leaders' trust and the rule's
    # obstacle both read that record: it must pair a trust event with a later hostile event among all of its
    # members, and nothing else
    import pyoxigraph as ox
    from small_cases import case_store, event

    from cooperative_security.classify import classify

    events = (event("early-clash", "1951-02-01", "ArmedClash", by="[gfr]", towards="[ita]")
              + event("summit", "1952-05-01", "Summit", by="[frn, gfr, ita]")
              + event("talks", "1952-06-01", "LeadershipVisit", by="[gfr]", towards="[ita]")
              + event("clash", "1954-08-02", "ArmedClash", by="[gfr]", towards="[ita]"))
    with case_store(tmp_path, events, members="[frn, gfr, ita]", case_id="test-group", to="1960") as kg:
        inferred: list[ox.Triple] = []
        classify(kg, ["test-group"], inferred=inferred)  # the run's graph (the rules ran on a copy of the case)
        refuted = {(t.subject.value.rpartition("/")[2], t.object.value.rpartition("/")[2])
                   for t in inferred if t.predicate == ox.NamedNode("https://w3id.org/coopsec/ontology#refutedBy")
                   and "/test-group/" in t.subject.value}
    # not the summit (the clash leaves out France), and not the clash dated before both meetings
    assert refuted == {("talks", "clash")}
