"""Regression test: `coopsec docs --lenient` built the site and said nothing of the warnings strict mode
refuses (mkdocs only logs them); it prints each, and `--config` builds another copy of the docs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("mkdocs", reason="the docs extra: pip install -e \".[docs]\"")
pytest.importorskip("material", reason="the docs extra: pip install -e \".[docs]\"")

ROOT = Path(__file__).resolve().parent.parent


def test_lenient_builds_another_config_and_prints_each_warning(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", copy / "docs")
    (copy / "cooperative_security").symlink_to(ROOT / "cooperative_security")  # the hooks: mkdocs.yml's path
    page = copy / "docs" / "guide" / "cli.md"
    page.write_text(page.read_text() + "\nSee [a draft](no-such-page.md).\n")
    result = cli("docs", "--lenient", "--config", str(copy / "mkdocs.yml"), "-o", str(tmp_path / "site"))
    assert result.code == 0, result.err
    assert ("coopsec docs: warning: Doc file 'guide/cli.md' contains a link 'no-such-page.md'" in result.err), \
        result.err
    assert "(1 warning above)" in result.out
    assert "a draft" in (tmp_path / "site" / "guide" / "cli.html").read_text()  # this copy, not the checkout's
