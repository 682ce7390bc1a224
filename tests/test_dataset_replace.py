"""ingest-dataset into an on-disk store: a data set's graph is written by the bulk loader and replaced whole,
all or nothing. The graph used to be loaded into a temporary graph and moved over the old one with one
SPARQL MOVE, which holds the whole move in one transaction: 2.3 million dyad-year triples took 11 minutes
and 8 GB (37 s and 1.3 GB now)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooperative_security.errors import InputError
from cooperative_security.ingest.dyad_years import DYADS_GRAPH, INFERRED_GRAPH
from cooperative_security.ingest.ingest_dataset import ingest_dataset
from cooperative_security.kb import load_bundled
from cooperative_security.namespaces import GRAPH, graph
from cooperative_security.store import open_store

HERE = Path(__file__).parent / "data"
LAYOUT = HERE / "layout"
MID = graph("events/mid")


def _staging(store) -> list[str]:  # type: ignore[no-untyped-def]
    return [g.value for g in store.raw.named_graphs() if g.value.startswith(GRAPH + "tmp/")]


@pytest.mark.parametrize("where", ["disk", "memory"])
def test_a_data_set_is_replaced_whole_and_a_bad_file_leaves_it(tmp_path: Path, where: str) -> None:
    spec = f"oxigraph:{tmp_path / 'kg'}" if where == "disk" else "memory:"
    store = open_store(spec)
    try:
        load_bundled(store)
        lines = (HERE / "mid-slice.csv").read_text().splitlines(True)
        ingest_dataset(store, "mid", HERE / "mid-slice.csv")  # a new graph
        whole = set(store.quads(MID))
        small = tmp_path / "mid-small.csv"
        small.write_text("".join(lines[:6]))
        ingest_dataset(store, "mid", small)  # replaced, not added to
        kept = set(store.quads(MID))
        assert 0 < len(kept) < len(whole) and kept <= whole
        bad = tmp_path / "mid-bad.csv"
        header = lines[0].split(",")
        fields = lines[-1].split(",")
        fields[header.index("hostlev")] = "nine"
        bad.write_text("".join(lines[:-1]) + ",".join(fields))
        with pytest.raises(InputError) as info:
            ingest_dataset(store, "mid", bad)
        assert info.value.problems[0].line == len(lines) and info.value.problems[0].field == "hostlev"
        assert set(store.quads(MID)) == kept  # the graph as it was
        assert _staging(store) == []
    finally:
        store.close()
    if where == "disk":
        assert sorted(p.name for p in (tmp_path / "kg").glob("coopsec-replac*")) == []
        again = open_store(spec)
        try:
            assert set(again.quads(MID)) == kept
        finally:
            again.close()


def test_dyad_years_ingested_again_replace_the_graph_and_drop_its_results(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", spec).code == 0
    assert cli("ingest-dataset", "dyad-years", str(LAYOUT), "--store", spec).code == 0
    first = cli("dyads", "--store", spec, "--from", "1985", "--to", "1995", "-o", str(tmp_path / "first.csv"))
    assert first.code == 0, first.err
    store = open_store(spec)
    try:
        size = store.count(DYADS_GRAPH)
        assert size > 0 and store.count(INFERRED_GRAPH) > 0
    finally:
        store.close()
    again = cli("ingest-dataset", "dyad-years", str(LAYOUT), "--store", spec)  # the graph exists: replaced
    assert again.code == 0, again.err
    store = open_store(spec)
    try:
        assert store.count(DYADS_GRAPH) == size and INFERRED_GRAPH.value not in store.graph_names()
        assert _staging(store) == []
    finally:
        store.close()
    second = cli("dyads", "--store", spec, "--from", "1985", "--to", "1995", "-o", str(tmp_path / "second.csv"))
    assert second.code == 0, second.err
    assert (tmp_path / "second.csv").read_bytes() == (tmp_path / "first.csv").read_bytes()


def test_the_three_atop_files_keep_each_other(tmp_path: Path) -> None:
    """Each ATOP file replaced the whole of events/atop, so only the last one loaded stayed (treaties and their
    sameAs links gone once the members were loaded). Each has its graph now: events/atop/<kind>."""
    store = open_store("memory:")
    try:
        load_bundled(store)
        graphs = {}
        for name, kind in (("atop-alliance-slice.csv", "alliance"), ("atop-member-slice.csv", "member"),
                           ("atop-dyad-years-slice.csv.gz", "dyad-years")):
            report = ingest_dataset(store, "atop", HERE / name)
            assert list(report.graphs) == [graph(f"events/atop/{kind}").value]
            graphs[kind] = set(store.quads(graph(f"events/atop/{kind}")))
        for kind, quads in graphs.items():
            assert quads and set(store.quads(graph(f"events/atop/{kind}"))) == quads, kind
        ingest_dataset(store, "atop", HERE / "atop-member-slice.csv")  # again: replaces its own graph only
        assert set(store.quads(graph("events/atop/alliance"))) == graphs["alliance"]
    finally:
        store.close()


def test_a_header_only_file_is_refused_and_the_data_set_kept(tmp_path: Path) -> None:
    """Regression (ingest probe): `ingest-dataset mid` of a file holding only its header printed "0
    triples", exited 0 and wiped the data set; the count it printed was the lines made (each dyad is listed
    in both directions, so twice the triples the graph holds)."""
    store = open_store(f"oxigraph:{tmp_path / 'kg'}")
    try:
        report = ingest_dataset(store, "mid", HERE / "mid-slice.csv")
        before = set(store.quads(MID))
        assert report.triples == len(before) == store.count(MID)
        empty = tmp_path / "mid-empty.csv"
        empty.write_text((HERE / "mid-slice.csv").read_text().splitlines(True)[0])
        with pytest.raises(InputError) as info:
            ingest_dataset(store, "mid", empty)
        assert "no data rows" in str(info.value) and "left as it was" in str(info.value)
        assert set(store.quads(MID)) == before
    finally:
        store.close()
