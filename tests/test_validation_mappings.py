"""The validation sets say how each scholar's category maps onto the project's positions.

docs/guide/validation.md, step 2: where a work uses other words than ours (conflict formation, security
regime, security community with its stages, regional integration), the mapping is written down. These
tests read the real files, validation/expected.yaml and validation/dyads.csv:

- an expected answer needs a non-empty mapping unless every source states it in our own term (the
  position's words appear in each source's paraphrase); the mapping names the position, and the stage
  where one is given;
- where the two sets judge the same pair and years differently (Iran-Iraq 1975-1979: a regime for Chubin
  and Tripp, a rivalry for Klein, Goertz and Diehl), the disagreement is recorded in both files.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
VALIDATION = ROOT / "validation"


def _words(label: str) -> str:
    return label.replace("-", " ")


def _expected() -> dict[str, list[dict[str, Any]]]:
    return yaml.safe_load((VALIDATION / "expected.yaml").read_text(encoding="utf-8"))["cases"]


def _dyads() -> list[dict[str, str]]:
    with open(VALIDATION / "dyads.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    parts = [int(p) for p in str(value).split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _in_our_terms(position: str, paraphrases: list[str]) -> bool:
    return bool(paraphrases) and all(_words(position) in (p or "").lower() for p in paraphrases)


# --- mappings -----------------------------------------------------------------------------------------------
def test_every_expected_answer_in_other_words_has_a_mapping() -> None:
    unmapped, unnamed = [], []
    for case, periods in _expected().items():
        for period in periods:
            where = (case, str(period["from"]))
            mapping = (period.get("mapping") or "").strip()
            says = [s.get("says") or "" for s in period["sources"]]
            if not _in_our_terms(period["position"], says) and not mapping:
                unmapped.append(where)
            if mapping and _words(period["position"]) not in mapping.lower():
                unnamed.append((where, period["position"]))
            if mapping and period.get("stage") and period["stage"] not in mapping.lower():
                unnamed.append((where, period["stage"]))
    assert not unmapped, f"periods whose scholars use other words than ours, without a `mapping`: {unmapped}"
    assert not unnamed, f"mappings that do not name the position (or stage) they map onto: {unnamed}"


def test_the_community_stages_name_the_scholars_own_category() -> None:
    """Kupchan's rapprochement and Feldman's reconciliation are not 'security community' in their words."""
    periods = _expected()
    us_uk = next(p for p in periods["us-uk-rapprochement"] if p.get("stage") == "nascent")
    assert "rapprochement" in us_uk["mapping"].lower() and "below his security community" in us_uk["mapping"]
    germany_poland = next(p for p in periods["germany-poland"] if p.get("stage") == "nascent")
    assert "reconciliation" in germany_poland["mapping"].lower()


def test_every_dyad_row_in_other_words_has_a_mapping() -> None:
    rows = _dyads()
    assert rows and "mapping" in rows[0], "validation/dyads.csv needs its `mapping` column"
    unmapped, unnamed = [], []
    for n, row in enumerate(rows, start=2):
        mapping = (row.get("mapping") or "").strip()
        if not _in_our_terms(row["position"], [row["paraphrase"]]) and not mapping:
            unmapped.append((n, row["names"], row["work"]))
        if mapping and _words(row["position"]) not in mapping.lower():
            unnamed.append((n, row["names"], row["position"]))
    assert not unmapped, f"dyads.csv rows whose work uses other words than ours, without a mapping: {unmapped}"
    assert not unnamed, f"dyads.csv mappings that do not name the position they map onto: {unnamed}"


def test_the_peace_scale_rows_say_which_category_becomes_a_regime() -> None:
    rows = [r for r in _dyads() if r["work"] == "goertz-etal-2016"]
    assert rows
    for row in rows:
        assert "negative peace" in row["mapping"] and "security regime" in row["mapping"], row["names"]


def test_the_asean_rows_record_the_chapters_other_reading() -> None:
    rows = [r for r in _dyads() if r["work"] == "keating-wheeler-2013" and r["position"] == "security-regime"]
    assert len(rows) == 4
    for row in rows:
        text = row["paraphrase"]
        assert "emergent security community" in text and "Introduction" in text, row["names"]
        assert "Jervisian security regime" in text and "Conclusion" in text, row["names"]


# --- disagreements between the two sets ---------------------------------------------------------------------
def _cow_codes() -> dict[str, int]:
    codes: dict[str, int] = {}
    for path in (ROOT / "data" / "actors.yaml", VALIDATION / "actors.yaml"):
        for state in yaml.safe_load(path.read_text(encoding="utf-8"))["states"]:
            if state.get("cow") is not None:
                codes.setdefault(state["id"], int(state["cow"]))
    return codes


def _case_pairs() -> dict[str, set[frozenset[int]]]:
    codes = _cow_codes()
    pairs: dict[str, set[frozenset[int]]] = {}
    for path in sorted((VALIDATION / "cases").glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        members = {m["actor"] if isinstance(m, dict) else m for m in case["members"]}
        ccodes = {codes[m] for m in members if m in codes}
        pairs[case["id"]] = {frozenset(p) for p in itertools.combinations(sorted(ccodes), 2)}
    return pairs


def _surname(work: str) -> str:
    return work.split("-")[0].lower()


def _contradictions() -> list[tuple[str, dict[str, Any], dict[str, str]]]:
    """(case, expected period, dyad row) judging the same pair differently for a year or more."""
    pairs = _case_pairs()
    found = []
    for case, periods in _expected().items():
        for period in periods:
            start, stop = _day(period["from"]), _day(period["to"])
            for row in _dyads():
                if frozenset({int(row["ccode1"]), int(row["ccode2"])}) not in pairs.get(case, set()):
                    continue
                first, last = dt.date(int(row["from"]), 1, 1), dt.date(int(row["to"]) + 1, 1, 1)
                overlap = (min(stop, last) - max(start, first)).days
                # dyad rows are coded by whole years: less than a year of overlap is a boundary matter
                if overlap >= 365 and row["position"] != period["position"]:
                    found.append((case, period, row))
    return found


def test_a_disagreement_between_the_two_sets_is_recorded_in_both() -> None:
    found = _contradictions()
    for case, period, row in found:
        dissent = {(d["work"], d["position"]) for d in period.get("disputed_by") or []}
        assert (row["work"], row["position"]) in dissent, (
            f"expected.yaml {case} {period['from']}: dyads.csv ({row['names']}, {row['work']}) reads it as "
            f"{row['position']}; add that reading to `disputed_by`")
        named = [s["work"] for s in period["sources"] if _surname(s["work"]) in row["paraphrase"].lower()]
        assert named, (f"dyads.csv {row['names']} {row['from']}-{row['to']}: expected.yaml {case} reads "
                       f"{period['from']} - {period['to']} as {period['position']}; name that reading in the paraphrase")


def test_iran_iraq_1975_1979_is_recorded_as_disputed_in_both_files() -> None:
    found = [(c, p, r) for c, p, r in _contradictions() if c == "iran-iraq"]
    assert [(str(p["from"]), r["names"]) for _, p, r in found] == [("1975-03-06", "Iran-Iraq")]
    _, period, row = found[0]
    assert period["position"] == "security-regime" and row["position"] == "conflict-formation"
    assert {"work": "klein-etal-2006", "position": "conflict-formation"}.items() <= period["disputed_by"][0].items()
    assert "Chubin and Tripp" in row["paraphrase"] and "Algiers Accord" in row["paraphrase"]
