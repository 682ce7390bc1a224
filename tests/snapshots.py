"""A store's quads in a form two snapshots compare by (for the tests that check a refused input wrote nothing)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.store import Store, open_store

BLANK = ox.NamedNode("urn:bnode")


def snapshot(store: Store) -> set[ox.Quad]:
    """Every quad, blank nodes replaced by one placeholder (their labels differ from one load to the next)."""
    return {ox.Quad(BLANK if isinstance(q.subject, ox.BlankNode) else q.subject, q.predicate,
                    BLANK if isinstance(q.object, ox.BlankNode) else q.object, q.graph_name) for q in store.quads()}


def ingest_refused(spec: str, paths: list[Path], capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    """Ingest ``paths`` into the store ``spec`` through the command line: it must exit 1 with every ``expected``
    text in its message, show no internal error, and leave the store as it was. Returns the message."""
    from cooperative_security.cli import main

    store = open_store(spec)
    before = snapshot(store)
    store.close()
    capsys.readouterr()
    code = main(["ingest", *map(str, paths), "--store", spec])
    err = capsys.readouterr().err
    assert code == 1, err
    for text in expected:
        assert text in err, f"{text!r} not in: {err}"
    assert "please report" not in err and "internal error" not in err and "unexpected" not in err, err
    store = open_store(spec)
    try:
        assert snapshot(store) == before, "a refused file changed the store"
    finally:
        store.close()
    return err


def file_refuser(spec: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., str]:
    """``refused(name, content, *expected)``: write ``content`` (text or bytes) to ``tmp_path / name`` and
    ingest it through the command line, as :func:`ingest_refused` (which must find the file's path and every
    ``expected`` text in the message, and the store unchanged). Returns the message."""

    def run(name: str, content: str | bytes, *expected: str) -> str:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return ingest_refused(spec, [path], capsys, str(path), *expected)

    return run
