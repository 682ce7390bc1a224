"""Issue 13, item 14: faults of the embedded store are errors naming the store, never "internal error".

A full disk is a real tmpfs of 6 MB (needs root and mount; skipped otherwise). A read-only store
folder is a real read-only bind mount (also needs root and mount).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str, *args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if user == "nobody" else []
    return subprocess.run([*prefix, sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)


@pytest.fixture
def tiny_disk() -> Iterator[Path]:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small tmpfs")
    where = Path(tempfile.mkdtemp(prefix="coopsec-full-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(where)], capture_output=True)
    if mounted.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], capture_output=True)
        shutil.rmtree(where, ignore_errors=True)


INGEST = """
import sys
from pathlib import Path
from cooperative_security.errors import StoreError
from cooperative_security.ingest import ingest_paths
from cooperative_security.store import open_store
store = open_store("oxigraph:" + sys.argv[1])
try:
    ingest_paths(store, [Path(sys.argv[2])])
    print("written")
except StoreError as exc:
    print("ingest:", exc)
try:
    store.close()
except StoreError as exc:
    print("close:", exc)
"""

COUNT = """
import sys
from cooperative_security.store import open_store
store = open_store("oxigraph:" + sys.argv[1])
print("triples:", store.count())
store.close()
"""


def test_a_full_disk_gives_internal_error(tiny_disk: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.nt"
    with big.open("w") as out:
        for i in range(200_000):  # about 14 MB of N-Triples: more than the disk holds
            out.write(f'<urn:s{i}> <urn:p> "value number {i} with some padding text" .\n')
    store = tiny_disk / "store"
    result = _python(INGEST, str(store), str(big))
    assert result.returncode == 0, result.stderr
    assert f"the disk holding the store {store} is full" in result.stdout and "needs about" in result.stdout
    assert "Traceback" not in result.stderr and "internal error" not in result.stdout
    leftovers = [p.name for p in store.iterdir() if p.name.startswith("bulk-")]
    # Fill what is left, then open again: the leftovers go first, and the store opens, whole and empty.
    try:
        with (tiny_disk / "filler").open("wb") as filler:
            while True:
                filler.write(b"\0" * 65536)
    except OSError:
        pass
    again = _python(COUNT, str(store))
    assert again.returncode == 0 and "triples: 0" in again.stdout, again.stderr
    assert not [p.name for p in store.iterdir() if p.name.startswith("bulk-")], leftovers


def test_a_read_only_store_directory_cannot_be_opened_even_by_read_only_commands(tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to bind-mount a folder read-only")
    store = tmp_path / "store"
    made = _python("import sys\nfrom cooperative_security.kb import load_theory\n"
                   "from cooperative_security.store import open_store\n"
                   "s = open_store('oxigraph:' + sys.argv[1]); load_theory(s); s.close()", str(store))
    assert made.returncode == 0, made.stderr
    view = Path(tempfile.mkdtemp(prefix="coopsec-readonly-"))
    mounted = subprocess.run(["mount", "--bind", "-o", "ro", str(store), str(view)], capture_output=True)
    if mounted.returncode != 0:
        view.rmdir()
        pytest.skip(f"cannot bind-mount here: {mounted.stderr.decode().strip()}")
    try:
        read = _python(COUNT, str(view))
        assert read.returncode == 0 and int(read.stdout.split("triples:")[1]) > 1000, read.stderr
        note = tmp_path / "note.ttl"
        note.write_text('<urn:s> <urn:p> "x" .\n')
        write = _python(INGEST, str(view), str(note))
        assert write.returncode == 0, write.stderr
        assert f"the store {view} is open read-only" in write.stdout and "Read-only file system" in write.stdout
    finally:
        subprocess.run(["umount", str(view)], capture_output=True)
        view.rmdir()
