"""Time loading and classifying the whole bundled knowledge base, against baselines from the same run.

Run: ``python bench/bench_classify.py [REPETITIONS]``. Prints the median time of each step and its
ratio to two baselines measured in the same run: loading the bundled data, and one trivial COUNT query.
Then the whole ``coopsec classify`` command as a user runs it (a new process), with the per-user cache
of the parsed bundle warm and turned off, against starting Python and importing the package.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from cooperative_security.classify import classify
from cooperative_security.kb import open_knowledge_graph

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def timed(step: Callable[[], object], repetitions: int) -> float:
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(repetitions: int = 5) -> None:
    os.environ["COOPSEC_NO_CACHE"] = "1"  # in-process steps parse the bundle, as a persistent store's init does
    store = open_knowledge_graph("memory:")
    load = timed(lambda: open_knowledge_graph("memory:").close(), repetitions)
    count = timed(lambda: store.select(COUNT), repetitions * 4)
    periods = classify(store)
    run = timed(lambda: classify(store), repetitions)
    both = timed(lambda: classify(open_knowledge_graph("memory:")), repetitions)
    triples = store.count()
    store.close()
    print(f"bundled knowledge base: {triples} triples, {len(periods)} periods; median of {repetitions} runs")
    print(f"{'step':<28}{'seconds':>10}{'x load':>10}{'x COUNT':>10}")
    for name, seconds in (("baseline: load bundled data", load), ("baseline: one COUNT query", count),
                          ("classify every case", run), ("load + classify", both)):
        print(f"{name:<28}{seconds:>10.3f}{seconds / load:>10.2f}{seconds / count:>10.1f}")
    command(repetitions)


def command(repetitions: int) -> None:
    """The command end to end, in new processes; the cache lives in a temporary folder."""
    with tempfile.TemporaryDirectory() as cache:
        env = {key: value for key, value in os.environ.items() if key != "COOPSEC_NO_CACHE"}
        env["COOPSEC_CACHE_DIR"] = cache

        def run(*args: str, **extra: str) -> Callable[[], object]:
            return lambda: subprocess.run([sys.executable, *args], env={**env, **extra}, check=True,
                                          stdout=subprocess.DEVNULL)

        start = timed(run("-c", "import cooperative_security"), repetitions)
        cold = timed(run("-m", "cooperative_security.cli", "classify", COOPSEC_NO_CACHE="1"), repetitions)
        run("-m", "cooperative_security.cli", "classify")()  # fills the cache
        warm = timed(run("-m", "cooperative_security.cli", "classify"), repetitions)
    print(f"\n{'command':<40}{'seconds':>10}{'x start':>10}")
    for name, seconds in (("baseline: python -c 'import package'", start),
                          ("coopsec classify, no cache", cold), ("coopsec classify, cache warm", warm)):
        print(f"{name:<40}{seconds:>10.3f}{seconds / start:>10.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
