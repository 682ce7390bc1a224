"""Curated cases against dyad-years: the same relationship classified twice, year by year.

For each curated case whose members are states (France-Germany, ASEAN...), every pair of members that
are both members at the end of a year is looked up among the dyad-years of that year; the curated
position is the one in effect on 31 December. Disagreements carry both explanations: the curated
classifier's reason and what is missing, and the dyad-year rule that decided (with its sources).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

from ..catalogue import list_cases
from ..classify import classify as classify_cases
from ..classify.dyads import classify, rules_explained
from ..export.dyads import dataframe
from ..ingest.dyad_years import DataFiles, build, lineage, new_store, successions
from ..kb import open_knowledge_graph

CASES = ("france-germany", "asean", "indonesia-malaysia")


def _curated_why(period: Any) -> str:
    missing = "; ".join(str(m.get("condition") or m.get("rule") or m) for m in period.missing[:3])
    rules = ", ".join(r.rpartition("/")[2] for r in period.rules[:6])
    return f"{period.position} since {period.start} by {rules}" + (f"; missing: {missing}" if missing else "")


def compare_cases(files: DataFiles | None, cases: tuple[str, ...] | None = CASES,
                  store: str = "memory:") -> list[dict[str, Any]]:
    """``store``: the knowledge graph whose curated cases are compared (``memory:``: the bundled cases;
    any other store, e.g. ``oxigraph:DIR`` after ``coopsec ingest``, includes the user's own cases).
    ``files`` None: the dyad-years are those of the store (``coopsec ingest-dataset dyad-years DIR
    --store SPEC``), classified there; otherwise they are built from ``files`` in memory.
    ``cases`` None compares every case whose members are states with COW numbers."""
    kg = open_knowledge_graph(store)
    try:
        periods = classify_cases(kg, cases=list(cases) if cases else None)
        # each member's own COW number, as the case file names it (the ISO code DEU is both Germany, 255,
        # and the German Federal Republic, 260: only the actor the case names counts)
        known = list_cases(kg)
        codes = {c.id: {m: cow for m, cow in zip(c.members, c.members_cow, strict=True) if cow is not None}
                 for c in known}
        by_id = {c.id: c for c in known}
        # a case is assessed up to its `to` or its last event: a position still in effect then is no
        # conclusion about the years after, so those are not compared (the last period of each case says
        # until when: named cases are classified on a copy, so the store's inferred graph is not theirs)
        observed = {p.relationship: int(p.observed_until[:4]) for p in periods if p.observed_until}
    except BaseException:
        kg.close()
        raise
    if files is not None:
        kg.close()
    def last_year(p: Any) -> int:
        return int(p.end[:4]) if p.end else min(observed.get(p.relationship, 2010), 2010)

    spans = [(p, int((p.start or p.from_ or "1816")[:4]), last_year(p)) for p in periods if p.position]
    years = [y for _, s, e in spans for y in (s, e)]
    first, last = max(min(years, default=1816), 1816), min(max(years, default=2010), 2010)
    try:
        dyad_store = kg if files is None else new_store()
        if files is not None:
            build(dyad_store, files, first, last)
        classify(dyad_store, first, last)
        frame = dataframe(dyad_store).set_index(["ccode1", "ccode2", "year"])  # type: ignore[arg-type]
        rules = rules_explained(dyad_store)  # type: ignore[arg-type]
        succession = successions(dyad_store)
    finally:
        if files is None:
            kg.close()
    # a member's lineage (data/rules.ttl's successions): the states the dyad-years may name it by, so
    # that a case naming the German Federal Republic (260) meets Germany (255) after 1990
    kin: dict[int, list[int]] = {}
    for code in {*succession, *succession.values()}:
        kin.setdefault(lineage(code, succession), []).append(code)
    rows: list[dict[str, Any]] = []
    for case in cases or sorted({p.relationship for p in periods}):
        case_periods = [p for p in periods if p.relationship == case and p.position]
        for year in range(first, last + 1):
            day = f"{year}-12-31"
            # in effect at the year's end, or at the last day observed in the case's last year
            current = [p for p in case_periods if p.covers(min(day, p.observed_until or day)) and last_year(p) >= year]
            if not current:
                continue
            period = current[-1]
            # only the states that are members on that day (ASEAN's later members from the day they joined)
            members = sorted({codes[case][m] for m in period.members
                              if m in codes.get(case, {}) and by_id[case].is_member(m, day)})
            for m1, m2 in combinations(members, 2):
                found = _dyad_of_year(frame.index, kin, m1, m2, year)
                if found is None:
                    continue
                a, b = found
                row = frame.loc[(a, b, year)]
                dyad_position = row["position"] if isinstance(row["position"], str) else "no-data"
                rule = rules.get(str(row["rule"]), {})
                rows.append({
                    "case": case, "ccode1": a, "ccode2": b, "year": year,
                    "curated": period.position, "dyad_year": dyad_position,
                    "agree": period.position == dyad_position,
                    "curated_why": _curated_why(period),
                    "dyad_why": f"{row['rule']}: {rule.get('description', '')} [{rule.get('sources', '')}]"
                                + (f"; {row['unassessed']}" if isinstance(row["unassessed"], str) else ""),
                })
    return rows


def _dyad_of_year(index: Any, kin: dict[int, list[int]], m1: int, m2: int, year: int) -> tuple[int, int] | None:
    """The dyad-year of two members in ``year``: under their own COW numbers, or else under those of the
    states of their lineages that the state system holds that year (at most one pair does)."""
    if (min(m1, m2), max(m1, m2), year) in index:
        return min(m1, m2), max(m1, m2)
    for a in kin.get(_root(kin, m1), [m1]):
        for b in kin.get(_root(kin, m2), [m2]):
            if a != b and (min(a, b), max(a, b), year) in index:
                return min(a, b), max(a, b)
    return None


def _root(kin: dict[int, list[int]], code: int) -> int:
    return next((root for root, codes in kin.items() if code in codes), code)
