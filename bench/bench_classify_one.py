"""Time classifying one named case against classifying every case of the same store, in the same run.

Run: ``python bench/bench_classify_one.py [REPETITIONS]``. The store is the bundled knowledge base with
the validation set loaded (``coopsec validate``'s cases: over a hundred relationships). The baseline is
one run of the rules over every case; each named case is classified alone (``classify(store, [case])``,
the rules on an in-memory copy of what the case reads) and its time printed as a share of the baseline,
beside the time of the copy alone. The answers are compared too: a case's periods alone must be its
periods among all, or the benchmark stops.
"""

from __future__ import annotations

import sys
import time

from bench_classify import timed

from cooperative_security.classify import classify, known_cases
from cooperative_security.classify.scope import case_scope
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.validation import load_validation

#: bundled cases (2 events, many) and validation cases (26 and 45 events, the most)
CASES = ("north-atlantic-1957", "france-germany", "germany-austria", "north-korea-usa")


def main(repetitions: int = 3) -> None:
    store = open_knowledge_graph("memory:")
    load_validation(store)
    cases = known_cases(store)
    start = time.perf_counter()
    every = classify(store)
    baseline = time.perf_counter() - start  # once: it is the slow step
    print(f"store: {len(cases)} relationships, {store.count()} triples; one run over every case, then the median "
          f"of {repetitions} runs of each case alone")
    print(f"{'step':<40}{'seconds':>10}{'x all':>10}")
    print(f"{'baseline: classify every case':<40}{baseline:>10.3f}{1:>10.3f}")
    for case in CASES:
        alone = [p.to_json() for p in classify(store, [case])]
        if alone != [p.to_json() for p in every if p.relationship == case]:
            raise SystemExit(f"{case}: the periods alone differ from those among all cases")

        def copy(case: str = case) -> None:
            with case_scope(store, [case]):
                pass

        for name, seconds in ((f"classify {case}", timed(lambda case=case: classify(store, [case]), repetitions)),
                              ("  of which the copy", timed(copy, repetitions))):
            print(f"{name:<40}{seconds:>10.3f}{seconds / baseline:>10.3f}")
    store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
