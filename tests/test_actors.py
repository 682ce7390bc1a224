"""Actors beyond the state system list: a polity's lifetime, its status over time, and COW membership as an attribute."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.errors import InputError
from cooperative_security.ingest import ingest_paths
from cooperative_security.ingest.actors import parse_actors, registry_from_rows
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.namespaces import cs, instance
from cooperative_security.queries import load_query
from cooperative_security.resources import data_dir
from cooperative_security.store import Store

WASHINGTON = """\
id: {id}
label: The United States and Canada after the Civil War
kind: dyad
members: [usa, can]
from: 1871
events:
  - id: treaty-of-washington
    date: {date}
    type: TreatySigned
    by: [usa, ukg, can]
    level: elite
    label: The Treaty of Washington settles the Alabama claims and the fisheries
    description: >-
      Signed by the United States and Britain; the Canadian prime minister sat among the British
      commissioners, and the fisheries articles needed Canada's consent.
    evidence:
      - {{work: deutsch-etal-1957, pages: unverified,
         note: "Deutsch's North Atlantic study counts the United States and Canada among its pairs; cited here as test data",
         kind: mentions}}
"""


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    kg = open_knowledge_graph("memory:")
    yield kg
    kg.close()


def objects(store: Store, subject: ox.NamedNode | ox.BlankNode, prop: str) -> list[ox.Term]:
    return [q.object for q in store.quads() if q.subject == subject and q.predicate == cs(prop)]


def test_a_us_canada_treaty_of_1871_ingests(store: Store, tmp_path: Path) -> None:
    """Issue 11, point 7: Canada was a dominion in 1871, before it joined the state system in 1920."""
    path = tmp_path / "us-canada-1871.yaml"
    path.write_text(WASHINGTON.format(id="us-canada-1871", date="1871-05-08"), encoding="utf-8")
    ingest_paths(store, [path])
    event = instance("event", "us-canada-1871/treaty-of-washington")
    agents = {q.object for q in store.quads() if q.subject == event and q.predicate == cs("agent")}
    assert instance("state", "can") in agents and instance("state", "usa") in agents


def test_an_event_before_the_actor_existed_is_still_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "us-canada-1850.yaml"
    path.write_text(WASHINGTON.format(id="us-canada-1850", date="1850-05-08"), encoding="utf-8")
    before = store.count()
    with pytest.raises(InputError) as info:
        ingest_paths(store, [path])
    problems = [p for p in info.value.problems if "lifetime of can" in str(p)]  # (the case's span refuses it too)
    assert problems, info.value.problems
    text = str(problems[0])
    assert "us-canada-1850.yaml:8" in text  # the event's line (its date)
    assert "record us-canada-1850/treaty-of-washington" in text and "field 'date'" in text
    assert "outside the lifetime of can (1867-07-01 to today)" in text
    assert store.count() == before


def test_canada_carries_its_status_and_system_membership(store: Store) -> None:
    can = instance("state", "can")
    assert objects(store, can, "startDate") == [ox.Literal("1867-07-01", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#date"))]
    statuses = {}
    for node in objects(store, can, "polityStatus"):
        assert isinstance(node, ox.NamedNode)
        (name,) = objects(store, node, "standing")
        start = objects(store, node, "startDate")
        statuses[name.value] = start[0].value if start else None
    assert statuses == {"dominion": "1867-07-01", "sovereign-state": "1931-12-11"}
    (spell,) = objects(store, can, "systemMembership")
    assert spell == instance("state", "can/spell/1920")  # the IRI the COW data set gives the spell too
    assert [t.value for t in objects(store, spell, "startDate")] == ["1920"]


def test_every_bundled_state_keeps_its_cow_membership_as_system_spells() -> None:
    _, registry = parse_actors(data_dir() / "actors.yaml")
    states = [a for a in registry.values() if a.kind == "state"]
    assert len(states) > 40
    assert all(a.system for a in states), [a.slug for a in states if not a.system]
    gfr = registry["gfr"]
    assert str(gfr.earliest) == "1949-05-23" and str(gfr.system[0][0]) == "1955-05-05"
    assert registry["can"].system[0][0] is not None and registry["can"].system[0][0].year == 1920
    assert registry["can"].earliest is not None and registry["can"].earliest.year == 1867


@pytest.mark.parametrize(("entry", "message"), [
    ("{id: nfl, name: Newfoundland, status: kingdom}", "status 'kingdom' must be one of sovereign-state, dominion"),
    ("{id: nfl, name: Newfoundland, from: 1907, cow: 999, cow_abb: NFL, system: [[1900, 1949]]}",
     "a spell of system membership (1900 to 1949) lies outside the actor's lifetime"),
    ("{id: nfl, name: Newfoundland, from: 1907, system: [[1907, 1949]]}", "system membership needs the Correlates"),
    ("{id: nfl, name: Newfoundland, cow: 999, cow_abb: NFL, from: 1907, cow_from: 1920}",
     "unknown key 'cow_from'; write system: [[FROM, TO]]"),
    ("{id: nfl, name: Newfoundland, from: 1907, status: [{status: dominion, from: 1900}]}",
     "the dominion status (1900 to today) lies outside the actor's lifetime"),
    ("{id: nfl, name: Newfoundland, status: [{status: dominion, from: 1907, to: 1934}, {status: colony, from: 1930}]}",
     "the colony status begins before the previous one ends"),
    ("{id: nfl, name: Newfoundland, system: 1920}", "system is a list of [FROM, TO] spells"),
], ids=["unknown-status", "system-outside-lifetime", "system-without-cow", "old-key", "status-outside-lifetime",
        "overlapping-statuses", "system-not-a-list"])
def test_bad_actor_entries_are_located(tmp_path: Path, entry: str, message: str) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text(f"states:\n  - {{id: ok, name: Fine}}\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_actors(path)
    texts = [str(p) for p in info.value.problems]
    assert any(message in t and "actors.yaml:3" in t and "record nfl" in t for t in texts), texts


def test_a_polity_the_state_system_never_listed_is_an_actor(tmp_path: Path) -> None:
    """A dominion with no Correlates of War number passes the shapes, with its statuses."""
    actors = tmp_path / "newfoundland-actors.yaml"
    actors.write_text("states:\n  - {id: nfl, name: Newfoundland, from: 1907-09-26, to: 1949-03-31, "
                      "status: [{status: dominion, from: 1907-09-26, to: 1934-02-15}, "
                      "{status: colony, from: 1934-02-16}]}\n", encoding="utf-8")
    kg = open_knowledge_graph("memory:")
    try:
        ingest_paths(kg, [actors])
        nfl = instance("state", "nfl")
        statuses = sorted(next(iter(objects(kg, n, "standing"))).value  # type: ignore[arg-type]
                          for n in objects(kg, nfl, "polityStatus"))
        assert statuses == ["colony", "dominion"]
        assert objects(kg, nfl, "cowCode") == []
    finally:
        kg.close()


@pytest.mark.parametrize(("text", "line", "message"), [
    ("states:\n  - {id: frn, name: France again}\n", 2, "'frn' is a bundled actor"),
    ("people:\n  - {id: someone, name: Some One, state: atlantis}\n", 2, "unknown state 'atlantis'"),
    ("people:\n  - {id: someone, name: Some One, state: ecsc}\n", 2, "unknown state 'ecsc' ('ecsc' is an organisation)"),
], ids=["bundled-id-again", "unknown-state", "not-a-state"])
def test_an_actors_file_may_not_rename_a_bundled_actor_or_name_an_unknown_state(
        tmp_path: Path, text: str, line: int, message: str) -> None:
    """Both were accepted: the first gave France a second name beside the bundled one, the second a person
    of a state nobody declared. Against the store's actors, as `coopsec ingest` checks them."""
    kg = open_knowledge_graph("memory:")
    try:
        path = tmp_path / "more-actors.yaml"
        path.write_text(text, encoding="utf-8")
        before = kg.count()
        with pytest.raises(InputError) as info:
            ingest_paths(kg, [path])
        assert any(message in str(p) and f"more-actors.yaml:{line}" in str(p) for p in info.value.problems), \
            info.value.problems
        assert kg.count() == before
        # a state declared in the same file, and a person of it, are fine
        path.write_text("states:\n  - {id: ruritania, name: Ruritania}\npeople:\n"
                        "  - {id: rudolf, name: Rudolf, state: ruritania}\n  - {id: marianne, name: Marianne, state: frn}\n",
                        encoding="utf-8")
        assert ingest_paths(kg, [path]).triples > 0
    finally:
        kg.close()


