"""The robustness check (classify --sensitivity) against independent re-runs on edited case files."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cooperative_security.catalogue import list_cases
from cooperative_security.classify import Period, classify
from cooperative_security.classify.sensitivity import PeriodSensitivity, sensitivity
from cooperative_security.errors import UsageError
from cooperative_security.ingest import expand_paths, ingest_id, parse_all, write_batches
from cooperative_security.kb import bundled_data_files, load_theory, open_knowledge_graph
from cooperative_security.queries import load_query
from cooperative_security.resources import data_dir
from cooperative_security.store import Store, open_store

CS = "https://w3id.org/coopsec/ontology#"
EVENT = "https://w3id.org/coopsec/id/event/"


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    kg = open_knowledge_graph("memory:")
    yield kg
    kg.close()


@pytest.fixture(scope="module")
def checked(store: Store) -> dict[str, list[PeriodSensitivity]]:
    found: dict[str, list[PeriodSensitivity]] = {}
    for item in sensitivity(store, ["india-pakistan", "france-germany", "korea", "asean"]):
        found.setdefault(item.period.relationship, []).append(item)
    return found


def edited_store(tmp_path: Path, case_id: str, event_id: str, new_type: str | None) -> Store:
    """A fresh store of the bundled data with one event of one case file removed (or retyped), ingested for real."""
    path = data_dir() / "cases" / f"{case_id}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    events = [e for e in data["events"] if e["id"] == event_id]
    assert len(events) == 1, f"{event_id} is not an event of {case_id}"
    if new_type is None:
        data["events"] = [e for e in data["events"] if e["id"] != event_id]
    else:
        events[0]["type"] = new_type
    folder = tmp_path / "cases"
    folder.mkdir()
    edited = folder / f"{case_id}.yaml"
    edited.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    files = [p for p in bundled_data_files() if p != path] + [edited]
    kg = open_store("memory:")
    load_theory(kg)
    found = expand_paths(files)
    # the bundled files, one case edited: loaded as the bundle is (bundled=True: its citations describe the chapter)
    write_batches(kg, parse_all(kg, found, bundled=True), ingest_id(found), [p.name for _, p in found])
    return kg


def state_at(periods: list[Period], iso: str) -> tuple[Any, ...] | None:
    """As the robustness check reads a run: its last period runs on ("today"), past the observation."""
    for p in periods:
        if p.position is not None and (p.start or "") <= iso and (p.end is None or iso < p.end):
            return p.position, p.stage, p.trust
    return None


def probes(period: Period) -> dict[str, str]:
    end = "9999-12-31" if period.end is None else (
        dt.date.fromisoformat(period.end) - dt.timedelta(days=1)).isoformat()
    return {"start": period.start or "", "end": end}


def change_for(check: PeriodSensitivity, event_id: str, to_type: str | None) -> dict[str, Any] | None:
    items = check.removals if to_type is None else check.retypings
    for change in items:
        if change.variant.event.id == event_id and (to_type is None or change.variant.to_type == CS + to_type):
            return change.becomes
    return None


@pytest.mark.parametrize(("case_id", "event_id", "new_type"), [
    ("india-pakistan", "lahore-bus-visit", "LeadershipVisit"),  # a visit that may be an initiative
    ("india-pakistan", "lahore-declaration", None),
    ("france-germany", "elysee-treaty", None),
    ("korea", "red-cross-talks-accepted", "TensionReduction"),
    ("asean", "asean-founded", None),  # the regime's founding agreement
])
def test_each_reported_change_is_what_an_edited_case_file_gives(
    tmp_path: Path, checked: dict[str, list[PeriodSensitivity]], case_id: str, event_id: str, new_type: str | None,
) -> None:
    """The check must agree, at every period's own first and last day, with the case file edited by hand."""
    kg = edited_store(tmp_path, case_id, event_id, new_type)
    try:
        again = classify(kg, [case_id])
    finally:
        kg.close()
    assert checked[case_id], f"no periods checked for {case_id}"
    for check in checked[case_id]:
        mine = (check.period.position, check.period.stage, check.period.trust)
        reported = change_for(check, event_id, new_type) or {}
        for where, iso in probes(check.period).items():
            actual = state_at(again, iso)
            if actual is None:
                assert where not in reported
                continue
            if actual == mine:
                assert where not in reported, f"{check.period.from_}: reported a change at the {where} that is not there"
            else:
                assert reported.get(where) == dict(zip(("position", "stage", "trust"), actual, strict=True)), (
                    f"{case_id} {check.period.from_}-{check.period.to}: the edited file gives {actual} at the {where}, "
                    f"the check reported {reported}")


