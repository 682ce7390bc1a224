"""Soak: 8 reader threads and one writer on one store for a while; every read must see whole
transactions (the writer adds pairs of triples, so a read of an odd count is a torn read).

    python bench/soak.py                      # 60 s on an in-memory and on an on-disk store
    python bench/soak.py --seconds 600 --readers 16

Prints reads and writes per second on each backend and the on-disk/in-memory ratio measured in
the same run.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time

import pyoxigraph as ox

from cooperative_security.store import Store, open_store

EX = "http://example.org/"


def soak(store: Store, seconds: float, readers: int) -> tuple[int, int]:
    stop = threading.Event()
    errors: list[BaseException] = []
    reads = [0] * readers
    writes = [0]

    def writer() -> None:
        i = 0
        try:
            while not stop.is_set():
                s = ox.NamedNode(f"{EX}s{i}")
                store.replace_graphs({ox.NamedNode(f"{EX}pair/{i}"): [
                    ox.Triple(s, ox.NamedNode(EX + "p"), ox.Literal("a")),
                    ox.Triple(s, ox.NamedNode(EX + "p"), ox.Literal("b"))]})
                i += 1
                writes[0] = i
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def reader(k: int) -> None:
        try:
            while not stop.is_set():
                seen = sum(1 for _ in store.quads())
                if seen % 2:
                    raise AssertionError(f"torn read: {seen} triples")
                reads[k] += 1
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader, args=(k,)) for k in range(readers)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"soak failed: {errors[0]!r}")
    if store.count() != 2 * writes[0]:
        raise SystemExit(f"soak failed: {store.count()} triples after {writes[0]} pair writes")
    return sum(reads), writes[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--readers", type=int, default=8)
    args = parser.parse_args()
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, spec in (("memory", "memory:"), ("disk", f"oxigraph:{tmp}")):
            store = open_store(spec)
            reads, writes = soak(store, args.seconds, args.readers)
            store.close()
            rates[name] = (reads / args.seconds, writes / args.seconds)
            print(f"{name}: {args.readers} readers + 1 writer for {args.seconds:g} s: {reads} reads "
                  f"({rates[name][0]:.0f}/s), {writes} pair writes ({rates[name][1]:.0f}/s), no torn read")
    print(f"on-disk / in-memory: reads x{rates['disk'][0] / rates['memory'][0]:.2f}, "
          f"writes x{rates['disk'][1] / rates['memory'][1]:.2f}")


if __name__ == "__main__":
    main()
