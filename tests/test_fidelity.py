"""Scholarly fidelity (issue 16): who speaks in a position, what evidence shows, what was inferred."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cooperative_security.catalogue import list_cases
from cooperative_security.check import run_checks
from cooperative_security.classify import classify
from cooperative_security.errors import InputError
from cooperative_security.fidelity import fidelity_report
from cooperative_security.ingest import ingest_paths
from cooperative_security.kb import load_bundled
from cooperative_security.store import Store, open_store

OWN_CHECKS = ("A work replying to a work published after it",
              "Event outside the chapter cited to the chapter, or not documented",
              "Evidence that does not say what it shows",
              "A section given for a work other than the chapter")

SMALL_CASE = """\
id: fidelity-probe
label: A probe of the fidelity report
kind: dyad
members: [frn, gfr]
from: 1950
to: 1960
characterised_as:
  - {concept: LeapOfTrust, work: keating-wheeler-2013, section: "Conclusion"}
  - {concept: MatureSecurityCommunity, work: keating-wheeler-2013, section: "Conclusion", negated: true}
events:
  - id: documented-move
    date: 1950-05-09
    type: UnilateralConciliatoryInitiative
    by: [frn]
    level: elite
    label: A move a history documents
    evidence:
      - {work: milward-2006, pages: "397", footnote: 63, kind: documents}
      - {work: keating-wheeler-2013, section: "Conclusion", kind: mentions}
    characterised_as:
      - {concept: LeapOfTrust, work: milward-2006, pages: "398"}
  - id: unverified-treaty
    date: 1951-04-18
    type: TreatySigned
    by: [frn, gfr]
    level: elite
    in_chapter: false
    date_flag: outside
    label: A treaty documented by a work whose pages are not checked
    evidence:
      - {work: hill-smith-2002, pages: unverified, kind: documents, note: "A collection of treaty texts."}
  - id: mentioned-poll
    date: 1955
    type: OpinionPoll
    by: [french-public]
    level: societal
    date_flag: inferred
    label: A poll the chapter only mentions
    evidence:
      - {work: keating-wheeler-2013, section: "Conclusion", kind: mentions}
  - id: context-only
    date: 1957
    type: Summit
    by: [frn, gfr]
    level: elite
    in_chapter: false
    label: A meeting no source held documents yet
    evidence: none-yet
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The bundled knowledge graph plus the small case file above."""
    path = tmp_path_factory.mktemp("probe") / "fidelity-probe.yaml"
    path.write_text(SMALL_CASE, encoding="utf-8")
    store = open_store("memory:")
    load_bundled(store)
    ingest_paths(store, [path])
    yield store
    store.close()


def findings(store: Store) -> list[tuple[str, str, str]]:
    report = run_checks(store, reasoner=False, shacl=False)
    return [(f.check, f.term, f.problem) for f in report.findings]


def check_json(cli) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    result = cli("check", "--no-reasoner", "-f", "json")
    return json.loads(result.out) if result.out.strip() else []


# --- the fidelity report -------------------------------------------------------------------------

def test_fidelity_counts_come_from_the_records_of_a_case(probe: Store) -> None:
    report = fidelity_report(probe, ["fidelity-probe"], classifications=False)
    [case] = report.cases
    assert case.events == 4
    assert case.documented == 2  # the history with pages, the collection with pages unverified
    assert case.documented_unverified == 1
    assert case.in_chapter == 2  # the two events not marked in_chapter: false
    assert case.outside_chapter == ["context-only", "unverified-treaty"]
    assert case.mentioned_only == 1
    assert case.none_yet == ["context-only"]
    assert (case.date_outside, case.date_inferred) == (1, 1)
    by_source = {s.citation: s for s in case.characterisations}
    assert set(by_source) == {"Keating and Wheeler 2013", "Milward 2006"}
    chapter = by_source["Keating and Wheeler 2013"]
    assert (chapter.readings, chapter.negated) == (2, 1)
    assert set(chapter.concepts) == {"leap of trust", "not mature security community"}
    assert by_source["Milward 2006"].concepts == ["leap of trust"]


def test_the_probe_case_passes_the_fidelity_checks(probe: Store) -> None:
    assert not [f for f in findings(probe) if f[0] in OWN_CHECKS and "fidelity-probe" in f[1]]


def test_bundled_figures_match_the_guide(kg: Store) -> None:
    """The figures docs/guide/fidelity.md quotes for the bundled data."""
    totals = fidelity_report(kg, classifications=False).totals()
    assert totals == {"events": 76, "documented": 49, "documented_unverified": 5, "in_chapter": 51,
                      "mentioned_only": 21, "date_outside": 40, "date_inferred": 11, "none_yet": 6,
                      "outside_chapter": 25}


def test_check_fidelity_prints_the_report(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", "--fidelity", "-f", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    cases = {c["case"]: c for c in data["cases"]}
    assert cases["italian-unification"]["none_yet"] == ["kingdom-of-italy-proclaimed"]
    assert cases["korea"]["documented_unverified"] == 4
    table = cli("check", "--fidelity")
    assert "no evidence yet for american-university-speech, limited-test-ban-treaty" in " ".join(table.out.split())


def test_the_fidelity_csv_none_yet_names_the_events_as_the_json_does(cli) -> None:  # type: ignore[no-untyped-def]
    """The CSV's `none_yet` held the number of the events, under the name of the JSON key that lists them."""
    rows = {r["case"]: r for r in csv.DictReader(io.StringIO(cli("check", "--fidelity", "-f", "csv").out))}
    assert rows["italian-unification"]["none_yet"] == "kingdom-of-italy-proclaimed"
    assert rows["us-ussr"]["none_yet"] == "american-university-speech; limited-test-ban-treaty"
    assert rows["korea"]["none_yet"] == ""
    table = next(line for line in cli("check", "--fidelity").out.splitlines() if line.startswith("us-ussr "))
    assert table.split()[6] == "2", table  # the table still counts them (column "no evidence yet")


