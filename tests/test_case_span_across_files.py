"""An event another file adds to a case is checked against the case's span, and a span against the events.

A case file's own events were refused outside its `from`/`to` (tests/test_case_span.py), but an events CSV
row, or an RDF file's event, added to a case already in the store (or in a case file of the same ingest) was
taken without a word and moved the observed span: a row of 1965-08 in a case with `to: 1960` made `classify
--explain` say "observed to 1965-08-01", and only `coopsec check` found it afterwards. The other way round, a
case file ingested again with a narrower `to` left a stored CSV event after it. Each of these is refused
now, at the file and line, and leaves the store as it was.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pyoxigraph as ox
from small_cases import ONE_TREATY_CASE
from snapshots import snapshot

from cooperative_security.namespaces import GRAPH, XSD
from cooperative_security.store import open_store

HEADER = "case,id,date,type,by,level,label,work,pages\n"
EVENT = "https://w3id.org/coopsec/id/event/late/"


def _row(eid: str, date: str) -> str:
    return f"late,{eid},{date},TreatySigned,frn;gfr,elite,A treaty,milward-2006,5\n"


class _Store:
    """An on-disk store made by `coopsec init`, and the files of one test, ingested through the CLI."""

    def __init__(self, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        self.cli, self.dir, self.spec = cli, tmp_path, f"oxigraph:{tmp_path / 'kg'}"
        assert cli("init", "--store", self.spec).code == 0

    def write(self, name: str, text: str) -> Path:
        path = self.dir / name
        path.write_text(text, encoding="utf-8")
        return path

    def case(self, to: str = "1960") -> Path:
        """The case `late`, 1950 to ``to``, with one treaty of 1951-04 (its `to` is on line 6)."""
        text = ONE_TREATY_CASE.format(id="late", work="milward-2006").replace("to: 1960", f"to: {to}")
        return self.write("late.yaml", text)

    def ingest(self, *paths: Path):  # type: ignore[no-untyped-def]
        return self.cli("ingest", *map(str, paths), "--store", self.spec)

    def snapshot(self) -> set[ox.Quad]:
        store = open_store(self.spec)
        try:
            return snapshot(store)
        finally:
            store.close()


def test_an_events_csv_row_after_a_stored_cases_to_is_refused_at_its_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    kg = _Store(cli, tmp_path)
    case = kg.case()
    assert kg.ingest(case).code == 0
    before = kg.snapshot()
    rows = kg.write("more.csv", HEADER + _row("inside", "1959") + _row("later-treaty", "1965-08"))
    result = kg.ingest(rows)
    assert result.code == 1, result
    assert f"{rows}:3: record late/later-treaty: field 'date': date 1965-08 is after the case's span (from 1950 to " \
           "1960), and would move the end of what the case observes past its `to`: widen the case's `to` to " \
           f"1965-08, or leave the event out (and tell it in the case's description); the case's `to` is given in " \
           f"{case.name}" in result.err, result.err
    assert "inside" not in result.err
    assert kg.snapshot() == before, "a refused events CSV changed the store"


def test_an_events_csv_row_before_the_from_of_a_case_file_of_the_same_ingest_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    kg = _Store(cli, tmp_path)
    before = kg.snapshot()
    case = kg.case()
    rows = kg.write("more.csv", HEADER + _row("early", "1949"))
    result = kg.ingest(case, rows)
    assert result.code == 1, result
    assert f"{rows}:2: record late/early: field 'date': date 1949 is before the case's span (from 1950 to 1960)" \
           in result.err, result.err
    assert f"widen the case's `from` to 1949, or leave the event out (and tell it in the case's description); the " \
           f"case's `from` is given in {case}" in result.err
    assert kg.snapshot() == before


def test_an_events_csv_row_inside_the_span_is_taken_and_check_finds_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A year `to` covers the whole year; the same CSV ingested again replaces its rows and is still inside."""
    kg = _Store(cli, tmp_path)
    rows = kg.write("more.csv", HEADER + _row("last-day", "1960-12-31") + _row("first", "1950"))
    assert kg.ingest(kg.case(), rows).code == 0
    assert kg.ingest(rows).code == 0
    result = kg.cli("check", "--store", kg.spec)
    assert "outside its case's span" not in result.out + result.err, result.out