def test_a_retyping_that_changes_a_period_makes_it_fragile(checked: dict[str, list[PeriodSensitivity]]) -> None:
    """Issue 11, point 8: a typing choice can decide a period; the check names it."""
    fragile = [c for c in checked["korea"] if change_for(c, "joint-communique", "TreatySigned")]
    assert fragile, "typing the 1972 joint communique as a treaty changed no period"
    for check in fragile:
        assert check.verdict == "fragile"
        assert any(text.startswith("joint-communique as TreatySigned: ") for text in check.deciding())


def test_the_kargil_war_ends_what_the_lahore_visit_would_show(checked: dict[str, list[PeriodSensitivity]]) -> None:
    # rule:trust-broken-by-force: typed as a leaders' visit, the bus journey of February 1999 would show
    # contingent cooperation, but the war of May 1999 ends that evidence, so the typing changes no period
    assert not [c for c in checked["india-pakistan"] if change_for(c, "lahore-bus-visit", "LeadershipVisit")]


def test_without_its_founding_agreement_the_asean_regime_is_gone(checked: dict[str, list[PeriodSensitivity]]) -> None:
    """Remove the agreement a regime rests on: the first regime period of ASEAN no longer holds a regime."""
    regimes = [c for c in checked["asean"] if c.period.position == "security-regime"]
    assert regimes, "no ASEAN regime period to check"
    first = min(regimes, key=lambda c: c.period.start or "")
    becomes = change_for(first, "asean-founded", None)
    assert becomes and becomes["start"]["position"] != "security-regime", becomes
    assert first.verdict == "fragile" and any(t.startswith("without asean-founded: ") for t in first.deciding())


def test_verdicts_follow_the_changes(checked: dict[str, list[PeriodSensitivity]]) -> None:
    verdicts = {c.verdict for cs in checked.values() for c in cs}
    assert verdicts == {"robust", "fragile"}, verdicts
    for check in (c for cs in checked.values() for c in cs):
        assert (check.verdict == "fragile") == bool(check.removals or check.retypings)
        mine = {"position": check.period.position, "stage": check.period.stage, "trust": check.period.trust}
        for change in check.removals + check.retypings:
            assert change.becomes and all(state != mine for state in change.becomes.values())


def test_runs_are_one_per_event_and_alternative(store: Store, checked: dict[str, list[PeriodSensitivity]]) -> None:
    """Bounded: one run as coded, one per event removed, one per plausible alternative of each event's type."""
    cases = {c.id: c for c in list_cases(store)}
    alternatives: dict[str, int] = {}
    for r in store.select(load_query("classify/read-alternatives")):
        alternatives[r["type"].value] = alternatives.get(r["type"].value, 0) + 1  # type: ignore[union-attr]
    for case_id, checks in checked.items():
        events = cases[case_id].events
        expected = 1 + len(events) + sum(alternatives.get(e.type, 0) for e in events)
        assert {c.runs for c in checks} == {expected}


def test_alternatives_are_read_both_ways(store: Store) -> None:
    pairs = {(r["type"].value.removeprefix(CS), r["alternative"].value.removeprefix(CS))  # type: ignore[union-attr]
             for r in store.select(load_query("classify/read-alternatives"))}
    for a, b in [("LeadershipVisit", "UnilateralConciliatoryInitiative"), ("Declaration", "TreatySigned"),
                 ("Summit", "LeadershipVisit"), ("TensionReduction", "Reciprocation"), ("ArmedClash", "Crisis"),
                 ("Threat", "Crisis")]:
        assert (a, b) in pairs and (b, a) in pairs


def test_too_many_runs_is_refused_before_running(store: Store) -> None:
    with pytest.raises(UsageError, match=r"needs \d+ classifier runs, more than the limit of 3 \(france-germany \d+\)"):
        sensitivity(store, ["france-germany"], max_runs=3)


def test_unknown_case_is_refused(store: Store) -> None:
    with pytest.raises(UsageError, match="no case 'no-such-case'"):
        sensitivity(store, ["no-such-case"])