# --- none-yet ------------------------------------------------------------------------------------

def test_none_yet_events_are_flagged_as_data(probe: Store) -> None:
    rows = probe.select(
        "PREFIX cs: <https://w3id.org/coopsec/ontology#> "
        "SELECT ?e WHERE { GRAPH ?g { ?e cs:evidenceStatus \"none-yet\" ; cs:inCase ?c } }")
    flagged = {r["e"].value.removeprefix("https://w3id.org/coopsec/id/event/") for r in rows}
    assert {"fidelity-probe/context-only", "italian-unification/kingdom-of-italy-proclaimed",
            "us-ussr/limited-test-ban-treaty"} <= flagged
    probe_case = next(c for c in list_cases(probe) if c.id == "fidelity-probe")
    statuses = {e.id: e.evidence_status for e in probe_case.events}
    assert statuses == {"documented-move": None, "unverified-treaty": None, "mentioned-poll": None,
                        "context-only": "none-yet"}
    # a none-yet event is not "an event without evidence": it says so on purpose
    assert not [f for f in findings(probe) if f[0] == "Event without evidence"]


def test_an_event_with_no_evidence_and_no_none_yet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bare.yaml"
    path.write_text(SMALL_CASE.replace("id: fidelity-probe", "id: bare").replace("    evidence: none-yet\n", ""),
                    encoding="utf-8")
    store = open_store("memory:")
    load_bundled(store)
    with pytest.raises(InputError) as caught:
        ingest_paths(store, [path])
    assert "evidence: none-yet" in str(caught.value) and "bare/context-only" in str(caught.value)
    store.close()


def test_unverified_pages_need_a_note(tmp_path: Path) -> None:
    path = tmp_path / "nonote.yaml"
    path.write_text(SMALL_CASE.replace("id: fidelity-probe", "id: nonote")
                    .replace(', note: "A collection of treaty texts."', ""), encoding="utf-8")
    store = open_store("memory:")
    load_bundled(store)
    with pytest.raises(InputError) as caught:
        ingest_paths(store, [path])
    assert "`pages: unverified` needs a `note`" in str(caught.value)
    store.close()


