"""Benchmark: build and classify every dyad-year 1816-2010, and print every figure in ONE run.

    python3 bench/bench_dyads.py [--data-dir ../shared/data] [--subset-to 1850] [--profile]

Printed, each against a baseline measured in the same run:

- ingest: rows/s and triples/s of ``build`` (stream the files, bulk load) into the default embedded store;
  pyoxigraph's own bulk load of the same N-Triples from a file (ratio, target >= 0.5); rdflib's default
  in-memory graph parsing the same N-Triples for the subset years (ratio);
- classification: the SPARQL rules (``queries/classify/dyads/rule-*.rq``) over the full set; the same
  rules as one DuckDB query over the CSVs (``bench/dyads-duckdb.sql``, thresholds read from the rules
  graph), the lower bound (ratio, target <= 3x); the same rule files on rdflib for the subset, against
  Oxigraph on the same subset (ratio, target >= 30x);
- peak memory (ru_maxrss of the process, target < 6 GiB);
- with ``--profile``, a pyinstrument profile of the classification step.
"""

from __future__ import annotations

import argparse
import platform
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import pyoxigraph as ox

from cooperative_security.datasets import dyads
from cooperative_security.queries import load_query

SQL = Path(__file__).with_name("dyads-duckdb.sql")


def thresholds(store: dyads.EmbeddedStore) -> dict[str, object]:
    """The rules' numbers, as DuckDB parameters (the same numbers the SPARQL rules read)."""
    th: dict[str, dict[str, float]] = {}
    for row in store.select(load_query("dyads/read-thresholds")):
        th.setdefault(row["rule"].value, {})[row["property"].value] = float(row["value"].value)  # type: ignore[union-attr]
    n, i, w, s, r = (th["dyad-no-data"], th["dyad-no-security-interdependence"], th["dyad-war"],
                     th["dyad-sustained-force"], th["dyad-rivalry"])
    g, c = th["dyad-security-regime"], th["dyad-security-community"]
    succession = dyads.successions(store)
    return {"maxcont": int(i["maximumContiguityType"]), "maxkm": i["maximumDistanceKm"], "hwindow": int(i["windowYears"]),
            "wwindow": int(w["windowYears"]), "smin": int(s["minimumHostility"]), "swindow": int(s["windowYears"]),
            "syears": int(s["minimumYears"]), "rwindow": int(r["windowYears"]), "rmin": int(r["minimumDisputes"]),
            "rallied": int(r["minimumDisputesAllied"]), "rlapse": int(r["lapseYears"]), "rigos": int(g["minimumSharedIgos"]),
            "cwindow": int(c["windowYears"]), "cmin": int(c["minimumHostility"]), "cpact": int(c["pactYears"]),
            "cigos": int(c["minimumSharedIgos"]), "cfrom": int(n["coverageFrom"]), "cto": int(n["coverageTo"]),
            "successors": list(succession), "predecessors": list(succession.values())}


def duckdb_run(files: dyads.DataFiles, first: int, last: int, th: dict[str, object]):  # type: ignore[no-untyped-def]
    """The same rules as one DuckDB query from the same CSVs; a pandas frame, one row per dyad-year."""
    lookback = max(int(v) for k, v in th.items() if k in ("hwindow", "wwindow", "swindow", "rwindow", "cwindow"))
    params = {"universe": str(files.dyad_years), "mid": str(files.mid), "war": str(files.wars),
              "atop": str(files.atop), "igo": str(files.igo), "contiguity": str(files.contiguity),
              "majors": str(files.majors), "distance": str(files.distance), "start": first - lookback + 1,
              "first": first, "last": last, **th}
    return duckdb.connect().execute(SQL.read_text(), params).df()


