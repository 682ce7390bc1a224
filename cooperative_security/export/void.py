"""A VoID and DCAT description of the dataset: title, licence, version, counts, examples, endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import CoopsecError
from ..namespaces import DCTERMS, ID, MEDIA_TYPES, ONTOLOGY_IRI, OWL, RDF_TYPE, XSD, instance
from ..queries import load_query
from ..store import Store
from .base import DCAT, TRANSIENT_GRAPHS, VOID, Stamp

DATASET = instance("dataset", "coopsec")


@dataclass(frozen=True)
class Header:
    """What the ontology's header says about the release."""

    title: str
    description: str | None
    license: str | None
    version_iri: str
    version: str

    @property
    def stamp(self) -> Stamp:
        return Stamp(self.version_iri, self.version)


def ontology_header(store: Store) -> Header:
    rows = store.select(load_query("export/ontology-header"))
    if not rows or rows[0]["versionIRI"] is None:
        raise CoopsecError(
            "the ontology has no owl:versionIRI in graph ontology: add one to the owl:Ontology header of "
            "ontology/coopsec.ttl (e.g. <https://w3id.org/coopsec/ontology/0.1.0>)"
        )
    row = rows[0]
    version_iri = row["versionIRI"].value  # type: ignore[union-attr]
    version = row["version"].value if row["version"] is not None else version_iri.rstrip("/").rpartition("/")[2]
    return Header(
        title=row["title"].value if row["title"] is not None else "coopsec",
        description=row["description"].value if row["description"] is not None else None,
        license=row["license"].value if row["license"] is not None else None,
        version_iri=version_iri,
        version=version,
    )


def graph_counts(store: Store) -> dict[str, tuple[int, int]]:
    """Per named graph: (triples, distinct subjects)."""
    return {
        r["g"].value: (int(r["triples"].value), int(r["subjects"].value))  # type: ignore[union-attr]
        for r in store.select(load_query("export/store-graph-counts"))
    }


def distinct_triples(store: Store, graphs: Sequence[ox.NamedNode], counts: dict[str, tuple[int, int]]) -> int:
    """How many distinct triples ``graphs`` hold together, as VoID's ``void:triples`` of a dataset counts them
    (a triple in two graphs once; the sum of the graphs' counts is the number of quads). One query when
    ``graphs`` are all the graphs holding triples but the transient ones (what a whole export or the server
    describes); the quads of ``graphs`` read otherwise."""
    wanted = {g.value for g in graphs if counts.get(g.value, (0, 0))[0]}
    if len(wanted) <= 1:
        return sum(counts.get(g, (0, 0))[0] for g in wanted)
    if wanted == set(counts) - TRANSIENT_GRAPHS:
        return int(store.select(load_query("export/store-distinct-triples"))[0]["triples"].value)  # type: ignore[union-attr]
    return len({q.triple for g in sorted(wanted) for q in store.quads(ox.NamedNode(g))})  # only these graphs read


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))


def describe_dataset(
    store: Store, graphs: Sequence[ox.NamedNode], endpoint: str | None = None,
    files: Sequence[tuple[str, str]] = (),
) -> list[ox.Triple]:
    """VoID + DCAT triples for the dataset made of ``graphs``.

    ``endpoint`` is a SPARQL endpoint URL serving it; ``files`` are release files as (name, media type).
    """
    header = ontology_header(store)
    counts = graph_counts(store)
    d = DATASET

    def p(ns: str, local: str) -> ox.NamedNode:
        return ox.NamedNode(ns + local)

    triples = [
        ox.Triple(d, RDF_TYPE, p(VOID, "Dataset")),
        ox.Triple(d, RDF_TYPE, p(DCAT, "Dataset")),
        ox.Triple(d, p(DCTERMS, "title"), ox.Literal(header.title, language="en")),
        ox.Triple(d, p(OWL, "versionIRI"), ox.NamedNode(header.version_iri)),
        ox.Triple(d, p(DCAT, "version"), ox.Literal(header.version)),
        ox.Triple(d, p(VOID, "vocabulary"), ox.NamedNode(ONTOLOGY_IRI)),
        ox.Triple(d, p(VOID, "uriSpace"), ox.Literal(ID)),
        ox.Triple(d, p(VOID, "triples"), _integer(distinct_triples(store, graphs, counts))),
    ]
    if header.description:
        triples.append(ox.Triple(d, p(DCTERMS, "description"), ox.Literal(header.description, language="en")))
    if header.license:
        triples.append(ox.Triple(d, p(DCTERMS, "license"), ox.NamedNode(header.license)))
    if endpoint:
        triples.append(ox.Triple(d, p(VOID, "sparqlEndpoint"), ox.NamedNode(endpoint)))
    for row in store.select(load_query("export/example-resources")):
        triples.append(ox.Triple(d, p(VOID, "exampleResource"), ox.NamedNode(row["example"].value)))  # type: ignore[union-attr]
    for g in graphs:
        n, subjects = counts.get(g.value, (0, 0))
        triples += [
            ox.Triple(d, p(VOID, "subset"), g),
            ox.Triple(g, RDF_TYPE, p(VOID, "Dataset")),
            ox.Triple(g, p(VOID, "triples"), _integer(n)),
            ox.Triple(g, p(VOID, "distinctSubjects"), _integer(subjects)),
        ]
    for name, media_type in files:
        dist = instance("dataset", "coopsec/" + name)
        triples += [
            ox.Triple(d, p(DCAT, "distribution"), dist),
            ox.Triple(dist, RDF_TYPE, p(DCAT, "Distribution")),
            ox.Triple(dist, p(DCTERMS, "title"), ox.Literal(name)),
            ox.Triple(dist, p(DCAT, "mediaType"), ox.NamedNode(MEDIA_TYPES + media_type)),  # a dcterms:MediaType
            ox.Triple(dist, p(OWL, "versionIRI"), ox.NamedNode(header.version_iri)),
        ]
        if header.license:  # DCAT puts a licence on each distribution, where a consumer of the file looks
            triples.append(ox.Triple(dist, p(DCTERMS, "license"), ox.NamedNode(header.license)))
    return triples


def void_quads(store: Store, graphs: Sequence[ox.NamedNode], endpoint: str | None = None,
               files: Sequence[tuple[str, str]] = ()) -> list[ox.Quad]:
    from .base import VOID_GRAPH

    return [ox.Quad(t.subject, t.predicate, t.object, VOID_GRAPH)
            for t in describe_dataset(store, graphs, endpoint, files)]