# --- the checks ----------------------------------------------------------------------------------

def test_bundled_data_passes_the_fidelity_checks(kg: Store) -> None:
    assert not [f for f in findings(kg) if f[0] in OWN_CHECKS]


def test_a_reply_to_a_later_work_is_refused(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    citations = resources_copy / "data" / "citations.yaml"
    text = citations.read_text(encoding="utf-8")
    line = "  - {subject: hollis-1998, relation: disputes, object: hardin-2002, about: RationalTrust, " \
           "according_to: keating-wheeler-2013,\n"
    assert line in text
    citations.write_text(text.replace(line, line.replace(" according_to: keating-wheeler-2013,", "")),
                         encoding="utf-8")
    rows = [r for r in check_json(cli) if r["check"] == OWN_CHECKS[0]]
    assert [r["term"] for r in rows] == ["https://w3id.org/coopsec/id/position/hollis-1998-disputes-hardin-2002"]
    assert "(1998) reply to" in rows[0]["problem"] and "(2002), published later" in rows[0]["problem"]
    assert "according_to" in rows[0]["problem"]


def test_the_chapter_is_refused_as_evidence_for_an_event_it_does_not_mention(  # type: ignore[no-untyped-def]
        cli, resources_copy: Path) -> None:
    case = resources_copy / "data" / "cases" / "german-unification.yaml"
    text = case.read_text(encoding="utf-8")
    documented = '      - {work: cow-2017, record: "Hanover (240) and Hesse Electoral (273): system membership ' \
                 'ends 1866-07-26", kind: documents}\n'
    assert documented in text
    case.write_text(text.replace(documented, '      - {work: keating-wheeler-2013, section: "Security Complexes '
                                             'and Regimes", footnote: 26, kind: mentions}\n'), encoding="utf-8")
    rows = [r for r in check_json(cli) if r["check"] == OWN_CHECKS[1]]
    term = "https://w3id.org/coopsec/id/event/german-unification/prussian-annexations-1866"
    problems = sorted(r["problem"] for r in rows if r["term"] == term)
    assert len(problems) == 2, rows
    assert problems[0].startswith("cites the chapter (https://w3id.org/coopsec/id/work/keating-wheeler-2013)")
    assert problems[1].startswith("is not in the chapter and no work documents it")


def test_evidence_must_say_what_it_shows(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    case = resources_copy / "data" / "cases" / "india-pakistan.yaml"
    text = case.read_text(encoding="utf-8")
    assert text.count("kind: documents}") >= 2
    text = text.replace('{work: keating-wheeler-2013, section: "Building Trust in World Politics", footnote: 60, '
                        'kind: mentions}', '{work: keating-wheeler-2013, section: "Building Trust in World Politics", '
                        'footnote: 60, kind: documents}', 1)
    case.write_text(text, encoding="utf-8")
    rows = [r for r in check_json(cli) if r["check"] == OWN_CHECKS[2]]
    problems = {r["problem"] for r in rows}
    assert any(p.startswith("says the chapter") for p in problems), rows
    # evidence without a kind: a case file's is refused at ingest, at its line (below); an RDF file's is
    # reported by the check
    event = "https://w3id.org/coopsec/id/event/india-pakistan/lahore-declaration"
    (resources_copy / "more.ttl").write_text(
        f"<{event}> <https://w3id.org/coopsec/ontology#inCase> <https://w3id.org/coopsec/id/case/india-pakistan> ;\n"
        "  <https://w3id.org/coopsec/ontology#evidence> [ "
        "<https://w3id.org/coopsec/ontology#work> <https://w3id.org/coopsec/id/work/milward-2006> ] .\n",
        encoding="utf-8")
    store = f"oxigraph:{resources_copy / 'kg'}"
    assert cli("init", "--store", store).code == 0
    assert cli("ingest", str(resources_copy / "more.ttl"), "--store", store).code == 0
    rows = json.loads(cli("check", "--no-reasoner", "-f", "json", "--store", store).out)
    assert [r["term"] for r in rows if r["check"] == OWN_CHECKS[2]
            and r["problem"].endswith("milward-2006 without saying kind: documents or kind: mentions")] == [event]


def test_a_case_files_evidence_without_a_kind_is_refused_at_its_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # ingest accepted it and `coopsec check` refused it afterwards, naming neither file nor line
    case = tmp_path / "fidelity-probe.yaml"
    text = SMALL_CASE.replace(", kind: documents}", "}", 1)
    assert text != SMALL_CASE
    case.write_text(text, encoding="utf-8")
    result = cli("ingest", str(case))
    assert result.code == 1 and "internal error" not in result.err
    line = 1 + text.splitlines().index(next(t for t in text.splitlines() if "{work:" in t and "kind:" not in t))
    assert f"{case}:{line}: record fidelity-probe/" in result.err and "field 'evidence.kind': evidence needs a kind: " \
        "`kind: documents`" in result.err, result.err


# --- positions and inferences --------------------------------------------------------------------

def test_disputed_claims_say_whose_reading_they_are(cli) -> None:  # type: ignore[no-untyped-def]
    claims = json.loads(cli("query", "cases/disputed-claims", "-f", "json").out)
    hollis = [c for c in claims if c["holder"] == "Hollis 1998" and c["target"] == "Hardin 2002"]
    assert hollis and hollis[0]["voice"] == "reading" and hollis[0]["speaker"] == "Keating and Wheeler 2013"
    assert (hollis[0]["holderYear"], hollis[0]["targetYear"]) == ("1998", "2002")
    tetlock = [c for c in claims if c["holder"] == "Tetlock 1994" and c["kind"] == "position"]
    assert tetlock and tetlock[0]["voice"] == "own" and tetlock[0]["speaker"] == "Tetlock 1994"
    # the three claims the chapter never makes are gone
    assert not [c for c in claims if c["holder"] == "Kuus 2002"]


def test_ibid_pages_and_added_names_are_marked_as_inferred(kg: Store) -> None:
    rows = kg.select(
        "PREFIX cs: <https://w3id.org/coopsec/ontology#> PREFIX cito: <http://purl.org/spar/cito/> "
        "SELECT ?fn ?inferred WHERE { GRAPH ?g { ?c cs:inFootnote ?f ; cs:inferred ?inferred . "
        "?f cs:number ?fn } }")
    assert sorted(int(r["fn"].value) for r in rows) == [70, 93]
    works = kg.select(
        "PREFIX cs: <https://w3id.org/coopsec/ontology#> "
        "SELECT ?w ?inferred WHERE { GRAPH ?g { ?w cs:inferred ?inferred ; cs:bibKey ?k } }")
    inferred = {r["w"].value.rpartition("/")[2]: r["inferred"].value for r in works}
    assert inferred["montgomery-2006"].startswith("author Evan Braden:")
    assert "Winter 1997/1998" in inferred["buszynski-1997"]


def test_works_shows_what_was_inferred(cli) -> None:  # type: ignore[no-untyped-def]
    works = {w["key"]: w for w in json.loads(cli("works", "-f", "json").out)}
    assert works["montgomery-2006"]["inferred"] == [
        "author Evan Braden: The chapter gives the author's initials only (E. B. Montgomery); the given names "
        "come from outside the chapter."]
    assert works["granieri-2002"]["inferred"][0].startswith("note 70: The note says only 'Ibid.'")
    assert works["herz-1950"]["inferred"] == []
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(cli("works", "-f", "csv").out))}
    assert rows["montgomery-2006"]["inferred"].startswith("author Evan Braden: ")
    assert rows["herz-1950"]["inferred"] == ""


