"""Case ingest is linear in the number of events: time and peak memory at 1k, 10k and 100k events.

Each size runs in a child process (so its peak memory is its own), ingesting one generated case file
into an in-memory store holding the bundled data: YAML reading, parsing, SHACL validation (in slices
of 2,000 resources) and the write. Linear means the time per event stays flat as the case grows; the
ratio column compares it with the smallest size, measured in the same run. It compares CPU time (the
process's own): on a shared machine the wall time is mostly waiting for a core.

    python3 bench/bench_case_ingest.py            # 1000 10000 100000
    python3 bench/bench_case_ingest.py 1000 10000
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

EVENT = """  - id: event-{i}
    date: {year}
    type: Reciprocation
    by: [prk]
    towards: [rok]
    level: elite
    label: Event number {i}
    evidence:
      - {{work: keating-wheeler-2013, section: "Building Trust in World Politics", footnote: 58}}
"""


def case_file(folder: Path, events: int) -> Path:
    head = (ROOT / "data" / "cases" / "korea.yaml").read_text(encoding="utf-8").split("events:")[0]
    path = folder / "bench-case.yaml"
    with path.open("w", encoding="utf-8") as out:
        out.write(head.replace("id: korea", "id: bench-case") + "events:\n")
        for i in range(events):
            out.write(EVENT.format(i=i, year=1950 + i % 50))
    return path


def child(path: str) -> None:
    from cooperative_security.ingest import ingest_paths
    from cooperative_security.kb import open_knowledge_graph

    store = open_knowledge_graph("memory:")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    report = ingest_paths(store, [Path(path)])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "cpu": cpu, "triples": report.triples, "peak_mb": peak / 1024,
                      "added_mb": (peak - base) / 1024}))


def main(sizes: list[int]) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for events in sizes:
            path = case_file(Path(folder), events)
            env = {**os.environ, "PYTHONPATH": str(ROOT), "COOPSEC_MAX_EVENTS": str(max(sizes))}
            out = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True,
                                 env=env, check=True).stdout
            rows.append((events, json.loads(out.strip().splitlines()[-1])))
            events_, r = rows[-1]
            print(f"{events_:>7} events: {r['seconds']:8.1f} s  {1e3 * r['seconds'] / events_:6.2f} ms/event  "
                  f"CPU {r['cpu']:8.1f} s  {1e3 * r['cpu'] / events_:6.2f} ms/event  "
                  f"peak {r['peak_mb']:6.0f} MB (+{r['added_mb']:.0f} MB)", flush=True)
    first_events, first = rows[0]
    per_event = first["cpu"] / first_events
    # CPU time, not wall time, is compared: on a shared machine the wall time is mostly waiting for a core
    print("\nevents   seconds   ms/event   CPU s   CPU ms/event   CPU per event vs the smallest   peak MB")
    for events, r in rows:
        print(f"{events:>7} {r['seconds']:9.1f} {1e3 * r['seconds'] / events:10.2f} {r['cpu']:7.1f} "
              f"{1e3 * r['cpu'] / events:14.2f} {r['cpu'] / events / per_event:18.2f}x {r['peak_mb']:17.0f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
