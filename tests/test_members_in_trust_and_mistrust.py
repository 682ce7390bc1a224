"""Trust and mistrust are read between members: events with no member do not count, and a leader counts for
the leader's state.

An audit found three places where the trust rules read an event that involves no member of the
relationship (queries/classify/15-participants.rq: members take part in an event while they are members):

- rule:mistrust-overcome (queries/classify/40-community.rq) took any event of the case that a work reads
  as mistrust as a standing signal: a US declaration about the USSR blocked a France-Italy community and
  turned its trust to none, though rules.ttl defines the signal as "in the relationship";
- rule:trust-refuted-by-hostility (queries/classify/50-trust.rq) ends leaders' trust when the hostility
  involves every member the trust event involved, a test that passed on nothing when the trust event had no
  member, which is what leaders' letters coded with the leaders themselves (`by: [de-gaulle-c,
  adenauer-k]`) had: Italy's threat to France then ended the trust of de Gaulle's and Adenauer's letters,
  while the same letters coded `by: [frn, gfr]` kept it;
- rule:elite-trust read visits with no member at all (the United States to Britain in a France-Italy
  dyad) and visits before the other side was a member.

A person now takes part in an event for the state the actors file says the person belongs to
(cs:ofState), and leaders' trust is evidence between two or more members (cs:involvesMembers). Each case
below runs through the real ingest and the real rules.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from small_cases import RULE, classify_case, event, period_at

from cooperative_security.classify import Period, classify
from cooperative_security.ingest import ingest_paths
from cooperative_security.kb import open_knowledge_graph

MISTRUST = ('characterised_as:\n'
            '  - {concept: Mistrust, work: keating-wheeler-2013, section: "Introduction"}\n')
REGIME = event("treaty", "1950-03-01", "TreatySigned", by="[frn, ita]") + \
    event("comply", "1951-03-01", "ComplianceObserved", by="[frn, ita]")
GROUP_REGIME = event("treaty", "1960-01-10", "TreatySigned", by="[frn, gfr, ita]") + \
    event("comply", "1960-02-01", "ComplianceObserved", by="[frn, gfr, ita]")


def _missing_rules(period: Period) -> set[str]:
    return {m["rule"] for m in period.missing}


def _evidence_of(period: Period, rule: str) -> set[str]:
    return {e["event"].rsplit("/", 1)[-1] for m in period.missing if m["rule"] == RULE + rule
            for e in m.get("evidence", [])}


# --- rule:mistrust-overcome: a signal in the relationship ---------------------------------------------------

def test_mistrust_between_two_outsiders_is_no_signal_in_the_relationship(tmp_path: Path) -> None:
    events = REGIME + event("other-mistrust", "1952-03-01", "Declaration", by="[usa]", towards="[rus]",
                            extra=MISTRUST)
    p = period_at(classify_case(tmp_path, events, members="[frn, ita]", to="1960"), "1955-06-30")
    assert p.position == "security-regime"
    # was trust none, with the US declaration as the standing mistrust signal
    assert p.trust == "undetermined", p
    assert RULE + "mistrust-overcome" not in _missing_rules(p)
    assert "other-mistrust" not in _evidence_of(p, "elite-trust")
    # the same declaration, by one member about the other, is the signal rule:mistrust-overcome reads
    events = REGIME + event("member-mistrust", "1952-03-01", "Declaration", by="[frn]", towards="[ita]",
                            extra=MISTRUST)
    (tmp_path / "members").mkdir()
    p = period_at(classify_case(tmp_path / "members", events, members="[frn, ita]", to="1960"), "1955-06-30")
    assert p.trust == "none", p
    assert "member-mistrust" in _evidence_of(p, "mistrust-overcome")


# --- rule:trust-refuted-by-hostility: the leaders count for their states ----------------------------------

def _letters_then(tmp_path: Path, by: str, threat_by: str, threat_to: str) -> Period:
    tmp_path.mkdir()
    events = GROUP_REGIME + event("letters", "1960-03-01", "LeaderCorrespondence", by=by) + \
        event("threat", "1961-03-01", "Threat", by=threat_by, towards=threat_to)
    periods = classify_case(tmp_path, events, members="[frn, gfr, ita]", case_id="test-group", to="1962")
    return period_at(periods, "1961-06-30")


def test_leaders_count_for_their_states_when_hostility_would_refute_their_letters(tmp_path: Path) -> None:
    people = _letters_then(tmp_path / "people", "[de-gaulle-c, adenauer-k]", "[ita]", "[frn]")
    states = _letters_then(tmp_path / "states", "[frn, gfr]", "[ita]", "[frn]")
    # Italy's threat to France does not involve Germany, one of the two states whose leaders wrote
    # (was: none, with the letters refuted when coded with the leaders)
    assert people.trust == states.trust == "contingent-cooperation", (people, states)
    assert RULE + "trust-refuted-by-hostility" not in _missing_rules(people)
    # a threat between the two writers' states refutes the letters, however they are coded
    people = _letters_then(tmp_path / "people-hostile", "[de-gaulle-c, adenauer-k]", "[gfr]", "[frn]")
    states = _letters_then(tmp_path / "states-hostile", "[frn, gfr]", "[gfr]", "[frn]")
    assert people.trust == states.trust == "none", (people, states)
    assert "threat" in _evidence_of(people, "trust-refuted-by-hostility")


# --- rule:elite-trust: evidence between members, while they are members ------------------------------------

def _dyad_with_spans(tmp_path: Path, events: str) -> list[Period]:
    path = tmp_path / "span-dyad.yaml"
    path.write_text(textwrap.dedent("""\
        id: span-dyad
        label: A dyad whose second member joins in 1955
        kind: dyad
        members:
          - {actor: frn}
          - {actor: ita, from: 1955-01-01}
        from: 1950
        to: 1960
        events:
        """) + textwrap.indent(textwrap.dedent(events), "  "), encoding="utf-8")
    assert path.stat().st_size > 200, path
    kg = open_knowledge_graph("memory:")
    try:
        ingest_paths(kg, [path])
        return classify(kg, ["span-dyad"], None)
    finally:
        kg.close()


def test_a_visit_between_outsiders_or_before_membership_is_no_leaders_trust(tmp_path: Path) -> None:
    events = event("visit-before", "1952-03-01", "LeadershipVisit", by="[frn]", towards="[ita]") + \
        event("us-visit", "1953-03-01", "LeadershipVisit", by="[usa]", towards="[ukg]")
    p = period_at(_dyad_with_spans(tmp_path, events), "1954-06-30")
    # was contingent-cooperation, from either visit
    assert p.trust == "undetermined", p
    # the same visit once both are members is leaders' trust
    events = event("visit-after", "1956-03-01", "LeadershipVisit", by="[frn]", towards="[ita]")
    (tmp_path / "after").mkdir()
    p = period_at(_dyad_with_spans(tmp_path / "after", events), "1956-06-30")
    assert p.trust == "contingent-cooperation", p
