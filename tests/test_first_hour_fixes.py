"""Regression tests for what a new user met in a first hour: init twice, init memory:, init in a missing
folder, the case template and `check`, the classify example in the docs, the pandas merge example."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


def _coopsec(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line, piped (so tables are whole, as a user redirecting them sees them)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "cooperative_security.cli", *args], capture_output=True, text=True,
                          timeout=600, cwd=cwd, env=env)


# 1. init on a store that is initialised already


def test_init_twice_is_harmless(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = f"oxigraph:{tmp_path / 'kb'}"
    first = cli("init", "--store", store)
    assert first.code == 0, first.err
    again = cli("init", "--store", store)
    assert again.code == 0, again.err
    assert "already holds the bundled knowledge graph" in again.out and "nothing to do" in again.out
    assert "bundled actor" not in again.out + again.err
    assert re.search(r"\(\d+ triples\)", again.out)


def test_init_on_other_bundled_version_says_how_to_refresh(cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           resources_copy: Path) -> None:
    store = f"oxigraph:{tmp_path / 'kb'}"
    assert cli("init", "--store", store).code == 0
    actors = resources_copy / "data" / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8") + "\n# another release\n", encoding="utf-8")
    again = cli("init", "--store", store)
    assert again.code == 0, again.err
    assert "not this version" in again.out and "coopsec init --store oxigraph:NEWDIR" in again.out
    assert "bundled actor" not in again.out + again.err


# 2. init memory: and init in a folder whose parent is missing


def test_init_memory_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("init", "--store", "memory:")
    assert result.code == 2
    assert "oxigraph:DIR" in result.err and "memory:" in result.err
    assert "memory::" not in result.out


def test_init_in_missing_folder_names_it(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nope"
    result = cli("init", "--store", f"oxigraph:{missing / 'kb'}")
    assert result.code == 2
    assert f"{missing} does not exist" in result.err and "mkdir -p" in result.err
    assert "IO error" not in result.err and "mkdir if missing" not in result.err
    assert not missing.exists()


def test_init_on_a_file_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    afile = tmp_path / "file"
    afile.write_text("x")
    result = cli("init", "--store", f"oxigraph:{afile}")
    assert result.code == 2 and "is a file, not a folder" in result.err


# 4. a case written from the template passes check


def _evidence(case: dict) -> list[dict]:  # type: ignore[type-arg]
    return [e for event in case["events"] for e in event["evidence"]]


def test_case_template_ingests_and_passes_check(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    template = cli("schema", "case")
    assert template.code == 0
    assert all(e.get("kind") in ("documents", "mentions") for e in _evidence(yaml.safe_load(template.out)))
    # filled in minimally: the id is the file's stem and must not be a bundled case's
    case = tmp_path / "my-case.yaml"
    case.write_text(re.sub(r"(?m)^id: france-germany", "id: my-case", template.out), encoding="utf-8")
    store = f"oxigraph:{tmp_path / 'kb'}"
    ingested = cli("ingest", str(case), "--store", store)
    assert ingested.code == 0, ingested.err
    checked = cli("check", "--store", store, "--no-reasoner")
    assert checked.code == 0, checked.out + checked.err
    assert "does not say what it shows" not in checked.out


def test_modelling_doc_case_example_says_kind() -> None:
    text = (ROOT / "docs" / "modelling.md").read_text(encoding="utf-8")
    block = text.split("## Case files", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    evidence = _evidence(yaml.safe_load(block))
    assert evidence and all(e.get("kind") in ("documents", "mentions") for e in evidence)


# 5. the classify example in README and getting started is the real output


@pytest.fixture(scope="module")
def classify_output() -> list[str]:
    result = _coopsec("classify", "france-germany", "--at", "1964", "--explain")
    assert result.returncode == 0, result.stderr
    return [line.rstrip() for line in result.stdout.splitlines()]


@pytest.mark.parametrize("doc", ["README.md", "docs/getting-started.md"])
def test_classify_example_is_real_output(doc: str, classify_output: list[str]) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    after = text.split("coopsec classify france-germany --at 1964 --explain", 1)[1]
    block = after.split("```text\n", 1)[1].split("```", 1)[0]
    shown = [line.rstrip() for line in block.splitlines() if line.strip() not in ("", "...")]
    assert any("strategies" in line and "sources" in line for line in shown)
    assert any(line.startswith("  sources: ") for line in shown)
    for line in shown:
        assert line in classify_output, f"{doc}: not in the real output: {line!r}"


# 6. the pandas merge example reads the real output without a DtypeWarning


def _python_block(text: str, marker: str) -> str:
    start = text.index(marker)
    return text[text.index("```python\n", start) + len("```python\n"):].split("```", 1)[0]


@pytest.mark.skipif(not (SHARED_DATA / "cow").is_dir(), reason="needs the field's data sets in shared/data")
def test_readme_pandas_example_is_warning_free(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    out = tmp_path / "real.csv"
    result = _coopsec("dyads", "--data-dir", str(SHARED_DATA), "--from", "1990", "--to", "1995", "-o", str(out))
    assert result.returncode == 0, result.stderr
    header, *rows = out.read_text(encoding="utf-8").splitlines()
    stage = header.split(",").index("stage")
    # the real rows, those without a stage first, repeated: as long as 1946-2010 (where pandas warns), quicker made
    rows.sort(key=lambda r: next(csv.reader([r]))[stage] != "")
    while len(rows) < 400_000:
        rows += rows
    text = header + "\n" + "\n".join(rows) + "\n"
    for name in ("dyads.csv", "dyads-dir.csv"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    keys = "ccode1,ccode2,year\n2,20,1990\n"
    for name in ("my_dyad_years.csv", "my_directed_dyad_years.csv"):
        (tmp_path / name).write_text(keys, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:  # the file does provoke the warning read naively
        warnings.simplefilter("always")
        pd.read_csv(tmp_path / "dyads.csv")
    assert any("mixed types" in str(w.message) for w in caught)

    snippet = _python_block((ROOT / "README.md").read_text(encoding="utf-8"), "## Every dyad-year")
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            namespace: dict[str, object] = {}
            exec(compile(snippet, "README.md", "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(cwd)
    assert len(namespace["merged"]) >= 1  # type: ignore[arg-type]
    guide = _python_block((ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8"), "## A first dyad-year merge")
    assert 'dtype={"stage": "string", "no_data_reason": "string"}' in guide


def test_ingest_dataset_into_memory_says_nothing_is_kept(cli) -> None:  # type: ignore[no-untyped-def]
    """Regression: `ingest-dataset` without --store loaded into memory, printed its triples and kept nothing,
    without the note `ingest` gives."""
    result = cli("ingest-dataset", "mid", str(ROOT / "tests" / "data" / "mid-slice.csv"))
    assert result.code == 0, result.err
    assert "in memory: use --store oxigraph:DIR to keep them" in result.out
