"""Time loading and classifying the whole bundled knowledge base, against baselines from the same run.

Run: ``python bench/bench_classify.py [REPETITIONS]``. Prints the median time of each step and its
ratio to two baselines measured in the same run: loading the bundled data, and one trivial COUNT query.
"""

from __future__ import annotations

import statistics
import sys
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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
