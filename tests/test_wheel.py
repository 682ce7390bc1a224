"""A plain (non-editable) install carries the ontology, data and queries and gives a working coopsec."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    return next(out.glob("coopsec-*.whl"))


def test_the_wheel_contains_ontology_data_and_queries(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    base = "cooperative_security/_resources/"
    assert base + "ontology/coopsec.ttl" in names
    assert base + "data/bibliography.bib" in names
    assert base + "data/cases/france-germany.yaml" in names
    assert base + "queries/checks/class-without-label-violation.rq" in names
    assert base + "validation/expected.yaml" in names and base + "validation/cases/us-uk-rapprochement.yaml" in names
    assert "cooperative_security/py.typed" in names
    assert {"cooperative_security/layouts/case.yaml", "cooperative_security/layouts/actors.yaml",
            "cooperative_security/layouts/events.csv"} <= names, "coopsec schema needs its layouts"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    modules = [n for n in names if n.startswith(base + "ontology/modules/")]
    assert len(modules) >= 6


def test_a_plain_install_runs_from_anywhere(wheel: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHONPATH", raising=False)  # the installed wheel, not a checkout, must answer
    monkeypatch.delenv("COOPSEC_RESOURCES", raising=False)
    venv = tmp_path / "venv"
    # A venv made from inside a venv would not see its parent's packages through --system-site-packages,
    # so the dependencies come from the running interpreter's site folders by a .pth file (which adds the
    # folders alone: an editable install of the checkout recorded there is not followed).
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    own = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    parent = [p for p in sys.path if p.endswith("-packages") and Path(p).is_dir()]
    (Path(own) / "parent-site.pth").write_text("\n".join(parent) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--force-reinstall",
                    "-q", str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run([str(venv / "bin" / "coopsec"), "concepts", "--format", "json"], cwd=elsewhere,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) >= 90
    where = subprocess.run([str(python), "-c", "import cooperative_security.resources as r; print(r.resource_root())"],
                           cwd=elsewhere, capture_output=True, text=True, check=True).stdout
    assert "_resources" in where and str(venv) in where
