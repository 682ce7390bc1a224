"""Exit codes as the table in docs/guide/cli.md gives them (a new user's audit found three that did not)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_closed_pipe_ends_quietly_with_141_not_as_rejected_input() -> None:
    """`coopsec classify --explain | head -1` exited 1, nothing on stderr (rich's answer to a closed pipe)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "cooperative_security.cli", "classify", "--explain"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # as `head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert first.startswith(b"Buzan's spectrum") and err == ""


def test_export_of_a_graph_that_names_nothing_is_exit_1_with_did_you_mean(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("export", "--format", "turtle", "--graph", "case/asian", "--no-classify")
    assert result.code == 1, result
    assert "no graph named 'case/asian' in the store (did you mean case/asean" in result.err
    assert result.out == ""


def test_ingest_dataset_of_a_missing_file_is_a_usage_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Exit 2, as `coopsec ingest` of a missing file and `dyads --data-dir` of a missing folder; it was 1."""
    missing = tmp_path / "nofile.csv"
    result = cli("ingest-dataset", "mid", str(missing))
    assert result.code == 2, result
    assert f"{missing}: no such file (`coopsec datasets` lists" in result.err
