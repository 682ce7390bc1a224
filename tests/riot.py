"""Apache Jena's RIOT reader: an RDF reader written apart from rdflib and Oxigraph, to check what coopsec writes.

Jena is the one ``tests/test_jena.py`` runs (Debian's ``libapache-jena-java``, which ``.ci/run`` installs, or
``JENA_HOME``), started as ``riotcmd.riot``; tests that use it are skipped only where Jena cannot run. A file
riot cannot read, or reads with a warning, fails the test with riot's own message. JSON-LD is read with
Jena's JSON-LD 1.0 reader (``--syntax=jsonld10``, jsonld-java): its JSON-LD 1.1 reader needs a Jakarta JSON
Processing implementation that Debian does not package, and coopsec's JSON-LD uses nothing of 1.1.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from jena import classpath, skip_reason

needs_riot = pytest.mark.skipif(skip_reason() is not None, reason=f"Apache Jena's riot cannot run: {skip_reason()}")


def riot_quads(path: Path) -> list[ox.Quad]:
    """The quads riot reads from ``path`` (its syntax known by its ending), as Oxigraph terms."""
    assert path.is_file() and path.stat().st_size > 0, f"{path} is missing or empty"
    syntax = ["--syntax=jsonld10"] if path.suffix == ".jsonld" else []
    with tempfile.TemporaryDirectory() as work:
        result = subprocess.run(["java", "-cp", classpath(Path(work), logging=True), "riotcmd.riot", *syntax,
                                 "--output=nquads", str(path)], capture_output=True, check=False, timeout=300)
    complaints = [line for line in result.stderr.decode("utf-8", "replace").splitlines()
                  if "WARN" in line or "ERROR" in line]
    assert result.returncode == 0 and not complaints, f"riot could not read {path} cleanly: {result.stderr!r}"
    return list(ox.parse(result.stdout, format=ox.RdfFormat.N_QUADS))


def same_graph(a: list[ox.Quad], b: list[ox.Quad]) -> bool:
    """Whether two sets of quads are the same RDF graph once the named graphs are merged (blank nodes compared
    by RDF Dataset Canonicalization, not by label)."""

    def canonical(quads: list[ox.Quad]) -> set[ox.Triple]:
        dataset = ox.Dataset([ox.Quad(q.subject, q.predicate, q.object) for q in quads])
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return {q.triple for q in dataset}

    return canonical(a) == canonical(b)