def test_an_rdf_file_putting_an_event_after_a_stored_cases_to_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    kg = _Store(cli, tmp_path)
    assert kg.ingest(kg.case()).code == 0
    before = kg.snapshot()
    turtle = kg.write("extra.ttl", textwrap.dedent(f"""\
        @prefix cs: <https://w3id.org/coopsec/ontology#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <{EVENT}rdf-move> a cs:TreatySigned ; cs:inCase <https://w3id.org/coopsec/id/case/late> ;
            dcterms:date "1970"^^xsd:gYear .
        """))
    result = kg.ingest(turtle)
    assert result.code == 1, result
    assert f"{turtle}: record late/rdf-move: field 'date': date 1970 is after the case's span (from 1950 to 1960)" \
           in result.err, result.err
    assert kg.snapshot() == before


def test_a_case_file_ingested_again_with_a_to_before_a_stored_csv_event_is_refused_at_its_to(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Narrowing the span is refused while the CSV's event is stored; fixing the CSV in the same ingest works."""
    kg = _Store(cli, tmp_path)
    rows = kg.write("more.csv", HEADER + _row("late-treaty", "1958"))
    assert kg.ingest(kg.case(), rows).code == 0
    before = kg.snapshot()
    case = kg.case(to="1955")
    result = kg.ingest(case)
    assert result.code == 1, result
    assert f"{case}:6: record late: field 'to': the event late/late-treaty, dated 1958 in {rows.name}, is after " \
           "the case's span (from 1950 to 1955), and would move the end of what the case observes past its `to`: " \
           f"keep the case's `to` at 1958 or later, or take the event out of {rows.name} and ingest that file " \
           "again with this one" in result.err, result.err
    assert kg.snapshot() == before, "a refused case file changed the store"
    # the CSV read again in the same ingest is checked against the new span instead of the stored rows
    assert kg.ingest(case, rows).code == 1
    kg.write("more.csv", HEADER + _row("late-treaty", "1954"))
    assert kg.ingest(case, rows).code == 0


def test_an_rdf_file_giving_a_stored_case_a_to_before_its_events_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    kg = _Store(cli, tmp_path)
    rows = kg.write("more.csv", HEADER + _row("late-treaty", "1958"))
    assert kg.ingest(kg.case(), rows).code == 0
    before = kg.snapshot()
    turtle = kg.write("narrow.ttl", "@prefix cs: <https://w3id.org/coopsec/ontology#> .\n"
                                    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                                    '<https://w3id.org/coopsec/id/case/late> cs:endDate "1957"^^xsd:gYear .\n')
    result = kg.ingest(turtle)
    assert result.code == 1, result
    assert f"{turtle}: record late: field 'to': the event late/late-treaty, dated 1958 in {rows.name}, is after " \
           "the case's span (from 1950 to 1957)" in result.err, result.err
    assert "late/first-move" not in result.err  # 1951-04, inside
    assert kg.snapshot() == before


def test_a_store_holding_an_event_outside_its_span_still_takes_a_row_inside(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An event a store loaded before this check holds outside the span is `coopsec check`'s to report: it does
    not refuse a later file whose own events are inside."""
    kg = _Store(cli, tmp_path)
    assert kg.ingest(kg.case()).code == 0
    store = open_store(kg.spec)
    try:
        old = ox.NamedNode(EVENT + "old")
        store.replace_graphs({ox.NamedNode(GRAPH + "file/old"): [
            ox.Triple(old, ox.NamedNode("https://w3id.org/coopsec/ontology#inCase"),
                      ox.NamedNode("https://w3id.org/coopsec/id/case/late")),
            ox.Triple(old, ox.NamedNode("http://purl.org/dc/terms/date"),
                      ox.Literal("1975", datatype=ox.NamedNode(XSD + "gYear")))]})
    finally:
        store.close()
    assert kg.ingest(kg.write("more.csv", HEADER + _row("inside", "1955"))).code == 0
