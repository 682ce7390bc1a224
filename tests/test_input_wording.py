"""Regression tests for two messages a new user could not act on: `dyads --from 1990-01` got pydantic's "Input
should be a valid integer" without the value, and a case file without `members:` and `events:` got "cannot
tell what this YAML holds"."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.parametrize("option, value", [("--from", "1990-01"), ("--to", "abc"), ("--from", "1990.5")])
def test_a_year_option_echoes_the_value_and_asks_for_a_year(cli, tmp_path: Path, option: str, value: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("dyads", option, value, "-o", str(tmp_path / "d.csv"))
    assert result.code == 2
    assert f"Invalid value for '{option}': '{value}' is not a year: write a year such as 1990" in result.err
    assert "Input should be" not in result.err
    assert not (tmp_path / "d.csv").exists()


def test_a_year_is_still_a_year(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # the years parse, and the command goes on to its next check (no data folder here)
    result = cli("dyads", "--from", "1990", "--to", "1991", "-o", str(tmp_path / "d.csv"))
    assert result.code == 2 and "give --data-dir DIR" in result.err and "not a year" not in result.err


@pytest.mark.parametrize("args, said", [
    (("serve", "--port", "abc"), "Invalid value for '--port': 'abc' is not a whole number (write one such as 8000)"),
    (("serve", "--timeout=x"), "Invalid value for '--timeout': 'x' is not a number (write one such as 10.0)"),
    (("dyads", "-o", "x.csv", "-j", "two"), "'two' is not a whole number (write one such as 4)"),
])
def test_any_number_option_echoes_the_value(cli, args: tuple[str, ...], said: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(*args)
    assert result.code == 2 and said in result.err, result.err
    assert "Input should be" not in result.err


CASE = """id: mine
label: Mine and yours
kind: dyad
from: 1990
to: 2000
"""


def test_a_case_file_without_members_and_events_says_what_it_lacks(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mine.yaml"
    path.write_text(CASE)
    result = cli("ingest", str(path))
    assert result.code == 1
    assert f"{path}: this looks like a case file (it has `id:`, `label:`, `kind:`, `from:`)" in result.err
    assert "it has no `members:` and no `events:`" in result.err
    assert "`coopsec schema case` prints the layout" in result.err
    assert "cannot tell" not in result.err


def test_a_case_file_with_members_but_no_events_is_refused_on_its_events(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mine.yaml"
    path.write_text(CASE + "members: [FRA, DEU]\n")
    result = cli("ingest", str(path))
    assert result.code == 1
    assert f"{path}:1: record mine: field 'events': needs a list of events (see `coopsec schema case`)" \
        in result.err, result.err


def test_a_yaml_of_no_kind_lists_the_keys_of_each(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "notes.yaml"
    path.write_text("notes: [one, two]\n")
    result = cli("ingest", str(path))
    assert result.code == 1
    assert f"{path}: cannot tell what this YAML holds: a case has `members:` and `events:`" in result.err
    assert "`coopsec schema actors`" in result.err
