"""Trust around a leaders' visit: what a renewed visit does to embedded trust (rule:societal-trust).

Embedded trust needs trust between the societies and leaders' trust from an earlier year
(queries/classify/90-position.rq, cs:eliteTrustBefore). An audit of a synthetic case saw the trust of a
relationship go embedded, contingent, embedded around one leaders' visit. The two small cases of
tests/data/trust-around-a-visit/ go through the real ingest and the real rules:

- visit-as-the-window-closes.yaml: the reading the audit saw. The first visit leaves rule:elite-trust's
  ten-year window on the day of the second (dated to its year only), so for that year the only leaders'
  trust is of the checkpoint's own year, and embedded trust returns on 1 January of the next year. This
  is what the rules say (docs/guide/classification.md, "Trust around a renewed leaders' visit"); the test
  keeps the documented reading honest.
- visit-inside-a-spiral.yaml: the fault found beside it. A visit inside a spiral of mistrust shows no
  leaders' trust (rule:spiral-of-mistrust), but cs:eliteTrustBefore read the leaders' trust condition
  recorded there, so a year later the conflict formation's trust read embedded-trust, while its
  explanation said that the same visit was not yet trust.
"""

from __future__ import annotations

from pathlib import Path

from small_cases import RULE, period_at

from cooperative_security.classify import Period, classify
from cooperative_security.ingest import ingest_paths
from cooperative_security.kb import open_knowledge_graph

CASES = Path(__file__).resolve().parent / "data" / "trust-around-a-visit"


def _classify(name: str) -> list[Period]:
    path = CASES / f"{name}.yaml"
    assert path.stat().st_size > 500, path  # the case is there and is not trivially small
    kg = open_knowledge_graph("memory:")
    try:
        ingest_paths(kg, [path])
        return classify(kg, [name], None)
    finally:
        kg.close()


def _trust(periods: list[Period], day: str) -> tuple[str | None, str | None]:
    p = period_at(periods, day)
    return p.position, p.trust


def test_a_visit_inside_a_spiral_of_mistrust_gives_no_embedded_trust_a_year_later() -> None:
    periods = _classify("visit-inside-a-spiral")
    assert _trust(periods, "1959-12-31") == ("security-community", "embedded-trust")
    # the crisis places a conflict formation, and the visit of September 1960 is inside the spiral
    assert _trust(periods, "1960-12-31") == ("conflict-formation", "none")
    later = period_at(periods, "1961-06-30")
    assert RULE + "spiral-of-mistrust" in {m["rule"] for m in later.missing}
    # the same visit, a year older, is still not leaders' trust: no embedded trust on it (was embedded-trust)
    assert (later.position, later.trust) == ("conflict-formation", "none"), later
    assert _trust(periods, "1966-12-31") == ("conflict-formation", "none")


def test_a_renewed_visit_on_the_day_the_first_leaves_the_window_reads_contingent_for_its_year() -> None:
    periods = _classify("visit-as-the-window-closes")
    assert _trust(periods, "1961-12-31") == ("security-community", "embedded-trust")
    # 1952's visit has left the ten-year window; 1962's is of the checkpoint's own year
    assert _trust(periods, "1962-06-30") == ("security-community", "contingent-cooperation")
    # from 1 January 1963 the visit of 1962 is leaders' trust from an earlier year
    assert _trust(periods, "1963-01-01") == ("security-community", "embedded-trust")
