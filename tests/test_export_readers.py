"""Every export read back by a reader other than the one that wrote it (rdflib, Apache Jena's riot when
installed, the json module) and compared with the store; and the same input giving the same bytes, across
processes with different hash seeds. One regression test per bug, named for what broke."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from riot import needs_riot, riot_quads, same_graph

import cooperative_security
from cooperative_security.export import export_dataset
from cooperative_security.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
#: where the package under test is imported from (what the child processes run)
CODE = Path(cooperative_security.__file__).resolve().parent.parent
PINNED = "1764460800"  # 2025-11-30T00:00:00Z
XSD = "http://www.w3.org/2001/XMLSchema#"
CS = "https://w3id.org/coopsec/ontology#"
CASE = ox.NamedNode("https://w3id.org/coopsec/id/case/reader-test")
GRAPH = ox.NamedNode("https://w3id.org/coopsec/graph/case/reader-test")


def _coopsec(*args: str, cwd: Path, seed: str = "0", **env: str) -> subprocess.CompletedProcess[bytes]:
    """``coopsec ARGS`` in a fresh process with the time pinned and the given hash seed (set iteration differs
    between seeds, so an order that depends on it shows as two different files)."""
    unset = ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED", "PYTHONIOENCODING", "PYTHONUTF8")
    environ = {k: v for k, v in os.environ.items() if k not in unset}
    environ.update({"PYTHONPATH": str(CODE), "SOURCE_DATE_EPOCH": PINNED, "PYTHONHASHSEED": seed, **env})
    return subprocess.run([sys.executable, "-m", "cooperative_security.cli", *args], cwd=cwd, env=environ,
                          capture_output=True, check=False)


def _store(turtle: str) -> Store:
    store = open_store("memory:")
    store.replace_graphs({GRAPH: list(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE))})
    return store


def _term(term: Any) -> Any:
    """An rdflib term as Oxigraph's, lexical form kept (rdflib reads with NORMALIZE_LITERALS off)."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD + "string")))


def _rdflib_quads(data: bytes, fmt: str, monkeypatch: pytest.MonkeyPatch) -> list[ox.Quad]:
    """What rdflib reads from ``data``, every literal's lexical form as written."""
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)
    graph = rdflib.Dataset() if fmt in ("nquads", "trig") else rdflib.Graph()
    graph.parse(data=data, format=fmt)
    if isinstance(graph, rdflib.Dataset):
        return [ox.Quad(_term(s), _term(p), _term(o), ox.NamedNode(str(g))) for s, p, o, g in graph.quads()]
    return [ox.Quad(_term(s), _term(p), _term(o)) for s, p, o in graph]


# 1. SOURCE_DATE_EPOCH reaches the ingest record when the bundled data come from the cache


