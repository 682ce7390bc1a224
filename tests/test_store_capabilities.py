"""Code asks a store what it can do, never what it is (issue 12): the capabilities every store has
(``writable``, ``ephemeral``, ``shared``, ``closed``), the optional protocols ``BulkLoading`` and ``InProcess``,
and ``parse_spec`` as the one reader of a spec."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from cooperative_security.errors import UsageError
from cooperative_security.ingest import can_stream
from cooperative_security.serve import ServerConfig, make_server
from cooperative_security.store import BulkLoading, Capabilities, InProcess, Store, open_store, parse_spec

PACKAGE = Path(__file__).resolve().parent.parent / "cooperative_security"
#: datasets/ is being split into the layers by issue 12's pipeline work; it still builds an EmbeddedStore itself
NOT_YET: tuple[str, ...] = ()
STORE_NAMES = {"store", "kg", "target", "src", "source", "known", "s"}


def _violations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Name) and node.id in {"EmbeddedStore", "RemoteStore"}:
            found.append(f"{where}: names the class {node.id}")
        elif isinstance(node, ast.alias) and node.name in {"EmbeddedStore", "RemoteStore"}:
            found.append(f"{where}: imports the class {node.name}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "startswith" \
                and node.args and isinstance(node.args[0], ast.Constant) \
                and str(node.args[0].value).startswith(("memory", "oxigraph", "sparql")):
            found.append(f"{where}: reads a spec with startswith({node.args[0].value!r})")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "hasattr" \
                and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in STORE_NAMES:
            found.append(f"{where}: hasattr({node.args[0].id}, ...)")
    return found


def test_no_code_outside_the_store_package_asks_a_store_what_it_is() -> None:
    files = [p for p in PACKAGE.rglob("*.py")
             if p.relative_to(PACKAGE).parts[0] not in ("store", *NOT_YET)]
    assert len(files) > 50
    violations = [v for p in files for v in _violations(p)]
    assert violations == [], "ask the capabilities of cooperative_security.store instead:\n" + "\n".join(violations)


def test_the_guard_finds_what_it_forbids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path)
    bad = tmp_path / "bad.py"
    bad.write_text('from .store.embedded import EmbeddedStore\nif spec.startswith("memory"): pass\n'
                   'if hasattr(store, "raw"): pass\n', encoding="utf-8")
    assert len(_violations(bad)) == 3


def test_both_backends_answer_the_capabilities() -> None:
    memory = open_store("memory:")
    remote = open_store("sparql:http://127.0.0.1:9/query")  # nothing is asked of the endpoint
    try:
        assert isinstance(memory, Store) and isinstance(remote, Store)
        assert isinstance(memory, Capabilities) and isinstance(remote, Capabilities)
        assert (memory.writable, memory.ephemeral, memory.shared, memory.closed) == (True, True, False, False)
        assert (remote.writable, remote.ephemeral, remote.shared, remote.closed) == (False, False, True, False)
        assert isinstance(memory, BulkLoading) and isinstance(memory, InProcess)
        assert not isinstance(remote, BulkLoading) and not isinstance(remote, InProcess)
        assert can_stream(memory) and not can_stream(remote)
    finally:
        memory.close()
    assert memory.closed and not isinstance(memory, InProcess)


def test_an_on_disk_store_is_neither_ephemeral_nor_shared(tmp_path: Path) -> None:
    disk = open_store(f"oxigraph:{tmp_path / 'kb'}")
    try:
        assert (disk.writable, disk.ephemeral, disk.shared) == (True, False, False)
        assert isinstance(disk, InProcess) and disk.path is not None
    finally:
        disk.close()


def test_a_spec_is_read_in_one_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert parse_spec("oxigraph:kb").key == parse_spec(f"oxigraph:{tmp_path}/kb/").key
    assert parse_spec("memory:").ephemeral and parse_spec("sparql:http://x/q").shared
    for wrong in ("memory:x", "oxigraph:", "mem:", "http://x/q"):
        with pytest.raises(UsageError, match="memory: .*oxigraph:DIR.*sparql:"):
            parse_spec(wrong)


def test_serve_refuses_a_store_it_cannot_hold() -> None:
    with pytest.raises(UsageError, match="embedded store"):
        make_server(ServerConfig(port=0), open_store("sparql:http://127.0.0.1:9/query"))


def test_push_goes_to_a_shared_writable_store_only(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("push", "--store", f"oxigraph:{tmp_path / 'kb'}")
    assert result.code == 2 and "SPARQL endpoint" in result.err
    assert not (tmp_path / "kb").exists()  # refused from the spec, before anything is opened or created
    result = cli("push", "--store", "sparql:http://127.0.0.1:9/query")
    assert result.code == 2 and "read only" in result.err and "UPDATE_URL" in result.err


def test_remove_refuses_an_in_memory_store(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("remove", str(tmp_path / "case.yaml"), "--store", "memory:")
    assert result.code == 2 and "in-memory store" in result.err
