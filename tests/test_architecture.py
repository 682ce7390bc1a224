"""The package's shape, as docs/development and the project's style ask: every module small (under 400
lines) and saying what it is for (a module docstring). A failure lists every offending module."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cooperative_security"
#: a module this long or longer is to be split by concern
MAX_LINES = 400


def _modules() -> list[Path]:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 50, f"only {len(modules)} modules found under {PACKAGE}"
    return modules


def _problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    where = path.relative_to(PACKAGE.parent).as_posix()
    found = []
    lines = len(text.splitlines())
    if lines >= MAX_LINES:
        found.append(f"{where}: {lines} lines (split it by concern: at most {MAX_LINES - 1})")
    docstring = ast.get_docstring(ast.parse(text, filename=str(path)))
    if not docstring or not docstring.strip():
        found.append(f"{where}: no module docstring (say what the module is for)")
    return found


def test_every_module_is_under_400_lines_and_has_a_docstring() -> None:
    problems = [p for path in _modules() for p in _problems(path)]
    assert problems == [], "modules to fix:\n" + "\n".join(problems)


def test_the_check_finds_a_long_module_and_a_missing_docstring(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "cooperative_security")
    (tmp_path / "cooperative_security").mkdir()
    long = tmp_path / "cooperative_security" / "long.py"
    long.write_text('"""Long."""\n' + "x = 1\n" * MAX_LINES, encoding="utf-8")
    bare = tmp_path / "cooperative_security" / "bare.py"
    bare.write_text("x = 1\n", encoding="utf-8")
    fine = tmp_path / "cooperative_security" / "fine.py"
    fine.write_text('"""Fine."""\n' + "x = 1\n" * (MAX_LINES - 2), encoding="utf-8")
    assert len(_problems(long)) == 1 and "401 lines" in _problems(long)[0]
    assert len(_problems(bare)) == 1 and "no module docstring" in _problems(bare)[0]
    assert _problems(fine) == []