def test_pinned_time_reaches_the_ingest_record_read_from_the_bundle_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cooperative_security.kb import open_knowledge_graph

    cache = tmp_path / "cache"
    monkeypatch.setenv("COOPSEC_CACHE_DIR", str(cache))
    monkeypatch.delenv("COOPSEC_NO_CACHE", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    open_knowledge_graph("memory:").close()  # parses, and writes the cache entry with the real time
    assert len(list(cache.glob("bundled-*.nq"))) == 1
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    exports = []
    for _ in (1, 2):
        store = open_knowledge_graph("memory:")  # read from the entry
        try:
            out = io.BytesIO()
            export_dataset(store, "nquads", out)
            exports.append(out.getvalue())
        finally:
            store.close()
    assert exports[0] == exports[1]
    ended = rdflib.URIRef("http://www.w3.org/ns/prov#endedAtTime")
    dataset = rdflib.Dataset()
    dataset.parse(data=exports[0], format="nquads")
    times = {str(o) for _, p, o, _ in dataset.quads((None, ended, None, None))}
    assert times and {t.replace("+00:00", "Z") for t in times} == {"2025-11-30T00:00:00Z"}, times


# 2. JSON-LD keeps the lexical forms of literals

LITERALS = [("1.50", "decimal"), ("0005", "integer"), ("+5", "integer"), ("12345678901234567890", "integer"),
            ("abc", "integer"), ("1", "boolean"), ("2020-01-05", "date"), ("2020-01-05Z", "date"),
            ("2020-01-05T10:00:00.000Z", "dateTime"), ("1.0E0", "double"), ("1e3", "double"), ("0.10", "float"),
            ("0990", "gYear"), ("P1Y", "duration"), ("007", "string")]


def test_jsonld_keeps_the_lexical_form_of_each_literal_the_store_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    turtle = "".join(f'<{CASE.value}> <{CS}p{i}> "{value}"^^<{XSD}{kind}> .\n'
                     for i, (value, kind) in enumerate(LITERALS))
    store = _store(turtle)
    out = io.BytesIO()
    export_dataset(store, "jsonld", out, graph="case/reader-test")
    held = {q.triple for q in store.quads(GRAPH)}
    read = {q.triple for q in _rdflib_quads(out.getvalue(), "json-ld", monkeypatch)}
    assert len(held) == len(LITERALS)
    assert read == held, sorted(str(t) for t in read ^ held)
    document = json.loads(out.getvalue())  # the json module's reading: the forms as written
    assert {"@type": "xsd:date", "@value": "2020-01-05Z"} in _values(document)
    assert not [v for v in _values(document, leaves=True) if isinstance(v, float)], "a double as a JSON number"


def _values(document: Any, leaves: bool = False) -> list[Any]:
    """Every value object of a JSON-LD document (with ``leaves``, every JSON number, boolean or string)."""
    if isinstance(document, dict):
        if "@value" in document and not leaves:
            return [document]
        return [v for key, value in document.items() if key != "@context" for v in _values(value, leaves)]
    if isinstance(document, list):
        return [v for value in document for v in _values(value, leaves)]
    return [document] if leaves else []


# 3. JSON-LD keeps the triples of blank nodes under context terms typed @id

BLANK_NODES = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<{CASE.value}> rdfs:label "Côte d'Ivoire"@fr ;
    rdfs:subClassOf [ a owl:Restriction ; owl:onProperty <{CS}member> ; owl:someValuesFrom <{CS}State> ] ;
    rdfs:seeAlso [ rdfs:label "a note" ; rdfs:seeAlso [ rdfs:label "nested" ] ] , <{CS}Other> ;
    prov:used [ <{CS}n> "7"^^<{XSD}integer> ] ;
    prov:wasDerivedFrom [ prov:used [ rdfs:label "deeper" ] ] .
"""


def test_jsonld_keeps_blank_nodes_under_terms_typed_id(monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(BLANK_NODES)
    out = io.BytesIO()
    export_dataset(store, "jsonld", out, graph="case/reader-test")
    held = list(store.quads(GRAPH))
    read = _rdflib_quads(out.getvalue(), "json-ld", monkeypatch)
    assert len(read) == len(held) == 15
    assert same_graph(read, held)


def test_the_ontology_as_jsonld_is_the_ontology_graph(cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled graph with the most blank nodes (the ontology's class expressions) reads back whole."""
    for fmt, name in (("jsonld", "onto.jsonld"), ("ntriples", "onto.nt")):
        assert cli("export", "--graph", "ontology", "-f", fmt, "-o", str(tmp_path / name), "--no-classify").code == 0
    read = rdflib.Graph().parse(tmp_path / "onto.jsonld", format="json-ld")
    written = rdflib.Graph().parse(tmp_path / "onto.nt", format="nt")
    assert len(written) > 1000 and any(isinstance(s, rdflib.BNode) for s in written.subjects())
    assert len(read) == len(written) and isomorphic(read, written)


@needs_riot
def test_riot_reads_the_jsonld_as_the_store_holds_it(tmp_path: Path) -> None:
    store = _store(BLANK_NODES + "".join(f'<{CASE.value}> <{CS}p{i}> "{value}"^^<{XSD}{kind}> .\n'
                                         for i, (value, kind) in enumerate(LITERALS) if value != "abc"))
    path = tmp_path / "case.jsonld"
    with path.open("wb") as fh:
        export_dataset(store, "jsonld", fh, graph="case/reader-test")
    assert same_graph(riot_quads(path), list(store.quads(GRAPH)))


# 4. RDF/XML refuses a property IRI that is no XML name, instead of writing broken XML


def test_rdfxml_refuses_a_property_that_ends_in_no_xml_name(cli, initialised_spec: str,  # type: ignore[no-untyped-def]
                                                            tmp_path: Path) -> None:
    kinds = tmp_path / "kinds.ttl"  # a class IRI ending in '/' is an rdf:resource: written and read back
    kinds.write_text(f"<{CASE.value}> a <http://example.org/kinds/> ; <http://example.org/terms/x1> 1 .\n",
                     encoding="utf-8")
    assert cli("ingest", str(kinds), "--store", initialised_spec).code == 0
    good = tmp_path / "kinds.rdf"
    result = cli("export", "-f", "rdfxml", "--graph", "file/kinds", "--store", initialised_spec, "--no-classify",
                 "-o", str(good))
    assert result.code == 0, result.err
    store = open_store(initialised_spec)
    try:
        held = list(store.quads(ox.NamedNode("https://w3id.org/coopsec/graph/file/kinds")))
    finally:
        store.close()
    assert len(held) == 2 and same_graph(list(ox.parse(path=str(good))), held)
    assert {(str(s), str(p), str(o)) for s, p, o in rdflib.Graph().parse(good, format="xml")} == {
        (CASE.value, str(rdflib.RDF.type), "http://example.org/kinds/"),
        (CASE.value, "http://example.org/terms/x1", "1")}
    for name, iri in (("slash", "http://example.org/terms/"), ("digit", "http://example.org/terms#1"),
                      ("urn", "urn:x:1")):
        bad = tmp_path / f"bad-{name}.ttl"
        bad.write_text(f'<{CASE.value}> <{iri}> "x" .\n', encoding="utf-8")
        assert cli("ingest", str(bad), "--store", initialised_spec).code == 0
        out = tmp_path / f"bad-{name}.rdf"
        result = cli("export", "-f", "rdfxml", "--graph", f"file/bad-{name}", "--store", initialised_spec,
                     "--no-classify", "-o", str(out))
        assert result.code == 2, (iri, result.err)
        assert f"<{iri}>" in result.err and "Turtle" in result.err and "Traceback" not in result.err
        assert not out.exists()


# 5. and 6. classify --format turtle and dyads --format rdf: the same bytes on every run


def test_classify_turtle_is_the_same_bytes_whatever_the_hash_seed(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    runs = [_coopsec("classify", "--format", "turtle", cwd=tmp_path, seed=seed)
            for seed in ("1", "2")]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    read = _rdflib_quads(runs[0].stdout, "turtle", monkeypatch)
    assert len(read) > 500 and len(read) == len(set(read))


def test_dyads_rdf_is_the_same_bytes_whatever_the_hash_seed(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    layout = ROOT / "tests" / "data" / "layout"
    files = []
    for seed, name, jobs in (("1", "a.nq", "1"), ("2", "b.nq", "2"), ("3", "c.trig", "2")):
        result = _coopsec("dyads", "--from", "1990", "--to", "1991", "--data-dir", str(layout), "--format", "rdf",
                          "--jobs", jobs, "-o", str(tmp_path / name), cwd=tmp_path, seed=seed)
        assert result.returncode == 0, result.stderr
        files.append(tmp_path / name)
    assert files[0].read_bytes() == files[1].read_bytes()
    labels = {w for line in files[0].read_text(encoding="utf-8").splitlines() for w in line.split() if w[:2] == "_:"}
    assert labels and all(label.startswith("_:c14n") for label in labels)
    quads = _rdflib_quads(files[0].read_bytes(), "nquads", monkeypatch)
    assert len(quads) == len(set(quads)) > 3000
    trig = _rdflib_quads(files[2].read_bytes(), "trig", monkeypatch)
    assert _canonical(quads) == _canonical(trig)


def _canonical(quads: list[ox.Quad]) -> set[ox.Quad]:
    """The quads with blank nodes relabelled by RDFC-1.0 (rdflib reads them under labels of its own)."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


# 7. UTF-8 to a file or a pipe whatever the locale


def test_output_to_a_file_or_a_pipe_is_utf8_in_the_c_locale(tmp_path: Path, resources_copy: Path) -> None:
    """LC_ALL=C without Python's UTF-8 mode (PYTHONUTF8=0, PYTHONIOENCODING unset): standard output is ASCII
    unless the command makes it UTF-8; an accented name was an internal error."""
    actors = resources_copy / "data" / "actors.yaml"
    text = actors.read_text(encoding="utf-8")
    civ = ('  - {id: civ, name: "Côte d\'Ivoire", iso3: CIV, cow: 437, cow_abb: CDI, from: 1960-08-07, to: null, '
           "system: [[1960, null]]}\n")
    actors.write_text(text.replace("states:\n", "states:\n" + civ, 1), encoding="utf-8")
    locale = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "COOPSEC_NO_CACHE": "1",
              "COOPSEC_RESOURCES": str(resources_copy)}
    for fmt in ("csv", "json", "table"):
        result = _coopsec("actors", "--format", fmt, cwd=tmp_path, **locale)
        assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
        assert "Côte d'Ivoire" in result.stdout.decode("utf-8"), fmt
    out = tmp_path / "all.ttl"
    result = _coopsec("export", "-f", "turtle", "--no-classify", "-o", str(out), cwd=tmp_path, **locale)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    labels = {str(o) for o in rdflib.Graph().parse(out, format="turtle").objects(None, rdflib.RDFS.label)}
    assert "Côte d'Ivoire" in labels


@needs_riot
@pytest.mark.parametrize("fmt, suffix", [("rdfxml", ".rdf"), ("turtle", ".ttl"), ("trig", ".trig"),
                                         ("ntriples", ".nt"), ("nquads", ".nq")])
def test_riot_reads_every_format_as_the_store_holds_it(tmp_path: Path, fmt: str, suffix: str) -> None:
    store = _store(BLANK_NODES + "".join(f'<{CASE.value}> <{CS}p{i}> "{value}"^^<{XSD}{kind}> .\n'
                                         for i, (value, kind) in enumerate(LITERALS) if value != "abc"))
    path = tmp_path / f"case{suffix}"
    with path.open("wb") as fh:
        export_dataset(store, fmt, fh, graph="case/reader-test")
    assert same_graph(riot_quads(path), list(store.quads(GRAPH)))
