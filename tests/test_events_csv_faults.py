"""Regressions of the events CSV reader and of the file list an ingest reads, one test per bug found.

The template printed by ``coopsec schema events-csv`` did not ingest (its ``#`` lines were read as the
header); a row could reuse an event id its case already had, merging a second label and date into it;
CSV events failed ``coopsec check`` for want of an evidence kind; a header naming a column twice or a
misspelt column was accepted; a file named twice in one ingest was written twice.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from oxigraph_server import oxigraph_server  # noqa: F401
from snapshots import snapshot

from cooperative_security.errors import InputError
from cooperative_security.ingest import expand_paths, ingest_paths
from cooperative_security.kb import load_bundled
from cooperative_security.namespaces import RDFS, graph, instance
from cooperative_security.store import Store, open_store

HEADER = "case,id,date,type,by,towards,level,label,work,pages,section\n"
SECTION = "The European Community and ASEAN Compared"
CS = "https://w3id.org/coopsec/ontology#"


@pytest.fixture
def store() -> Iterator[Store]:
    s = open_store("memory:")
    load_bundled(s)
    yield s
    s.close()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def refused(store: Store, paths: list[Path]) -> str:
    """The error an ingest gives, after checking that it wrote nothing."""
    before = snapshot(store)
    with pytest.raises(InputError) as info:
        ingest_paths(store, paths)
    assert snapshot(store) == before
    return str(info.value)


def values(store: Store, case: str, event: str, predicate: str) -> list[ox.Quad]:
    subject, p = instance("event", f"{case}/{event}"), ox.NamedNode(predicate)
    return [q for q in store.quads() if q.subject == subject and q.predicate == p]


def labels(store: Store, case: str, event: str) -> list[str]:
    return sorted(q.object.value for q in values(store, case, event, RDFS + "label"))


# 1. comment lines


def test_the_printed_events_csv_template_ingests_as_printed_comments_and_all(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = cli("schema", "events-csv").out
    assert text.startswith("# ") and "Lines starting with # are not part of the file" in text
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    spec = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", spec).code == 0
    result = cli("ingest", str(path), "--store", spec)
    assert result.code == 0, result.err
    assert "graph/events/t:" in result.out and "missing column" not in result.err
    # ... and passes the checks (its rows give kind)
    check = cli("check", "--no-reasoner", "--store", spec)
    assert check.code == 0 and "clean" in check.out, check.out + check.err


def test_comment_lines_between_rows_are_skipped_and_errors_keep_the_files_line_numbers(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "commented.csv", f"""\
        # my events
        # (two lines of comments)
        {HEADER.strip()}
        france-germany,new-visit,1962-09,LeadershipVisit,de-gaulle-c,gfr,elite,A visit,keating-wheeler-2013,,{SECTION}
        # a comment between rows

        france-germany,new-bad,1962,LeadershipVisit,de-gaulle-c,gfr,heavenly,A visit,keating-wheeler-2013,,{SECTION}
        """)
    error = refused(store, [path])
    assert f"{path}:7: record france-germany/new-bad: field 'level'" in error
    assert "missing column" not in error and ":4:" not in error
    path.write_text(path.read_text(encoding="utf-8").replace("heavenly", "elite"), encoding="utf-8")
    report = ingest_paths(store, [path])
    assert report.graphs[graph("events/commented").value] > 10
    assert labels(store, "france-germany", "new-bad") == ["A visit"]


def test_a_hash_inside_a_quoted_field_is_text_not_a_comment(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "quoted.csv", HEADER + 'france-germany,new-visit,1962,LeadershipVisit,de-gaulle-c,gfr,elite,'
                 f'"A visit\n# with a hash",keating-wheeler-2013,,{SECTION}\n')
    ingest_paths(store, [path])
    assert labels(store, "france-germany", "new-visit") == ["A visit # with a hash"]  # (labels fold white space)


# 2. event ids already taken


def test_a_row_reusing_an_event_id_of_the_bundled_case_is_refused(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "again.csv", HEADER
                 + f"france-germany,new-one,1963,TreatySigned,frn;gfr,,elite,New,keating-wheeler-2013,,{SECTION}\n"
                 + f"france-germany,elysee-treaty,1963-01-22,TreatySigned,frn;gfr,,elite,Again,keating-wheeler-2013,,"
                   f"{SECTION}\n")
    error = refused(store, [path])
    assert f"{path}:3: record france-germany/elysee-treaty: field 'id': the case 'france-germany' already has an " \
           "event 'elysee-treaty', in the case file " in error
    assert "data/cases/france-germany.yaml" in error and "give this row a new id, or edit the event" in error
    assert "new-one" not in error
    assert labels(store, "france-germany", "elysee-treaty") == [
        "France and West Germany sign the Elysee (friendship) treaty"]


def test_two_csv_files_of_one_ingest_sharing_an_event_id_are_refused(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    row = f"france-germany,new-visit,1962,LeadershipVisit,de-gaulle-c,gfr,elite,A visit,keating-wheeler-2013,,{SECTION}" \
        "\n"
    first = write(tmp_path, "a.csv", HEADER + row)
    second = write(tmp_path, "b.csv", HEADER + "# a comment\n" + row)
    error = refused(store, [first, second])
    assert f"{second}:3: record france-germany/new-visit: field 'id'" in error
    assert f"already has an event 'new-visit', in {first}:2 (an earlier file of this ingest)" in error


def test_a_csv_reusing_an_event_id_of_a_case_file_of_the_same_ingest_is_refused(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = write(tmp_path, "my-case.yaml", """\
        id: my-case
        label: A test dyad
        members: [frn, gfr]
        events:
          - {id: first-move, date: 1951, type: TreatySigned, by: [frn, gfr], level: elite, label: A treaty,
              evidence: [{work: milward-2006, pages: "397", kind: documents}]}
        """)
    path = write(tmp_path, "more.csv", HEADER + f"my-case,first-move,1951,TreatySigned,frn,,elite,Again,"
                                                f"keating-wheeler-2013,,{SECTION}\n")
    error = refused(store, [case, path])
    assert f"{path}:2: record my-case/first-move" in error and f"in the case file {case}" in error


def test_reingesting_an_edited_csv_replaces_its_own_events(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "mine.csv", HEADER
                 + f"france-germany,new-visit,1962,LeadershipVisit,de-gaulle-c,gfr,elite,A visit,keating-wheeler-2013,,"
                   f"{SECTION}\n"
                 + f"france-germany,new-gone,1962,LeadershipVisit,de-gaulle-c,gfr,elite,Gone,keating-wheeler-2013,,"
                   f"{SECTION}\n")
    ingest_paths(store, [path])
    ingest_paths(store, [path])  # unchanged
    path.write_text(HEADER + f"france-germany,new-visit,1962-09,LeadershipVisit,de-gaulle-c,gfr,elite,The visit,"
                             f"keating-wheeler-2013,,{SECTION}\n", encoding="utf-8")
    ingest_paths(store, [path])  # edited
    assert labels(store, "france-germany", "new-visit") == ["The visit"]
    assert labels(store, "france-germany", "new-gone") == []


# 3. evidence kind


def test_csv_events_say_their_evidence_kind_and_pass_coopsec_check(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", spec).code == 0
    with_kind = write(tmp_path, "with-kind.csv", f"""\
        case,id,date,type,by,towards,level,label,work,pages,section,kind
        france-germany,new-a,1950,LeadershipVisit,frn,gfr,elite,A,milward-2006,397,,documents
        france-germany,new-b,1951,LeadershipVisit,frn,gfr,elite,B,keating-wheeler-2013,,{SECTION},
        """)
    without = write(tmp_path, "without-kind.csv", HEADER + f"france-germany,new-c,1952,LeadershipVisit,frn,gfr,elite,C,"
                                                           f"keating-wheeler-2013,,{SECTION}\n")
    result = cli("ingest", str(with_kind), str(without), "--store", spec)
    assert result.code == 0, result.err
    check = cli("check", "--no-reasoner", "--store", spec)
    assert check.code == 0 and "clean" in check.out and "without saying kind" not in check.out, check.out
    rows = cli("query", "cases/event-sources", "--store", spec, "--format", "csv").out
    kinds = {line.split(",")[0].rpartition("/")[2]: line for line in rows.splitlines()}
    assert "documents" in kinds["new-a"] and "mentions" in kinds["new-b"] and "mentions" in kinds["new-c"]


def test_a_kind_that_is_neither_documents_nor_mentions_is_refused_at_its_line(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "odd-kind.csv", f"""\
        case,id,date,type,by,level,label,work,section,kind
        france-germany,new-a,1950,LeadershipVisit,frn,elite,A,keating-wheeler-2013,{SECTION},proves
        """)
    error = refused(store, [path])
    assert f"{path}:2: record france-germany/new-a: field 'kind': kind 'proves' must be `documents`" in error


# 4. the header


@pytest.mark.parametrize(("header", "expected"), [
    ("case,id,date,type,by,level,label,work,section,outcome,date",
     "column 'date' is named 2 times (columns 3, 11): keep one"),
    ("case,id,date,type,by,level,label,work,section,outcom", "unknown column 'outcom': did you mean 'outcome'?"),
    ("case,id,date,type,by,toward,level,label,work,section", "unknown column 'toward': did you mean 'towards'?"),
    ("case,id,date,type,by,level,label,work,section,colour", "unknown column 'colour': the columns are ['case'"),
    ("case,id,date,type,by,level,label,work,section,", "column 10 has no name"),
])
def test_a_header_naming_a_column_twice_or_an_unknown_column_is_refused_at_its_line(
        store, tmp_path: Path, header: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    fields = {"case": "france-germany", "id": "new-a", "date": "1950", "type": "LeadershipVisit", "by": "frn",
              "toward": "gfr", "level": "elite", "label": "A", "work": "keating-wheeler-2013", "section": SECTION,
              "outcome": "unknown", "outcom": "unknown", "colour": "red", "": ""}
    names = header.split(",")
    row = ",".join("1951" if (name == "date" and i > 2) else fields[name] for i, name in enumerate(names))
    path = write(tmp_path, "header.csv", f"# events\n{header}\n{row}\n")
    error = refused(store, [path])
    assert f"{path}:2: {expected}" in error


# 5. a file named twice


def test_a_file_named_twice_in_one_ingest_is_read_and_written_once(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "cases"
    folder.mkdir()
    case = write(folder, "new.yaml", """\
        id: new
        label: A test dyad
        members: [frn, gfr]
        events:
          - {id: first-move, date: 1951, type: TreatySigned, by: [frn, gfr], level: elite, label: A treaty,
             evidence: [{work: milward-2006, pages: "397", kind: documents}]}
        """)
    other_spelling = tmp_path / "cases" / ".." / "cases" / "new.yaml"
    assert expand_paths([folder, case, other_spelling]) == [("case", case)]
    once = ingest_paths(store, [case]).graphs[graph("case/new").value]
    twice = ingest_paths(store, [folder, other_spelling, case])
    assert twice.files == [str(case)] and twice.graphs[graph("case/new").value] == once
    assert len(values(store, "new", "first-move", CS + "evidence")) == 1


def test_the_event_id_check_binds_its_case_on_a_sparql_server_too(oxigraph_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The store look-up is a query with ?case bound: bound the same way over HTTP as in the embedded store."""
    store = open_store(oxigraph_server.spec)
    try:
        load_bundled(store)
        clash = write(tmp_path, "clash.csv", HEADER + f"france-germany,elysee-treaty,1963,TreatySigned,frn,,elite,"
                                                      f"Again,keating-wheeler-2013,,{SECTION}\n")
        assert "data/cases/france-germany.yaml" in refused(store, [clash])
        mine = write(tmp_path, "mine.csv", HEADER + f"france-germany,new-visit,1962,LeadershipVisit,de-gaulle-c,gfr,"
                                                    f"elite,A visit,keating-wheeler-2013,,{SECTION}\n")
        ingest_paths(store, [mine])
        mine.write_text(mine.read_text(encoding="utf-8").replace("A visit", "The visit"), encoding="utf-8")
        ingest_paths(store, [mine])
        assert labels(store, "france-germany", "new-visit") == ["The visit"]
    finally:
        store.close()
