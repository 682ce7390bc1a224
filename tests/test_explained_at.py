"""A long period explained as it stood on a day in its middle, not by its last checkpoint.

A period is a run of checkpoints with the same result, and `classify --explain` explains it by its last
checkpoint. Where the evidence turns over inside the period (a conflict formation from a threat of 1951 and
another of 1959, each counting for ten years), the last checkpoint cites only the later event, so a reading of
a day in 1955 (`coopsec validate` reads each expected period at its midpoint) showed a conflict formation
with no evidence at all. ``Period.explained_at`` explains it by its last checkpoint on or before the day, and
validate's explanation uses it. Real ingest, real rules.
"""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

from small_cases import classify_case, event, period_at

from cooperative_security.validation.expected import ExpectedPeriod, Source
from cooperative_security.validation.readings import compare

EVENTS = (event("first-threat", "1951-03-01", "Threat", by="[frn]", towards="[ita]")
          + event("second-threat", "1959-03-01", "Threat", by="[ita]", towards="[frn]"))


def _ids(items: list[dict]) -> set[str]:
    return {e["event"].rsplit("/", 1)[-1] for e in items}


def test_a_day_in_the_middle_is_explained_by_the_checkpoint_in_effect(tmp_path: Path) -> None:
    periods = classify_case(tmp_path, EVENTS, members="[frn, ita]", to="1966")
    p = period_at(periods, "1955-06-01")
    assert p.position == "conflict-formation" and p.start <= "1952-01-01" and p.end is None, p
    assert _ids(p.evidence) == {"second-threat"}, p.evidence  # the last checkpoint: 1951 has left the window
    then = p.explained_at("1955-06-01")
    assert _ids(then.evidence) == {"first-threat"}, then.evidence
    assert then.position == p.position and then.observed_until == p.observed_until
    assert _ids(p.explained_at("1960-06-01").evidence) == {"first-threat", "second-threat"}
    assert p.explained_at("2100-01-01").evidence == p.evidence


def test_validate_cites_the_evidence_of_the_day_it_reads(tmp_path: Path) -> None:
    periods = classify_case(tmp_path, EVENTS, members="[frn, ita]", to="1966")
    expected = ExpectedPeriod("test-dyad", dt.date(1952, 1, 1), dt.date(1959, 1, 1), "1952 - 1959",
                              "conflict-formation", None, None, None, (Source("w", None, None, "says"),))
    mid = next(r for r in compare([expected], periods) if r.at == "midpoint")
    assert mid.date == "1955-07-02" and mid.inferred == "conflict-formation"
    assert [e.split(" (")[0] for e in mid.explanation["evidence"]] == ["1951-03-01 first-threat"], mid.explanation


def test_a_period_survives_pickling_and_still_explains_a_day(tmp_path: Path) -> None:
    """The test session shares one classifier run between xdist workers as a pickle (tests/conftest.py), and
    a period carries the means to explain itself at a day: both have to survive the round trip."""
    periods = classify_case(tmp_path, EVENTS, members="[frn, ita]", to="1966")
    back = pickle.loads(pickle.dumps(periods))  # noqa: S301 (pickled just above)
    p = period_at(back, "1955-06-01")
    assert _ids(p.explained_at("1955-06-01").evidence) == {"first-threat"}
