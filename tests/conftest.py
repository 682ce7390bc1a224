"""Shared fixtures: the bundled knowledge graph (loaded once) and an in-process command line."""

from __future__ import annotations

import fcntl
import pickle
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cooperative_security.classify import Period, classify
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
class WithValidation:
    store: Store
    cases: list[str]
    """The validation set's relationships, as load_validation returned them."""


@pytest.fixture(scope="session")
def kg_with_validation() -> Iterator[WithValidation]:
    """The bundled knowledge graph with the shipped validation set loaded on top (once per worker). Tests
    must not write to it."""
    from cooperative_security.validation import load_validation

    store = open_knowledge_graph("memory:")
    yield WithValidation(store, load_validation(store))
    store.close()


@pytest.fixture(scope="session")
def all_periods(kg_with_validation: WithValidation, tmp_path_factory: pytest.TempPathFactory,
                worker_id: str) -> list[Period]:
    """One classifier run over every relationship of ``kg_with_validation`` (about a minute on 2 cores):
    the tests of several files read it. The first worker to need it computes it; the others, waiting on a
    lock, read that run (pytest-xdist's recipe for session fixtures run once, with the standard library's
    file lock)."""
    if worker_id == "master":  # not under xdist
        return classify(kg_with_validation.store)
    shared = tmp_path_factory.getbasetemp().parent  # one folder for all the workers of this session
    path = shared / "all-periods.pickle"
    with open(shared / "all-periods.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.is_file():
            return pickle.loads(path.read_bytes())  # noqa: S301 (written by this session's own worker)
        periods = classify(kg_with_validation.store)
        path.write_bytes(pickle.dumps(periods))
        return periods


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
def refused(initialised_spec: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., str]:
    """``refused(name, content, *expected)``: ingest one file into the module's ``initialised_spec`` store; it
    must be refused, naming the file and every ``expected`` text, the store unchanged (snapshots.file_refuser).
    A test module may define its own ``refused``."""
    from snapshots import file_refuser

    return file_refuser(initialised_spec, tmp_path, capsys)


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
