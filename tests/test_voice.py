"""The sources' voice beside the inference: cited characterisations agree with a period, disagree, or are silent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cooperative_security.classify import Period, classify
from cooperative_security.classify.voice import Reading, Voice, source_voice
from cooperative_security.ingest import ingest_paths
from cooperative_security.kb import open_knowledge_graph

EVENT = "https://w3id.org/coopsec/id/event/"
WORK = "https://w3id.org/coopsec/id/work/"


@pytest.fixture(scope="module")
def voiced() -> Iterator[tuple[list[Period], list[Voice]]]:
    kg = open_knowledge_graph("memory:")
    try:
        periods = classify(kg)
        yield periods, source_voice(kg, periods)
    finally:
        kg.close()


def find(voiced: tuple[list[Period], list[Voice]], case: str, iso: str) -> tuple[Period, Voice]:
    for p, v in zip(*voiced, strict=True):
        if p.relationship == case and p.position is not None and p.covers(iso):
            return p, v
    raise AssertionError(f"no period of {case} on {iso}")


def test_a_position_no_source_asserts_is_marked_silent(voiced: tuple[list[Period], list[Voice]]) -> None:
    """Issue 11, point 4: a US-Soviet regime from 1963 is the classifier's inference alone."""
    period, voice = find(voiced, "us-ussr", "1963-12-31")  # the last day observed (to: 1963)
    assert voice.dimensions["position"] == "silent"
    assert voice.verdict in {"silent", "disagree"} and not voice.agree.get("position")
    assert period.position is not None


def test_the_chapter_agrees_with_the_mature_franco_german_community(voiced: tuple[list[Period], list[Voice]]) -> None:
    period, voice = find(voiced, "france-germany", "1970-01-01")
    assert period.position == "security-community", "the golden table has a community here"
    assert voice.verdict == "agree"
    assert voice.dimensions["position"] == "agree"
    assert "Keating and Wheeler 2013" in voice.works()
    concepts = {r.concept for r in voice.agree["position"]}
    assert "MatureSecurityCommunity" in concepts


def test_a_reading_of_an_event_speaks_only_of_its_own_period(voiced: tuple[list[Period], list[Voice]]) -> None:
    """French fear of Germany (1950) is read as distrust: it agrees with a conflict formation in 1950 only."""
    fear = EVENT + "france-germany/french-fear-of-germany"
    for p, v in zip(*voiced, strict=True):
        if p.relationship != "france-germany" or p.position is None:
            continue
        cited = {r.event for rs in (*v.agree.values(), *v.disagree.values()) for r in rs}
        assert (fear in cited) == p.covers("1950-01-01"), (p.from_, p.to, cited)


def test_every_period_has_a_voice(voiced: tuple[list[Period], list[Voice]]) -> None:
    periods, voices = voiced
    assert len(periods) == len(voices) > 10
    assert {v.verdict for v in voices} <= {"agree", "disagree", "silent"}
    assert {"agree", "silent"} <= {v.verdict for v in voices}


def _period(position: str, stage: str | None, trust: str, start: str = "1990-01-01", end: str | None = None) -> Period:
    return Period("x", ["A", "B"], start[:4], None, position, stage=stage, trust=trust, start=start, end=end)


def _reading(concept: str, says: dict[str, str], date: str | None = None, negated: bool = False) -> Reading:
    return Reading("x", EVENT + "x/e" if date else None, date, concept, WORK + "w", "W 2000", "1", None, negated,
                   dict(says))


def test_judging_rules() -> None:
    regime = _period("security-regime", None, "none", end="2000-01-01")
    community = _period("security-community", "mature", "embedded-trust")
    # a dated reading that names another position disagrees; an undated one may speak of another time
    assert _reading("SecurityCommunity", {"position": "security-community"}, "1995-01-01").judge(regime) == {
        "position": "disagree"}
    assert _reading("SecurityCommunity", {"position": "security-community"}).judge(regime) == {}
    # outside the period's dates: silent
    assert _reading("SecurityCommunity", {"position": "security-community"}, "2001-01-01").judge(regime) == {}
    # a negated reading disagrees where it matches, and only there
    negated = _reading("MatureSecurityCommunity", {"position": "security-community", "stage": "mature"}, negated=True)
    assert negated.judge(community) == {"position": "disagree", "stage": "disagree"}
    assert negated.judge(regime) == {}
    # signs of distrust agree with a conflict formation and with no trust (which rests on mistrust evidence),
    # and disagree with a community and embedded trust
    fear = _reading("Fear", {"distrust": "fear"}, "1995-01-01")
    assert fear.judge(_period("conflict-formation", None, "none")) == {"position": "agree", "trust": "agree"}
    assert fear.judge(community) == {"position": "disagree", "trust": "disagree"}
    assert fear.judge(regime) == {"trust": "agree"}
    assert fear.judge(_period("security-regime", None, "contingent-cooperation", end="2000-01-01")) == {}


def test_a_dated_reading_against_the_inference_is_a_disagreement(tmp_path: Path) -> None:
    """A case whose only source reads an armed clash as a security community: the voice disagrees."""
    case = tmp_path / "voice-test.yaml"
    case.write_text("""id: voice-test
label: A test relationship
kind: dyad
members: [ind, pak]
events:
  - id: clash
    date: 2001-05-01
    type: ArmedClash
    by: [ind]
    towards: [pak]
    level: elite
    label: A clash on the line of control
    evidence:
      - {work: keating-wheeler-2013, section: Conclusion, kind: mentions}
    characterised_as:
      - {concept: SecurityCommunity, work: keating-wheeler-2013, section: Conclusion}
""", encoding="utf-8")
    kg = open_knowledge_graph("memory:")
    try:
        ingest_paths(kg, [case])
        periods = classify(kg, ["voice-test"])
        voices = source_voice(kg, periods)
    finally:
        kg.close()
    judged = [(p, v) for p, v in zip(periods, voices, strict=True) if p.position is not None and p.covers("2001-05-01")]
    assert judged, [p.to_json() for p in periods]
    period, voice = judged[0]
    assert period.position != "security-community"
    assert voice.verdict == "disagree"
    assert voice.works() == ["Keating and Wheeler 2013"]
    assert voice.to_json()["disagree"]["position"][0]["event"] == EVENT + "voice-test/clash"


def test_classify_shows_the_sources_column_and_field(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "us-ussr", "france-germany", "--format", "json")
    assert result.code == 0, result.err
    records = json.loads(result.out)
    assert all(r["sources"]["voice"] in {"agree", "disagree", "silent"} for r in records)
    assert any(r["sources"]["voice"] == "silent" for r in records if r["relationship"] == "us-ussr")
    csv = cli("classify", "us-ussr", "--format", "csv")
    assert csv.code == 0, csv.err
    assert "sources" in csv.out.splitlines()[0].split(",")
    assert any(line.endswith(",silent") or ",silent," in line for line in csv.out.splitlines()[1:])


def test_explain_says_when_no_source_makes_the_inference(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "us-ussr", "--explain")
    assert result.code == 0, result.err
    assert "sources: silent: no cited source makes this inference" in result.out
