"""Commands that write a folder or a file write it whole (issue 14): `site`, `docs`, `release`, `export -o` and
`timeline -o` build beside the target and rename into place, so that a crash leaves the target as it was and
no half-written output; a folder holding files coopsec did not write is refused, never overwritten.

Regressions: `coopsec site` crashed on a clean install and left a half-written folder; `coopsec docs` let
mkdocs empty whatever folder -o named; `export -o` into a missing folder was an internal error."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from cooperative_security.outputs import MARKER, replace_file, replace_folder


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".partial", ".old")) or ".partial" in p.name)


class Boom(RuntimeError):
    pass


def _earlier_site(folder: Path) -> Path:
    folder.mkdir()
    (folder / MARKER).write_text("built by coopsec site\n", encoding="utf-8")
    (folder / "index.html").write_text("<p>the earlier site</p>", encoding="utf-8")
    return folder


def test_a_site_that_crashes_leaves_no_folder_and_no_partial(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import cooperative_security.site.build as build

    def crash(store, out):  # type: ignore[no-untyped-def]
        (out / "index.html").write_text("<p>half", encoding="utf-8")
        raise Boom("the layout needs scipy")

    monkeypatch.setattr(build, "_build", crash)
    result = cli("site", "-o", str(tmp_path / "site"))
    assert result.code != 0 and "scipy" in result.err
    assert not (tmp_path / "site").exists()
    assert _leftovers(tmp_path) == []


def test_a_site_that_crashes_leaves_the_earlier_site_as_it_was(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import cooperative_security.site.build as build

    out = _earlier_site(tmp_path / "site")
    monkeypatch.setattr(build, "_build", lambda store, out: (_ for _ in ()).throw(Boom("crash")))
    assert cli("site", "-o", str(out)).code != 0
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>the earlier site</p>"
    assert _leftovers(tmp_path) == []


def test_a_new_site_replaces_the_earlier_one_whole(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import cooperative_security.site.build as build

    out = _earlier_site(tmp_path / "site")
    (out / "stale.html").write_text("a page of a concept since removed", encoding="utf-8")

    def small(store, folder):  # type: ignore[no-untyped-def]
        report = build.SiteReport(folder)
        report.pages.append(folder / "index.html")
        report.pages[0].write_text("<p>the new site</p>", encoding="utf-8")
        return report

    monkeypatch.setattr(build, "_build", small)
    result = cli("site", "-o", str(out))
    assert result.code == 0, result.err
    assert "replacing the earlier site" in result.out
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>the new site</p>"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("command", ["site", "docs"])
def test_a_folder_of_the_users_is_refused_and_left_alone(cli, tmp_path: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("three years of work", encoding="utf-8")
    result = cli(command, "-o", str(out))
    assert result.code == 2
    assert "thesis.tex" in result.err and "coopsec did not write" in result.err and "internal" not in result.err
    assert len(result.err.strip().splitlines()) <= 3
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]
    assert (out / "thesis.tex").read_text(encoding="utf-8") == "three years of work"


@pytest.mark.parametrize("command", ["site", "docs", "release"])
def test_a_file_where_a_folder_goes_is_a_usage_error(cli, tmp_path: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "out").write_text("x", encoding="utf-8")
    result = cli(command, "-o", str(tmp_path / "out"))
    assert result.code == 2 and "a file of that name exists" in result.err
    assert (tmp_path / "out").read_text(encoding="utf-8") == "x"


def test_a_failed_docs_build_leaves_the_earlier_build(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("mkdocs")
    import mkdocs.commands.build as mk
    from mkdocs.exceptions import Abort

    def broken(config, **_):  # type: ignore[no-untyped-def]
        Path(config["site_dir"], "index.html").write_text("half", encoding="utf-8")
        raise Abort("Aborted with 1 warnings in strict mode!")

    monkeypatch.setattr(mk, "build", broken)
    out = _earlier_site(tmp_path / "docs-site")
    result = cli("docs", "-o", str(out))
    assert result.code == 2 and "did not build" in result.err
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>the earlier site</p>"
    assert _leftovers(tmp_path) == []


def test_an_export_that_fails_leaves_the_earlier_file(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import cooperative_security.cli.publish as publish

    out = tmp_path / "kb.ttl"
    out.write_bytes(b"the earlier export\n")

    def half(store, fmt, fh, graph, endpoint):  # type: ignore[no-untyped-def]
        fh.write(b"@prefix cs: <https://w3id.org/coopsec/ontology#> .\ncs:A cs:b ")
        raise Boom("disk full")

    monkeypatch.setattr(publish, "export_dataset", half)
    assert cli("export", "-f", "turtle", "--graph", "case/asean", "--no-classify", "-o", str(out)).code != 0
    assert out.read_bytes() == b"the earlier export\n"
    assert _leftovers(tmp_path) == []


def test_an_export_replaces_the_file_and_says_so(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "kb.ttl"
    out.write_bytes(b"the earlier export\n")
    result = cli("export", "-f", "turtle", "--graph", "case/asean", "--no-classify", "-o", str(out))
    assert result.code == 0, result.err
    assert "replacing the file that was there" in result.err
    assert b"asean" in out.read_bytes() and (out.stat().st_mode & 0o777) != 0o600
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("target", ["no-such-folder/kb.ttl", "."])
def test_an_export_to_a_place_that_cannot_hold_it_is_a_usage_error(cli, tmp_path: Path, target: str,
                                                                    monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    result = cli("export", "-f", "turtle", "--graph", "case/asean", "--no-classify", "-o", target)
    assert result.code == 2 and "internal" not in result.err, result.err
    assert ("no folder" if "/" in target else "that is a folder") in result.err
    assert list(tmp_path.iterdir()) == []


def test_a_release_that_fails_writes_none_of_its_files(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import cooperative_security.export.release as release

    original = release._write_files

    def crash_after_the_first(store, out_dir, endpoint, stamp, version):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(release.WRITERS["trig"], "write", lambda *a, **k: (_ for _ in ()).throw(Boom("x")))
        return original(store, out_dir, endpoint, stamp, version)

    monkeypatch.setattr(release, "_write_files", crash_after_the_first)
    (tmp_path / "coopsec-ontology-0.0.9.ttl").write_text("an earlier version's release", encoding="utf-8")
    assert cli("release", "-o", str(tmp_path)).code != 0
    assert [p.name for p in tmp_path.iterdir()] == ["coopsec-ontology-0.0.9.ttl"]


def test_a_release_keeps_other_files_and_says_what_it_replaced(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "coopsec-void-0.1.0.ttl").write_text("this version's earlier release", encoding="utf-8")
    result = cli("release", "-o", str(tmp_path))
    assert result.code == 0, result.err
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert "void" in (tmp_path / "coopsec-void-0.1.0.ttl").read_text(encoding="utf-8").lower()
    replaced = [line for line in result.out.splitlines() if line.endswith("(replaced)")]
    assert len(replaced) == 1 and "coopsec-void-0.1.0.ttl" in replaced[0]
    assert len(list(tmp_path.iterdir())) == 8  # seven release files, notes.txt, and nothing half-written


def test_a_timeline_that_fails_leaves_no_picture(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import cooperative_security.cli.classify as classify_cli

    def half(case, periods, events, output):  # type: ignore[no-untyped-def]
        Path(output).write_bytes(b"\x89PNG half")
        raise Boom("crash")

    monkeypatch.setattr(classify_cli, "draw_timeline", half)
    assert cli("timeline", "korea", "-o", str(tmp_path / "korea.png")).code != 0
    assert list(tmp_path.iterdir()) == []


def test_replace_folder_and_file_are_whole_or_nothing(tmp_path: Path) -> None:
    with pytest.raises(Boom), replace_folder(tmp_path / "out", "site") as work:
        (work / "page.html").write_text("x", encoding="utf-8")
        raise Boom()
    assert list(tmp_path.iterdir()) == []
    with replace_folder(tmp_path / "out", "site") as work:
        (work / "page.html").write_text("x", encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MARKER, "page.html"]
    with pytest.raises(Boom), replace_file(tmp_path / "f.txt") as fh:
        fh.write(b"half")
        raise Boom()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_what_a_killed_build_left_is_removed_by_the_next_one(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A build killed with SIGKILL cannot clean up: its `.NAME.PID.XXXX.partial` stays. The next build beside
    the same target removes it once its process is gone, and leaves a running build's alone."""
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        out = tmp_path / "asean.ttl"
        killed = tmp_path / f".asean.ttl.{dead.pid}.x1y2.partial"
        killed.write_text("half a file", encoding="utf-8")
        killed_site = tmp_path / f".asean.ttl.{dead.pid}.z9.old"
        killed_site.mkdir()
        (killed_site / "previous").write_text("an earlier build", encoding="utf-8")
        live = tmp_path / f".asean.ttl.{running.pid}.k3.partial"
        live.write_text("being written", encoding="utf-8")
        other = tmp_path / f".notes.txt.{dead.pid}.q.partial"  # another target's: not this build's to sweep
        other.write_text("x", encoding="utf-8")
        result = cli("export", "-f", "turtle", "--graph", "case/asean", "--no-classify", "-o", str(out))
        assert result.code == 0, result.err
        assert out.is_file() and not killed.exists() and not killed_site.exists()
        assert live.read_text(encoding="utf-8") == "being written" and other.exists()
    finally:
        running.kill()
        running.wait()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, a folder no one can create files in")
