"""The package's shape, as docs/development and the project's style ask: every module small (under 400
lines) and saying what it is for (a module docstring), and no two modules importing each other, directly or
round a longer loop. A failure lists every offending module or loop."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import networkx as nx
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


def _imports(package: Path) -> nx.DiGraph:
    """Module -> the modules of the package it imports, anywhere in it (at the top, in a function, under
    TYPE_CHECKING): ``from . import x`` names the submodule ``x`` where there is one, else the package; and
    the packages whose ``__init__.py`` such an import runs."""
    files = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = nx.DiGraph()
    for module, path in files.items():
        here = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[:len(here.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                targets = [f"{target}.{a.name}" if f"{target}.{a.name}" in files else target for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for target in (t for t in targets if t in files and t != module):
                graph.add_edge(module, target)
                # importing a.b.c also runs a/b/__init__.py, unless it is a package the importer is in
                parts = target.split(".")
                for package in (".".join(parts[:n]) for n in range(1, len(parts))):
                    if package in files and package != module and not module.startswith(package + "."):
                        graph.add_edge(module, package)
    return graph


def _loops(package: Path) -> list[str]:
    """Each loop once, from its first module in sorted order."""
    turned = [c[c.index(min(c)):] + c[:c.index(min(c))] for c in nx.simple_cycles(_imports(package))]
    return sorted(" -> ".join([*c, c[0]]) for c in turned)


def test_no_two_modules_import_each_other() -> None:
    """Data flows down the layers: a module that needs one above it is given what it needs as an argument
    (as the server hands its IRI paths to the site's page), or the shared part moves below both."""
    assert len(_imports(PACKAGE)) > 50
    assert _loops(PACKAGE) == [], "import loops to break:\n" + "\n".join(_loops(PACKAGE))


def test_the_check_finds_an_import_loop(tmp_path: Path) -> None:
    package = tmp_path / "cooperative_security"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text('"""P."""\n', encoding="utf-8")
    (package / "sub" / "__init__.py").write_text('"""S."""\n', encoding="utf-8")
    (package / "sub" / "a.py").write_text('"""A."""\nfrom . import b\n', encoding="utf-8")
    (package / "sub" / "b.py").write_text('"""B."""\ndef f():\n    from ..top import x\n', encoding="utf-8")
    (package / "top.py").write_text('"""T."""\nfrom .sub.a import y\n', encoding="utf-8")
    (package / "alone.py").write_text('"""Alone."""\nfrom .sub import a\n', encoding="utf-8")
    assert _loops(package) == ["cooperative_security.sub.a -> cooperative_security.sub.b -> cooperative_security.top -> "
                               "cooperative_security.sub.a"]
