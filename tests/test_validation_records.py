"""Every dispute, alliance or war record a case cites is a record of the field data that involves the event's
two sides.

Case files cite the field's data sets by record number in an evidence's `section` or `note` (`MID 1418
(1963)`, `ATOP 3810`, `COW interstate war 130 (1937-1941)`, `COW war 124`), and their notes say the record
was checked offline. This checks it against the files in ../shared/data (GML MID 2.1.1 dyad-years, ATOP 4.01
member level, COW interstate war dyad-years): the record exists; a dispute or a war has a dyad of the event's
states, one on each side (`by` and `towards`; for an event with one side or none, the case's two members),
in some year within the years the citation states; an alliance has them all as members. A section or note
that names a record in a form the check cannot read fails too, so that nothing escapes it unread.
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
# a record: its kind, number and, if the citation gives them, the years it is cited for ("(1993-1999)",
# "(Vietnam's part 1980-1987)"); "GML MID 2.1.1" is the data set, not record 2
CITED = re.compile(r"\b(MID|ATOP|COW (?:interstate )?war) (\d+)(?![.\d])(?: \([^)\d]*(\d{4})(?:-(\d{4}))?[^)]*\))?")
# what names a record at all ("MIDs 4289 and 4290", "MID #1234", "COW war 211"): each must be read by CITED
NAMED = re.compile(r"\b(?:MIDs?|ATOP|COW (?:interstate )?wars?)\b[ #]*\d+(?![.\d])")
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


def _sides(event: dict[str, Any], members: list[str], cow: dict[str, int]) -> tuple[set[int], set[int]]:
    """The states on each side of an event, as COW codes; for an event with one side or none, the case's two
    members (an event by Iraq alone, citing a dispute with Kuwait, in iraq-kuwait)."""
    by = {cow[a] for a in event.get("by") or [] if a in cow}
    towards = {cow[a] for a in event.get("towards") or [] if a in cow}
    if by and towards:
        return by, towards
    pair = [cow[m] for m in members if m in cow]
    return ({pair[0]}, {pair[1]}) if len(pair) == 2 else (by, towards)


def record_problems(event: dict[str, Any], members: list[str], cow: dict[str, int]) -> list[str]:
    """What is wrong with the data-set records an event's evidence cites (empty when nothing is)."""
    side_a, side_b = _sides(event, members, cow)
    problems = []
    for evidence in event.get("evidence") or []:
        if not isinstance(evidence, dict):
            continue
        for field in ("section", "note"):
            text = str(evidence.get(field) or "")
            unread = len(NAMED.findall(text)) - len(CITED.findall(text))
            if unread > 0:
                problems.append(f"{field} {text!r} names a record in a form this check cannot read: write each "
                                "as 'MID N', 'ATOP N' or 'COW interstate war N', one per evidence")
            for kind, number, first, last in CITED.findall(text):
                problems += _problems_of(f"{kind} {number}", kind, int(number), first, last, side_a, side_b)
    return problems


def _problems_of(cited: str, kind: str, number: int, first: str, last: str,
                 side_a: set[int], side_b: set[int]) -> list[str]:
    if kind == "ATOP":
        members = _alliance_members().get(number)
        if members is None:
            return [f"{cited}: no such alliance in ATOP 4.01"]
        outside = (side_a | side_b) - members
        return [f"{cited}: COW {sorted(outside)} not among its members"] if outside else []
    mid = kind == "MID"
    records = _dyad_records(SHARED_DATA / "mid" / "gml-mid-dyad-years-2.1.1.csv", "dispnum") if mid else \
        _dyad_records(SHARED_DATA / "cow" / "interstate-war-dyad-years.csv", "warnum")
    rows = records.get(number)
    if rows is None:
        return [f"{cited}: no such record in {'GML MID 2.1.1' if mid else 'COW war data'}"]
    if not side_a or not side_b:
        return []  # a state with no COW code (a group, a person): only that the record exists
    dyads = {frozenset({a, b}) for a in side_a for b in side_b if a != b}
    years = sorted({year for pair, year in rows if pair in dyads})
    if not years:
        listed = sorted({tuple(sorted(pair)) for pair, _ in rows})
        return [f"{cited}: no dyad of COW {sorted(side_a)} against {sorted(side_b)} among its dyads {listed[:6]}"]
    if first and not any(int(first) <= y <= int(last or first) for y in years):
        return [f"{cited}: cited for {first}-{last or first}, but the dyad's years are {years}"]
    return []


def _cases() -> list[Path]:
    return [p for folder in CASE_FOLDERS for p in sorted(folder.glob("*.yaml"))]


def test_every_cited_record_exists_and_involves_the_events_two_sides() -> None:
    cow = _cow_codes()
    found, cited = [], 0
    for path in _cases():
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        members = [m["actor"] if isinstance(m, dict) else m for m in case.get("members") or []]
        for event in case.get("events") or []:
            cited += sum(len(CITED.findall(str(e.get(f) or ""))) for e in event.get("evidence") or []
                         if isinstance(e, dict) for f in ("section", "note"))
            found += [f"{path.relative_to(ROOT)}, event {event['id']}: {p}"
                      for p in record_problems(event, members, cow)]
    assert cited > 850, cited  # the checks ran on the citations, not on nothing
    assert not found, "\n".join(found)


def test_a_citation_of_another_dyads_dispute_is_found() -> None:
    """The check itself fails on what it is meant to catch (the two citations corrected on 3 December 2026)."""
    cow, members = {"eth": 530, "som": 520, "ind": 750}, ["eth", "som"]
    wrong = {"by": ["eth"], "towards": ["som"], "evidence": [{"section": "MID 4007 (1993-1999)"}]}
    assert record_problems(wrong, members, cow) == [
        "MID 4007: no dyad of COW [530] against [520] among its dyads [(750, 770)]"]
    assert record_problems({"by": ["eth"], "evidence": wrong["evidence"]}, members, cow), "one side: the members"
    later = {"by": ["eth"], "towards": ["som"], "evidence": [{"section": "MID 4345 (1990)"}]}
    assert record_problems(later, members, cow) == ["MID 4345: cited for 1990-1990, but the dyad's years are [2002]"]
    assert record_problems({**later, "evidence": [{"section": "MID 4345 (2002)", "note": "GML MID 2.1.1"}]},
                           members, cow) == []
    several = {"by": ["eth", "ind"], "towards": ["som"], "evidence": [{"section": "MID 4345 (2002)"}]}
    assert record_problems(several, members, cow) == [], "one dyad of the two sides is enough"
    missing = {"by": ["eth"], "towards": ["som"],
               "evidence": [{"section": "ATOP 99999"}, {"note": "the record is COW war 9999"}]}
    assert [p.split(":")[0] for p in record_problems(missing, members, cow)] == ["ATOP 99999", "COW war 9999"]
    outside = {"by": ["eth"], "towards": ["som"], "evidence": [{"section": "ATOP 3810"}]}  # ECOWAS: West Africa
    assert record_problems(outside, members, cow) == ["ATOP 3810: COW [520, 530] not among its members"]
    unread = {"by": ["eth"], "towards": ["som"], "evidence": [{"section": "MIDs 4345 and 4387"}]}
    assert "cannot read" in record_problems(unread, members, cow)[0]