def test_a_folder_that_refuses_files_is_named_as_given_not_by_the_temporary_name() -> None:
    """`timeline -o /sys/x.svg` said "/sys/.x.svg.8808.zhri9dat.partial.svg: Permission denied"."""
    from cooperative_security.errors import EnvironmentProblem
    from cooperative_security.outputs import replace_path

    with pytest.raises(EnvironmentProblem) as info, replace_path(Path("/proc/x.svg")):
        pass
    assert str(info.value).startswith("-o /proc/x.svg: cannot create a file in /proc (")
    assert ".partial" not in str(info.value)


def test_a_write_that_fails_part_way_names_the_output_and_leaves_it(tmp_path: Path) -> None:
    from cooperative_security.errors import EnvironmentProblem
    from cooperative_security.outputs import replace_path

    target = tmp_path / "out.csv"
    target.write_text("before\n", encoding="utf-8")
    with pytest.raises(EnvironmentProblem) as info, replace_path(target) as name:
        raise OSError(errno.ENOSPC, "No space left on device", str(name))
    assert str(info.value) == f"-o {target}: could not be written (No space left on device); nothing was changed there"
    assert target.read_text(encoding="utf-8") == "before\n" and sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, a device every write to fails as a full disk")
def test_a_full_disk_while_writing_names_the_output(tmp_path: Path) -> None:
    """A file object's write, flush or fsync fails without a file name: the full-disk error of a real write
    (to /dev/full) raised while writing the output is named by the output, not let through raw."""
    from cooperative_security.errors import EnvironmentProblem

    with open("/dev/full", "wb", buffering=0) as device, pytest.raises(OSError) as real:
        device.write(b"x")
    assert real.value.errno == errno.ENOSPC and real.value.filename is None
    target = tmp_path / "out.ttl"
    with pytest.raises(EnvironmentProblem) as info, replace_file(target):
        raise real.value
    assert str(info.value).startswith(f"-o {target}: could not be written (No space left on device)")
    assert list(tmp_path.iterdir()) == []
