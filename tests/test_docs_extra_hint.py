"""Regression tests: `coopsec docs` without mkdocs said `pip install -e ".[docs]"`, which is wrong from any
folder but the checkout; the hint names the checkout coopsec runs from, or the extra's packages."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest

from cooperative_security.docs import install_hint

ROOT = Path(__file__).resolve().parent.parent


def _without_mkdocs(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in sys.modules if n == "mkdocs" or n.startswith("mkdocs.")] + ["mkdocs"]:
        monkeypatch.setitem(sys.modules, name, None)  # an import of it fails, as when it is not installed


def test_the_hint_names_the_checkout_from_another_folder(cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _without_mkdocs(monkeypatch)
    monkeypatch.chdir(tmp_path)
    result = cli("docs", "-o", str(tmp_path / "site"))
    assert result.code == 2, result
    assert "building the documentation needs mkdocs" in result.err
    assert f'pip install -e "{ROOT}[docs]"' in result.err, result.err
    assert '".[docs]"' not in result.err
    assert not (tmp_path / "site").exists()


def test_an_installed_package_is_told_the_extras_packages(tmp_path: Path) -> None:
    hint = install_hint(tmp_path / "site-packages" / "cooperative_security")  # no pyproject.toml beside it
    assert hint.startswith("pip install ") and " -e " not in hint and ".[docs]" not in hint
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    names = {re.split(r"[\[<>=]", r)[0] for r in extras["docs"]}
    asked = re.findall(r'"([^"]+)"', hint)
    assert asked == ["coopsec[docs]"] or {re.split(r"[\[<>=]", r)[0] for r in asked} == names, hint