def rdflib_classify(ntriples: bytes, first: int, last: int) -> tuple[float, float, int]:
    """Parse the subset and the rules into an rdflib Dataset and run the same rule files; returns
    (parse seconds, classification seconds, triples)."""
    import rdflib

    ds = rdflib.Dataset()
    t = time.perf_counter()
    ds.graph(rdflib.URIRef(dyads.DYADS_GRAPH.value)).parse(data=ntriples, format="nt")
    parse = time.perf_counter() - t
    rules = ds.graph(rdflib.URIRef(dyads.RULES_GRAPH.value))
    rules.parse(str(dyads.data_dir() / "rules.ttl"), format="turtle")
    request = ds.graph(rdflib.URIRef(dyads.REQUEST_GRAPH.value))
    run = rdflib.URIRef("https://w3id.org/coopsec/id/run/bench")
    cs = "https://w3id.org/coopsec/ontology#"
    request.add((run, rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/prov#Activity")))
    request.add((run, rdflib.URIRef("http://www.w3.org/ns/prov#startedAtTime"), rdflib.Literal("2026-01-01T00:00:00Z",
                 datatype=rdflib.XSD.dateTime)))
    request.add((run, rdflib.URIRef(cs + "coverageFrom"), rdflib.Literal(first)))
    request.add((run, rdflib.URIRef(cs + "coverageTo"), rdflib.Literal(last)))
    t = time.perf_counter()
    for query in dyads.rule_queries():
        ds.update(query.text)
    classify = time.perf_counter() - t
    decided = len(list(ds.graph(rdflib.URIRef(dyads.INFERRED_GRAPH.value)).triples(
        (None, rdflib.URIRef(cs + "decidedBy"), None))))
    return parse, classify, decided


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--from", dest="first", type=int, default=1816)
    parser.add_argument("--to", dest="last", type=int, default=2010)
    parser.add_argument("--subset-to", type=int, default=1830, help="last year of the rdflib subset")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    files = dyads.DataFiles(args.data_dir)
    print(f"machine: {platform.machine()}, {platform.processor() or '?'}, Python {platform.python_version()}, "
          f"pyoxigraph {ox.__version__}, duckdb {duckdb.__version__}")

    store = dyads.new_store()
    rows = [0]

    def count_rows(_name: str, n: int, _done: int, _total: int) -> None:
        rows[0] += 0  # rows are counted per file below

    t = time.perf_counter()
    triples = dyads.build(store, files, args.first, args.last, count_rows)
    ingest = time.perf_counter() - t
    source_rows = sum(1 for _ in open(files.mid)) + sum(1 for _ in open(files.wars))
    import gzip

    for path in (files.dyad_years, files.atop, files.igo):
        with gzip.open(path, "rt") as handle:
            source_rows += sum(1 for _ in handle)

    lookback = dyads.max_window(store)
    with tempfile.NamedTemporaryFile(suffix=".nt", delete=False) as out:
        for line in dyads.dyad_lines(files, args.first, args.last, lookback):
            out.write(line.encode())
        nt_path = out.name
    baseline = ox.Store()
    t = time.perf_counter()
    baseline.bulk_load(path=nt_path, format=ox.RdfFormat.N_TRIPLES, to_graph=dyads.DYADS_GRAPH)
    bulk = time.perf_counter() - t
    del baseline
    Path(nt_path).unlink()

    th = thresholds(store)
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    t = time.perf_counter()
    dyads.classify(store, args.first, args.last)
    rules = time.perf_counter() - t
    if args.profile:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    t = time.perf_counter()
    frame = dyads.dataframe(store)
    read = time.perf_counter() - t
    t = time.perf_counter()
    lower = duckdb_run(files, args.first, args.last, th)
    duck = time.perf_counter() - t
    same = (frame["position"].fillna("no-data").value_counts().to_dict()
            == lower["position"].fillna("no-data").value_counts().to_dict())
    del store

    # the subset: Oxigraph and rdflib on the same dyad-years
    sub = dyads.new_store()
    dyads.build(sub, files, args.first, args.subset_to)
    text = "".join(dyads.dyad_lines(files, args.first, args.subset_to, lookback)).encode()
    t = time.perf_counter()
    dyads.classify(sub, args.first, args.subset_to)
    ox_sub = time.perf_counter() - t
    sub_rows = len(dyads.dataframe(sub))
    del sub
    ox_parse = ox.Store()
    t = time.perf_counter()
    ox_parse.bulk_load(input=text, format=ox.RdfFormat.N_TRIPLES)
    ox_parse_s = time.perf_counter() - t
    del ox_parse
    rdf_parse, rdf_rules, rdf_rows = rdflib_classify(text, args.first, args.subset_to)
    sub_triples = text.count(b"\n")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"\ningest {args.first}-{args.last}: {source_rows:,} source rows, {triples:,} triples in {ingest:.1f} s = "
          f"{source_rows / ingest:,.0f} rows/s, {triples / ingest:,.0f} triples/s")
    print(f"  pyoxigraph bulk load of the same N-Triples: {bulk:.1f} s = {triples / bulk:,.0f} triples/s; "
          f"ratio ours/bulk = {bulk / ingest:.2f} (target >= 0.5)")
    print(f"  rdflib parse of the {args.first}-{args.subset_to} subset ({sub_triples:,} triples): {rdf_parse:.1f} s = "
          f"{sub_triples / rdf_parse:,.0f} triples/s; pyoxigraph bulk load of it {ox_parse_s:.2f} s; "
          f"ours/rdflib triples/s = {(triples / ingest) / (sub_triples / rdf_parse):.1f}x")
    print(f"classification {args.first}-{args.last} ({len(frame):,} dyad-years): SPARQL rules {rules:.1f} s, "
          f"read back {read:.1f} s")
    print(f"  DuckDB, the same rules as one query over the CSVs: {duck:.2f} s (same counts per position: {same}); "
          f"rules/DuckDB = {rules / duck:.1f}x, rules+read/DuckDB = {(rules + read) / duck:.1f}x (target <= 3x)")
    print(f"  subset {args.first}-{args.subset_to} ({sub_rows:,} dyad-years): Oxigraph {ox_sub:.2f} s, rdflib "
          f"{rdf_rules:.1f} s ({rdf_rows:,} decided); rdflib/Oxigraph = {rdf_rules / ox_sub:.0f}x (target >= 30x)")
    print(f"peak memory (ru_maxrss): {peak:,.0f} MiB (target < 6,144 MiB)")


if __name__ == "__main__":
    main()
