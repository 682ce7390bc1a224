"""Regressions of the case YAML and events CSV readers, one test per finding of the ingest prober.

1. A case file could take an event id an events CSV already in the store had given its case: the two
   merged (two types, dates and labels on one event). The opposite order was refused.
2. A quote never closed in the last column took every row after it into one field.
3. A short row gave "work None is not a bibliography key" (a long row was told its field count).
4. A field over 131,072 characters was refused with wrong advice, below the documented 1,000,000 cap.
5. Case YAML: a label that was a mapping or a number was stored as text; `level: yes` was reported as
   `True`; a missing id or type as `None`; a tab in the indentation without the word "tab".
6. `type: Event` (the abstract root) and bidirectional controls (U+202E) in a label were accepted.

Each refusal runs the real command line on an on-disk store: exit 1, a message naming the file, the line
and what to fix, and the store exactly as it was.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from snapshots import snapshot

from cooperative_security.cli import main
from cooperative_security.errors import InputError
from cooperative_security.ingest.actors import registry_from_rows
from cooperative_security.ingest.cases import parse_case
from cooperative_security.ingest.events_csv import EventIds
from cooperative_security.ingest.naming import claims
from cooperative_security.namespaces import DCTERMS, RDF_TYPE, RDFS, instance
from cooperative_security.queries import load_query
from cooperative_security.store import open_store

HEADER = "case,id,date,type,by,towards,level,label,work,pages,section,kind,outcome\n"

Ingest = Callable[..., tuple[int, str]]


@pytest.fixture(scope="module")
def spec(initialised_spec: str) -> str:
    return initialised_spec


@pytest.fixture
def ingest(spec: str, capsys: pytest.CaptureFixture[str]) -> Ingest:
    """``ingest(*paths)``: ``coopsec ingest`` through the CLI; (exit code, stderr)."""

    def run(*paths: Path) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["ingest", *map(str, paths), "--store", spec])
        return code, capsys.readouterr().err

    return run


@pytest.fixture
def refused(spec: str, ingest: Ingest) -> Iterator[Callable[..., str]]:
    """``refused(paths, *expected)``: the ingest exits 1 with each ``expected`` text and every path in its
    message, no "please report", and the store unchanged."""

    def run(paths: list[Path], *expected: str) -> str:
        before = stored(spec, snapshot)
        code, err = ingest(*paths)
        assert code == 1, err
        for text in (*map(str, paths), *expected):
            assert text in err, f"{text!r} not in: {err}"
        assert "please report" not in err and "None" not in err, err
        assert stored(spec, snapshot) == before, "a refused file changed the store"
        return err

    yield run


def stored(spec: str, read: Callable[..., object], *args: object) -> object:
    store = open_store(spec)
    try:
        return read(store, *args)
    finally:
        store.close()


def event_values(store: object, case: str, event: str, predicate: ox.NamedNode) -> list[str]:
    subject = instance("event", f"{case}/{event}")
    return sorted(q.object.value for q in store.quads() if q.subject == subject and q.predicate == predicate)  # type: ignore[attr-defined]


def case_yaml(case: str, *events: str) -> str:
    """A case of France and West Germany with the given events (each a YAML mapping, indented by 4)."""
    head = f"""\
        id: {case}
        label: A probe case
        kind: dyad
        members: [frn, gfr]
        from: 1950
        to: 1960
        events:
        """
    return textwrap.dedent(head) + "".join(textwrap.indent(textwrap.dedent(e), "  ") for e in events)


def event(eid: str, year: int, etype: str = "TreatySigned", **extra: str) -> str:
    lines = [f"- id: {eid}", f"  date: {year}", f"  type: {etype}", "  by: [frn, gfr]", "  level: elite",
             f"  label: Event {eid}", *[f"  {k}: {v}" for k, v in extra.items()],
             "  evidence:", '    - {work: milward-2006, pages: "2", kind: documents}']
    return "\n".join(lines) + "\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- 1: a case file reusing an event id an events CSV gave its case ---------------------------------------


@pytest.fixture
def csv_holds_e2(tmp_path: Path, ingest: Ingest) -> Callable[[str], tuple[Path, Path]]:
    """The case file (event e1) ingested, then an events CSV adding e2: (case file, CSV)."""

    def make(case: str) -> tuple[Path, Path]:
        yaml = write(tmp_path / f"{case}.yaml", case_yaml(case, event("e1", 1951)))
        rows = write(tmp_path / f"{case}-events.csv",
                     HEADER + f"{case},e2,1952,Declaration,frn,gfr,elite,CSV event two,milward-2006,3,,mentions,\n")
        assert ingest(yaml) == (0, "")
        assert ingest(rows) == (0, "")
        write(yaml, case_yaml(case, event("e1", 1951), event("e2", 1955, "UseOfForce")))
        return yaml, rows

    return make


def test_finding_1_a_case_file_reusing_an_event_id_an_ingested_csv_added_is_refused(
        spec: str, csv_holds_e2: Callable[[str], tuple[Path, Path]], refused: Callable[..., str]) -> None:
    yaml, rows = csv_holds_e2("probe-one")
    refused([yaml], f"{yaml}:16: record probe-one/e2", "already has an event 'e2'", f"the file {rows.name}",
            "give this event a new id")
    labels = stored(spec, event_values, "probe-one", "e2", ox.NamedNode(RDFS + "label"))
    assert labels == ["CSV event two"]


def test_finding_1_the_case_file_check_names_the_csv_that_holds_the_id(
        spec: str, csv_holds_e2: Callable[[str], tuple[Path, Path]]) -> None:
    """What parse_all does with a case file, given the files of the ingest (the part in events_csv.py)."""
    yaml, rows = csv_holds_e2("probe-two")
    store = open_store(spec)
    try:
        registry = registry_from_rows(store.select(load_query("ingest/actors")))
        batch = parse_case(yaml, registry)
        with pytest.raises(InputError) as info:
            EventIds(store, claims(store), [yaml]).case_file(batch)
        # read again with the CSV, the CSV's own earlier version is replaced: its rows are checked then
        EventIds(store, claims(store), [yaml, rows]).case_file(batch)
    finally:
        store.close()
    message = str(info.value)
    assert f"{yaml}:16: record probe-two/e2: field 'id': the case 'probe-two' already has an event 'e2'" in message
    assert f"the file {rows.name} (graph" in message and "'e1'" not in message  # as the store records it


def test_finding_1_reingesting_unchanged_files_and_moving_an_event_into_the_case_file_still_work(
        spec: str, tmp_path: Path, csv_holds_e2: Callable[[str], tuple[Path, Path]], ingest: Ingest,
        refused: Callable[..., str]) -> None:
    yaml, rows = csv_holds_e2("probe-three")
    write(yaml, case_yaml("probe-three", event("e1", 1951)))
    assert ingest(yaml) == (0, "")
    assert ingest(yaml, rows) == (0, "")
    assert ingest(tmp_path) == (0, "")
    # e2 moves from the CSV into the case file, both ingested together
    write(yaml, case_yaml("probe-three", event("e1", 1951), event("e2", 1955, "UseOfForce")))
    write(rows, HEADER + "probe-three,e3,1953,Declaration,frn,gfr,elite,CSV event three,milward-2006,3,,,\n")
    assert ingest(yaml, rows) == (0, "")
    types = stored(spec, event_values, "probe-three", "e2", RDF_TYPE)
    assert types == ["https://w3id.org/coopsec/ontology#UseOfForce"]
    # and the CSV may not take it back
    write(rows, HEADER + "probe-three,e2,1953,Declaration,frn,gfr,elite,CSV again,milward-2006,3,,,\n")
    refused([rows], f"{rows}:2", "already has an event 'e2', in the case file", "give this row a new id")


# --- 2 and 3: quotes never closed, rows of the wrong length -----------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param('case,id,date,type,by,level,label,work,pages,description\n'
                 'france-germany,p30,1963,TreatySigned,frn,elite,l,milward-2006,1,"He said ""hi"" and left\n'
                 'france-germany,p31,1964,TreatySigned,frn,elite,second,milward-2006,1,fine\n'
                 'france-germany,p32,1965,TreatySigned,frn,elite,third,milward-2006,1,fine\n',
                 [":2: the quote opened at line 2 is never closed"], id="last-column"),
    pytest.param('case,id,date,type,by,level,label,work,pages,description\n'
                 'france-germany,p33,1963,TreatySigned,frn,elite,"two\nlines",milward-2006,1,"x\ny\n'
                 'france-germany,p34,1964,TreatySigned,frn,elite,second,milward-2006,1,fine\n',
                 [":3: the quote opened at line 3 is never closed"], id="after-a-field-of-two-lines"),
])
def test_finding_2_a_quote_never_closed_is_refused_not_swallowing_the_rows_after_it(
        tmp_path: Path, refused: Callable[..., str], text: str, expected: list[str]) -> None:
    err = refused([write(tmp_path / "swallow.csv", text)], *expected)
    assert "write a quote inside a field as two" in err


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(HEADER + "france-germany,p14,1963,TreatySigned,frn\n",
                 [":2: record france-germany/p14: 5 fields where the header has 13"], id="short-row"),
    pytest.param(HEADER + "france-germany\n", [":2: record france-germany/?: 1 field where the header has 13"],
                 id="one-field"),
    pytest.param('case,id,date,type,by,level,label,work,pages\n'
                 'france-germany,p25,1963,TreatySigned,frn,elite,"unterminated,milward-2006,1\n'
                 'france-germany,p26,1963,TreatySigned,frn,elite,l,milward-2006,1\n',
                 [":2: the quote opened at line 2 is never closed"], id="quote-mid-row"),
    pytest.param('case,id,date,type,by,level,label,work,pages\n'
                 'france-germany,p27,1963,TreatySigned,frn,elite,"a"b,milward-2006,1\n',
                 [":2: a quoted field has more text after its closing quote"], id="text-after-a-quote"),
])
def test_finding_3_a_short_row_is_told_its_field_count_like_a_long_one(
        tmp_path: Path, refused: Callable[..., str], text: str, expected: list[str]) -> None:
    err = refused([write(tmp_path / "rows.csv", text)], *expected)
    assert "work None" not in err and "bibliography key" not in err, err


# --- 4: the field cap ---------------------------------------------------------------------------------------


def test_finding_4_a_field_is_capped_at_the_documented_1000000_characters(
        spec: str, tmp_path: Path, ingest: Ingest, refused: Callable[..., str]) -> None:
    head = "case,id,date,type,by,level,label,work,pages,description\n"
    big = write(tmp_path / "big.csv", head + "france-germany,p40,1963,TreatySigned,frn,elite,l,milward-2006,1,"
                + "a" * 900_000 + "\n")
    assert ingest(big) == (0, "")
    description = stored(spec, event_values, "france-germany", "p40", ox.NamedNode(DCTERMS + "description"))
    assert [len(d) for d in description] == [900_000]  # type: ignore[attr-defined]
    huge = write(tmp_path / "huge.csv", head + "france-germany,p41,1963,TreatySigned,frn,elite,l,milward-2006,1,"
                 + "a" * 1_000_001 + "\n")
    err = refused([huge], f"{huge}:2", "longer than 1,000,000 characters", "COOPSEC_MAX_LITERAL")
    assert "131072" not in err and "line breaks" not in err


# --- 5: case YAML values of the wrong kind, missing keys, tabs ----------------------------------------------


@pytest.mark.parametrize(("extra", "expected"), [
    pytest.param({"label": "{a: 1}"}, [":13: record {case}/e1: field 'label': label must be text, not a mapping"],
                 id="label-a-mapping"),
    pytest.param({"label": "12345"}, [":13:", "label `12345` (YAML reads it as a number) must be text: write it "
                                      "in quotes"], id="label-a-number"),
    pytest.param({"level": "yes"}, [":12:", "level `yes` (YAML reads it as a boolean) must be elite or societal"],
                 id="level-yes"),
    pytest.param({"id": None}, [":8: record {case}: field 'id': missing id: every event needs one"], id="no-id"),
    pytest.param({"type": None}, [":8: record {case}/e1: field 'type': missing type: every event needs one"],
                 id="no-type"),
])
def test_finding_5_yaml_values_are_quoted_as_written_and_missing_keys_named(
        tmp_path: Path, refused: Callable[..., str], extra: dict[str, str | None], expected: list[str]) -> None:
    case = "probe-five"
    lines = event("e1", 1951).splitlines()
    for key, value in extra.items():
        found = [i for i, line in enumerate(lines) if line.lstrip("- ").startswith(f"{key}:")]
        if value is None:
            if lines[found[0]].startswith("- "):
                lines[found[0] + 1] = "- " + lines[found[0] + 1].lstrip()
            del lines[found[0]]
        elif key in ("label", "level"):
            lines[found[0]] = f"  {key}: {value}"
    path = write(tmp_path / f"{case}.yaml", case_yaml(case, "\n".join(lines) + "\n"))
    err = refused([path], *(e.replace("{case}", case) for e in expected))
    assert "True" not in err


def test_finding_5_a_tab_in_the_indentation_is_named(tmp_path: Path, refused: Callable[..., str]) -> None:
    text = case_yaml("probe-tabs", event("e1", 1951)).replace("\n    date:", "\n\tdate:")
    err = refused([write(tmp_path / "probe-tabs.yaml", text)], ":9: not valid YAML: this line is indented with a tab",
                  "YAML indentation must use spaces")
    assert "cannot start any token" not in err


def test_finding_5_a_case_label_that_is_not_text_and_a_case_without_id_are_refused(
        tmp_path: Path, refused: Callable[..., str]) -> None:
    text = case_yaml("probe-label", event("e1", 1951)).replace("label: A probe case", "label: 1963")
    refused([write(tmp_path / "probe-label.yaml", text)],
            ":2: record probe-label: field 'label': label `1963` (YAML reads it as a number) must be text")
    text = case_yaml("probe-noid", event("e1", 1951)).replace("id: probe-noid\n", "")
    refused([write(tmp_path / "probe-noid.yaml", text)], "field 'id': missing id: a case needs one",
            "the file's name ('probe-noid')")


# --- 6: the abstract root type, bidirectional controls ------------------------------------------------------


def test_finding_6_the_root_type_event_is_refused_naming_coopsec_types(
        tmp_path: Path, refused: Callable[..., str]) -> None:
    path = write(tmp_path / "probe-root.yaml", case_yaml("probe-root", event("e1", 1951, "Event")))
    refused([path], ":10: record probe-root/e1: field 'type': type 'Event' is the root of the event types",
            "`coopsec types`")
    rows = write(tmp_path / "root.csv", HEADER + "france-germany,p43,1963,Event,frn,,elite,l,milward-2006,1,,,\n")
    refused([rows], ":2: record france-germany/p43: field 'type': type 'Event' is the root", "`coopsec types`")


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_finding_6_bidirectional_controls_are_refused_like_control_characters(
        tmp_path: Path, refused: Callable[..., str], char: str) -> None:
    rows = write(tmp_path / "bidi.csv", HEADER + f"france-germany,p42,1963,TreatySigned,frn,,elite,ab{char}cd,"
                                                 "milward-2006,1,,,\n")
    refused([rows], f":2: a bidirectional control character U+{ord(char):04X} at column 51", "delete it")
    text = case_yaml("probe-bidi", event("e1", 1951)).replace("label: Event e1", f"label: Event{char} e1")
    refused([write(tmp_path / "probe-bidi.yaml", text)], ":13: a bidirectional control character")


def test_identical_files_in_two_folders_are_two_ingests_each_removable(tmp_path: Path) -> None:
    """Regression (ingest probe): the ingest id hashed a file's name and bytes, so projA/refs.bib and a
    byte-identical projB/refs.bib were one ingest: the second record replaced the first, and `remove
    projA/refs.bib` then found nothing ingested from it."""
    from cooperative_security.cli import main

    store = f"oxigraph:{tmp_path / 'kg'}"
    entry = "@book{zed-2010,author={Zed, Alpha},title={Same Content},publisher={P},year={2010}}\n"
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "refs.bib").write_text(entry)
    assert main(["ingest", str(tmp_path / "a" / "refs.bib"), "--store", store]) == 0
    assert main(["ingest", str(tmp_path / "b" / "refs.bib"), "--store", store]) == 0
    assert main(["remove", str(tmp_path / "a" / "refs.bib"), "--store", store]) == 0
    assert main(["remove", str(tmp_path / "b" / "refs.bib"), "--store", store]) == 0
