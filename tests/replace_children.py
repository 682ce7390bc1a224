"""What the crash tests of a graph replacement share (tests/test_replace.py, test_replace_rebuild.py):
the end of the child script that replaces the big graph, and the trials that kill it at random moments.

The child is a real process that replaces a graph in an on-disk store; a test prepends the lines that
make it die at a chosen point (``os._exit``) or sends it SIGKILL, then reopens the store.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from cooperative_security.store.embedded import EmbeddedStore
from cooperative_security.store.folder import REPLACEMENT_FILE

#: the child's last lines: wrap the store (``Dies``, defined above them), replace the big graph with ``n``
#: new triples and close
REPLACE_AND_CLOSE = """
store._store = Dies(store._store)
print("ready", flush=True)
store.replace_graphs({G: [ox.Triple(ox.NamedNode(f"http://example.org/s{i}"), P, ox.Literal(f"new {i}"))
                          for i in range(n)]})
store.close()
print("done", flush=True)
"""


def kill_at_random(template: Path, tmp_path: Path, start: Callable[[Path, str], subprocess.Popen[str]],
                   old: list[ox.Triple], new_triples: list[ox.Triple], graph: ox.NamedNode, content: Callable[[Path], set[ox.Triple]],
                   seed: int) -> list[str]:
    """Time one whole replacement in ``template``, then four times: copy it, put the old content back,
    start the replacement and kill it with SIGKILL at a random moment; the reopened store (``content``)
    holds the old triples or the new ones, never a mix. Returns the outcomes."""
    started = time.monotonic()
    whole = start(template, "none")
    assert whole.communicate(timeout=600)[0].endswith("done\n")
    took = time.monotonic() - started
    new = set(new_triples)
    assert content(template) == new
    outcomes = []
    rng = random.Random(seed)
    for trial in range(4):
        folder = tmp_path / f"trial-{trial}"
        shutil.copytree(template, folder)
        store = EmbeddedStore(folder)  # back to the old content
        store.replace_graphs({graph: old})
        store.close()
        child = start(folder, "none")
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.2, 1.0) * took * (trial + 1) / 4)
        child.send_signal(signal.SIGKILL)
        child.communicate()
        got = content(folder)
        assert got in (set(old), new), f"trial {trial}: a mix of {len(got & set(old))} old and {len(got & new)} new"
        outcomes.append("new" if got == new else "old")
    return outcomes


def died_at(child: subprocess.Popen[str], folder: Path, committed: bool, written: tuple[str, ...]) -> None:
    """The child exited where it was told to (code 9), leaving the ``written`` files, with the journal of
    the replacement there exactly when it had committed."""
    _, err = child.communicate(timeout=600)
    assert child.returncode == 9, err
    assert all((folder / name).exists() for name in written), written
    assert (folder / REPLACEMENT_FILE).exists() == committed
