"""Regressions of usability and data-safety faults earlier probes found and left.

1. ``classify`` and ``sensitivity`` (the Python functions) said "unknown case" with no "did you mean", and
   missed a case id in another letter case, unlike every command (``catalogue.find_case``).
2. ``coopsec validate --set nope/`` exited 1 with "nope/expected.yaml: cannot read the file".
3. ``coopsec datasets check`` on a folder that is not the data folder listed 8 missing files and nothing else.
4. ``coopsec remove`` took out a bibliography that a case cites, or a case that an events CSV adds to, and
   said nothing: the references were left pointing at nothing.
5. An RDF file could give a bundled event another type, which changes how its case is classified, silently.
6. A BibTeX or CSL key that a file ingested earlier, or another file of the same ingest, gave another work
   was taken: both described one IRI.
7. A case file with problems of its own had its unknown works and event types reported only on the next run.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from small_cases import ONE_TREATY_CASE
from snapshots import snapshot

from cooperative_security.classify import classify
from cooperative_security.errors import InputError, UnknownTerm
from cooperative_security.ingest import ingest_paths
from cooperative_security.ingest.retyping import RetypingWarning
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.store import Store, open_store

BOOK = "@book{{{key},\n  author = {{{author}}},\n  title = {{{title}}},\n  year = {{{year}}},\n}}\n"

CASE = ONE_TREATY_CASE

RETYPE = """\
@prefix cs: <https://w3id.org/coopsec/ontology#> .
<https://w3id.org/coopsec/id/event/korea/joint-communique> a cs:UnilateralConciliatoryInitiative, cs:Declaration .
<urn:example:mine> a cs:Declaration .
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def fresh() -> Iterator[Store]:
    """The bundled knowledge graph in a store of this test's own (written to)."""
    store = open_knowledge_graph("memory:")
    yield store
    store.close()


# --- 1: classify and sensitivity find a case as the commands do ----------------------------------------------

def test_classify_suggests_the_closest_case_and_takes_any_letter_case(kg: Store) -> None:
    with pytest.raises(UnknownTerm, match=r"no case 'france-germny' \(did you mean france-germany\?\)"):
        classify(kg, ["france-germny"])
    periods = classify(kg, ["KOREA"])
    assert periods and {p.relationship for p in periods} == {"korea"}


# --- 2: validate --set names a folder that is not a validation folder -----------------------------------------

@pytest.mark.parametrize(("make", "expected"), [
    pytest.param(lambda tmp: tmp / "nope", "no such folder", id="missing"),
    pytest.param(lambda tmp: write(tmp / "file.txt", "x"), "is a file, not a folder", id="a-file"),
    pytest.param(lambda tmp: write(tmp / "half" / "cases" / "a.yaml", "x").parent.parent, "has no expected.yaml",
                 id="no-expected"),
    pytest.param(lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", "has no cases/ and no expected.yaml",
                 id="empty"),
])
def test_validate_set_that_is_not_a_validation_folder_is_a_usage_error(cli, tmp_path: Path, make,  # type: ignore[no-untyped-def]
                                                                       expected: str) -> None:
    folder = make(tmp_path)
    result = cli("validate", "--set", str(folder))
    assert result.code == 2, result.err
    assert f"--set {folder}: {expected}" in result.err
    assert "cases/" in result.err and "expected.yaml" in result.err and "internal error" not in result.err


