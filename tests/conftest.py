"""Shared fixtures: the bundled knowledge graph (loaded once) and an in-process command line."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cooperative_security.cli import main
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.store import Store

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run the long-running tests too")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long run: opt in with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def kg() -> Iterator[Store]:
    """The bundled ontology and data in an in-memory store. Tests must not write to it."""
    store = open_knowledge_graph("memory:")
    yield store
    store.close()


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(scope="module")
def initialised_spec(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An on-disk store holding the bundled data (``coopsec init``), one per test module: each test uses
    cases or files of its own, or checks that a refusal left the store as it was."""
    spec = f"oxigraph:{tmp_path_factory.mktemp('store') / 'kg'}"
    assert main(["init", "--store", spec]) == 0
    return spec


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``coopsec ARGS`` in-process; returns exit code, stdout and stderr."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def resources_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of ontology/, data/ and queries/, used by the code through COOPSEC_RESOURCES."""
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.setenv("COOPSEC_RESOURCES", str(tmp_path))
    return tmp_path