def test_classifications_beyond_the_sources_are_named_or_the_gap_is_said(probe: Store) -> None:
    report = fidelity_report(probe, ["us-europe-japan"])
    [case] = report.cases
    try:
        import cooperative_security.classify.voice  # noqa: F401
    except ImportError:
        assert report.voice_gap and "classify.voice" in report.voice_gap
        assert case.beyond_sources is None
        return
    assert report.voice_gap is None
    # Jervis and the chapter say "pluralistic security community"; neither says mature or embedded trust,
    # so any period the classifier calls mature or embedded is named with that dimension unsupported
    periods = classify(probe, ["us-europe-japan"])
    claimed = [p for p in periods if p.stage == "mature" or p.trust == "embedded-trust"]
    flagged = {(b["from"], b["to"]): b["unsupported"] for b in case.beyond_sources or []}
    for p in claimed:
        dims = flagged[(p.from_, p.to)]
        assert ("stage" in dims) == (p.stage == "mature") and ("trust" in dims) == (p.trust == "embedded-trust")
    # and a security community is what both say: that position is never flagged
    for p in periods:
        if p.position == "security-community" and (p.from_, p.to) in flagged:
            assert "position" not in flagged[(p.from_, p.to)]
    # an open answer claims nothing
    assert all(b["position"] != "undetermined" or "position" not in b["unsupported"]
               for b in case.beyond_sources or [])


