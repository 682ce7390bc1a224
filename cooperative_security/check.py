"""``coopsec check``: HermiT over the ontology, the integrity queries, SHACL over curated data."""

from __future__ import annotations

from dataclasses import dataclass, field

from .ingest.validate import validate_triples
from .namespaces import compact
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


def run_checks(store: Store, reasoner: bool = True, shacl: bool = True) -> CheckReport:
    report = CheckReport()
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
            term, problem = row["term"], row["problem"]
            report.findings.append(Finding(query.title, term.value if term else "?", problem.value if problem else ""))
    if shacl:
        data = [q.triple for q in store.quads() if q.graph_name.value.startswith(  # type: ignore[union-attr]
            ("https://w3id.org/coopsec/graph/case/", "https://w3id.org/coopsec/graph/actors",
             "https://w3id.org/coopsec/graph/bibliography"))]
        report.checks_run.append("SHACL shapes over cases, actors and citations")
        for problem in validate_triples(data, "the store"):
            report.findings.append(Finding("SHACL", problem.record or "?", f"{problem.field or ''} {problem.message}"))
    return report
