"""The case timeline: position, stage and trust over time, events by kind, strategies, dates, and fragile
periods drawn differently when the period data says so (matplotlib writes each text as a comment in SVG)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cooperative_security.catalogue import list_cases
from cooperative_security.classify import classify
from cooperative_security.classify.timeline import draw_timeline, event_kind
from cooperative_security.kb import open_knowledge_graph


@pytest.fixture(scope="module")
def france_germany():  # type: ignore[no-untyped-def]
    kg = open_knowledge_graph("memory:")
    try:
        periods = classify(kg, ["france-germany"])
        events = next(c for c in list_cases(kg) if c.id == "france-germany").events
        yield periods, events
    finally:
        kg.close()


def test_the_svg_tells_position_trust_events_and_strategies(france_germany, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    periods, events = france_germany
    out = tmp_path / "fg.svg"
    draw_timeline("france-germany", periods, events, out)
    svg = out.read_text(encoding="utf-8")
    for text in ("security community", "security regime", "embedded", "contingent", "leap of trust",
                 "institutions and treaties", "leaders' contacts"):
        assert text in svg, text
    # every change of period is labelled with its date as the case file writes it
    for p in periods:
        if p.from_:
            assert p.from_ in svg
    # a stage or subtype is written on its period
    assert any(p.stage and p.stage in svg for p in periods)
    # one mark per dated event, with a tooltip and a link to the event's row on the case page
    marks = re.findall(r'<g id="event-([^"]+)" class="event-mark"><title>([^<]+)</title>', svg)
    assert len(marks) == len([e for e in events if e.earliest])
    assert 'xlink:href="#elysee-treaty"' in svg and 'target="_blank"' not in svg
    assert "fragile" not in svg and "<pattern" not in svg  # the data says nothing about robustness: no hatching


def test_fragile_periods_are_drawn_differently_once_the_data_says_so(france_germany, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    periods, events = france_germany
    marked = []
    for i, p in enumerate(periods):
        p.robust = i % 2 == 0  # type: ignore[attr-defined]  # the field another part of the project adds
        marked.append(p)
    out = tmp_path / "fragile.svg"
    draw_timeline("france-germany", marked, events, out)
    svg = out.read_text(encoding="utf-8")
    assert "fragile (hatched)" in svg and "robust (solid)" in svg
    assert "<pattern" in svg  # the fragile bands are hatched
    png = tmp_path / "fragile.png"
    draw_timeline("france-germany", marked, events, png)
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 30_000
    for p in periods:
        del p.robust  # type: ignore[attr-defined]


def test_event_kinds_come_from_the_type_and_unknown_types_still_draw() -> None:
    assert event_kind("https://w3id.org/coopsec/ontology#War")[0] == "force and threats"
    assert event_kind("https://w3id.org/coopsec/ontology#TreatySigned")[0] == "institutions and treaties"
    assert event_kind("https://w3id.org/coopsec/ontology#UnilateralConciliatoryInitiative")[0] == "conciliatory moves"
    assert event_kind("https://example.org/SomethingNew")[0] == "other events"