def test_no_trust_is_a_claim_the_report_checks_against_the_sources(probe: Store) -> None:
    # trust "none" rests on evidence of mistrust (rule:elite-trust), so a period that says it and that no
    # cited work supports is named, as any other claim; "undetermined" trust claims nothing
    report = fidelity_report(probe, ["italian-unification"])
    [case] = report.cases
    periods = [p for p in classify(probe, ["italian-unification"]) if p.position is not None]
    claimed = {(p.from_, p.to) for p in periods if p.trust == "none"}
    assert claimed, "the unification case has a period with no trust"
    flagged = {(b["from"], b["to"]): b["unsupported"] for b in case.beyond_sources or []}
    assert any("trust" in flagged.get(period, {}) for period in claimed), flagged
    assert all(b["trust"] != "undetermined" or "trust" not in b["unsupported"] for b in case.beyond_sources or [])


def test_every_position_is_listed_once_with_its_voice(cli) -> None:  # type: ignore[no-untyped-def]
    import yaml

    from cooperative_security.resources import data_dir

    records = yaml.safe_load((data_dir() / "citations.yaml").read_text(encoding="utf-8"))["positions"]
    rows = json.loads(cli("query", "works/positions", "-f", "json").out)
    assert len(rows) == len({r["position"] for r in rows}) == len(records)
    readings = sum(1 for p in records if p.get("according_to") not in (None, p["subject"]))
    assert sum(r["voice"] == "reading" for r in rows) == readings
    # regression: three records of the chapter agreeing with Collins 2007, about three concepts, were
    # merged into one position carrying three claims
    collins = [r for r in rows if r["holder"] == "Keating and Wheeler 2013" and r["target"] == "Collins 2007"]
    assert len(collins) == 3 and len({r["about"] for r in collins}) == 3


def test_a_section_is_refused_for_a_work_other_than_the_chapter(  # type: ignore[no-untyped-def]
        cli, resources_copy: Path) -> None:
    case = resources_copy / "data" / "cases" / "us-ussr.yaml"
    text = case.read_text(encoding="utf-8")
    old = '      - {work: osgood-1962, pages: unverified, footnote: 56, kind: documents,\n'
    assert old in text
    case.write_text(text.replace(old, '      - {work: osgood-1962, section: "Building Trust in World Politics", '
                                      'footnote: 56, kind: documents,\n'), encoding="utf-8")
    rows = [r for r in check_json(cli) if r["check"] == "A section given for a work other than the chapter"]
    assert [r["term"] for r in rows] == ["https://w3id.org/coopsec/id/event/us-ussr/osgood-grit-proposal"]
    assert "osgood-1962 by the chapter's section" in rows[0]["problem"]
