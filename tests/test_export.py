"""RDF export, the VoID description and release artefacts: parsed back, counted, round-tripped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from cooperative_security.classify.run import INFERRED_GRAPH, run_rules
from cooperative_security.export import WRITERS, export_dataset, exported_graphs, void_quads
from cooperative_security.export.base import VOID, VOID_GRAPH
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.namespaces import OWL, PREFIXES, RDF_TYPE
from cooperative_security.ontology import ONTOLOGY_GRAPH
from cooperative_security.store import Store, open_store

RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml",
                 "trig": "trig", "nquads": "nquads"}


@pytest.fixture(scope="module")
def classified() -> Iterator[Store]:
    """The bundled knowledge graph with the inferred graph written (a store of this module's own)."""
    store = open_knowledge_graph("memory:")
    run_rules(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def exports(classified: Store, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int]]:
    folder = tmp_path_factory.mktemp("exports")
    written = {}
    for name, writer in WRITERS.items():
        path = folder / f"coopsec{writer.suffix}"
        with path.open("wb") as fh:
            written[name] = (path, export_dataset(classified, name, fh))
    return written


def _rdflib_parse(path: Path, fmt: str) -> rdflib.Dataset | rdflib.Graph:
    if WRITERS[fmt].datasets:
        ds = rdflib.Dataset()
        ds.parse(path, format=RDFLIB_FORMAT[fmt])
        return ds
    g = rdflib.Graph()
    g.parse(path, format=RDFLIB_FORMAT[fmt])
    return g


def _expected(store: Store) -> tuple[list[ox.Quad], set[ox.Triple]]:
    graphs = exported_graphs(store)
    quads = [q for q in store.quads() if q.graph_name in set(graphs)] + void_quads(store, graphs)
    return quads, {q.triple for q in quads}


def test_every_format_parses_back_with_the_same_counts(classified: Store, exports) -> None:  # type: ignore[no-untyped-def]
    quads, triples = _expected(classified)
    assert len(triples) > 10000 and INFERRED_GRAPH in {q.graph_name for q in quads}
    for name, (path, written) in exports.items():
        parsed = _rdflib_parse(path, name)
        if WRITERS[name].datasets:
            assert written == len(quads), name
            assert len(list(parsed.quads((None, None, None, None)))) == len(quads), name
            assert len({(s, p, o) for s, p, o, _ in parsed.quads((None, None, None, None))}) == len(triples), name
        else:
            assert written == len(triples), name
            assert len(parsed) == len(triples), name


def test_jsonld_is_compact_against_the_shipped_context(exports) -> None:  # type: ignore[no-untyped-def]
    shipped = json.loads((Path(__file__).parent.parent / "ontology" / "context.jsonld").read_text())["@context"]
    document = json.loads(exports["jsonld"][0].read_text(encoding="utf-8"))
    assert document["@context"] == shipped
    text = exports["jsonld"][0].read_text(encoding="utf-8")
    assert '"label"' in text and '"definition"' in text and '"cs:SecurityCommunity"' in text
    assert "http://www.w3.org/2000/01/rdf-schema#label" not in text


def test_the_context_declares_every_project_prefix() -> None:
    shipped = json.loads((Path(__file__).parent.parent / "ontology" / "context.jsonld").read_text())["@context"]
    assert {k: shipped.get(k) for k in PREFIXES} == PREFIXES


def _same_graph(before: list[ox.Triple], after: list[ox.Triple]) -> bool:
    """The same graph up to the names of blank nodes: equal once both are canonicalized by W3C RDF
    Dataset Canonicalization (RDFC-1.0). rdflib's isomorphism test takes 40 s on the ontology graph."""
    canonical = []
    for triples in (before, after):
        dataset = ox.Dataset([ox.Quad(t.subject, t.predicate, t.object) for t in triples])
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        canonical.append(dataset)
    return canonical[0] == canonical[1]


def _rdflib_graph(quads: list[ox.Quad] | list[ox.Triple]) -> rdflib.Graph:
    triples = [q.triple if isinstance(q, ox.Quad) else q for q in quads]
    g = rdflib.Graph()
    g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")
    return g


def test_round_trip_trig_through_coopsec_ingest(classified: Store, exports, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = f"oxigraph:{tmp_path / 'fresh'}"
    # the export names coopsec's own graphs: ingest refuses to replace them unless asked (issue 13, item 10)
    refused = cli("ingest", str(exports["trig"][0]), "--store", spec)
    assert refused.code == 1 and "--replace" in refused.err
    result = cli("ingest", str(exports["trig"][0]), "--store", spec, "--replace", "https://w3id.org/coopsec/graph/*")
    assert result.code == 0, result.err
    fresh = open_store(spec)
    try:
        original_quads, _ = _expected(classified)
        graphs = sorted({q.graph_name for q in original_quads}, key=str)
        assert INFERRED_GRAPH in graphs and VOID_GRAPH in graphs and ONTOLOGY_GRAPH in graphs
        for g in graphs:
            before = [q.triple for q in original_quads if q.graph_name == g]
            after = [q.triple for q in fresh.quads(g)]  # type: ignore[arg-type]
            assert len(set(before)) == len(set(after)) and _same_graph(before, after), g
    finally:
        fresh.close()


def test_round_trip_turtle_of_one_graph(classified: Store, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "asean.ttl"
    result = cli("export", "--format", "turtle", "--graph", "case/asean", "-o", str(out), "--no-classify")
    assert result.code == 0, result.err
    spec = f"oxigraph:{tmp_path / 'fresh'}"
    assert cli("ingest", str(out), "--store", spec).code == 0
    fresh = open_store(spec)
    try:
        before = _rdflib_graph(list(classified.quads(ox.NamedNode("https://w3id.org/coopsec/graph/case/asean"))))
        after = _rdflib_graph(list(fresh.quads(ox.NamedNode("https://w3id.org/coopsec/graph/file/asean"))))
        assert len(before) > 100 and isomorphic(before, after)
    finally:
        fresh.close()


def test_void_counts_equal_the_store_counts(classified: Store) -> None:
    graphs = exported_graphs(classified)
    void = [q.triple for q in void_quads(classified, graphs)]
    triples_of = {t.subject: int(t.object.value) for t in void if t.predicate == ox.NamedNode(VOID + "triples")}
    assert set(graphs) <= set(triples_of)
    for g in graphs:
        assert triples_of[g] == classified.count(g), g.value
    dataset = next(t.subject for t in void if t.object == ox.NamedNode(VOID + "Dataset") and
                   isinstance(t.subject, ox.NamedNode) and "/id/dataset/" in t.subject.value)
    # the dataset's void:triples counts distinct triples, as VoID defines it: the per-graph sum counted the quads
    # (a triple stated in two graphs twice)
    distinct = {q.triple for q in classified.quads() if q.graph_name in set(graphs)}
    assert triples_of[dataset] == len(distinct) < sum(classified.count(g) for g in graphs)
    examples = [t.object for t in void if t.predicate == ox.NamedNode(VOID + "exampleResource")]
    assert len(examples) >= 5


def test_endpoint_goes_into_the_void_description(classified: Store) -> None:
    void = void_quads(classified, exported_graphs(classified), endpoint="http://127.0.0.1:7878/query")
    assert any(q.predicate == ox.NamedNode(VOID + "sparqlEndpoint") and q.object.value.endswith("/query")
               for q in void)


def test_release_writes_every_artefact_stamped_with_the_version_iri(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("release", "-o", str(tmp_path))
    assert result.code == 0, result.err
    names = sorted(p.name for p in tmp_path.iterdir())
    version = "0.1.0"
    assert names == sorted(f"coopsec-{what}-{version}.{ext}" for what, ext in [
        ("ontology", "ttl"), ("ontology", "rdf"), ("ontology", "jsonld"), ("dataset", "trig"), ("dataset", "nq"),
        ("inferred", "ttl"), ("void", "ttl")])
    iri = f"https://w3id.org/coopsec/ontology/{version}"
    for path in tmp_path.iterdir():
        assert path.stat().st_size > 1000, path.name
        assert iri in path.read_text(encoding="utf-8"), path.name
    inferred = rdflib.Graph().parse(tmp_path / f"coopsec-inferred-{version}.ttl")
    assert len(inferred) > 100


def test_release_ontology_rdfxml_loads_into_owlready2_with_every_class(cli, tmp_path: Path,
                                                                       classified: Store) -> None:  # type: ignore[no-untyped-def]
    import owlready2

    assert cli("release", "-o", str(tmp_path)).code == 0
    expected = {q.subject.value for q in classified.quads(ONTOLOGY_GRAPH)
                if q.predicate == RDF_TYPE and q.object == ox.NamedNode(OWL + "Class")
                and isinstance(q.subject, ox.NamedNode)}
    world = owlready2.World()
    onto = world.get_ontology((tmp_path / "coopsec-ontology-0.1.0.rdf").as_uri()).load()
    loaded = {c.iri for c in world.classes()}
    assert len(expected) > 100
    assert loaded == expected
    assert onto.base_iri.startswith("https://w3id.org/coopsec/ontology")
    world.close()


def test_unknown_graph_names_nothing_exit_1_listing_the_graphs(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("export", "--format", "turtle", "--graph", "case/atlantis", "--no-classify")
    assert result.code == 1  # names nothing the store holds, as an unknown case (docs/guide/cli.md)
    assert "case/atlantis" in result.err and "case/asean" in result.err


def test_export_refuses_a_file_name_that_says_another_format(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`--format turtle -o coopsec.rdf` wrote Turtle into the .rdf file (replacing the RDF/XML there)."""
    out = tmp_path / "coopsec.rdf"
    out.write_bytes(b"<rdf:RDF/> the earlier RDF/XML\n")
    result = cli("export", "--format", "turtle", "--graph", "case/asean", "--no-classify", "-o", str(out))
    assert result.code == 2, result
    assert f"-o {out}: --format turtle writes Turtle: give a name ending in .ttl, or --format rdfxml for a .rdf " \
           "file" in result.err, result.err
    assert out.read_bytes() == b"<rdf:RDF/> the earlier RDF/XML\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coopsec.rdf"]
    no_suffix = cli("export", "--format", "jsonld", "--graph", "case/asean", "--no-classify", "-o",
                    str(tmp_path / "asean"))
    assert no_suffix.code == 2 and "give a name ending in .jsonld or .json" in no_suffix.err, no_suffix
    owl = tmp_path / "coopsec.owl"  # another ending of the format is taken
    assert cli("export", "--format", "rdfxml", "--graph", "ontology", "--no-classify", "-o", str(owl)).code == 0
    assert owl.read_bytes().startswith(b"<?xml")


def test_void_triples_of_some_graphs_counts_their_distinct_triples(classified: Store) -> None:
    """The dataset made of some of the store's graphs (a store holding a transient graph) is counted from its
    quads: distinct triples, as for the whole store."""
    from cooperative_security.export.void import distinct_triples, graph_counts

    graphs = [g for g in exported_graphs(classified) if g.value.endswith(("/ontology", "/inferred", "/bibliography"))]
    assert len(graphs) == 3
    expected = {q.triple for q in classified.quads() if q.graph_name in set(graphs)}
    assert distinct_triples(classified, graphs, graph_counts(classified)) == len(expected) > 1000


def test_the_distinct_triples_query_leaves_out_exactly_the_transient_graphs() -> None:
    """The query names the graphs it leaves out in its text: they must be the export's transient graphs."""
    import re

    from cooperative_security.export.base import TRANSIENT_GRAPHS
    from cooperative_security.queries import load_query

    left_out = re.search(r"NOT IN \(([^)]*)\)", load_query("export/store-distinct-triples").text)
    assert left_out is not None and set(re.findall(r"<([^>]+)>", left_out[1])) == TRANSIENT_GRAPHS
