"""Hostile RDF and odd encodings: refused fast, in bounded memory, with a clear located error.

The billion-laughs and XXE files run through the real command line in a child process limited to
1 GiB of address space, so a regression (entity expansion) shows as a kill or a timeout, not as a
machine out of memory.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.errors import InputError
from cooperative_security.ingest import ingest_paths
from cooperative_security.ingest.rdf import MAX_JSON_DEPTH, MAX_XML_DEPTH, parse_rdf
from cooperative_security.store import Store, open_store

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/s"><ex:p>&lol9;</ex:p></rdf:Description>
</rdf:RDF>
"""

XXE = f"""<?xml version="1.0"?>
<!DOCTYPE r [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/s"><ex:p>&xxe;</ex:p></rdf:Description>
</rdf:RDF>
"""


@pytest.fixture
def store() -> Iterator[Store]:
    s = open_store("memory:")
    yield s
    s.close()


def _limit_memory() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


CHILD = """
import resource, sys
from cooperative_security.cli import main
try:
    code = main(sys.argv[1:])
finally:
    sys.stderr.write("PEAK_KB=%d\\n" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
sys.exit(code)
"""


def run_limited(*args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """``coopsec ARGS`` in a child under 1 GiB of address space: (result, wall seconds, its peak RSS KB)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True,
                            timeout=timeout, preexec_fn=_limit_memory)
    wall = time.perf_counter() - start
    peak = int(result.stderr.rpartition("PEAK_KB=")[2].split()[0])
    return result, wall, peak


def _baseline(tmp_path: Path) -> tuple[float, int]:
    """Time and peak memory of the same command on a harmless one-triple file (start-up, bundled data)."""
    ok = tmp_path / "ok.nt"
    ok.write_text("<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    result, wall, peak = run_limited("ingest", str(ok))
    assert result.returncode == 0, result.stderr
    return wall, peak


@pytest.mark.parametrize(("name", "text"), [("laughs.rdf", BILLION_LAUGHS), ("xxe.rdf", XXE)])
def test_entity_attacks_are_refused_without_expansion(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert len(text.encode()) < 1500
    baseline, baseline_kb = _baseline(tmp_path)
    result, wall, peak_kb = run_limited("ingest", str(path))
    assert result.returncode == 1, result.stderr
    assert "DOCTYPE or ENTITY declaration is refused" in result.stderr
    assert f"{path}:2" in result.stderr
    assert "Traceback" not in result.stderr
    assert "root:" not in result.stdout + result.stderr  # /etc/passwd never read
    # no expansion: an expanded billion laughs takes minutes and gigabytes. The bound on time is a guard
    # against a hang, not a speed figure (the refusal itself takes well under a second on an idle machine;
    # it is generous so that a loaded machine does not fail it)
    assert wall - baseline < 10.0, (wall, baseline)
    # and < 100 MB beyond what the harmless file needs (both load the bundled data in memory)
    assert peak_kb - baseline_kb < 100_000, (peak_kb, baseline_kb)


def test_a_doctype_hidden_after_64_kb_of_comments_is_still_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "padded.rdf"
    path.write_text('<?xml version="1.0"?>\n<!--' + "x" * 70_000 + "-->\n" + BILLION_LAUGHS.split("\n", 1)[1])
    with pytest.raises(InputError, match="DOCTYPE or ENTITY"):
        parse_rdf(path)


def test_utf16_rdfxml_cannot_smuggle_a_doctype(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "utf16.rdf"
    path.write_bytes(XXE.replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16"))
    with pytest.raises(InputError, match="not UTF-8"):
        parse_rdf(path)


def test_rdfxml_declaring_an_encoding_nobody_knows_is_a_located_error(store: Store, tmp_path: Path) -> None:
    """Found by the fuzz test: ``encoding="TF-8"`` made the nesting check's XML parser raise LookupError
    (an internal error); the file is UTF-8 (checked first), so it is read as such and pyoxigraph refuses
    the declaration by name, with nothing written."""
    path = tmp_path / "tf8.rdf"
    path.write_text('<?xml version="1.0" encoding="TF-8"?>\n'
                    f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:e="http://e/"><rdf:Description rdf:about="http://a">'
                    "<e:p>1</e:p></rdf:Description></rdf:RDF>\n")
    before = store.count()
    with pytest.raises(InputError, match="UTF-8") as info:
        ingest_paths(store, [path])
    assert str(path) in str(info.value)
    assert store.count() == before


def _nested_turtle(depth: int, open_: str, close: str) -> str:
    return "<http://a> <http://b> " + open_ * depth + "<http://o>" + close * depth + " .\n"


@pytest.mark.parametrize(("open_", "close"), [("[ <http://p> ", " ]"), ("( ", " )")])
def test_deeply_nested_turtle_parses_in_bounded_time(store: Store, tmp_path: Path, open_: str, close: str) -> None:
    """pyoxigraph's Turtle parser is not recursive: 100,000 levels parse in well under a second."""
    path = tmp_path / "deep.ttl"
    path.write_text(_nested_turtle(100_000, open_, close))
    start = time.perf_counter()
    report = ingest_paths(store, [path])
    assert time.perf_counter() - start < 20
    assert report.triples >= 100_000


def test_deeply_nested_jsonld_is_refused_before_it_kills_the_process(store: Store, tmp_path: Path) -> None:
    """pyoxigraph overflows its stack (SIGSEGV) at ~4,000 levels of JSON-LD and uses memory
    quadratic in the depth before that: refuse beyond MAX_JSON_DEPTH."""
    path = tmp_path / "deep.jsonld"
    path.write_text('{"@id": "http://a", "http://p": ' * 100_000 + '"x"' + "}" * 100_000)
    before = store.count()
    start = time.perf_counter()
    with pytest.raises(InputError, match=f"nested deeper than {MAX_JSON_DEPTH}") as info:
        ingest_paths(store, [path])
    assert time.perf_counter() - start < 5
    assert info.value.problems[0].line == 1
    assert store.count() == before


def test_jsonld_brackets_inside_strings_do_not_count_as_nesting(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "strings.jsonld"
    path.write_text('{"@id": "http://a", "http://p": "' + "[{" * 500 + '\\" ]"}')
    report = ingest_paths(store, [path])
    assert report.graphs["https://w3id.org/coopsec/graph/file/strings"] == 1


def test_deeply_nested_rdfxml_is_refused_not_parsed_for_minutes(store: Store, tmp_path: Path) -> None:
    """pyoxigraph's RDF/XML parser takes quadratic time in the depth (20,000 levels: 1.4 s)."""
    depth = 100_000
    path = tmp_path / "deep.rdf"
    path.write_text(f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:e="http://e/"><rdf:Description rdf:about="http://a">'
                    + "<e:p><rdf:Description>" * depth + "</rdf:Description></e:p>" * depth
                    + "</rdf:Description></rdf:RDF>")
    start = time.perf_counter()
    with pytest.raises(InputError, match=f"nested deeper than {MAX_XML_DEPTH}"):
        ingest_paths(store, [path])
    assert time.perf_counter() - start < 5


def test_deeply_nested_yaml_is_a_located_error_not_a_recursion_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("events: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(InputError) as info:
        ingest_paths(store, [path])
    assert str(path) in str(info.value)
    assert "unexpected" not in str(info.value), "the reader itself should check this"


CP1252 = "id: caf\u00e9\nlabel: Caf\u00e9 \u201cquoted\u201d\n"


@pytest.mark.parametrize("name", ["case.yaml", "events.csv", "works.bib", "items.json", "graph.ttl", "graph.nt",
                                  "graph.nq", "graph.trig", "graph.rdf", "graph.jsonld"])
def test_windows_1252_is_reported_with_offset_and_line_in_every_reader(store: Store, tmp_path: Path,
                                                                       name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"# first line\n" + CP1252.encode("cp1252"))
    with pytest.raises(InputError) as info:
        ingest_paths(store, [path])
    problem = info.value.problems[0]
    assert "not UTF-8 (byte 0xe9 at offset 20)" in problem.message
    assert problem.line == 2
    assert store.count() == 0


def test_an_unreadable_file_is_a_located_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "locked.ttl"
    path.write_text("<http://a> <http://b> <http://c> .\n")
    path.chmod(0)
    try:
        try:
            path.read_bytes()
            pytest.skip("running as a user who can read a mode-000 file (root)")
        except PermissionError:
            pass
        with pytest.raises(InputError, match="cannot read the file"):
            ingest_paths(store, [path])
    finally:
        path.chmod(0o644)


# --- regression tests, one per crash the fuzzer found in the ingest code --------------------------

#: (file name, content, the reader and the exception it used to let through)
FUZZER_FINDINGS = [
    pytest.param("short.csv", b"case,id,date,type,by,towards,level,label,work,pages,section\nfrance-germany,x\n",
                 id="events_csv: a short row gave None for the missing columns (None.strip())"),
    pytest.param("cr.csv", b"case,id,date,type,by,towards,level,label,work,pages,section\nfrance-germany,a\rb,1950\n",
                 id="events_csv: csv.Error, new-line character seen in unquoted field"),
    pytest.param("odd-kind.yaml", b"id: odd-kind\nkind: {a: 1}\nevents: []\n",
                 id="cases: kind in KINDS with an unhashable kind"),
    pytest.param("actors.yaml", b"states: 1.5\n", id="actors: for entry in a section that is a float"),
    pytest.param("actors.yaml", b"states:\n  - {id: fuzzland, name: Fuzzland, cow: .inf}\n",
                 id="actors: int(float('inf')) raised OverflowError"),
    pytest.param("inf-case.yaml", b"id: inf-case\nlabel: x\nmembers: [frn, gfr]\nsources: [{work: milward-2006, "
                                  b"pages: '1', footnote: .inf}]\nevents: []\n",
                 id="sources: int(float('inf')) raised OverflowError"),
]


@pytest.mark.parametrize(("name", "content"), FUZZER_FINDINGS)
def test_a_shape_the_fuzzer_found_is_a_located_error_from_the_reader_itself(store: Store, tmp_path: Path,
                                                                            name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        ingest_paths(store, [path])
    assert str(path) in str(info.value)
    assert "unexpected" not in str(info.value), "the reader itself should check this, not the safety net"


def test_nothing_is_written_when_one_file_of_a_folder_is_hostile(tmp_path: Path) -> None:
    store = open_store("memory:")
    (tmp_path / "good.nt").write_text("<http://a> <http://b> <http://c> .\n")
    (tmp_path / "bad.rdf").write_text(XXE)
    with pytest.raises(InputError):
        ingest_paths(store, [tmp_path])
    assert store.count() == 0
    assert ox.NamedNode("http://a") not in {q.subject for q in store.quads()}


def test_a_triple_term_as_object_of_rdf_type_or_bibkey_does_not_crash_the_ingest(store: Store,
                                                                                   tmp_path: Path) -> None:
    """ingest/parse._batch_keys (was ingest/__init__) read ``.value`` of an RDF 1.2 triple term (AttributeError)."""
    path = tmp_path / "star.ttl"
    path.write_text("<http://a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <<( <http://s> <http://p> "
                    "<http://o> )>> .\n<http://a> <https://w3id.org/coopsec/ontology#bibKey> <<( <http://s> "
                    "<http://p> <http://o> )>> .\n")
    report = ingest_paths(store, [path])
    assert report.graphs["https://w3id.org/coopsec/graph/file/star"] == 2


