"""Apache Jena's ``riot``: an RDF reader written apart from rdflib and Oxigraph, to check what coopsec writes.

Tests that use it are skipped only when there is no ``riot`` on the PATH (Apache Jena's ``bin/riot``, or
``/usr/bin/riot`` where a system package installs it); with it, a file riot cannot read, or reads with a
warning, fails the test with riot's own message.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

RIOT = shutil.which("riot")

needs_riot = pytest.mark.skipif(RIOT is None, reason="Apache Jena's riot is not installed (no riot on PATH)")


def riot_quads(path: Path) -> list[ox.Quad]:
    """The quads riot reads from ``path`` (its syntax known by its ending), as Oxigraph terms."""
    assert RIOT is not None
    assert path.is_file() and path.stat().st_size > 0, f"{path} is missing or empty"
    result = subprocess.run([RIOT, "--output=nquads", str(path)], capture_output=True, check=False, timeout=300)
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
