"""The ingest record: what an ingest says about itself in the store, and how a repeated ingest is known.

An ingest is identified by its files' names and bytes (:func:`ingest_id`); its record (graph
``ingest/<id>``) names its files, the graphs it wrote with their triple counts, and each graph's source file.

A source file is named by its path relative to the folder ingested (the file's name when a file was given;
``data/...`` for the bundled data), with the SHA-256 of its bytes (:class:`Source`); never by an absolute
path, which would publish the user's folders in every export and make two machines' exports differ.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import reproducible
from ..namespaces import DCTERMS, PROV, RDF_TYPE, XSD, graph, instance
from ..store import Store
from .naming import claims
from .source_files import CHECKSUM, Source

#: how many triples a graph holds, as the ingest record states it
VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")
#: when the ingest happened
ENDED_AT = ox.NamedNode(PROV + "endedAtTime")


@dataclass(frozen=True)
class Skipped:
    """A file in a folder given to ``coopsec ingest`` that holds no data, and why it was not read."""

    path: Path
    why: str

    def __str__(self) -> str:
        return f"{self.path} ({self.why})"


@dataclass
class IngestReport:
    """What an ingest wrote: ``coopsec ingest`` (curated files) and ``coopsec ingest-dataset`` (one
    publisher's file, whose ``ingest_id`` is the data set's name) both report with it."""

    ingest_id: str
    files: list[str] = field(default_factory=list)
    graphs: dict[str, int] = field(default_factory=dict)
    #: True when the same ingest was already in the store, whole: nothing was written
    already: bool = False
    #: the data rows read (ingest-dataset) and the seconds the ingest took (0 where not counted)
    rows: int = 0
    seconds: float = 0.0
    #: the files of the folders given that hold no data (documentation, hidden files), not read
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def ingest_id(files: list[tuple[str, Path]], by_path: bool = True) -> str:
    """The ingest's id: a hash of each file's full path and bytes. Two identical files in different folders
    (projA/refs.bib, projB/refs.bib) are two ingests, each removable on its own; the same file ingested
    again is the same ingest. The project's bundled data (``by_path=False``) is hashed by file name, so its
    id is the same wherever the package is installed (exports and releases stay reproducible)."""
    digest = hashlib.sha256()
    for _, path in files:
        digest.update((str(path.resolve()) if by_path else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def already_written(store: Store, ident: str, graphs: dict[ox.NamedNode, int | None]) -> bool:
    """Whether this exact ingest (same files, same bytes) is in the store, whole and unchanged since.

    The ingest record is written in the same transaction as its graphs, so its presence means they
    were written. Each graph must still be this ingest's: its latest ingest record (by time) must be
    this one, which a later ingest of other content into the same graph is not (triple counts alone
    cannot tell two files of the same size apart). The counts then check that no update changed them.
    """
    record = graph(f"ingest/{ident}")
    if record.value not in store.graph_names():
        return False
    owners = claims(store)
    if any(g.value not in owners or owners[g.value].ident != ident for g in graphs):
        return False
    recorded = {q.subject: int(q.object.value) for q in store.quads(record)
                if q.predicate == VOID_TRIPLES and isinstance(q.object, ox.Literal)}
    return all(store.count(g) == (n if n is not None else recorded.get(g, -1)) for g, n in graphs.items())


def source_node(ident: str, source: Source) -> ox.NamedNode:
    return instance("ingest", f"{ident}/source/{source.key}")


def source_triples(ident: str, source: Source) -> list[ox.Triple]:
    """The file as a ``prov:Entity``: its relative path (``dcterms:title``), the SHA-256 of its bytes
    (``spdx:checksumValue``) and its key (``dcterms:identifier``)."""
    node = source_node(ident, source)
    triples = [ox.Triple(node, RDF_TYPE, ox.NamedNode(PROV + "Entity")),
               ox.Triple(node, ox.NamedNode(DCTERMS + "title"), ox.Literal(source.label)),
               ox.Triple(node, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(source.key))]
    if source.sha256:
        triples.append(ox.Triple(node, CHECKSUM, ox.Literal(source.sha256)))
    return triples


def ingest_record(ident: str, files: list[Source], counts: dict[ox.NamedNode, int],
                  sources: dict[ox.NamedNode, Source] | None = None) -> list[ox.Triple]:
    """What an ingest says about itself: when, from which files (each a :class:`Source`: a relative path and
    a checksum, never an absolute path), which graphs with how many triples, and each graph's source file."""
    record = instance("ingest", ident)
    log: list[ox.Triple] = [
        ox.Triple(record, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        ox.Triple(record, ENDED_AT, _ended_now()),
    ]
    described = {s.key: s for s in [*files, *(sources or {}).values()]}
    for source in described.values():
        log += source_triples(ident, source)
    log += [ox.Triple(g, ox.NamedNode(PROV + "hadPrimarySource"), source_node(ident, src))
            for g, src in (sources or {}).items() if g in counts]
    log += [ox.Triple(record, ox.NamedNode(PROV + "used"), source_node(ident, s)) for s in described.values()]
    log += [ox.Triple(record, ox.NamedNode(PROV + "generated"), g) for g in counts]
    log += [ox.Triple(g, VOID_TRIPLES, ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer")))
            for g, n in counts.items()]
    log.append(ox.Triple(record, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(ident)))
    return log


def _ended_now() -> ox.Literal:
    return ox.Literal(reproducible.now().isoformat(timespec="microseconds"), datatype=ox.NamedNode(XSD + "dateTime"))


def restamped(graphs: dict[ox.NamedNode, list[ox.Triple]]) -> dict[ox.NamedNode, list[ox.Triple]]:
    """Graphs read back from an earlier ingest (the bundled-data cache) with each ingest record's time made
    the time of this load: the pinned ``SOURCE_DATE_EPOCH`` when set, so that an export is the same whether
    the bundle was parsed or read from the cache."""
    ended = _ended_now()
    prefix = graph("ingest/").value
    return {g: [ox.Triple(t.subject, t.predicate, ended) if t.predicate == ENDED_AT else t for t in triples]
            if g.value.startswith(prefix) else triples for g, triples in graphs.items()}