def test_a_correlates_of_war_number_names_one_state(tmp_path: Path) -> None:
    """A new state with France's COW number (220) was accepted, so that 220 stood for two actors."""
    kg = open_knowledge_graph("memory:")
    try:
        path = tmp_path / "more-actors.yaml"
        for text, line, holder in (("states:\n  - {id: gaul, name: Gaul, cow: 220}\n", 2, "frn"),
                                   ("states:\n  - {id: aa1, name: A, cow: 5001}\n  - {id: aa2, name: B, cow: 5001}\n",
                                    3, "aa1")):
            path.write_text(text, encoding="utf-8")
            with pytest.raises(InputError) as info:
                ingest_paths(kg, [path])
            assert [(p.line, p.field) for p in info.value.problems] == [(line, "cow")]
            assert f"is already the number of {holder!r}" in str(info.value)
        path.write_text("states:\n  - {id: aa1, name: A, cow: 5001}\n", encoding="utf-8")
        assert ingest_paths(kg, [path]).triples > 0
        path.write_text("states:\n  - {id: aa1, name: A renamed, cow: 5001}\n", encoding="utf-8")
        assert ingest_paths(kg, [path]).triples > 0  # the same state again, edited: its own number
        # the same file with the state's id changed: its earlier version's graph is replaced, so the number is
        # free again (it was refused as held by 'aa1')
        path.write_text("states:\n  - {id: aa-one, name: A, cow: 5001}\n", encoding="utf-8")
        assert ingest_paths(kg, [path]).triples > 0
        holders = [a.slug for a in registry_from_rows(kg.select(load_query("ingest/actors"))).values() if a.cow == 5001]
        assert holders == ["aa-one"]
        # another file still may not take it
        other = tmp_path / "other-actors.yaml"
        other.write_text("states:\n  - {id: bb1, name: B, cow: 5001}\n", encoding="utf-8")
        with pytest.raises(InputError, match="is already the number of 'aa-one'"):
            ingest_paths(kg, [other])
    finally:
        kg.close()
