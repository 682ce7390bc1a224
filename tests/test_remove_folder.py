"""`coopsec remove DIR` takes out what `coopsec ingest DIR` put in.

`coopsec ingest my-cases/` read every file of the folder, but `coopsec remove my-cases/` was refused ("holds
nothing ingested from .../my-cases"): the ingest records name files, never folders, so the user had to name
every file again, in an order that broke no reference. A folder now stands for the files ingest would read
in it; they are removed together in one update (a reference from one to another breaks nothing), and a
file of the folder that the store holds nothing from stops the removal with its path, leaving the store as
it was.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from small_cases import ONE_TREATY_CASE
from snapshots import snapshot

from cooperative_security.namespaces import GRAPH
from cooperative_security.store import open_store

CSV = "case,id,date,type,by,level,label,work,pages\nmine,visit,1953-06,LeadershipVisit,frn;gfr,elite,A visit,doe-2020,5\n"
BIB = "@book{doe-2020,\n  author = {Doe, Jane},\n  title = {A History},\n  year = {2020},\n}\n"


def _snapshot(spec: str) -> set[ox.Quad]:
    store = open_store(spec)
    try:
        return snapshot(store)
    finally:
        store.close()


def _folder(tmp_path: Path) -> Path:
    """A case, an events CSV adding to it, and the work both cite: each file refers to another."""
    folder = tmp_path / "my-cases"
    folder.mkdir()
    (folder / "mine.yaml").write_text(ONE_TREATY_CASE.format(id="mine", work="doe-2020"), encoding="utf-8")
    (folder / "more.csv").write_text(CSV, encoding="utf-8")
    (folder / "refs.bib").write_text(BIB, encoding="utf-8")
    return folder


def test_remove_takes_a_folder_as_ingest_does_and_leaves_the_store_as_before(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", spec).code == 0
    before = _snapshot(spec)
    folder = _folder(tmp_path)
    ingested = cli("ingest", str(folder), "--store", spec)
    assert ingested.code == 0, ingested.err
    assert {GRAPH + "case/mine", GRAPH + "events/more"} <= {q.graph_name.value for q in _snapshot(spec)}  # type: ignore[union-attr]
    removed = cli("remove", str(folder), "--store", spec)
    assert removed.code == 0, removed.err
    assert f"removed {GRAPH}case/mine: " in removed.out and f"removed {GRAPH}events/more: " in removed.out
    assert "removed 3 graph(s) from 3 files" in removed.out and "1 ingest record(s)" in removed.out
    assert _snapshot(spec) == before  # every graph and the ingest's record gone, nothing else touched


def test_a_file_of_the_folder_the_store_does_not_hold_stops_the_removal(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", spec).code == 0
    folder = _folder(tmp_path)
    assert cli("ingest", str(folder), "--store", spec).code == 0
    (folder / "later.ttl").write_text("<https://example.org/a> <https://example.org/b> \"c\" .\n", encoding="utf-8")
    held = _snapshot(spec)
    removed = cli("remove", str(folder), "--store", spec)
    assert removed.code == 1
    error = " ".join(removed.err.split())
    assert f"holds nothing ingested from {(folder / 'later.ttl').resolve()}" in error
    assert "nothing of the 4 files was removed" in error and "a folder stands for every file" in error
    assert "internal error" not in removed.err
    assert _snapshot(spec) == held
    # the files that were ingested, named one by one, go together: the CSV's reference to the case breaks nothing
    named = cli("remove", *(str(folder / n) for n in ("more.csv", "mine.yaml", "refs.bib")), "--store", spec)
    assert named.code == 0, named.err


def test_a_folder_whose_files_others_refer_to_is_refused_whole(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", spec).code == 0
    folder = _folder(tmp_path)
    assert cli("ingest", str(folder), "--store", spec).code == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "extra.csv").write_text(CSV.replace("visit,1953-06", "second,1954-02"), encoding="utf-8")
    assert cli("ingest", str(other / "extra.csv"), "--store", spec).code == 0
    held = _snapshot(spec)
    refused = cli("remove", str(folder), "--store", spec)
    assert refused.code == 1 and "nothing removed" in refused.err and "extra.csv" in refused.err
    assert _snapshot(spec) == held
