"""`coopsec dyads` classifies in parts at once: the same rows as one store, whatever the number of parts.

Each part is a real in-memory Oxigraph store holding the dyads of some lineages (ingest.dyad_years.part_of),
built from the slices under tests/data by the real ingest and classified by the real SPARQL rules.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.classify.dyads import classify_parts
from cooperative_security.export.dyads import dataframe
from cooperative_security.export.dyads_rdf import write_rdf
from cooperative_security.ingest.dyad_years import (
    DYADS_GRAPH,
    INFERRED_GRAPH,
    REQUEST_GRAPH,
    RULES_GRAPH,
    DataFiles,
    build_parts,
    new_store,
    part_of,
    successions,
)

HERE = Path(__file__).parent / "data"
FILES = DataFiles(HERE / "layout")


def classified(parts: int, first: int = 1950, last: int = 2010) -> list:  # type: ignore[type-arg]
    stores = [new_store() for _ in range(parts)]
    build_parts(stores, FILES, first, last)
    classify_parts(stores, first, last)
    return stores


@pytest.fixture(scope="module")
def one():  # type: ignore[no-untyped-def]
    return classified(1)


@pytest.mark.parametrize("parts", [2, 3])
def test_parts_give_the_same_rows_as_one_store(one, parts: int) -> None:  # type: ignore[no-untyped-def]
    stores = classified(parts)
    # the work is shared out: more than one part holds dyad-years
    assert sum(1 for s in stores if next(s.raw.quads_for_pattern(None, None, None, DYADS_GRAPH), None)) > 1
    together, alone = dataframe(stores), dataframe(one)
    assert len(together) == len(alone) > 100
    assert together.equals(alone)
    assert dataframe(stores, directed=True).equals(dataframe(one, directed=True))


def test_a_lineage_is_never_split_between_parts(one) -> None:  # type: ignore[no-untyped-def]
    succession = successions(one[0])
    assert succession[260] == 255  # the German Federal Republic continues Germany's record
    for parts in (2, 3, 4, 7):
        assert part_of(220, 260, succession, parts) == part_of(220, 255, succession, parts)
        assert part_of(260, 220, succession, parts) == part_of(220, 260, succession, parts)
    # France-GFR is a community only after a whole window counted over Germany's years too: parts agree
    frame = dataframe(classified(3)).set_index(["ccode1", "ccode2", "year"])
    alone = dataframe(one).set_index(["ccode1", "ccode2", "year"])
    assert frame.loc[(220, 260)].position.tolist() == alone.loc[(220, 260)].position.tolist()


def test_rdf_of_parts_holds_each_quad_of_one_store_once(one, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stores = classified(2)

    def quads(path: Path) -> list[ox.Quad]:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))

    write_rdf(stores, tmp_path / "parts.nq")
    write_rdf(one, tmp_path / "one.nq")
    got, want = quads(tmp_path / "parts.nq"), quads(tmp_path / "one.nq")
    assert len(got) == len(set(got))  # the rules and the request once, not once per part

    def by_graph(qs: list[ox.Quad], g: ox.NamedNode, data: bool = True) -> set[ox.Quad]:
        # the dyads' and dyad-years' own triples; the rest (the run's provenance) names each run's own IRI
        return {q for q in qs if q.graph_name == g and data == ("/id/dyad" in q.subject.value)}

    for g in (DYADS_GRAPH, INFERRED_GRAPH):
        assert by_graph(got, g) == by_graph(want, g) != set(), g
    for g in (INFERRED_GRAPH, REQUEST_GRAPH, RULES_GRAPH):  # the run's provenance once, not once per part
        assert len(by_graph(got, g, data=False)) == len(by_graph(want, g, data=False)) > 0


def test_cli_jobs_gives_the_same_csv(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outputs = []
    for jobs in ("1", "3"):
        out = tmp_path / f"jobs-{jobs}.csv"
        result = cli("dyads", "--from", "1985", "--to", "1995", "--data-dir", str(HERE / "layout"), "--jobs", jobs,
                     "-o", str(out))
        assert result.code == 0, result.err
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") > 100
    bad = cli("dyads", "--data-dir", str(HERE / "layout"), "--jobs", "0", "-o", str(tmp_path / "x.csv"))
    assert bad.code != 0 and "--jobs" in bad.err
    bad = cli("dyads", "--store", f"oxigraph:{tmp_path / 'kg'}", "--jobs", "2", "-o", str(tmp_path / "x.csv"))
    assert bad.code != 0 and "--jobs is for --data-dir" in bad.err and not (tmp_path / "x.csv").exists()


def test_a_bad_row_read_while_other_files_load_is_located_and_nothing_is_written(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The files are read at once, each in its own thread: a bad row still stops the command with the
    file, the line and the field, the first bad file in the order the files are read (major powers before
    contiguity), and no output."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(HERE / "layout", data, symlinks=False)
    majors = data / "cow" / "major-powers.csv"
    lines = majors.read_text().splitlines()
    majors.unlink()
    majors.write_text("\n".join([lines[0], lines[1], lines[2].replace(",1816,", ",x,", 1), *lines[3:]]) + "\n")
    contiguity = data / "cow" / "direct-contiguity.csv"
    text = contiguity.read_text()
    contiguity.unlink()
    contiguity.write_text(text + "2,20,9,1973-07-01,2016-12-01\n")
    out = tmp_path / "dyads.csv"
    result = cli("dyads", "--from", "1990", "--to", "1991", "--data-dir", str(data), "--jobs", "2", "-o", str(out))
    assert result.code != 0
    assert f"{majors}:3: field 'styear'" in result.err, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert not out.exists()


def test_the_read_back_is_bounded_and_leaves_nothing_behind(one, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """DuckDB's memory for the read-back is bounded (it spills to a temporary folder of its own): the same
    table within the bound, the same again when the bound is too small for DuckDB (it tries once more
    without it), and neither a spill folder nor anything in the current folder remains."""
    import tempfile

    from cooperative_security.export import dyads as export

    expected = tmp_path / "expected.csv"
    export.write_table(one, expected)
    spill, here = tmp_path / "spill", tmp_path / "here"
    spill.mkdir()
    here.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill))
    monkeypatch.chdir(here)
    limits: list[str] = []
    bounded = export._bounded

    @contextlib.contextmanager
    def spy(limit):  # type: ignore[no-untyped-def]
        with bounded(limit) as con:
            limits.append(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
            yield con

    monkeypatch.setattr(export, "_bounded", spy)
    # DuckDB gives 256MB as 244.1 MiB; it needs about 61 MiB even for the slices, so 8MB is too little
    for bound, shown, tries in (("256MB", "244.1 MiB", 1), ("8MB", "7.6 MiB", 2)):
        monkeypatch.setattr(export, "READ_BACK_MEMORY", bound)
        limits.clear()
        got = tmp_path / f"got-{bound}.csv"
        assert export.write_table(one, got) > 100
        assert got.read_bytes() == expected.read_bytes(), bound
        assert len(limits) == tries and limits[0] == shown and limits[-1] != "7.6 MiB"
    assert export.dataframe(one).equals(dataframe(one))
    assert not list(spill.iterdir()) and not list(here.iterdir())


@pytest.mark.parametrize("parts", [1, 2])
def test_progress_names_each_file_and_counts_the_triples_loaded(parts: int) -> None:
    calls: list[tuple[str, int, int | None, int | None]] = []
    stores = [new_store() for _ in range(parts)]
    written = build_parts(stores, FILES, 1985, 1995, progress=lambda *call: calls.append(call))
    read = {name for name, *_ in calls if name != "loading"}
    assert {"universe", "majors", "contiguity", "distance", "mid", "war", "atop", "igo"} <= read
    loading = [rows for name, rows, *_ in calls if name == "loading"]
    assert loading == sorted(loading) and loading[-1] == written > 1000
    assert written == sum(len(s.raw) for s in stores) - sum(len(new_store().raw) for _ in stores)
