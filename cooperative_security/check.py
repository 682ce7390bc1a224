"""``coopsec check``: HermiT over the ontology, the integrity queries, SHACL over curated data."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pyoxigraph as ox

from .ingest.validate import validate_triples
from .namespaces import GRAPH, compact, graph
from .ontology import ONTOLOGY_GRAPH, reason
from .queries import list_queries
from .store import Store


@dataclass
class Finding:
    check: str
    term: str
    problem: str

    def __str__(self) -> str:
        return f"{self.check}: {compact(self.term)} {self.problem}"


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    checks_run: list[str] = field(default_factory=list)
    classes: int = 0

    @property
    def clean(self) -> bool:
        return not self.findings


#: where ``coopsec init`` records a checksum of each bundled graph, for ``coopsec check`` to compare
CHECKSUMS_GRAPH = graph("checksums")
_CHECKSUM = ox.NamedNode("http://spdx.org/rdf/terms#checksumValue")


def graph_checksum(store: Store, name: ox.NamedNode) -> str:
    """SHA-256 of a graph's triples in N-Triples, sorted, blank nodes canonical (RDFC-1.0): the same content gives
    the same sum, whatever labels a load gave its blank nodes (so exports stay byte-identical too)."""
    from .export.base import canonical

    digest = hashlib.sha256()
    for line in sorted(str(q.triple) for q in canonical(store.quads(name))):
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def record_checksums(store: Store) -> None:
    """After loading the bundled data: a checksum per graph (ingest records and checksums aside)."""
    names = [g for g in store.graph_names() if not g.startswith((GRAPH + "ingest/", CHECKSUMS_GRAPH.value))]
    store.replace_graphs({CHECKSUMS_GRAPH: [ox.Triple(ox.NamedNode(g), _CHECKSUM,
                                                      ox.Literal(graph_checksum(store, ox.NamedNode(g))))
                                            for g in names]})


def bundled_findings(store: Store) -> list[Finding]:
    """Bundled graphs missing, or changed since ``init``, by their recorded checksums."""
    recorded = {q.subject.value: q.object.value for q in store.quads(CHECKSUMS_GRAPH)
                if q.predicate == _CHECKSUM and isinstance(q.subject, ox.NamedNode)
                and isinstance(q.object, ox.Literal)}
    present = set(store.graph_names())
    findings = []
    for name, checksum in sorted(recorded.items()):
        if name not in present:
            findings.append(Finding("bundled data", name, "is missing: something removed it since `coopsec init` "
                                                          "(restore it with `coopsec init` on a fresh store)"))
        elif graph_checksum(store, ox.NamedNode(name)) != checksum:
            findings.append(Finding("bundled data", name, "has changed since `coopsec init` (its checksum differs): "
                                                          "an ingest with --replace, or an update, rewrote it"))
    return findings


def run_checks(store: Store, reasoner: bool = True, shacl: bool = True) -> CheckReport:
    report = CheckReport()
    report.checks_run.append("bundled graphs against their checksums from init")
    report.findings.extend(bundled_findings(store))
    ontology = [q.triple for q in store.quads(ONTOLOGY_GRAPH)]
    if not ontology:
        report.findings.append(Finding("ontology", ONTOLOGY_GRAPH.value, "is empty: nothing to check"))
        return report
    if reasoner:
        result = reason(ontology)
        report.checks_run.append("HermiT consistency and satisfiability")
        report.classes = len(result.inferred_superclasses)
        if not result.consistent and result.message:
            report.findings.append(Finding("HermiT", ONTOLOGY_GRAPH.value, result.message))
        for iri in result.unsatisfiable:
            report.findings.append(Finding("HermiT", iri, "is unsatisfiable (no individual can belong to it)"))
    queries = list_queries("checks")
    if not queries:
        report.findings.append(Finding("checks", "queries/checks", "holds no *-violation.rq queries"))
    for query in queries:
        report.checks_run.append(query.title)
        for row in store.select(query):
            term, text = row["term"], row["problem"]
            report.findings.append(Finding(query.title, term.value if term else "?", text.value if text else ""))
    if shacl:
        data = [q.triple for q in store.quads() if q.graph_name.value.startswith(  # type: ignore[union-attr]
            ("https://w3id.org/coopsec/graph/case/", "https://w3id.org/coopsec/graph/actors",
             "https://w3id.org/coopsec/graph/bibliography"))]
        report.checks_run.append("SHACL shapes over cases, actors and citations")
        for problem in validate_triples(data, "the store"):
            report.findings.append(Finding("SHACL", problem.record or "?", f"{problem.field or ''} {problem.message}"))
    return report
