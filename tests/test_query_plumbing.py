"""Query plumbing: parameters as labels, ids and CURIEs; unknown terms exit 1; internal queries listed only with
--all; classify CASE filters every format; cases CASE shows one case; actors shown as members are."""

from __future__ import annotations

import json

import pyoxigraph as ox


def test_parameters_accept_ids_curies_labels_and_iris(cli) -> None:  # type: ignore[no-untyped-def]
    answers = [cli("query", "cases/timeline", "-p", value, "--format", "json")
               for value in ("case=asean", "case=case:asean", "case=https://w3id.org/coopsec/id/case/asean")]
    assert all(a.code == 0 for a in answers), [a.err for a in answers]
    assert answers[0].out == answers[1].out == answers[2].out and json.loads(answers[0].out)
    by_label = cli("query", "concepts/subtypes", "-p", "concept=security regime", "--format", "json")
    by_curie = cli("query", "concepts/subtypes", "-p", "concept=cs:SecurityRegime", "--format", "json")
    assert by_label.code == 0 and by_label.out == by_curie.out


def test_an_unknown_term_exits_1_with_a_message(cli) -> None:  # type: ignore[no-untyped-def]
    for value, says in (("case=aseann", "did you mean 'asean'"),
                        ("case=https://w3id.org/coopsec/id/case/atlantis", "nothing called case:atlantis")):
        result = cli("query", "cases/timeline", "-p", value)
        assert result.code == 1, (value, result.err)
        assert says in result.err and result.out == ""


def test_query_list_hides_internal_queries_unless_all(cli) -> None:  # type: ignore[no-untyped-def]
    shown = {r["name"] for r in json.loads(cli("query", "--list", "--format", "json").out)}
    everything = {r["name"] for r in json.loads(cli("query", "--list", "--all", "--format", "json").out)}
    assert "concepts/subtypes" in shown and "cases/timeline" in shown
    internal = {n for n in everything if n.startswith(("export/", "serve/", "dyads/read-", "checks/", "classify/"))}
    assert internal and not internal & shown and internal <= everything
    # the lookups the code reads its tables with are internal too; the scholar's questions beside them are not
    lookups = {"cases/event-actors", "cases/members", "works/authors", "cases/actors", "concepts/concept-graph"}
    assert lookups <= everything and not lookups & shown
    assert {"cases/list", "concepts/list", "works/list"} <= shown


def test_a_misspelt_query_name_gets_a_suggestion(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "cases/timline")
    assert result.code == 2 and "did you mean cases/timeline" in result.err


def test_classify_case_filters_the_turtle_too(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "korea", "--format", "turtle")
    assert result.code == 0, result.err
    subjects = {t.subject.value for t in ox.parse(result.out.encode(), format=ox.RdfFormat.TURTLE)
                if isinstance(t.subject, ox.NamedNode)}
    cases = {s.split("/id/")[1].split("/")[1] for s in subjects if "/id/assessment/" in s or "/id/event/" in s}
    assert cases == {"korea"}


def test_cases_case_shows_one_case_with_actors_as_members_are(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("cases", "korea")
    assert result.code == 0, result.err
    assert result.out.startswith("korea: ") and "asean" not in result.out
    assert "PRK -> KOR" in result.out or "KOR -> PRK" in result.out
    assert " rok" not in result.out and " prk" not in result.out
    rows = cli("cases", "korea", "--format", "csv").out.splitlines()
    assert rows[0] == ("case,members,event,date,date_precision,type,level,label,actors,towards,"
                       "members_cow,actors_cow,towards_cow,type_label")
    assert all(r.startswith("korea,") for r in rows[1:])
    unknown = cli("cases", "koreo")
    assert unknown.code == 1 and "did you mean korea" in unknown.err
