"""The typology: load the hub and its modules, and reason over them with HermiT.

owlready2 misreads Turtle, so it is handed N-Triples, in a fresh ``World`` each time (never the
global ``default_world``).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import EnvironmentProblem, InputError, Problem
from .namespaces import graph
from .resources import ontology_dir

ONTOLOGY_GRAPH = graph("ontology")


def ontology_files(root: Path | None = None) -> list[Path]:
    """The hub first, then the modules in name order."""
    base = root or ontology_dir()
    hub = base / "coopsec.ttl"
    modules = sorted((base / "modules").glob("*.ttl"))
    if not hub.is_file():
        raise InputError(Problem(str(hub), "the ontology hub is missing"))
    return [hub, *modules]


def parse_rdf_file(path: Path, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> list[ox.Triple]:
    """Parse one RDF file into triples; a syntax error names the file and line."""
    try:
        with path.open("rb") as fh:
            return [q.triple for q in ox.parse(fh, fmt, base_iri=path.resolve().as_uri())]
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(Problem(str(path), f"not valid {fmt.name}: {exc.msg}", line=line)) from exc


def load_ontology_triples(root: Path | None = None) -> list[ox.Triple]:
    triples: list[ox.Triple] = []
    for path in ontology_files(root):
        triples.extend(parse_rdf_file(path))
    return triples


def to_ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


@dataclass
class ReasonerReport:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    inferred_superclasses: dict[str, list[str]] = field(default_factory=dict)
    message: str = ""


def java_available() -> bool:
    return shutil.which("java") is not None


def reason(triples: list[ox.Triple]) -> ReasonerReport:
    """Run HermiT (through owlready2) over the given ontology triples."""
    if not java_available():
        raise EnvironmentProblem(
            "Java is not installed, and HermiT needs it to reason over the ontology; "
            "install a Java runtime (e.g. `apt-get install default-jre-headless`) and retry"
        )
    import owlready2

    # The modules are already merged in: owlready2 must not try to fetch the imports from the web.
    imports = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")
    local = [t for t in triples if t.predicate != imports]
    with tempfile.TemporaryDirectory(prefix="coopsec-owl-") as tmp:
        path = Path(tmp) / "coopsec.nt"
        path.write_bytes(to_ntriples(local))
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return ReasonerReport(False, message=f"HermiT finds the ontology inconsistent: {exc}")
        except Exception as exc:  # noqa: BLE001 - HermiT's Java errors come as plain exceptions
            raise EnvironmentProblem(f"HermiT could not run: {exc}") from exc
        nothing = world["http://www.w3.org/2002/07/owl#Nothing"]
        unsat = sorted(c.iri for c in world.inconsistent_classes() if c is not nothing)
        inferred = {
            c.iri: sorted(p.iri for p in c.is_a if hasattr(p, "iri"))
            for c in world.classes()
        }
        world.close()
    return ReasonerReport(not unsat, unsat, inferred)
