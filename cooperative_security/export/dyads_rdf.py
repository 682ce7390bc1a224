"""The dyad-year graphs as N-Quads or TriG, the same bytes on every run.

An in-memory store gives its quads in no fixed order, and the rules graph's blank nodes fresh labels on
every load; ``dyads --format rdf`` wrote them so. Here the blank nodes are relabelled by RDF Dataset
Canonicalization (:func:`.base.canonical`; only the quads that hold one, the few of the rules graph) and
each graph's quads are sorted as N-Quads lines by DuckDB, which spills to a temporary folder beyond its
memory bound, so the millions of quads of 1816-2010 are never all held in Python.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..ingest.dyad_years import DYADS_GRAPH, INFERRED_GRAPH, REQUEST_GRAPH, RULES_GRAPH
from ..namespaces import instance
from .base import canonical
from .dyads import READ_BACK_MEMORY, Stores, _bounded, _parts, _written, check_output

#: the graphs written, in this order (each sorted)
GRAPHS = (DYADS_GRAPH, INFERRED_GRAPH, REQUEST_GRAPH, RULES_GRAPH)
#: quads serialised at once while spooling, and lines read back at once
BATCH = 200_000


def _blank(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def _quads(stores: Stores, g: ox.NamedNode, seen: set[ox.Quad]) -> Iterator[ox.Quad]:
    """The quads of ``g``: the dyads' and dyad-years' from every part, the rest (what every part holds alike:
    the run's provenance, the request, the rules) once."""
    parts = _parts(stores)
    own = (instance("dyad-year", "").value, instance("dyad", "").value)
    for part in parts if g in (DYADS_GRAPH, INFERRED_GRAPH) else parts[:1]:
        for q in part.raw.quads_for_pattern(None, None, None, g):
            if len(parts) == 1 or (isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(own)):
                yield q
            elif q not in seen:
                seen.add(q)
                yield q


def _lines(quads: list[ox.Quad]):  # type: ignore[no-untyped-def]
    """The quads as an Arrow array of N-Quads lines (without their newline)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    lines = pc.split_pattern(pa.array([text.rstrip(b"\n")], pa.large_binary()), pattern=b"\n").flatten()
    return pa.table({"line": lines})


def _spool(stores: Stores, folder: Path) -> list[Path]:
    """Each graph's quads as N-Quads lines in a Parquet file of ``folder``, blank nodes canonical."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([("line", pa.large_binary())])
    files = [folder / f"graph-{i}.parquet" for i in range(len(GRAPHS))]
    writers = [pq.ParquetWriter(str(f), schema) for f in files]
    try:
        blank: list[ox.Quad] = []
        seen: set[ox.Quad] = set()
        for g, writer in zip(GRAPHS, writers, strict=True):
            batch: list[ox.Quad] = []
            for q in _quads(stores, g, seen):
                if _blank(q):
                    blank.append(q)
                    continue
                batch.append(q)
                if len(batch) == BATCH:
                    writer.write_table(_lines(batch))
                    batch = []
            if batch:
                writer.write_table(_lines(batch))
        relabelled = canonical(blank)
        for g, writer in zip(GRAPHS, writers, strict=True):
            mine = [q for q in relabelled if q.graph_name == g]
            if mine:
                writer.write_table(_lines(mine))
    finally:
        for writer in writers:
            writer.close()
    return files


def _sorted(con, files: list[Path]) -> Iterator[bytes]:  # type: ignore[no-untyped-def]
    """Batches of N-Quads text, each graph's lines sorted, graph after graph."""
    for f in files:
        relation = con.read_parquet(str(f)).order("line")
        reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader  # DuckDB 2's name
        for batch in reader(BATCH):
            if batch.num_rows:
                yield b"\n".join(batch.column(0).to_pylist()) + b"\n"


def _write(chunks: Iterator[bytes], out: BinaryIO, trig: bool) -> int:
    count = 0
    if not trig:
        for chunk in chunks:
            out.write(chunk)
            count += chunk.count(b"\n")
        return count

    def parsed() -> Iterator[ox.Quad]:
        nonlocal count
        for chunk in chunks:
            for q in ox.parse(chunk, format=ox.RdfFormat.N_QUADS):
                count += 1
                yield q

    ox.serialize(parsed(), out, format=ox.RdfFormat.TRIG)
    return count


def write_rdf(stores: Stores, path: Path) -> int:
    """The dyad-year data, the classification and the rules as N-Quads (TriG if the name ends .trig), graph by
    graph, each sorted, blank nodes canonical; returns the quads written. Of parts, each dyad and dyad-year
    from its part, and what every part holds alike (the run's provenance, the request, the rules) once."""
    check_output(path, rdf=True)
    trig = path.suffix.lower() == ".trig"
    with tempfile.TemporaryDirectory(prefix="coopsec-rdf-") as folder, _bounded(READ_BACK_MEMORY) as con:
        files = _spool(stores, Path(folder))
        with _written(path) as name, open(name, "wb") as out:
            return _write(_sorted(con, files), out, trig)
