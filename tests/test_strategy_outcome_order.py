"""A strategy's outcome, and what counts as incremental reciprocation, go by the order of days.

An outcome is "reciprocated or exploited from later events within a year", and incremental
reciprocation is "reciprocations that do not answer a leap" (docs/guide/classification.md). An audit found
both rules ordering the events by year: a reciprocation of May 1960 "reciprocated" a leap of trust of
October 1960, five months after it (queries/classify/75-strategy-outcomes.rq), and, read as answering that
later leap, it was no incremental reciprocation (70-strategies.rq), so the trust of mid-1960 depended on an
event of October 1960. Now a reciprocation answers a leap only on or after the leap's day (and within the
window of whole years), as the "exploited" test and rule:mistrust-overcome already read, each event at its
earliest day (cs:day): one dated only to its year counts from 1 January. The small cases go through the
real ingest and the real rules.
"""

from __future__ import annotations

from pathlib import Path

from small_cases import classify_case, event, period_at

from cooperative_security.classify import Period

COSTLY_PUBLIC = "costly: true\npublic: true\n"
THREAT = event("threat", "1960-01-10", "Threat", by="[gfr]", towards="[frn]")
RECIPROCATION = event("reciprocation", "1960-05-01", "Reciprocation", by="[gfr]", towards="[frn]")


def _leap(date: str) -> str:
    return event("leap", date, "UnilateralConciliatoryInitiative", by="[frn]", towards="[gfr]", extra=COSTLY_PUBLIC)


def _strategies(periods: list[Period]) -> dict[str, str | None]:
    """Each strategy found, by kind and first date, with its outcome."""
    return {f"{s['kind']} {s['dates'][0]}": s["outcome"] for p in periods for s in p.strategies}


def _classify(folder: Path, events: str) -> list[Period]:
    folder.mkdir()
    return classify_case(folder, events, to="1961")


def _reading(periods: list[Period], day: str) -> tuple[str | None, str | None, bool]:
    """The position and trust of the period covering a day, and whether it lists incremental reciprocation
    (a period running on past the leap lists the leap too)."""
    p = period_at(periods, day)
    return p.position, p.trust, "incremental-reciprocation" in {s["kind"] for s in p.strategies}


def test_a_reciprocation_before_a_leap_does_not_reciprocate_it(tmp_path: Path) -> None:
    periods = classify_case(tmp_path, THREAT + RECIPROCATION + _leap("1960-10-01"), to="1961")
    found = _strategies(periods)
    # the leap of October is answered by nothing after it (was "reciprocated" by the May reciprocation)
    assert found["leap-of-trust 1960-10-01"] == "unknown", found
    # and the May reciprocation answers no leap: it is incremental reciprocation (was not found)
    assert found["incremental-reciprocation 1960-05-01"] == "reciprocated", found


def test_the_reading_of_mid_1960_does_not_depend_on_a_leap_made_after_it(tmp_path: Path) -> None:
    october = _classify(tmp_path / "october", THREAT + RECIPROCATION + _leap("1960-10-01"))
    february = _classify(tmp_path / "february", THREAT + RECIPROCATION + _leap("1961-02-01"))
    expected = ("conflict-formation", "contingent-cooperation", True)
    # with the leap in October the trust of June was none, the spiral of mistrust unbroken
    assert _reading(october, "1960-06-30") == expected
    assert _reading(february, "1960-06-30") == expected
    assert _reading(october, "1960-04-30")[:2] == ("conflict-formation", "none")


def test_a_reciprocation_dated_to_its_year_counts_from_1_january(tmp_path: Path) -> None:
    threat = event("threat", "1959-06-10", "Threat", by="[gfr]", towards="[frn]")
    # dated "1960": its earliest day, 1960-01-01, is before the leap of October, so it does not answer it
    year_only = event("reciprocation", "1960", "Reciprocation", by="[gfr]", towards="[frn]")
    periods = _classify(tmp_path / "reciprocation", threat + year_only + _leap("1960-10-01"))
    found = _strategies(periods)
    assert found["leap-of-trust 1960-10-01"] == "unknown", found
    assert found["incremental-reciprocation 1960"] == "reciprocated", found
    # a leap dated "1960" counts from 1 January, so a reciprocation of May 1960 answers it
    leap_year_only = _leap("1960")
    periods = _classify(tmp_path / "leap", threat + leap_year_only + RECIPROCATION)
    found = _strategies(periods)
    assert found["leap-of-trust 1960"] == "reciprocated", found
    assert not any(k.startswith("incremental-reciprocation") for k in found), found
