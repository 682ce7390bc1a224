"""The command line's conventions: usage errors are usage errors, --version, flags shown as flags, tables that
never break words."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from cooperative_security import __version__
from cooperative_security.cli import common


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, err
    assert "internal error" not in err and "Traceback" not in err, err
    return lines[0]


def test_version(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--version")
    assert result.code == 0, result.err
    assert result.out.strip() == f"coopsec {__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", __version__)


def test_a_misspelt_command_is_a_usage_error_with_a_suggestion(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("clasify")
    assert result.code == 2
    first = _one_error_line(result.err)
    assert "clasify" in first and "classify" in first
    assert "Usage: coopsec" in result.err


def test_an_option_without_its_value_names_the_command_and_its_usage(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "--format")
    assert result.code == 2
    first = _one_error_line(result.err)
    assert first.startswith("coopsec classify: error:") and "--format" in first
    assert "Usage: coopsec classify [OPTIONS]" in result.err


def test_an_unknown_option_and_a_bad_choice_are_usage_errors(cli) -> None:  # type: ignore[no-untyped-def]
    for args in (("classify", "--bogus"), ("concepts", "--format", "xml"), ("query", "-p")):
        result = cli(*args)
        assert result.code == 2, args
        _one_error_line(result.err)


def test_bare_coopsec_shows_the_commands_as_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli()
    assert result.code == 2
    shown = result.out + result.err
    assert "classify" in shown and "Usage: coopsec" in shown
    assert "internal error" not in shown


def test_a_flag_given_a_value_is_explained(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "--explain", "true")
    assert result.code == 2
    assert "--explain is a flag" in _one_error_line(result.err)


def test_a_mistyped_concept_gets_a_suggestion(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("describe", "securty comunity")
    assert result.code == 1
    assert "did you mean 'security community'" in _one_error_line(result.err)


def test_help_shows_flags_as_flags_and_lists_by_their_element(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "--help")
    assert result.code == 0
    assert "<bool>" not in result.out and "list[" not in result.out
    explain = next(line for line in result.out.splitlines() if "--explain" in line)
    assert "Add the reasons" in explain


def test_piped_tables_are_aligned_plain_text_with_whole_words(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "--at", "1969")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert "│" not in result.out and "┃" not in result.out
    header = next(i for i, line in enumerate(lines) if line.startswith("relationship"))
    assert set(lines[header + 1].replace(" ", "")) == {"-"}
    column = lines[header].index("position")
    rows = lines[header + 2:]
    rows = rows[:rows.index("")] if "" in rows else rows  # the table ends at a blank line (notes may follow)
    positions = {row[column:].split()[0] for row in rows}
    assert positions <= {"undetermined", "conflict-formation", "security-regime", "security-community",
                         "regional-integration", "unclassifiable"}, positions
    assert "security-regime" in positions and "security-community" in positions


def test_terminal_tables_wrap_between_words_never_inside(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.StringIO()
    monkeypatch.setattr(common, "console", Console(file=buffer, width=60, force_terminal=True, color_system=None))
    records = [{"case": "indonesia-malaysia", "position": "security-regime",
                "note": "a long explanation of why this relationship sits where it does on the spectrum"}] * 2
    common.emit(common.Format.table, records, [("case", "case"), ("position", "position"), ("note", "note")])
    text = buffer.getvalue()
    assert "indonesia-malaysia" in text and "security-regime" in text
    cells = [part.strip() for line in text.splitlines() for part in re.split(r"[│┃]", line)
             if part.strip() and not set(part.strip()) <= set("━─┏┓┗┛┡┩┳╇┴└┘┌┐╋┼┬")]
    words = {w for cell in cells for w in cell.split()}
    assert words <= {"case", "position", "note", "indonesia-malaysia", "security-regime", *records[0]["note"].split()}
    assert max(len(line) for line in text.splitlines()) <= 60


def test_csv_is_unchanged_for_programs(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "korea", "--format", "csv")
    assert result.code == 0
    assert result.out.splitlines()[0].startswith("relationship,members,from,to,position")


def test_a_file_the_system_refuses_is_an_error_naming_it_not_an_internal_error(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An OSError about a file (here a name longer than the file system allows) is the user's to fix: one
    line naming the file and the system's reason, exit 2."""
    out = tmp_path / ("x" * 300 + ".ttl")
    result = cli("export", "--format", "turtle", "-o", str(out))
    assert result.code == 2
    line = _one_error_line(result.err)
    assert line == f"coopsec: error: {out}: File name too long"
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a partial file


@pytest.mark.parametrize("args", [
    ["serve", "--port", "99999"],  # was an internal error (OverflowError from bind)
    ["serve", "--port", "-1"],
    ["timeline", "france-germany", "-o", "{tmp}/missing/x.svg"],
    ["classify", "france-germany", "--at", "1964-13-01"],
    ["classify", "no-such-case"],
    ["query", "concepts/subtypes", "--param", "nope=1"],
    ["ingest", "{tmp}/missing.yaml"],
    ["datasets", "check", "{tmp}/missing"],
    ["dyads", "--data-dir", "{tmp}/missing", "-o", "{tmp}/missing/x.csv"],
])
def test_odd_arguments_get_an_error_not_an_internal_error(cli, tmp_path, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    """A new user's first hour, as probed: each of these is a one-line error (exit 1 or 2)."""
    result = cli(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.code in (1, 2), (result.code, result.err)
    _one_error_line(result.err)


def test_an_unclassifiable_row_keeps_the_table_narrow_and_says_why_below(cli) -> None:  # type: ignore[no-untyped-def]
    """Asked about a date the case does not observe, the position cell says "unclassifiable" and the reason
    follows the table (it made the column 140 characters wide); the CSV, as the JSON, leaves the position
    empty and gives the reason in its own column (a position cell holding a sentence broke every reader that
    counts positions)."""
    for at, advice in (("1800", "record its events of 1800, and widen its `from`"),
                       ("1990", "record its events up to 1990, or extend its `to`")):
        result = cli("classify", "france-germany", "--at", at)
        assert result.code == 0, result.err
        lines = result.out.splitlines()
        row = next(line for line in lines if line.startswith("france-germany "))
        assert row.split()[1] == "unclassifiable" and len(row) < 100, row
        note = next(line for line in lines if line.startswith("france-germany: unclassifiable: "))
        assert f"not observed at {at} (observed 1944 to 1970-12-31): {advice}" in note, note
    csv = cli("classify", "france-germany", "--at", "1800", "-f", "csv")
    import csv as csvlib
    import io

    row = next(csvlib.DictReader(io.StringIO(csv.out)))
    assert row["position"] == "" and row["reason"].startswith("not observed at 1800"), row  # as the JSON
    assert list(row)[-2:] == ["observed_until", "reason"]  # new columns at the end
