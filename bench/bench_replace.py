"""Replacing an existing graph against loading it the first time, in the same run, on disk.

For each size: load a graph into a fresh on-disk store (``replace_graphs``, the path ``coopsec ingest``
takes: a transactional extend below ``BULK_AFTER`` triples, the bulk loader above), then replace it
with wholly new triples (the worst case: every old triple deleted, every new one added), then with a
copy where 1% of the triples changed (an edited file ingested again). The ratio is against the first
load. With ``--before`` it also times the previous method, one ``DROP GRAPH`` + ``INSERT DATA``
update, at the smallest size.

Nothing is deferred: when ``replace_graphs`` returns, the new triples are published and the old ones
deleted, so each time is both "until the new content is visible" and "until the old is gone".

The last columns are oxigraph's own floor, in another fresh store of the same run: the bulk loader
reading the same triples from an N-Quads file, then deleting them in transactions of ``replace_chunk(n)``
triples (what a replacement's drop does). A replacement of all of a graph does at least both.

With ``--command`` it times what a user runs instead: ``coopsec ingest`` of an N-Triples file into an
on-disk store (which holds one small graph already), then ``coopsec ingest`` of the same file holding
wholly new triples, each in its own process (parsing and checking the file included), and the ratio of
the second to the first.

    python3 bench/bench_replace.py                 # 50000 200000
    python3 bench/bench_replace.py 50000 --before
    python3 bench/bench_replace.py 200000 1000000 --command
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cooperative_security.store.embedded import EmbeddedStore  # noqa: E402
from cooperative_security.store.folder import replace_chunk  # noqa: E402
from cooperative_security.store.sparql_text import drop_some_update, replace_graphs_update  # noqa: E402

G = ox.NamedNode("https://w3id.org/coopsec/graph/file/bench")
EX = "http://example.org/"


def triples(tag: str, n: int) -> list[ox.Triple]:
    """Like an ingested file: ten properties per subject, literal values."""
    return [ox.Triple(ox.NamedNode(f"{EX}s{i // 10}"), ox.NamedNode(f"{EX}p{i % 10}"), ox.Literal(f"{tag} value {i}"))
            for i in range(n)]


def timed(work) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def floor(n: int, folder: Path) -> dict[str, float]:
    """oxigraph alone: bulk-load ``n`` triples from a file, then delete them as a replacement does."""
    data = folder / f"floor-{n}.nq"
    tail = str(G).encode() + b" .\n"
    data.write_bytes(b"".join(line[:-1] + tail for line in
                              ox.serialize(triples("floor", n), format=ox.RdfFormat.N_TRIPLES).splitlines()))
    store = ox.Store(str(folder / f"floor-{n}"))

    def load() -> None:
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        store.flush()

    def delete() -> None:
        chunk = replace_chunk(n)
        update = drop_some_update(G, chunk)
        for _ in range(-(-n // chunk) - 1):
            store.update(update)
        store.remove_graph(G)
        store.flush()

    row = {"oxigraph bulk load": timed(load), "oxigraph delete": timed(delete)}
    assert len(store) == 0
    return row


def run(n: int, before: bool, folder: Path) -> dict[str, float]:
    store = EmbeddedStore(folder / f"store-{n}")
    try:
        first_data, new_data = triples("first", n), triples("new", n)
        edited = list(new_data)
        for i in range(0, n, 100):  # 1% of the triples change
            edited[i] = ox.Triple(edited[i].subject, edited[i].predicate, ox.Literal(f"edited {i}"))
        row = {"first": timed(lambda: store.replace_graphs({G: first_data}))}
        row["all new"] = timed(lambda: store.replace_graphs({G: new_data}))
        row["1% changed"] = timed(lambda: store.replace_graphs({G: edited}))
        assert {q.triple for q in store.quads(G)} == set(edited)
        if before:
            row["before (one update)"] = timed(lambda: store.raw.update(replace_graphs_update({G: first_data})))
        return row
    finally:
        store.close()


def command(n: int, folder: Path) -> None:
    """``coopsec ingest`` of a file of ``n`` triples, then of the same file with wholly new triples."""
    store, data = folder / f"cli-store-{n}", folder / f"cli-{n}"
    data.mkdir()
    (folder / f"seed-{n}.nt").write_text('<http://example.org/seed> <http://example.org/p> "seed" .\n')
    times = {}
    for step, source in (("seed", folder / f"seed-{n}.nt"), ("first", None), ("all new", None)):
        if source is None:
            source = data / "big.nt"
            source.write_bytes(ox.serialize(triples(step, n), format=ox.RdfFormat.N_TRIPLES))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cooperative_security.cli", "ingest", "--store", f"oxigraph:{store}",
                        str(source)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times[step] = time.perf_counter() - started
    print(f"{n:>9,} triples: coopsec ingest, first {times['first']:6.1f} s | replacing it with all new triples "
          f"{times['all new']:6.1f} s ({times['all new'] / times['first']:4.2f}x)", flush=True)


def main(sizes: list[int], before: bool) -> None:
    if "--command" in sys.argv:
        with tempfile.TemporaryDirectory() as folder:
            for n in sizes:
                command(n, Path(folder))
        return
    with tempfile.TemporaryDirectory() as folder:
        for i, n in enumerate(sizes):
            row = run(n, before and i == 0, Path(folder))
            row |= floor(n, Path(folder))
            first = row["first"]
            print(f"{n:>9,} triples: first load {first:6.1f} s | " + " | ".join(
                f"{name} {seconds:6.1f} s ({seconds / first:4.2f}x)" for name, seconds in row.items()
                if name != "first"), flush=True)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main([int(a) for a in args] or [50_000, 200_000], "--before" in sys.argv)
