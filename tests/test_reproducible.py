"""Exports a tool opens offline, and the same input giving the same bytes: canonical blank nodes (RDFC-1.0),
a pinned time (SOURCE_DATE_EPOCH) and a stable order, checked across separate processes."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _coopsec(*args: str, cwd: Path, pinned: bool = True) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED")}
    env["PYTHONPATH"] = str(ROOT)
    if pinned:
        env["SOURCE_DATE_EPOCH"] = "1764460800"
    result = subprocess.run([sys.executable, "-m", "cooperative_security.cli", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_the_ontology_export_opens_offline_in_owlready2(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "coopsec.owl"
    result = cli("export", "--graph", "ontology", "--format", "rdfxml", "-o", str(out), "--no-classify")
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    assert "owl:imports" not in text and "modules/condition" not in text

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"owlready2 tried to fetch {args[0]!r}: the export is not self-contained")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    import owlready2

    world = owlready2.World()
    onto = world.get_ontology(out.as_uri()).load()
    assert onto.imported_ontologies == []
    labels = {str(c.label.first()) for c in world.classes() if c.label}
    assert len(labels) >= 90
    assert {"security community", "security regime", "GRIT"} <= labels
    community = world.search_one(iri="https://w3id.org/coopsec/ontology#SecurityCommunity")
    assert community is not None and community.is_a


def test_blank_nodes_are_canonical(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "ontology.nt"
    assert cli("export", "--graph", "ontology", "-f", "ntriples", "-o", str(out), "--no-classify").code == 0
    labels = {word for line in out.read_text().splitlines() for word in line.split() if word.startswith("_:")}
    assert labels, "the ontology holds anonymous class expressions"
    assert all(label.startswith("_:c14n") for label in labels), sorted(labels)[:5]


def test_the_same_input_gives_byte_identical_releases_and_exports(tmp_path: Path) -> None:
    runs = []
    for n in (1, 2):
        folder = tmp_path / f"run{n}"
        folder.mkdir()
        _coopsec("release", "-o", "release", cwd=folder)
        _coopsec("export", "-f", "jsonld", "-o", "all.jsonld", cwd=folder)
        runs.append(folder)
    names = sorted(p.relative_to(runs[0]) for p in runs[0].rglob("*") if p.is_file())
    assert len(names) == 8
    for name in names:
        first, second = (runs[0] / name).read_bytes(), (runs[1] / name).read_bytes()
        assert first == second, f"{name} differs between two runs"
    assert b"2025-11-30T00:00:00" in (runs[0] / "release" / "coopsec-dataset-0.1.0.trig").read_bytes()


def test_without_a_pinned_time_the_ontology_is_still_byte_identical(tmp_path: Path) -> None:
    for n in (1, 2):
        _coopsec("export", "--graph", "ontology", "-f", "turtle", "-o", f"o{n}.ttl", "--no-classify", cwd=tmp_path,
                 pinned=False)
    assert (tmp_path / "o1.ttl").read_bytes() == (tmp_path / "o2.ttl").read_bytes()



def test_the_dyad_years_run_follows_a_pinned_time(tmp_path: Path) -> None:
    """The dyad-years' run (its IRI and start time) follows SOURCE_DATE_EPOCH as the curated classifier's does
    (the whole file is byte-identical: tests/test_export_readers.py)."""
    layout = ROOT / "tests" / "data" / "layout"
    runs = []
    for n in (1, 2):
        out = tmp_path / f"dyads{n}.nq"
        _coopsec("dyads", "--from", "1990", "--to", "1991", "--data-dir", str(layout), "--format", "rdf",
                 "-o", str(out), cwd=tmp_path)
        runs.append(sorted(line for line in out.read_text(encoding="utf-8").splitlines()
                           if "/id/run/" in line.split(" ", 1)[0]))
    assert runs[0] and runs[0] == runs[1], "two pinned runs of `coopsec dyads` name their run differently"
    assert any("2025-11-30T00:00:00" in line for line in runs[0])
