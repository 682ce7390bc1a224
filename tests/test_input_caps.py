"""Issue 13, items 11 and 12: bounded input. Alias bombs, oversized files, too many events and huge
values are refused with a located error before the expensive work starts, in a child process capped at
1 GiB of address space (so a regression is a failed test, not a machine out of memory)."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_hostile import _baseline, run_limited

from cooperative_security.errors import InputError
from cooperative_security.ingest.base import load_yaml

ALIAS_BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
events: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
id: *i
"""


def test_alias_bombs(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(ALIAS_BOMB)
    assert len(ALIAS_BOMB.encode()) < 500
    _, baseline_kb = _baseline(tmp_path)  # start-up and the bundled data, measured in this run
    result, wall, peak_kb = run_limited("ingest", str(path), timeout=60)
    assert result.returncode == 1, result.stderr
    assert "bomb.yaml:1:" in result.stderr and "aliases" in result.stderr  # the anchored value's line
    assert "lol" not in result.stderr  # the expanded value is never shown
    assert wall < 30, wall  # a bound against expansion (9**9 strings), not a speed figure
    assert peak_kb - baseline_kb < 100_000, (peak_kb, baseline_kb)


def test_case_files_have_no_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "big.yaml"
    case.write_text("id: big\n" + "# padding\n" * 2000)
    monkeypatch.setenv("COOPSEC_MAX_YAML_BYTES", "10000")
    with pytest.raises(InputError, match=r"big.yaml: the file has 20,008 bytes, more than the 10,000 .*COOPSEC_MAX_YAML_BYTES"):
        load_yaml(case)


def test_events_per_case_are_capped_before_they_are_read(tmp_path: Path) -> None:
    head = (Path(__file__).resolve().parent.parent / "data" / "cases" / "korea.yaml").read_text().split("events:")[0]
    case = tmp_path / "many.yaml"
    case.write_text(head.replace("id: korea", "id: many") + "events:\n" + "  - {id: e, nonsense: 1}\n" * 50)
    code = ("import os, sys; os.environ['COOPSEC_MAX_EVENTS'] = '40'\n"
            "from cooperative_security.cli import main; sys.exit(main(sys.argv[1:]))")
    import subprocess

    result = subprocess.run([sys.executable, "-c", code, "ingest", str(case)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1
    # one located problem, about the count: none of the 50 broken events was read
    assert "many.yaml" in result.stderr and "50 events, more than the 40" in result.stderr
    assert "nonsense" not in result.stderr


def test_a_100_mb_literal_gives_internal_error_with_no_file_name(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "long.yaml"
    case.write_text("id: long\nlabel: " + "x" * 5000 + "\n")
    monkeypatch.setenv("COOPSEC_MAX_LITERAL", "1000")
    with pytest.raises(InputError) as caught:
        load_yaml(case)
    message = str(caught.value)
    assert "long.yaml" in message and "5,000 characters" in message and caught.value.problems[0].line == 2
    assert "xxxx" not in message


def test_a_nul_character_accepted_in_a_csv_label(tmp_path: Path) -> None:
    """Item 14: a NUL in a label made the RDF/XML export not well-formed; now the CSV is refused, located."""
    from cooperative_security.ingest import ingest_paths
    from cooperative_security.store import open_store

    events = tmp_path / "events.csv"
    events.write_text("case,id,date,type,by,towards,level,label,work,pages,section\n"
                      "korea,e1,1972,Declaration,rok,prk,elite,A label\x00 with NUL,herz-1950,1,\n")
    store = open_store("memory:")
    try:
        with pytest.raises(InputError) as caught:
            ingest_paths(store, [events])
        problem = caught.value.problems[0]
        assert problem.line == 2 and "U+0000" in problem.message and "column 48" in problem.message
        assert store.count() == 0
    finally:
        store.close()


def test_a_100_mb_literal_in_an_rdf_file_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cooperative_security.ingest.rdf import parse_rdf

    monkeypatch.setenv("COOPSEC_MAX_LITERAL", "1000")
    trig = tmp_path / "long.trig"
    trig.write_text('<urn:g> { <urn:s> <urn:p> "' + "y" * 5000 + '" . }\n')
    with pytest.raises(InputError, match=r"long.trig: the value of <urn:s> <urn:p> has 5,000 characters, more than "
                                         r"the 1,000 .*COOPSEC_MAX_LITERAL"):
        parse_rdf(trig)


def test_a_list_as_a_mapping_key_is_a_located_error(tmp_path: Path) -> None:
    # found by the case fuzzer: YAML allows complex keys, which Python cannot hash
    path = tmp_path / "complex-key.yaml"
    path.write_text("id: x\n? [a, b]\n: c\n")
    with pytest.raises(InputError, match=r"complex-key.yaml:2: .*a key must be a plain word or number"):
        load_yaml(path)


def test_a_control_character_in_rdf_is_accepted_and_the_rdfxml_export_refuses_it(tmp_path: Path) -> None:
    """Control characters are valid RDF (the W3C suites hold them), but XML 1.0 cannot hold them."""
    import io

    from cooperative_security.errors import UsageError
    from cooperative_security.export.formats import RdfXmlWriter, TurtleWriter
    from cooperative_security.ingest.rdf import parse_rdf

    nul = tmp_path / "nul.nt"
    nul.write_text('<urn:s> <urn:p> "a\\u0000b" .\n')
    batch = parse_rdf(nul)
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode("urn:g")) for ts in batch.graphs.values() for t in ts]
    assert quads and quads[0].object.value == "a\x00b"
    with pytest.raises(UsageError, match="U\\+0000.*<urn:s> <urn:p>.*Turtle"):
        RdfXmlWriter().write(quads, io.BytesIO())
    out = io.BytesIO()
    assert TurtleWriter().write(quads, out) == 1