def test_mistyped_case_gets_did_you_mean_and_letter_case_is_ignored(store: Store) -> None:
    with pytest.raises(UsageError, match=r"no case 'koera' \(did you mean korea\?\)"):
        sensitivity(store, ["koera"], max_runs=1)
    with pytest.raises(UsageError, match=r"limit of 1 \(korea \d+\)"):  # KOREA found: refused only for its size
        sensitivity(store, ["KOREA"], max_runs=1)


def test_progress_is_reported_for_every_run(store: Store) -> None:
    seen: list[tuple[int, int, str]] = []
    sensitivity(store, ["korea"], progress=lambda done, total, what: seen.append((done, total, what)))
    assert seen and [d for d, _, _ in seen] == list(range(1, seen[0][1] + 1))
    assert seen[0][2] == "korea: as coded" and any("without" in w for _, _, w in seen)


def test_cli_json_and_table_carry_the_verdict(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "korea", "--sensitivity", "--format", "json")
    assert result.code == 0, result.err
    periods = json.loads(result.out)
    assert periods and all(p["robustness"] in {"robust", "fragile"} for p in periods)
    fragile = [p for p in periods if p["robustness"] == "fragile"]
    assert fragile and all(p["sensitivity"]["removals"] or p["sensitivity"]["retypings"] for p in fragile)
    retyped = [r for p in periods for r in p["sensitivity"]["retypings"]]
    assert any(r["event"] == EVENT + "korea/joint-communique" and r["to_type"] == "TreatySigned"
               and r["from_type"] == "Declaration" and r["becomes"] for r in retyped)
    table = cli("classify", "korea", "--sensitivity", "--format", "csv")
    assert table.code == 0, table.err
    header = table.out.splitlines()[0].split(",")
    assert "robustness" in header and "deciding" in header  # the table says "deciding changes"
    assert "joint-communique as TreatySigned" in table.out
    plain = cli("classify", "korea", "--format", "json")
    assert all("robustness" not in p for p in json.loads(plain.out))


def test_cli_matches_checked_periods_by_date_with_at(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "france-germany", "--at", "1970", "--sensitivity", "--format", "json")
    assert result.code == 0, result.err
    periods = json.loads(result.out)
    assert periods and all(p["robustness"] in {"robust", "fragile"} for p in periods if p["position"])


def test_each_run_reads_only_what_the_case_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The variants ran on the case plus every other graph whole: an events file's events of other cases
    and the dyad-year graphs were classified again in every run. Each run now holds what the case's
    classification reads (classify/scope.py): here, none of the other case's events that an events file
    adds, and not the dyad-year graph, while the checked case's own periods are those of a whole run."""
    import pyoxigraph as ox

    import cooperative_security.classify.sensitivity as module
    from cooperative_security.ingest.dyad_years import DYADS_GRAPH
    from cooperative_security.namespaces import GRAPH

    kg = open_knowledge_graph("memory:")
    seen: list[tuple[set[str], set[str]]] = []
    real = module.run_rules

    def watched(store: Store) -> None:
        cases = {q.object.value for g in store.graph_names() for q in store.quads(ox.NamedNode(g))
                 if q.predicate.value == CS + "inCase"}
        seen.append((cases, set(store.graph_names())))
        real(store)

    try:
        other = ox.NamedNode(EVENT + "korea/elsewhere")
        kg.replace_graphs({
            ox.NamedNode(GRAPH + "events/other"): [
                ox.Triple(other, ox.NamedNode(CS + "inCase"), ox.NamedNode("https://w3id.org/coopsec/id/case/korea"))],
            DYADS_GRAPH: [ox.Triple(ox.NamedNode("https://w3id.org/coopsec/id/dyad-year/2-20-1990"),
                                    ox.NamedNode(CS + "year"), ox.Literal("1990"))]})
        monkeypatch.setattr(module, "run_rules", watched)
        checks = sensitivity(kg, ["north-atlantic-1957"])
        whole = [p for p in classify(kg) if p.relationship == "north-atlantic-1957"]
    finally:
        kg.close()
    assert seen and len(seen) == checks[0].runs
    nato = "https://w3id.org/coopsec/id/case/north-atlantic-1957"
    assert all(cases == {nato} for cases, _ in seen), seen[0][0]
    assert all(DYADS_GRAPH.value not in graphs and GRAPH + "events/other" not in graphs for _, graphs in seen)
    assert [(c.period.from_, c.period.position, c.period.trust) for c in checks] == \
        [(p.from_, p.position, p.trust) for p in whole if p.position is not None]
