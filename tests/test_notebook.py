"""docs/notebooks/first-hour.ipynb runs from top to bottom in a real Jupyter kernel (nbclient)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the test extras install nbformat")
nbclient = pytest.importorskip("nbclient", reason="the test extras install nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "notebooks" / "first-hour.ipynb"


def test_the_first_hour_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout's package
    monkeypatch.delenv("COOPSEC_RESOURCES", raising=False)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = {i: cell.get("outputs", []) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"}
    assert not [o for cell in outputs.values() for o in cell if o.get("output_type") == "error"]
    texts = ["".join(o.get("data", {}).get("text/plain", "")) for cell in outputs.values() for o in cell]
    joined = "\n".join(texts)
    assert "security-regime" in joined and "PRK" in joined and "731" in joined
    assert "CommonSecurity" in joined
