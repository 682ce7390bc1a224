"""The bundled knowledge base: counts that would catch a missing footnote, work or case."""

from __future__ import annotations

from collections import Counter

from cooperative_security.catalogue import list_cases, list_works

REQUIRED_CASES = {
    "france-germany", "indonesia-malaysia", "asean", "us-ussr", "india-pakistan", "korea",
    "north-atlantic-1957", "us-europe-japan", "italian-unification", "german-unification",
}


def test_every_footnote_of_the_chapter_is_there(kg) -> None:  # type: ignore[no-untyped-def]
    rows = kg.select(
        "PREFIX cs: <https://w3id.org/coopsec/ontology#> "
        "SELECT ?n WHERE { GRAPH ?g { ?fn a cs:Footnote ; cs:number ?n } } ORDER BY ?n"
    )
    assert [int(r["n"].value) for r in rows] == list(range(1, 95))


def test_every_cited_work_is_in_the_bibliography(kg) -> None:  # type: ignore[no-untyped-def]
    works = list_works(kg)
    keys = {w.key for w in works}
    cited = [w for w in works if w.cited_in]
    assert len(cited) >= 66
    assert {"keating-wheeler-2013", "mastny-zhu-2013-ed", "adler-barnett-1998-ed"} <= keys
    herz = next(w for w in works if w.key == "herz-1950")
    assert herz.authors == ["John H. Herz"]
    assert herz.cited_in == [11]


def test_ibid_and_dashes_resolve_to_the_right_work(kg) -> None:  # type: ignore[no-untyped-def]
    works = {w.key: w for w in list_works(kg)}
    assert 29 in works["jervis-1988"].cited_in  # "———, 'Realism,' 337"
    assert 31 in works["jervis-2002"].cited_in
    assert 7 in works["posen-ross-1996"].cited_in  # "Ibid.: 24-25"


def test_notes_that_cite_nothing_are_kept_with_their_content(kg) -> None:  # type: ignore[no-untyped-def]
    rows = kg.select(
        "PREFIX cs: <https://w3id.org/coopsec/ontology#> "
        "SELECT ?n ?content WHERE { GRAPH ?g { ?fn cs:number ?n ; cs:noteContent ?content ; cs:about ?c } }"
    )
    numbers = {int(r["n"].value) for r in rows}
    assert {19, 20, 86} <= numbers


def test_scholarly_positions_are_data(kg) -> None:  # type: ignore[no-untyped-def]
    assert kg.ask(
        "PREFIX cito: <http://purl.org/spar/cito/> PREFIX w: <https://w3id.org/coopsec/id/work/> "
        "ASK { GRAPH ?g { w:adler-barnett-1998 cito:extends w:deutsch-etal-1957 } }"
    )
    # Hollis (1998) cannot reply to Hardin (2002) or Kydd (2005): the opposition is the chapter's reading
    # (note 50), recorded on the position, and no citation from Hollis to them is asserted.
    assert kg.ask(
        "PREFIX cs: <https://w3id.org/coopsec/ontology#> PREFIX cito: <http://purl.org/spar/cito/> "
        "PREFIX w: <https://w3id.org/coopsec/id/work/> "
        "ASK { GRAPH ?g { ?p cs:holder w:hollis-1998 ; cs:relation cito:disputes ; cs:target w:kydd-2005 ; "
        "cs:accordingTo w:keating-wheeler-2013 } }"
    )
    assert not kg.ask(
        "PREFIX cito: <http://purl.org/spar/cito/> PREFIX w: <https://w3id.org/coopsec/id/work/> "
        "ASK { GRAPH ?g { w:hollis-1998 cito:disputes ?later } }"
    )
    assert not kg.ask(
        "PREFIX cito: <http://purl.org/spar/cito/> PREFIX w: <https://w3id.org/coopsec/id/work/> "
        "ASK { GRAPH ?g { w:hardin-2002 cito:disputes w:hollis-1998 } }"
    )


def test_every_case_of_the_chapter_is_there_with_dated_sourced_events(kg) -> None:  # type: ignore[no-untyped-def]
    cases = {c.id: c for c in list_cases(kg)}
    assert REQUIRED_CASES <= set(cases)
    for case in cases.values():
        assert case.events, case.id
        for event in case.events:
            assert event.sources or event.evidence_status == "none-yet", f"{case.id}/{event.id} has no evidence"
            assert event.date_precision in {"year", "month", "day"}
    fg = cases["france-germany"]
    assert set(fg.members) == {"FRA", "DEU"}
    schuman = [e for e in fg.events if e.date == "1950-05-09"]
    assert schuman and schuman[0].date_precision == "day"
    assert Counter(e.date_precision for e in cases["asean"].events)["day"] >= 1
    assert len(cases["asean"].events) >= 10


def test_states_carry_iso_and_cow_identifiers(kg) -> None:  # type: ignore[no-untyped-def]
    rows = kg.select(
        "PREFIX cs: <https://w3id.org/coopsec/ontology#> "
        "SELECT ?abb ?code ?iso WHERE { GRAPH ?g { ?s a cs:State ; cs:cowAbbreviation ?abb ; cs:cowCode ?code . "
        "OPTIONAL { ?s cs:iso3 ?iso } } }"
    )
    states = {r["abb"].value: (int(r["code"].value), r["iso"].value if r["iso"] else None) for r in rows}
    assert states["FRN"] == (220, "FRA")
    assert states["GFR"] == (260, "DEU")
    assert states["GMY"][0] == 255
