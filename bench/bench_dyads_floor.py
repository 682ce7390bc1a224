"""Benchmark: what any design that keeps one decision per dyad-year in Oxigraph cannot go below.

    python3 bench/bench_dyads_floor.py --data-dir ../shared/data [--from 1816 --to 2010] [--jobs 2]

Issue 12 asks the whole ``coopsec dyads`` command to take at most 5x an end-to-end DuckDB run from the same
CSVs to the same CSV. This runs the least that the command must do while each dyad-year keeps the rule that
decided it as a triple in the store, in parts at once as the command does, and nothing else:

1. read the publishers' files (the command's own reader, ``dyad_graph.read_tables``);
2. make one N-Triples line per dyad-year of the span (``cs:year``, no other indicator, no look-back years);
3. bulk-load them (Oxigraph's lenient parser, as the command);
4. insert one decision per dyad-year with no test at all (``bench/floor-insert.rq``);
5. read the decisions back with the command's own query and reader (``queries/dyads/read-dyad-years.rq``,
   Arrow) and write them as a CSV of four columns (ccode1, ccode2, year, rule) with DuckDB.

Printed against DuckDB end to end (``bench/dyads-duckdb.sql``, the CSVs to the CSV of every column, best of
three in the same run): each step's time, the floor's ratio, and what the 5x target leaves for everything the
floor leaves out (the other indicators loaded, the rules' tests, the other columns read back and written).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyoxigraph as ox
from bench_dyads import duckdb_whole, thresholds

from cooperative_security.export import dyads as tables
from cooperative_security.ingest import dyad_years as dyads
from cooperative_security.ingest.datasets.dyad_graph import BATCH, _text, read_tables
from cooperative_security.ingest.datasets.ntriples import bulk_load_chunks

INSERT = Path(__file__).with_name("floor-insert.rq").read_text()
LINE = ("concat('<https://w3id.org/coopsec/id/dyad-year/', a, '-', b, '-', y, "
        "'> <https://w3id.org/coopsec/ontology#year> \"', y, '\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')")


def floor(files: dyads.DataFiles, first: int, last: int, jobs: int) -> tuple[dict[str, float], int]:
    """The five steps on fresh stores; their times, and the rows written."""
    times: dict[str, float] = {}
    stores = [dyads.new_store() for _ in range(jobs)]
    succession = dyads.successions(stores[0])
    t = time.perf_counter()
    con = read_tables(files, first, last, 1, {c: dyads.lineage(c, succession) for c in succession})  # 1: the span alone
    times["read the files"] = time.perf_counter() - t
    t = time.perf_counter()
    pairs = con.execute("SELECT DISTINCT a, b FROM universe").fetchall()
    con.register("part_of_dyad", pa.table({"a": [a for a, _ in pairs], "b": [b for _, b in pairs],
                                           "part": [dyads.part_of(a, b, succession, jobs) for a, b in pairs]}))
    chunks = []
    for part in range(jobs):  # made and handed over as the command makes its text (Arrow, then one buffer)
        relation = con.sql(f"SELECT {LINE} FROM universe JOIN part_of_dyad USING (a, b) "
                           "WHERE part = $part AND y BETWEEN $first AND $last",
                           params={"part": part, "first": first, "last": last})
        chunks.append(b"".join(_text(batch.column(0)) for batch in relation.to_arrow_reader(BATCH)))
    times["make one line per dyad-year"] = time.perf_counter() - t
    con.close()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        t = time.perf_counter()
        list(pool.map(lambda store, text: bulk_load_chunks(store, [text], dyads.DYADS_GRAPH, lenient=True),
                      stores, chunks))
        times["load them"] = time.perf_counter() - t
        t = time.perf_counter()
        list(pool.map(lambda s: s.update(INSERT), stores))
        times["insert one decision each"] = time.perf_counter() - t
    t = time.perf_counter()
    decided = tables._read_all(stores, "dyads/read-dyad-years")  # type: ignore[arg-type]  # the command's reader
    times["read the decisions back"] = time.perf_counter() - t
    t = time.perf_counter()
    out = duckdb.connect()
    out.register("decided", decided)
    with tempfile.TemporaryDirectory() as tmp:
        out.execute(f"""COPY (SELECT k[1]::INTEGER AS ccode1, k[2]::INTEGER AS ccode2, k[3]::INTEGER AS year, rule
                        FROM (SELECT string_split(split_part(dy, '/', 7), '-') AS k, rule FROM decided)
                        ORDER BY 1, 2, 3) TO '{Path(tmp) / 'floor.csv'}' (HEADER)""")
    out.close()
    times["write the CSV"] = time.perf_counter() - t
    return times, len(decided)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="the folder `coopsec datasets check` accepts")
    parser.add_argument("--from", dest="first", type=int, default=1816)
    parser.add_argument("--to", dest="last", type=int, default=2010)
    parser.add_argument("--jobs", type=int, default=dyads.default_jobs(), help="parts at once, as `coopsec dyads`")
    args = parser.parse_args()
    files = dyads.DataFiles(args.data_dir)
    files.check()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, pyoxigraph {ox.__version__}, "
          f"duckdb {duckdb.__version__}; load average {os.getloadavg()[0]:.1f}")
    th = thresholds(dyads.new_store())
    times, rows = floor(files, args.first, args.last, args.jobs)
    with tempfile.TemporaryDirectory() as tmp:  # the best of three, as bench_dyads.py
        duck = min(duckdb_whole(files, args.first, args.last, th, Path(tmp) / "duck.csv") for _ in range(3))
    total = sum(times.values())
    print(f"\n{args.first}-{args.last}: {rows:,} dyad-years in {args.jobs} part(s) at once")
    for step, seconds in times.items():
        print(f"  {step:<30} {seconds:6.2f} s  ({seconds / duck:.2f}x DuckDB)")
    print(f"the floor, in all: {total:.1f} s; DuckDB end to end (CSVs to CSV), best of 3, {duck:.2f} s; "
          f"floor/DuckDB = {total / duck:.1f}x")
    print(f"the whole-command target (<= 5x, {5 * duck:.1f} s) leaves {5 * duck - total:.1f} s "
          f"({(5 * duck - total) / duck:.1f}x DuckDB) for every other indicator loaded, every test of the rules, "
          "and every other column read back and written")


if __name__ == "__main__":
    main()
