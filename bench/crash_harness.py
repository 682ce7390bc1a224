"""Crash harness: SIGKILL ``coopsec ingest`` at random moments and check the store afterwards.

For each trial: copy a template on-disk store (ontology, bundled data and one small acknowledged
ingest), start ``coopsec ingest BIG.nt --store oxigraph:DIR``, kill it with SIGKILL at a random
moment, then reopen the store (timed) and check that

- it opens, in under 5 s;
- the big file's graph holds all of its triples or none, and its ingest record exists exactly when
  the triples do (all or nothing);
- the small batch acknowledged before is intact, and the bundled data too;
- no file is left that a clean ingest would not leave: the bulk loader's temporary table files and
  the journal of an unpublished load are gone once the store has been opened and closed again.

A kill lands in one of these windows: before anything is written ("none"), while the bulk loader
writes (its temporary files are left, and maybe some of the graphs, unpublished: "none"), after the
load is published ("all"), or after the process ended ("finished").

    python bench/crash_harness.py                     # 50 trials, 1,000,000 triples
    python bench/crash_harness.py --trials 5 --triples 100000
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cooperative_security.ingest.naming import file_graph
from cooperative_security.namespaces import graph
from cooperative_security.store import open_store
from cooperative_security.store.folder import BULK_TEMPORARY, COPIES_DIR, JOURNAL_FILE, OWNER_FILE

CLI = "import sys; from cooperative_security.cli import main; sys.exit(main(sys.argv[1:]))"
EX = "http://example.org/"
#: RocksDB's own files, which come and go; anything else new in the folder is a leftover
ROCKSDB_FILE = re.compile(r"\d{6}\.(sst|log)|MANIFEST-\d+|OPTIONS-\d+|LOG(\.old\.\d+)?|CURRENT|IDENTITY|LOCK")


def generate_ntriples(path: Path, triples: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(triples):
            fh.write(f'<{EX}s{i // 10}> <{EX}p{i % 10}> "value {i}" .\n')


def coopsec(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, text=True, timeout=timeout)


@dataclass
class Trial:
    killed_after: float
    outcome: str  # "none" | "all" | "finished"
    reopen_seconds: float
    leftovers: list[str]
    #: what the kill left for the next open to clean: bulk-load temporaries, an unpublished load
    temporaries: int = 0
    unpublished: bool = False
    #: triples of the big file already on disk but unpublished (hidden at reopen, then dropped)
    unpublished_triples: int = 0


@dataclass
class Setup:
    template: Path
    big: Path
    small: Path
    big_triples: int
    small_triples: int
    bundled_triples: int
    bundled_records: frozenset[str]  # the ingest records already in the template
    full_seconds: float  # an uninterrupted ingest of the big file


def prepare(workdir: Path, triples: int) -> Setup:
    big = workdir / "big.nt"
    generate_ntriples(big, triples)
    small = workdir / "acknowledged.nt"
    small.write_text("".join(f"<{EX}ack{i}> <{EX}p> \"acknowledged {i}\" .\n" for i in range(100)))
    template = workdir / "template"
    for args in (("init", "--store", f"oxigraph:{template}"),
                 ("ingest", str(small), "--store", f"oxigraph:{template}")):
        result = coopsec(*args)
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
    store = open_store(f"oxigraph:{template}")
    bundled = store.count()
    bundled_records = frozenset(g for g in store.graph_names() if g.startswith(graph("ingest/").value))
    store.close()
    timing = workdir / "timing"
    shutil.copytree(template, timing)
    start = time.perf_counter()
    result = coopsec("ingest", str(big), "--store", f"oxigraph:{timing}")
    full = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    shutil.rmtree(timing)
    return Setup(template, big, small, triples, 100, bundled, bundled_records, full)


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def check_store(setup: Setup, folder: Path) -> tuple[str, float]:
    """Reopen (timed) and check all-or-none; returns the outcome and the reopen time."""
    start = time.perf_counter()
    store = open_store(f"oxigraph:{folder}")
    reopen = time.perf_counter() - start
    try:
        big = store.count(file_graph(setup.big))
        records = [g for g in store.graph_names() if g.startswith(graph("ingest/").value)]
        assert store.count(file_graph(setup.small)) == setup.small_triples, "the acknowledged batch was damaged"
        assert big in (0, setup.big_triples), f"half a batch: {big} of {setup.big_triples} triples"
        # the ingest record is written in the same transaction as the data it describes
        landed = big == setup.big_triples
        new_records = [g for g in records if g not in setup.bundled_records]
        assert len(new_records) == (1 if landed else 0), records
        record = sum(store.count(ox.NamedNode(g)) for g in new_records)
        assert store.count() == setup.bundled_triples + big + record
        assert ox.NamedNode(f"{EX}ack0") in {q.subject for q in store.quads(file_graph(setup.small))}
    finally:
        store.close()
    return ("all" if landed else "none"), reopen


def trial(setup: Setup, folder: Path, rng: random.Random) -> Trial:
    shutil.copytree(setup.template, folder)
    before = _files(folder)
    delay = rng.uniform(0.0, setup.full_seconds * 1.1)
    proc = subprocess.Popen([sys.executable, "-c", CLI, "ingest", str(setup.big), "--store", f"oxigraph:{folder}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=delay)
        finished = True
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        finished = False
    temporaries = sum(1 for n in _files(folder) if BULK_TEMPORARY.fullmatch(n))
    unpublished = (folder / JOURNAL_FILE).exists()
    hidden = 0
    if unpublished:  # look without opening for writing (which would start the recovery)
        peek = ox.Store.read_only(str(folder))
        hidden = sum(1 for _ in peek.quads_for_pattern(None, None, None, file_graph(setup.big)))
        del peek
    outcome, reopen = check_store(setup, folder)
    kept = (OWNER_FILE, COPIES_DIR)  # the store's own
    leftovers = sorted(n for n in _files(folder) - before if not ROCKSDB_FILE.fullmatch(n) and n not in kept)
    leftovers += sorted(f"{COPIES_DIR}/{p.name}" for p in (folder / COPIES_DIR).glob("*.tmp"))  # a copy half-written
    shutil.rmtree(folder)
    return Trial(delay, "finished" if finished else outcome, reopen, leftovers, temporaries, unpublished, hidden)


def retry_is_idempotent(setup: Setup, folder: Path, rng: random.Random) -> None:
    """Kill an ingest, then run it again twice: the batch is there exactly once."""
    shutil.copytree(setup.template, folder)
    proc = subprocess.Popen([sys.executable, "-c", CLI, "ingest", str(setup.big), "--store", f"oxigraph:{folder}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.0, setup.full_seconds))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for _ in range(2):
        result = coopsec("ingest", str(setup.big), "--store", f"oxigraph:{folder}")
        assert result.returncode == 0, result.stderr
        outcome, _ = check_store(setup, folder)
        assert outcome == "all"
    shutil.rmtree(folder)


def run(trials: int, triples: int, seed: int = 7, workdir: Path | None = None) -> tuple[Setup, list[Trial]]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        setup = prepare(Path(tmp), triples)
        results = [trial(setup, Path(tmp) / f"trial-{i}", rng) for i in range(trials)]
        retry_is_idempotent(setup, Path(tmp) / "retry", rng)
    return setup, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup, results = run(args.trials, args.triples, args.seed)
    for i, t in enumerate(results):
        print(f"trial {i:2}: killed after {t.killed_after:5.1f} s -> {t.outcome:8} reopen {t.reopen_seconds:5.2f} s"
              f"{f'  (unpublished load of {t.unpublished_triples:,} triples dropped)' if t.unpublished else ''}"
              f"{f'  ({t.temporaries} temporary files removed)' if t.temporaries else ''}")
    reopen = [t.reopen_seconds for t in results]
    outcomes = {k: sum(t.outcome == k for t in results) for k in ("none", "all", "finished")}
    print(f"{args.trials} trials, {args.triples:,} triples; uninterrupted ingest {setup.full_seconds:.1f} s")
    print(f"killed with nothing written: {outcomes['none']}, killed after commit: {outcomes['all']}, "
          f"finished before the kill: {outcomes['finished']}; half-written: 0")
    print(f"reopen after kill: median {statistics.median(reopen):.2f} s, max {max(reopen):.2f} s")
    print(f"kills that left bulk-load temporary files: {sum(t.temporaries > 0 for t in results)}, "
          f"an unpublished load: {sum(t.unpublished for t in results)}, of which "
          f"{sum(t.unpublished_triples > 0 for t in results)} had triples on disk (hidden, then dropped)")
    print(f"leftover files: {sorted({n for t in results for n in t.leftovers}) or 'none'}")
    print("retry after a kill: idempotent (batch present exactly once after two retries)")


if __name__ == "__main__":
    main()
