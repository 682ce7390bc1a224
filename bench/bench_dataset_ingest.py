"""`coopsec ingest-dataset dyad-years` into an on-disk store, against oxigraph's bulk loader, in the same run.

The baseline: the same N-Triples (the dyad-year graph of FROM..2010, made once, kept in memory) bulk-loaded
by pyoxigraph into a fresh on-disk store, nothing else. Then what the command does (``build(...,
replace=True)``: the files read and checked by DuckDB, the graph made and loaded hidden, published at the
end) into a fresh on-disk store holding the bundled graph, and once more into the same store (the graph
exists: replaced through the journal, the old triples deleted). And, for the record, the way it was done
before (a bulk load into a temporary graph and one SPARQL MOVE) with ``--before`` (slow: minutes, GBs).
Peak memory is the process's maximum resident size after each step.

    python3 bench/bench_dataset_ingest.py --data-dir ../shared/data [--from 1990] [--before]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cooperative_security.ingest.datasets.dyad_graph import batches  # noqa: E402
from cooperative_security.ingest.dyad_years import (  # noqa: E402
    DYADS_GRAPH,
    LAST_YEAR,
    DataFiles,
    _lookback,
    build,
    lineage,
    new_store,
    successions,
)
from cooperative_security.kb import load_bundled  # noqa: E402
from cooperative_security.store import open_store  # noqa: E402
from cooperative_security.store.sparql_text import move_graph_update  # noqa: E402


def peak() -> str:
    return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024:,} MiB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--from", dest="first", type=int, default=1990)
    parser.add_argument("--before", action="store_true", help="also time the previous way (temporary graph + MOVE)")
    args = parser.parse_args()
    files = DataFiles(args.data_dir)
    probe = new_store()
    lookback = _lookback(probe, files, args.first, LAST_YEAR)
    succession = successions(probe)
    probe.close()
    roots = {code: lineage(code, succession) for code in succession}
    chunks = list(batches(files, args.first, LAST_YEAR, lookback, roots, None, None))
    triples = sum(c.count(b"\n") for c in chunks)
    print(f"dyad-year graph {args.first}-{LAST_YEAR}: {triples:,} triples")
    with tempfile.TemporaryDirectory(prefix="coopsec-bench-") as tmp:
        raw = ox.Store(str(Path(tmp) / "baseline"))
        started = time.perf_counter()
        for chunk in chunks:
            raw.bulk_load(input=chunk, format=ox.RdfFormat.N_TRIPLES, to_graph=DYADS_GRAPH, lenient=True)
        raw.flush()
        baseline = time.perf_counter() - started
        del raw
        print(f"  oxigraph bulk load of the same text (baseline):     {baseline:7.1f} s   {peak()}")

        store = open_store(f"oxigraph:{Path(tmp) / 'kg'}")
        load_bundled(store)
        started = time.perf_counter()
        build(store, files, args.first, LAST_YEAR, replace=True)
        first = time.perf_counter() - started
        print(f"  ingest-dataset, new graph (files read and checked): {first:7.1f} s = {first / baseline:4.2f}x   "
              f"{peak()}")
        started = time.perf_counter()
        build(store, files, args.first, LAST_YEAR, replace=True)
        again = time.perf_counter() - started
        print(f"  ingest-dataset again, graph replaced:               {again:7.1f} s = {again / baseline:4.2f}x   "
              f"{peak()}")
        store.close()
        if args.before:
            raw = ox.Store(str(Path(tmp) / "before"))
            temporary = ox.NamedNode("https://w3id.org/coopsec/graph/tmp/load")
            started = time.perf_counter()
            for chunk in chunks:
                raw.bulk_load(input=chunk, format=ox.RdfFormat.N_TRIPLES, to_graph=temporary)
            raw.update(move_graph_update(temporary, DYADS_GRAPH))
            raw.flush()
            before = time.perf_counter() - started
            print(f"  before: temporary graph + one MOVE:                 {before:7.1f} s = "
                  f"{before / baseline:4.2f}x   {peak()}")


if __name__ == "__main__":
    main()
