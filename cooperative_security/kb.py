"""The knowledge graph: open a store holding the bundled ontology and data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from . import bundle_cache
from .errors import UsageError
from .ingest import expand_paths, ingest_id, parse_all, write_batches
from .ingest.record import restamped
from .namespaces import graph
from .ontology import ONTOLOGY_GRAPH, load_ontology_triples, parse_rdf_file
from .resources import data_dir, ontology_dir
from .store import Store, open_store, parse_spec

SHAPES_GRAPH = graph("shapes")
RULES_GRAPH = graph("rules")


def bundled_data_files(root: Path | None = None) -> list[Path]:
    """The curated files, in the order they are loaded."""
    base = root or data_dir()
    files = [base / "actors.yaml", base / "bibliography.bib", base / "datasets.bib", base / "citations.yaml"]
    files += sorted((base / "cases").glob("*.yaml"))
    return [f for f in files if f.is_file()]


def load_theory(store: Store) -> None:
    """The ontology, the SHACL shapes and the classification rules, each in its named graph."""
    graphs: dict[ox.NamedNode, list[ox.Triple]] = {ONTOLOGY_GRAPH: load_ontology_triples()}
    shapes: list[ox.Triple] = []
    for path in sorted((ontology_dir() / "shapes").glob("*.ttl")):
        shapes += parse_rdf_file(path)
    graphs[SHAPES_GRAPH] = shapes
    rules = data_dir() / "rules.ttl"
    if rules.is_file():
        graphs[RULES_GRAPH] = parse_rdf_file(rules)
    store.replace_graphs(graphs)


def bundled_inputs() -> list[Path]:
    """Every file that loading the bundled knowledge graph reads (the key of its cache)."""
    theory = list(ontology_dir().rglob("*"))
    return [p for p in (*theory, data_dir() / "rules.ttl", *bundled_data_files()) if p.is_file()]


def load_bundled(store: Store, progress: Callable[[str], None] | None = None) -> None:
    """Load the ontology and every bundled data file into the store.

    An empty ``memory:`` store is filled from the per-user cache of the parsed bundle when an entry
    for exactly these files and this code exists (``bundle_cache``), and the cache is written after a
    parse; a persistent store is always loaded from the files.
    """
    key = None
    if store.ephemeral and not store.graph_names():
        key = bundle_cache.bundle_key(bundled_inputs())
        cached = bundle_cache.read(key)
        if cached is not None:
            store.replace_graphs(restamped(cached))  # the ingest record's time is this load's
            return
    _parse_bundled(store, progress)
    if key is not None:
        bundle_cache.write(key, store.quads())


def _parse_bundled(store: Store, progress: Callable[[str], None] | None) -> None:
    load_theory(store)
    files = expand_paths(bundled_data_files())
    batches = parse_all(store, files, progress, bundled=True)
    write_batches(store, batches, ingest_id(files, by_path=False), [p.name for _, p in files],
                  used=[p for _, p in files])
    from .check import record_checksums

    record_checksums(store)  # for `coopsec check` to tell when a bundled graph goes missing or changes


def has_theory(store: Store) -> bool:
    return ONTOLOGY_GRAPH.value in store.graph_names()


def open_knowledge_graph(spec: str = "memory:", progress: Callable[[str], None] | None = None) -> Store:
    """``memory:`` loads the bundled knowledge graph afresh; other stores must be initialised."""
    if not parse_spec(spec).exists():  # a mistyped folder is not created by a command that only reads
        raise UsageError(f"there is no store {spec} (no such folder); create it with `coopsec init --store {spec}`")
    store = open_store(spec)
    if store.ephemeral:
        load_bundled(store, progress)
    elif not has_theory(store):
        store.close()
        if store.shared:
            raise UsageError(f"the endpoint {spec} holds no coopsec ontology; upload the knowledge graph "
                             f"with `coopsec push --store {spec}`")
        raise UsageError(f"the store {spec} holds no coopsec ontology; create it with `coopsec init --store {spec}`")
    return store
