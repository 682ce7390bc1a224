"""Ingest: every format loads; bad input is rejected with file and line and leaves the store as it was."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from cooperative_security.errors import InputError
from cooperative_security.ingest import ingest_paths
from cooperative_security.ingest.bibtex import parse_bibtex
from cooperative_security.ingest.csl import parse_csl
from cooperative_security.kb import load_bundled
from cooperative_security.store import open_store

GOOD_CASE = """\
id: {id}
label: A test dyad
kind: dyad
members: [frn, gfr]
from: 1950
to: 1960
events:
  - id: first-move
    date: 1951-04
    type: TreatySigned
    by: [frn, gfr]
    level: elite
    label: A treaty
    evidence:
      - {{work: milward-2006, pages: "397", kind: documents}}
  - id: second-move
    date: 1955
    type: Admission
    by: [gfr]
    level: elite
    label: An admission
    evidence:
      - {{work: keating-wheeler-2013, section: "Conclusion", kind: mentions}}
"""


@pytest.fixture
def store():  # type: ignore[no-untyped-def]
    s = open_store("memory:")
    load_bundled(s)
    yield s
    s.close()


def snapshot(store) -> set[ox.Quad]:  # type: ignore[no-untyped-def]
    """Every quad, with blank nodes replaced by a placeholder so that snapshots compare."""
    out = set()
    for q in store.quads():
        s = ox.NamedNode("urn:bnode") if isinstance(q.subject, ox.BlankNode) else q.subject
        o = ox.NamedNode("urn:bnode") if isinstance(q.object, ox.BlankNode) else q.object
        out.add(ox.Quad(s, q.predicate, o, q.graph_name))
    return out


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_good_case_file_loads_into_its_own_graph(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "test-dyad.yaml", GOOD_CASE.format(id="test-dyad"))
    report = ingest_paths(store, [path])
    graph = "https://w3id.org/coopsec/graph/case/test-dyad"
    assert graph in report.graphs
    assert graph in store.graph_names()
    rows = store.select(
        "SELECT ?d WHERE { GRAPH ?g { <https://w3id.org/coopsec/id/event/test-dyad/first-move> "
        "<http://purl.org/dc/terms/date> ?d } }"
    )
    assert rows[0]["d"] == ox.Literal("1951-04", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth"))


def test_reingesting_the_same_file_duplicates_nothing(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "test-dyad.yaml", GOOD_CASE.format(id="test-dyad"))
    first = ingest_paths(store, [path])
    count = store.count()
    second = ingest_paths(store, [path])
    assert store.count() == count
    assert first.ingest_id == second.ingest_id


@pytest.mark.parametrize(
    ("mutation", "expected_line", "expected_text"),
    [
        (lambda t: t.replace("    date: 1955\n", ""), 16, "missing date"),
        (lambda t: t.replace("by: [gfr]", "by: [atlantis]"), 19, "unknown actor 'atlantis'"),
        (lambda t: t.replace("date: 1955", "date: 1955-13-40"), 17, "'1955-13-40' is not a valid date"),
        (lambda t: t.replace("id: second-move", "id: first-move"), 16, "duplicate event id 'first-move', first at line 8"),
        (lambda t: t.replace("type: Admission", "type: Teleportation"), 18, "unknown event type"),
        (lambda t: t.replace("work: milward-2006", "work: nobody-1999"), 15, "unknown work 'nobody-1999'"),
        (lambda t: t.replace("date: 1951-04", "date: 1931-04"), 9, "outside the lifetime of gfr"),
        (lambda t: t.replace("to: 1960", "to: 1940"), 6, "to 1940 is before from 1950"),
        (lambda t: t.replace("members: [frn, gfr]", "members: [frn, FRA]"), 4, "members names 'frn' twice (also as 'FRA')"),
    ],
    ids=["missing-date", "unknown-actor", "bad-date", "duplicate-id", "unknown-type", "unknown-work", "lifetime",
         "span-backwards", "member-twice"],
)
def test_a_bad_case_is_rejected_with_file_and_line_and_the_store_is_unchanged(
    store, tmp_path: Path, mutation, expected_line: int, expected_text: str  # type: ignore[no-untyped-def]
) -> None:
    good = write(tmp_path, "good-one.yaml", GOOD_CASE.format(id="good-one"))
    bad = write(tmp_path, "bad-one.yaml", mutation(GOOD_CASE.format(id="bad-one")))
    before = snapshot(store)
    with pytest.raises(InputError) as info:
        ingest_paths(store, [good, bad])
    message = str(info.value)
    assert f"{bad}:{expected_line}" in message, message
    assert expected_text in message
    assert snapshot(store) == before, "a rejected batch must leave the store exactly as it was"


def test_broken_bibtex_is_rejected_with_its_line(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib = write(tmp_path, "mine.bib", """\
        @book{good-2001,
          author = {Good, Anna},
          title = {A Good Book},
          year = {2001},
        }

        @article{broken-2002,
          author = {Broken, Bob},
          title = {Unclosed {brace},
          year = {2002}
        }
        """)
    before = snapshot(store)
    with pytest.raises(InputError) as info:
        ingest_paths(store, [bib])
    assert f"{bib}:7" in str(info.value)
    assert "broken-2002" in str(info.value)
    assert snapshot(store) == before


def test_bibtex_and_csl_json_of_the_same_work_give_the_same_triples(tmp_path: Path) -> None:
    bib = write(tmp_path, "w.bib", """\
        @article{herz-1950,
          author = {Herz, John H.},
          title = {Idealist Internationalism and the Security Dilemma},
          journal = {World Politics},
          volume = {2},
          number = {2},
          pages = {157--180},
          year = {1950},
        }
        @incollection{adler-barnett-1998,
          author = {Adler, Emanuel and Barnett, Michael N.},
          editor = {Adler, Emanuel and Barnett, Michael N.},
          title = {A Framework for the Study of Security Communities},
          booktitle = {Security Communities},
          publisher = {Cambridge University Press},
          address = {Cambridge},
          year = {1998},
        }
        """)
    csl = tmp_path / "w.json"
    csl.write_text(json.dumps([
        {"id": "herz-1950", "type": "article-journal", "author": [{"family": "Herz", "given": "John H."}],
         "title": "Idealist Internationalism and the Security Dilemma", "container-title": "World Politics",
         "volume": "2", "issue": "2", "page": "157-180", "issued": {"date-parts": [[1950]]}},
        {"id": "adler-barnett-1998", "type": "chapter",
         "author": [{"family": "Adler", "given": "Emanuel"}, {"family": "Barnett", "given": "Michael N."}],
         "editor": [{"family": "Adler", "given": "Emanuel"}, {"family": "Barnett", "given": "Michael N."}],
         "title": "A Framework for the Study of Security Communities", "container-title": "Security Communities",
         "publisher": "Cambridge University Press", "publisher-place": "Cambridge",
         "issued": {"date-parts": [[1998]]}},
    ]), encoding="utf-8")

    def as_graph(batch) -> rdflib.Graph:  # type: ignore[no-untyped-def]
        triples = [t for ts in batch.graphs.values() for t in ts]
        g = rdflib.Graph()
        g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
        return g

    from_bib, from_csl = as_graph(parse_bibtex(bib)), as_graph(parse_csl(csl))
    assert len(from_bib) > 20
    assert isomorphic(from_bib, from_csl)


def test_csl_json_items_are_checked(tmp_path: Path) -> None:
    csl = write(tmp_path, "z.json", '[{"type": "book", "title": "x"}, {"id": "ok", "type": "poem", "title": "y"}]')
    with pytest.raises(InputError) as info:
        parse_csl(csl)
    # an item without an id is keyed by its authors and year (or title): no problem of its own
    assert "item 1" not in str(info.value) and "id" not in {p.field for p in info.value.problems}
    assert "item 2" in str(info.value) and "unsupported type 'poem'" in str(info.value)


def test_rdf_files_load_into_a_graph_named_after_the_file(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ttl = write(tmp_path, "my-notes.ttl", "<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> [ <urn:d> 1 ] .\n")
    report = ingest_paths(store, [ttl])
    assert report.graphs["https://w3id.org/coopsec/graph/file/my-notes"] == 3


def test_bad_turtle_is_rejected_with_its_line(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ttl = write(tmp_path, "bad.ttl", "<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> \"open .\n")
    with pytest.raises(InputError) as info:
        ingest_paths(store, [ttl])
    assert f"{ttl}:2" in str(info.value)


def test_rdfxml_with_entity_declarations_is_refused_before_parsing(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    laughs = "".join(f'<!ENTITY l{i} "&l{i-1};&l{i-1};&l{i-1};&l{i-1};&l{i-1};">' for i in range(1, 10))
    xml = write(tmp_path, "lol.rdf", f"""<?xml version="1.0"?>
<!DOCTYPE rdf [<!ENTITY l0 "lol">{laughs}]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="urn:ex:">
  <rdf:Description rdf:about="urn:a"><ex:p>&l9;</ex:p></rdf:Description>
</rdf:RDF>
""")
    with pytest.raises(InputError) as info:
        ingest_paths(store, [xml])
    assert "DOCTYPE or ENTITY" in str(info.value)


def test_event_csv_rows_are_checked_by_line(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = write(tmp_path, "extra.csv", """\
        case,id,date,type,by,towards,level,label,work,pages,section
        france-germany,extra-visit,1962-09,LeadershipVisit,de-gaulle-c,gfr,elite,De Gaulle tours West Germany,keating-wheeler-2013,,Conclusion
        """)
    report = ingest_paths(store, [good])
    assert report.graphs["https://w3id.org/coopsec/graph/events/extra"] > 5
    bad = write(tmp_path, "worse.csv", """\
        case,id,date,type,by,towards,level,label,work,pages,section
        france-germany,ok-row,1962,LeadershipVisit,de-gaulle-c,gfr,elite,A visit,keating-wheeler-2013,,Conclusion
        france-germany,bad-row,1962,LeadershipVisit,de-gaulle-c,gfr,heavenly,A visit,keating-wheeler-2013,,Conclusion
        """)
    before = snapshot(store)
    with pytest.raises(InputError) as info:
        ingest_paths(store, [bad])
    assert f"{bad}:3" in str(info.value) and "level" in str(info.value)
    assert snapshot(store) == before


@pytest.mark.parametrize("sep", [";", "\t"])
def test_an_event_csv_saved_with_another_separator_says_so(store, tmp_path: Path, sep: str) -> None:  # type: ignore[no-untyped-def]
    """A spreadsheet saved with semicolons (as many European locales do) reads as one column: the error
    says which separator it holds and what to do, not only which columns are missing."""
    path = tmp_path / "semicolons.csv"
    path.write_text(sep.join(("case", "id", "date", "type", "by", "level", "label", "work")) + "\n"
                    + sep.join(("france-germany", "x", "1962", "LeadershipVisit", "de-gaulle-c", "elite", "A visit",
                                "keating-wheeler-2013")) + "\n")
    before = snapshot(store)
    with pytest.raises(InputError) as info:
        ingest_paths(store, [path])
    assert f"{path}:1" in str(info.value)
    assert f"the header is one field holding {sep!r}: save the file with commas" in str(info.value)
    assert snapshot(store) == before


def test_non_utf8_input_is_reported_not_garbled(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "latin.yaml"
    path.write_bytes("id: latin\nlabel: Br\xfcssel\n".encode("cp1252"))
    with pytest.raises(InputError) as info:
        ingest_paths(store, [path])
    assert "not UTF-8" in str(info.value)


def test_folders_are_read_in_the_documented_order(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "mine"
    folder.mkdir()
    # the case refers to an actor that only the actors file in the same folder defines
    write(folder, "a-case.yaml", GOOD_CASE.format(id="a-case").replace("[frn, gfr]", "[frn, ruritania]"))
    write(folder, "z-actors.yaml", "states:\n  - {id: ruritania, name: Ruritania, cow: 999, cow_abb: RUR, from: 1900}\n")
    report = ingest_paths(store, [folder])
    assert "https://w3id.org/coopsec/graph/case/a-case" in report.graphs


def test_ingesting_a_bibtex_file_keeps_the_bundled_bibliography(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Regression: a user's .bib once replaced the whole shared bibliography graph."""
    bundled = "https://w3id.org/coopsec/graph/bibliography"
    before = store.count(ox.NamedNode(bundled))
    assert before > 1000
    bib = write(tmp_path, "my-library.bib", "@book{doe-2020,\n  author = {Doe, Jane},\n  title = {T},\n  year = {2020},\n}\n")
    report = ingest_paths(store, [bib])
    assert store.count(ox.NamedNode(bundled)) == before
    assert report.graphs[bundled + "/my-library"] > 5
    actors = write(tmp_path, "more-actors.yaml", "states:\n  - {id: ruritania, name: Ruritania, cow: 999, cow_abb: RUR}\n")
    actors_before = store.count(ox.NamedNode("https://w3id.org/coopsec/graph/actors"))
    ingest_paths(store, [actors])
    assert store.count(ox.NamedNode("https://w3id.org/coopsec/graph/actors")) == actors_before
    assert "https://w3id.org/coopsec/graph/actors/more-actors" in store.graph_names()


def test_the_command_line_says_when_an_ingest_is_already_in_the_store(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    data = write(tmp_path, "batch.nt", '<http://example.org/a> <http://example.org/p> "1" .\n')
    spec = f"oxigraph:{tmp_path / 'store'}"
    first = cli("ingest", str(data), "--store", spec)
    assert first.code == 0 and "graph/file/batch: 1 triples" in first.out, first.err
    again = cli("ingest", str(data), "--store", spec)
    assert again.code == 0 and "is already in" in again.out and "nothing to write" in again.out


def test_a_key_written_twice_is_reported_at_its_second_place_only(tmp_path: Path) -> None:
    """The second entry of a key used to replace the first before the checks: its faults (here, no author)
    were reported at the first entry's line, and the file was said to hold entries coopsec could not
    locate. Now the duplicate is reported where it is, and the first entry is read as written."""
    from cooperative_security.ingest.bibtex import read_bibtex_text

    text = textwrap.dedent("""\
        @article{a1,
          author = {M{\\"u}ller, J.},
          title = {Trust},
          year = {2001},
          journal = {J}
        }
        @misc{a1, title = {The same key again}}
        """)
    with pytest.raises(InputError) as info:
        read_bibtex_text(text, "twice.bib")
    assert [(p.line, p.message) for p in info.value.problems] == [(7, "duplicate key 'a1'")]
    works, _ = read_bibtex_text(text.split("@misc")[0], "once.bib")
    assert [(w.title, [a.family for a in w.authors]) for w in works] == [("Trust", ["Müller"])]


@pytest.mark.parametrize(("numbers", "line", "said"), [
    ([-3], 3, "footnote -3: footnotes are numbered from 1"),  # said "footnotes missing from the sequence: []"
    ([1, 2, 5, 9], None, "footnotes missing from the sequence: 3-4, 6-8"),
])
def test_a_citations_file_with_odd_footnote_numbers_says_what_is_wrong(tmp_path: Path, numbers: list[int],
                                                                      line: int | None, said: str) -> None:
    from cooperative_security.ingest.citations import parse_citations

    notes = "".join(f"  - footnote: {n}\n    section: Introduction\n    claim: \"x\"\n    cites:\n"
                    f"      - {{work: booth-wheeler-2008, pages: \"5\", function: citesAsAuthority}}\n" for n in numbers)
    path = write(tmp_path, "cites.yaml", "chapter: booth-wheeler-2008\nfootnotes:\n" + notes)
    with pytest.raises(InputError) as info:
        parse_citations(path)
    assert [(p.line, p.message) for p in info.value.problems] == [(line, said)]


def test_another_works_footnotes_never_add_to_the_chapters(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A citations file for another work used to mint the chapter's note IRIs (id/footnote/1): note 1 of
    the chapter then had two works, two sections and two claims. Another work's notes are
    id/footnote/<work>/<n>."""
    path = write(tmp_path, "bw-notes.yaml", """\
        chapter: booth-wheeler-2008
        footnotes:
          - footnote: 1
            section: Introduction
            claim: "Another book's first note."
            cites:
              - {work: jervis-1976, pages: "66", function: quotes}
        """)
    chapter_note = ox.NamedNode("https://w3id.org/coopsec/id/footnote/1")
    before = {(q.predicate, q.object) for q in store.quads() if q.subject == chapter_note}
    ingest_paths(store, [path])
    assert {(q.predicate, q.object) for q in store.quads() if q.subject == chapter_note} == before
    theirs = ox.NamedNode("https://w3id.org/coopsec/id/footnote/booth-wheeler-2008/1")
    in_work = [q.object for q in store.quads() if q.subject == theirs and q.predicate.value.endswith("#inWork")]
    assert in_work == [ox.NamedNode("https://w3id.org/coopsec/id/work/booth-wheeler-2008")]
    cited_in = {q.object for q in store.quads() if q.predicate.value.endswith("#inFootnote")
                and q.subject.value.endswith("booth-wheeler-2008-fn1-1")}
    assert cited_in == {theirs}


def test_a_users_citations_file_for_the_chapter_itself_is_refused(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The chapter's notes are bundled: a user's file naming the chapter used to add a second section and
    claim to its note 1. It is refused at the `chapter` line, and nothing is written."""
    path = write(tmp_path, "my-notes.yaml", """\
        # my reading of the chapter
        chapter: keating-wheeler-2013
        footnotes:
          - footnote: 1
            section: Conclusion
            claim: "My own reading of note 1."
            cites:
              - {work: jervis-1976, pages: "66", function: quotes}
        """)
    before = set(store.quads())
    with pytest.raises(InputError) as info:
        ingest_paths(store, [path])
    [problem] = info.value.problems
    assert (problem.source, problem.line, problem.field) == (str(path), 2, "chapter")
    assert "bundled (data/citations.yaml)" in problem.message and "another work" in problem.message
    assert set(store.quads()) == before


def test_a_case_naming_an_actor_of_a_refused_actors_file_says_so(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """One mistake in an actors file refuses the file; the case that names its actors is told that they are
    declared there, not advised to declare them (a new user's audit, 3 December 2026)."""
    folder = tmp_path / "mine"
    folder.mkdir()
    write(folder, "a-case.yaml", GOOD_CASE.format(id="a-case").replace("[frn, gfr]", "[frn, ruritania]"))
    write(folder, "z-actors.yaml", "states:\n  - {id: ruritania, name: Ruritania, cow: 999, cow_abb: RUR, from: 1900}\n"
                                   "  - {id: freedonia, name: Freedonia, cow: 998, cow_abb: frd, from: 1900}\n")
    before = sorted(store.graph_names())
    with pytest.raises(InputError) as refused:
        ingest_paths(store, [folder])
    said = [str(p) for p in refused.value.problems]
    assert any("z-actors.yaml" in p and "three capital letters" in p for p in said), said  # the one mistake
    case = [p for p in said if "a-case.yaml" in p]
    assert case and all("declared in" in p and "z-actors.yaml" in p and "which was refused" in p for p in case), case
    assert not any("declare a new one" in p for p in said), said
    assert sorted(store.graph_names()) == before  # nothing written
