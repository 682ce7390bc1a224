"""Every dispute, alliance or war record a case cites is a record of the field data that involves the event's
two sides.

Case files cite the field's data sets by record number in an evidence's `section` (`MID 1418 (1963)`,
`ATOP 3810`, `COW interstate war 130 (1937-1941)`), and their notes say the record was checked offline. This
checks it against the files in ../shared/data (GML MID 2.1.1 dyad-years, ATOP 4.01 member level, COW
interstate war dyad-years): the record exists; a dispute or a war has the event's two states (`by` and
`towards`) as a dyad, in some year within the years the citation states; an alliance has both as members.
Two citations of Ethiopia-Somalia named India-Pakistan disputes (MID 4007, MID 4223) until 3 December 2026.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
CITED = re.compile(r"\b(MID|ATOP|COW interstate war) (\d+)(?: \((\d{4})(?:-(\d{4}))?\))?")
CASE_FOLDERS = [ROOT / "data" / "cases", ROOT / "validation" / "cases",
                *sorted((ROOT / "validation" / "unseen").glob("*/cases"))]
ACTOR_FILES = [ROOT / "data" / "actors.yaml", ROOT / "validation" / "actors.yaml",
               *sorted((ROOT / "validation" / "unseen").glob("*/actors.yaml"))]

pytestmark = pytest.mark.skipif(not (SHARED_DATA / "mid" / "gml-mid-dyad-years-2.1.1.csv").is_file(),
                                reason="needs ../shared/data (the field data sets)")

Dyads = dict[int, set[tuple[frozenset[int], int]]]


@cache
def _dyad_records(path: Path, number: str) -> Dyads:
    """Record number -> the (dyad, year) pairs of a dyad-year file."""
    records: Dyads = defaultdict(set)
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            pair = frozenset({int(float(row["ccode1"])), int(float(row["ccode2"]))})
            records[int(float(row[number]))].add((pair, int(float(row["year"]))))
    return dict(records)


@cache
def _alliance_members() -> dict[int, set[int]]:
    members: dict[int, set[int]] = defaultdict(set)
    with (SHARED_DATA / "atop" / "atop-member-level.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            members[int(row["atopid"])].add(int(row["member"]))
    return dict(members)


@cache
def _cow_codes() -> dict[str, int]:
    codes: dict[str, int] = {}
    for path in ACTOR_FILES:
        for state in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("states") or []:
            if state.get("cow") is not None:
                codes.setdefault(state["id"], int(state["cow"]))
    return codes


def record_problems(event: dict[str, Any], cow: dict[str, int]) -> list[str]:
    """What is wrong with the data-set records an event's evidence cites (empty when nothing is)."""
    sides = {cow[a] for a in [*(event.get("by") or []), *(event.get("towards") or [])] if a in cow}
    problems = []
    for evidence in event.get("evidence") or []:
        if not isinstance(evidence, dict):
            continue
        for kind, number, first, last in CITED.findall(str(evidence.get("section") or "")):
            cited = f"{kind} {number}"
            if kind == "ATOP":
                members = _alliance_members().get(int(number))
                if members is None:
                    problems.append(f"{cited}: no such alliance in ATOP 4.01")
                elif not sides <= members:
                    problems.append(f"{cited}: COW {sorted(sides - members)} not among its members")
                continue
            mid = kind == "MID"
            records = _dyad_records(SHARED_DATA / "mid" / "gml-mid-dyad-years-2.1.1.csv", "dispnum") if mid else \
                _dyad_records(SHARED_DATA / "cow" / "interstate-war-dyad-years.csv", "warnum")
            rows = records.get(int(number))
            if rows is None:
                problems.append(f"{cited}: no such record in {'GML MID 2.1.1' if mid else 'COW war data'}")
                continue
            if len(sides) == 2:
                years = sorted({year for pair, year in rows if pair == sides})
                if not years:
                    dyads = sorted({tuple(sorted(pair)) for pair, _ in rows})
                    problems.append(f"{cited}: COW {sorted(sides)} are not one of its dyads {dyads[:6]}")
                elif first and not any(int(first) <= y <= int(last or first) for y in years):
                    problems.append(f"{cited}: cited for {first}-{last or first}, but the dyad's years are {years}")
    return problems


def _cases() -> list[Path]:
    return [p for folder in CASE_FOLDERS for p in sorted(folder.glob("*.yaml"))]


def test_every_cited_record_exists_and_involves_the_events_two_sides() -> None:
    cow = _cow_codes()
    found, cited = [], 0
    for path in _cases():
        for event in yaml.safe_load(path.read_text(encoding="utf-8")).get("events") or []:
            cited += sum(len(CITED.findall(str(e.get("section") or ""))) for e in event.get("evidence") or []
                         if isinstance(e, dict))
            found += [f"{path.relative_to(ROOT)}, event {event['id']}: {p}" for p in record_problems(event, cow)]
    assert cited > 800, cited  # the checks ran on the citations, not on nothing
    assert not found, "\n".join(found)


def test_a_citation_of_another_dyads_dispute_is_found() -> None:
    """The check itself fails on what it is meant to catch (the two citations corrected on 3 December 2026)."""
    cow = {"eth": 530, "som": 520}
    wrong = {"by": ["eth"], "towards": ["som"], "evidence": [{"section": "MID 4007 (1993-1999)"}]}
    assert record_problems(wrong, cow) == ["MID 4007: COW [520, 530] are not one of its dyads [(750, 770)]"]
    later = {"by": ["eth"], "towards": ["som"], "evidence": [{"section": "MID 4345 (1990)"}]}
    assert record_problems(later, cow) == ["MID 4345: cited for 1990-1990, but the dyad's years are [2002]"]
    assert record_problems({**later, "evidence": [{"section": "MID 4345 (2002)"}]}, cow) == []
    missing = {"by": ["eth"], "towards": ["som"], "evidence": [{"section": "ATOP 99999"}, {"section": "COW interstate war 9999"}]}
    assert [p.split(":")[0] for p in record_problems(missing, cow)] == ["ATOP 99999", "COW interstate war 9999"]
    outside = {"by": ["eth"], "towards": ["som"], "evidence": [{"section": "ATOP 3810"}]}  # ECOWAS: West Africa
    assert record_problems(outside, cow) == ["ATOP 3810: COW [520, 530] not among its members"]
