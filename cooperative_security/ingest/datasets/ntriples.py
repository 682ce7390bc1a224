"""N-Triples lines for bulk loading, and the loader that writes them atomically into a named graph.

Lines are made from RDF terms (pyoxigraph writes IRIs and escaped literals) or from integers that the
reader has already parsed, so no input text reaches the output unescaped. Loading goes through
pyoxigraph's bulk loader in chunks (bounded memory): straight into a store built afresh, or, for a store
that lives on, through ``EmbeddedStore.replace_graph_ntriples`` (a new graph loaded hidden and published
at the end, an existing one replaced through the store's journal). A rejected row leaves the store
unchanged.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from ...errors import UsageError
from ...namespaces import CS, ID, XSD
from ...store import BulkLoading, Store

XSD_INTEGER = f"<{XSD}integer>"
XSD_DATE = f"<{XSD}date>"
XSD_DECIMAL = f"<{XSD}decimal>"
TRUE = f'"true"^^<{XSD}boolean>'
CHUNK = 200_000


def p(local: str) -> str:
    """An ontology term as an N-Triples IRI: ``p("year")``."""
    return f"<{CS}{local}>"


def node(kind: str, slug: str) -> str:
    """An instance IRI; ``slug`` must be made of numbers and dashes or checked by the caller."""
    return f"<{ID}{kind}/{slug}>"


def integer(value: int) -> str:
    return f'"{int(value)}"^^{XSD_INTEGER}'


def xsd_decimal(value: float) -> str:
    """``0.5`` -> ``"0.5"^^xsd:decimal``; ``1e-07`` is written ``0.0000001`` (``repr`` gives no decimal form)."""
    return f'"{format(Decimal(repr(float(value))), "f")}"^^{XSD_DECIMAL}'


def date(year: int, month: int, day: int) -> str:
    return f'"{int(year):04d}-{int(month):02d}-{int(day):02d}"^^{XSD_DATE}'


def term(t: ox.NamedNode | ox.Literal) -> str:
    return str(t)


def triple(s: str, pred: str, o: str) -> str:
    return f"{s} {pred} {o} .\n"


@dataclass
class LoadReport:
    graph: str
    rows: int
    triples: int
    seconds: float


def bulk_load_lines(store: Store, lines: Iterable[str], target: ox.NamedNode, replace: bool = False,
                    on_chunk: Callable[[int], None] | None = None,
                    beside: Mapping[ox.NamedNode, list[ox.Triple]] | None = None) -> int:
    """Load N-Triples lines in chunks (bounded memory) into ``target``; returns the number of lines loaded.
    ``replace``: ``target`` is replaced whole, all or nothing, with the graphs ``beside`` (see
    :func:`bulk_load_chunks`)."""
    count = 0

    def chunks() -> Iterable[bytes]:
        nonlocal count
        buffer: list[str] = []
        for line in lines:
            buffer.append(line)
            if len(buffer) >= CHUNK:
                count += len(buffer)
                yield "".join(buffer).encode()
                buffer.clear()
                if on_chunk:
                    on_chunk(count)
        if buffer:
            count += len(buffer)
            yield "".join(buffer).encode()

    bulk_load_chunks(store, chunks(), target, replace=replace, beside=beside)
    return count


def bulk_load_chunks(store: Store, chunks: Iterable[bytes], target: ox.NamedNode, replace: bool = False,
                     before: str | None = None, lenient: bool = False,
                     beside: Mapping[ox.NamedNode, list[ox.Triple]] | None = None) -> int:
    """Load chunks of N-Triples text (each made of whole lines) into ``target``; returns the lines loaded.

    Without ``replace`` they go straight in (a store built afresh, such as ``coopsec dyads``' own). With it,
    ``target`` is replaced whole, all or nothing, at the bulk loader's speed
    (``EmbeddedStore.replace_graph_ntriples``): a malformed row part way leaves the store as it was. The
    update ``before`` (a query name) runs first, e.g. dropping the results the old graph gave, so that no
    result of the old data is ever read beside the new (they can be computed again). ``lenient`` (text
    made by the project from checked values only, such as the dyad-year graph's) skips the parser's IRI
    validation, which takes about a third of the load. ``beside`` (with ``replace``): small graphs, such as
    the load's record (``ingest/dataset_record.py``), that replace theirs in the same all-or-nothing step."""
    if not isinstance(store, BulkLoading):
        raise UsageError("ingest-dataset bulk-loads into the embedded store (memory: or oxigraph:DIR); "
                         "for a SPARQL server, ingest into oxigraph:DIR and upload with the server's tools")
    assert replace or not beside, "graphs beside a load are written only when it replaces"
    if replace:
        if before:
            from ...queries import load_query

            store.update(load_query(before))
        with contextlib.closing(_ahead(chunks)) as ahead:
            return store.replace_graph_ntriples(target, ahead, lenient, beside)
    count = 0
    # pyoxigraph's bulk loader releases the GIL: one worker loads a chunk while this thread makes the
    # next, so making (Python, DuckDB) and loading (Rust) overlap on two cores; at most two chunks in memory.
    pool = ThreadPoolExecutor(max_workers=1)
    pending: Future[None] | None = None

    def load(data: bytes) -> None:
        store.bulk_load_ntriples(data, target, lenient)  # type: ignore[union-attr]

    try:
        for data in chunks:
            count += data.count(b"\n")
            if pending:
                pending.result()
            pending = pool.submit(load, data)
        if pending:
            pending.result()
            pending = None
    except BaseException:
        if pending:
            pending.exception()
        raise
    finally:
        pool.shutdown(wait=True)
    return count


def _ahead(chunks: Iterable[bytes]) -> Generator[bytes, None, None]:
    """``chunks``, the next one made in a thread while the caller loads this one (the bulk loader releases
    the GIL, so making and loading overlap on two cores); at most two chunks in memory. An error in the
    making is raised here."""
    done = object()
    box: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand(item: object) -> bool:
        """Put ``item`` in the box unless the consumer has stopped (every put: never blocked for ever)."""
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for chunk in chunks:
                if not hand(chunk):
                    return
            hand(done)
        except BaseException as exc:  # handed to the consumer
            hand(exc)

    maker = threading.Thread(target=make, name="coopsec-chunks", daemon=True)
    maker.start()
    try:
        while True:
            item = box.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        maker.join()
