"""Leaders' contacts inside a conflict formation are not yet trust (rule:spiral-of-mistrust).

The chapter takes the conflict formation's second motor to be the spiral model, and argues that states
escape spiralling distrust only by a leap of trust or GRIT. So at a checkpoint where the evidence places a
conflict formation, a visit, a summit or talks give no contingent cooperation unless a trust-building
strategy of the relationship has a move within the window (queries/classify/85-spiral-of-mistrust.rq,
90-position.rq). The rule was tested blind before adoption (docs/development/decisions.md). The small
cases go through the real ingest path and the real rules.
"""

from __future__ import annotations

from pathlib import Path

from small_cases import RULE, case_store, classify_case, event
from small_cases import period_at as _at

from cooperative_security.classify import classify

CLASH = event("clash", "1954-08-02", "ArmedClash", by="[gfr]", towards="[frn]")
VISIT = event("visit", "1955-03-01", "LeadershipVisit", by="[gfr]", towards="[frn]")


def _spiral(p) -> list[dict]:  # type: ignore[no-untyped-def]
    return [m for m in p.missing if m["rule"] == RULE + "spiral-of-mistrust"]


def test_a_visit_after_a_clash_inside_a_conflict_formation_is_not_trust(tmp_path: Path) -> None:
    p = _at(classify_case(tmp_path, CLASH + VISIT, to="1960"), "1956-06-30")
    assert (p.position, p.trust) == ("conflict-formation", "none"), p
    spiral = _spiral(p)
    # the obstacle is derived from the conflict formation's evidence, the clash
    assert len(spiral) == 1 and [e["event"].rpartition("/")[2] for e in spiral[0]["evidence"]] == ["clash"]
    assert "spiral of mistrust" in spiral[0]["condition"]


def test_a_leap_of_trust_breaks_the_spiral(tmp_path: Path) -> None:
    leap = event("bold-visit", "1954-10-01", "UnilateralConciliatoryInitiative", by="[frn]", towards="[gfr]",
                 extra="costly: true\npublic: true\n")
    periods = classify_case(tmp_path, CLASH + leap + VISIT, to="1960")
    assert [s["kind"] for p in periods for s in p.strategies] and "leap-of-trust" in {
        s["kind"] for p in periods for s in p.strategies}
    p = _at(periods, "1956-06-30")
    assert (p.position, p.trust) == ("conflict-formation", "contingent-cooperation"), p
    assert not _spiral(p)


def test_a_move_older_than_the_window_does_not_break_a_later_spiral(tmp_path: Path) -> None:
    # the leap of 1954 lies more than the ten years of rule:elite-trust's window before the checkpoint
    leap = event("bold-visit", "1952-10-01", "UnilateralConciliatoryInitiative", by="[frn]", towards="[gfr]",
                 extra="costly: true\npublic: true\n")
    early = event("early-clash", "1951-08-02", "ArmedClash", by="[gfr]", towards="[frn]")
    late = (event("clash-2", "1964-08-02", "ArmedClash", by="[gfr]", towards="[frn]")
            + event("visit-2", "1965-03-01", "LeadershipVisit", by="[gfr]", towards="[frn]"))
    periods = classify_case(tmp_path, early + leap + late, to="1970")
    p = _at(periods, "1965-06-30")
    assert (p.position, p.trust) == ("conflict-formation", "none"), p
    assert _spiral(p)


def test_leaders_trust_inside_a_regime_is_not_touched(tmp_path: Path) -> None:
    regime = (event("treaty", "1950-03-01", "TreatySigned")
              + event("compliance", "1952-03-01", "ComplianceObserved"))
    p = _at(classify_case(tmp_path, regime + CLASH + VISIT, to="1960"), "1956-06-30")
    assert p.position == "security-regime" and p.trust == "contingent-cooperation", p
    assert not _spiral(p)


def test_the_position_does_not_change(tmp_path: Path) -> None:
    # the same case with and without the visit: the visit changes the trust, never the position
    with_visit = classify_case(tmp_path, CLASH + VISIT, to="1960")
    without = classify_case(tmp_path, CLASH, case_id="no-visit", to="1960")
    assert [(p.start, p.position) for p in with_visit] == [(p.start, p.position) for p in without]


HOLDS = """PREFIX cs: <https://w3id.org/coopsec/ontology#>
SELECT ?day ?rule WHERE { GRAPH <https://w3id.org/coopsec/graph/inferred> { ?a cs:atDate ?day ; cs:holds ?rule } }"""


def test_the_graph_does_not_say_leaders_trust_holds_inside_the_spiral(tmp_path: Path) -> None:
    """A reader of the published graph who asks which rules hold (cs:holds) gets the trust the classifier
    reports: not rule:elite-trust at a checkpoint of the spiral, though its evidence stays a condition."""
    with case_store(tmp_path, CLASH + VISIT, to="1960") as kg:
        classify(kg)  # every case, so that the rules write the store's inferred graph
        holds = {(str(r["day"].value), r["rule"].value) for r in kg.select(HOLDS)}  # type: ignore[union-attr]
    at_visit = {rule for day, rule in holds if day.startswith("1955-03-01")}
    assert RULE + "conflict-formation" in at_visit, holds
    assert RULE + "elite-trust" not in at_visit
