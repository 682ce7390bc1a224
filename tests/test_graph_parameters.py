"""A query parameter that names a graph: any named graph of the store, bound or left out where the header says
``optional`` (``coopsec query export/store-graph-counts``), on the embedded store and a real Oxigraph server."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
from oxigraph_server import OxigraphServer, oxigraph_server  # noqa: F401

from cooperative_security.kb import open_knowledge_graph
from cooperative_security.namespaces import PREFIXES, compact, expand
from cooperative_security.queries import load_query

CHECKSUMS = PREFIXES["graph"] + "checksums"  # no statement names this graph: it only holds triples


@pytest.fixture(scope="module")
def pushed(oxigraph_server: OxigraphServer) -> str:  # noqa: F811
    from cooperative_security.cli import main

    assert main(["push", "--store", oxigraph_server.spec]) == 0
    return oxigraph_server.spec


def _rows(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


@pytest.mark.parametrize("store", ["memory:", "pushed"])
def test_store_graph_counts_bound_to_a_graph_no_statement_names_counts_that_graph_only(
        cli, request, store: str) -> None:  # type: ignore[no-untyped-def]
    spec = request.getfixturevalue("pushed") if store == "pushed" else store
    kg = open_knowledge_graph(spec)
    try:
        expected = kg.count(ox.NamedNode(CHECKSUMS))
    finally:
        kg.close()
    assert expected > 0
    for value in (CHECKSUMS, "graph:checksums", "checksums"):
        result = cli("query", "export/store-graph-counts", "-p", f"g={value}", "--store", spec, "-f", "csv")
        assert result.code == 0, result.err  # was: "the store holds nothing called graph:checksums", exit 1
        assert _rows(result.out) == [{"g": "graph:checksums", "triples": str(expected), "subjects": str(expected)}]


def test_store_graph_counts_unbound_counts_every_graph(cli, kg) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "export/store-graph-counts", "-f", "csv")
    assert result.code == 0, result.err  # was: "needs --param g=VALUE", exit 2, though it answers every graph
    rows = _rows(result.out)
    assert sorted(expand(r["g"]) for r in rows) == kg.graph_names()
    assert len(rows) >= 10 and compact(CHECKSUMS) in {r["g"] for r in rows}
    assert all(int(r["triples"]) == kg.count(ox.NamedNode(expand(r["g"]))) for r in rows)


def test_an_optional_parameter_is_declared_so_and_the_others_stay_required() -> None:
    (g,) = load_query("export/store-graph-counts").parameters
    assert g.optional and g.kind == "iri"
    assert not any(p.optional for p in load_query("ingest/graph-size").parameters)


def test_a_graph_the_store_lacks_is_still_an_error_with_the_graphs_named(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "export/store-graph-counts", "-p", "g=ontolgy")
    assert result.code == 1
    assert "holds nothing called 'ontolgy'" in result.err and "'ontology'" in result.err