def test_validate_options_of_the_other_validation_are_usage_errors(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate", "--dyads", "--set", str(tmp_path))
    assert result.code == 2 and "--set names a case validation folder; --dyads validates" in result.err
    result = cli("validate", "--data-dir", str(tmp_path))
    assert result.code == 2 and "--data-dir is for --dyads" in result.err


# --- 3: datasets check on something that is not the data folder --------------------------------------------

def test_datasets_check_of_a_missing_folder_or_a_file_is_a_usage_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("datasets", "check", str(tmp_path / "nowhere"))
    assert result.code == 2 and "no such folder" in result.err and "cow/" in result.err
    assert "missing" not in result.out  # no list of eight missing files
    result = cli("datasets", "check", str(write(tmp_path / "a.csv", "x")))
    assert result.code == 2 and "is a file, not a folder" in result.err


def test_datasets_check_of_a_folder_holding_none_of_the_files_says_so(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("datasets", "check", str(tmp_path))
    assert result.code == 1
    assert f"{tmp_path} holds none of the 9 files: is it the data folder?" in result.err


# --- 4: remove refuses to leave references pointing at nothing ----------------------------------------------

def test_remove_refuses_a_bibliography_a_case_cites_unless_forced(cli, initialised_spec: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = initialised_spec
    bib = write(tmp_path / "refs.bib", BOOK.format(key="leftover-2020", author="Leftover, Lee", title="T", year=2020))
    case = write(tmp_path / "leftover-case.yaml", CASE.format(id="leftover-case", work="leftover-2020"))
    assert cli("ingest", str(bib), str(case), "--store", spec).code == 0
    store = open_store(spec)
    before = snapshot(store)
    store.close()
    result = cli("remove", str(bib), "--store", spec)
    assert result.code == 1, result.err
    assert f"nothing removed: removing {bib.resolve()} would leave 1 reference(s)" in result.err
    # the other file by the name the store records it by (relative to the folder ingested, never an absolute
    # path: tests/test_export_provenance.py), which `coopsec remove` takes too
    assert ("graph:case/leftover-case (from leftover-case.yaml): event:leftover-case/first-move refers to "
            "work:leftover-2020") in result.err
    assert "remove leftover-case.yaml first" in result.err and "--force" in result.err
    store = open_store(spec)
    assert snapshot(store) == before
    store.close()
    result = cli("remove", str(bib), "--force", "--store", spec)
    assert result.code == 0, result.err
    assert "removed https://w3id.org/coopsec/graph/bibliography/refs" in result.out
    assert "warning: --force: 1 reference(s) now point at nothing" in result.err
    assert "work:leftover-2020" in result.err
    assert cli("remove", str(case), "--store", spec).code == 0  # nothing refers to the case: removed as before


def test_remove_refuses_a_case_an_events_csv_adds_to(fresh: Store, tmp_path: Path) -> None:
    from cooperative_security.ingest.remove import RemovalRefused, remove_source

    case = write(tmp_path / "csv-case.yaml", CASE.format(id="csv-case", work="milward-2006"))
    events = write(tmp_path / "more.csv", "case,id,date,type,by,towards,level,label,work,pages,section\n"
                                          "csv-case,visit,1952,LeadershipVisit,de-gaulle-c,gfr,elite,A visit,"
                                          "keating-wheeler-2013,,Conclusion\n")
    ingest_paths(fresh, [case])
    ingest_paths(fresh, [events])
    before = snapshot(fresh)
    with pytest.raises(RemovalRefused) as info:
        remove_source(fresh, case)
    assert [(d.graph.rpartition("/")[2], d.referrer, d.term.rpartition("/")[2]) for d in info.value.dangling] == [
        ("more", "https://w3id.org/coopsec/id/event/csv-case/visit", "csv-case")]
    assert info.value.exit_code == 1 and "(from more.csv)" in str(info.value)
    assert snapshot(fresh) == before
    remove_source(fresh, events)  # the events first: then the case goes without complaint
    assert remove_source(fresh, case).dangling == []


# --- 5: an RDF file that retypes what another source defines ------------------------------------------------

def test_an_rdf_file_retyping_a_bundled_event_is_warned_about(fresh: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "recode.ttl", RETYPE)
    with pytest.warns(RetypingWarning) as caught:
        ingest_paths(fresh, [path])
    [message] = [str(w.message) for w in caught if issubclass(w.category, RetypingWarning)]
    assert f"{path} adds a type to 1 IRI(s) that other sources define" in message
    assert ("event:korea/joint-communique: now also cs:UnilateralConciliatoryInitiative (was cs:Declaration in "
            "data/cases/korea.yaml)") in message
    assert "urn:example:mine" not in message  # an IRI no other source types is the file's own


def test_an_rdf_file_that_only_adds_is_not_warned_about_nor_is_its_own_earlier_version(  # type: ignore[no-untyped-def]
        cli, initialised_spec: str, tmp_path: Path) -> None:
    spec = initialised_spec
    mine = write(tmp_path / "mine.ttl", "<urn:example:a> a <urn:example:Thing> .\n"
                 "<https://w3id.org/coopsec/id/event/korea/joint-communique> "
                 "<http://www.w3.org/2000/01/rdf-schema#comment> \"a note\" .\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RetypingWarning)
        result = cli("ingest", str(mine), "--store", spec)
    assert result.code == 0 and "warning" not in result.err
    write(mine, "<urn:example:a> a <urn:example:Other> .\n")  # its own earlier type is no other source's
    result = cli("ingest", str(mine), "--store", spec)
    assert result.code == 0 and "warning" not in result.err
    recode = write(tmp_path / "recode.ttl", RETYPE)
    result = cli("ingest", str(recode), "--store", spec)
    assert result.code == 0
    assert "warning: " in result.err and "event:korea/joint-communique: now also" in result.err
    assert f"coopsec remove {recode}" in result.err


# --- 6: a key a file ingested earlier gave another work -----------------------------------------------------

def test_a_key_an_earlier_file_gave_another_work_is_refused(fresh: Store, tmp_path: Path) -> None:
    first = write(tmp_path / "first.bib", BOOK.format(key="doe-2020", author="Doe, Jane", title="First", year=2020))
    ingest_paths(fresh, [first])
    before = snapshot(fresh)
    second = write(tmp_path / "second.bib", "% another library\n"
                   + BOOK.format(key="doe-2020", author="Smith, John", title="Other", year=1999))
    with pytest.raises(InputError) as info:
        ingest_paths(fresh, [second])
    [problem] = info.value.problems
    assert (problem.source, problem.line, problem.record) == (str(second), 2, "doe-2020")
    assert ("the key 'doe-2020' is the work Doe 2020 ingested earlier (first.bib), and this entry is "
            "Smith 1999, another work") in problem.message
    assert "such as 'smith-1999'" in problem.message and "coopsec remove first.bib" in problem.message
    csl = write(tmp_path / "third.json", json.dumps([{"id": "doe-2020", "type": "book", "title": "Other",
                                                      "author": [{"family": "Doe", "given": "Jane"}],
                                                      "issued": {"date-parts": [[2011]]}}]))
    with pytest.raises(InputError, match="the key 'doe-2020' is the work Doe 2020 ingested earlier"):
        ingest_paths(fresh, [csl])
    assert snapshot(fresh) == before
    same = write(tmp_path / "same.bib", BOOK.format(key="doe-2020", author="Doe, J.", title="First again",
                                                    year=2020))
    ingest_paths(fresh, [same])  # the same work described again: allowed, as for the bundled works
    write(first, BOOK.format(key="doe-2020", author="Doe, Jane", title="First", year=2021))
    with pytest.raises(InputError, match=r"is the work Doe 2020 ingested earlier \(.*same\.bib\)"):
        ingest_paths(fresh, [first])  # its own earlier version is replaced, but same.bib still says 2020


def test_a_key_another_file_of_the_same_ingest_gave_another_work_is_refused(fresh: Store, tmp_path: Path) -> None:
    first = write(tmp_path / "a.bib", BOOK.format(key="doe-2020", author="Doe, Jane", title="First", year=2020))
    second = write(tmp_path / "b.bib", "% a colleague's library\n"
                   + BOOK.format(key="doe-2020", author="Smith, John", title="Other", year=1999))
    before = snapshot(fresh)
    with pytest.raises(InputError) as info:
        ingest_paths(fresh, [first, second])
    [problem] = info.value.problems
    assert (problem.source, problem.line, problem.record) == (str(second), 2, "doe-2020")
    assert (f"the key 'doe-2020' is the work Doe 2020 in {first}, ingested with it, and this entry is "
            "Smith 1999, another work") in problem.message
    assert "such as 'smith-1999'" in problem.message
    assert snapshot(fresh) == before  # nothing written
    csl = write(tmp_path / "c.json", json.dumps([{"id": "doe-2020", "type": "book", "title": "Other",
                                                  "author": [{"family": "Roe", "given": "Ann"}],
                                                  "issued": {"date-parts": [[2020]]}}]))
    with pytest.raises(InputError, match=r"is the work Doe 2020 in .*a\.bib, ingested with it"):
        ingest_paths(fresh, [first, csl])  # BibTeX and CSL-JSON alike
    again = write(tmp_path / "again.bib", BOOK.format(key="doe-2020", author="Doe, J.", title="First, 2nd ed.",
                                                      year=2020))
    ingest_paths(fresh, [first, again])  # the same work described twice: allowed, as across ingests


# --- 7: every problem of a case file in one run -------------------------------------------------------------

def test_a_case_file_reports_its_unknown_work_and_type_with_its_other_problems(fresh: Store, tmp_path: Path) -> None:
    text = CASE.format(id="many-faults", work="no-such-work").replace("TreatySigned", "TreatySignd") \
        .replace("level: elite", "level: heavenly")
    path = write(tmp_path / "many-faults.yaml", text)
    with pytest.raises(InputError) as info:
        ingest_paths(fresh, [path])
    found = [(p.line, p.field) for p in info.value.problems]
    assert found == [(10, "type"), (12, "level"), (15, "evidence.work")], info.value
