"""Regressions from a new user's first hour: terminal tables that dropped text, case ids without a "did you
mean" (or refused in another letter case), and choice errors with pydantic's "Value error," prefix."""

from __future__ import annotations

import csv
import io
import re

import pytest
from rich.console import Console

from cooperative_security.catalogue import find_case
from cooperative_security.cli import common
from cooperative_security.errors import UnknownTerm

_BOX = re.compile(r"[\u2500-\u257f]")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")


def _terminal(monkeypatch: pytest.MonkeyPatch, width: int) -> io.StringIO:
    out = io.StringIO()
    monkeypatch.setattr(common, "console", Console(file=out, width=width, force_terminal=True, color_system=None))
    return out


def _tokens(text: str) -> set[str]:
    return set(_BOX.sub(" ", _ANSI.sub("", text)).split())


def _missing(rows: list[list[str]], text: str) -> list[str]:
    shown = _tokens(text)
    return [word for row in rows for cell in row for word in cell.split() if word not in shown]


@pytest.mark.parametrize("width", [60, 100, 120])
def test_terminal_table_keeps_every_word(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    rows = [["france-germany", "1950", "leap-of-trust 1950-05-09 (reciprocated)", "[1950] agree (Keating and "
             "Wheeler 2013); disagree (Deutsch et al. 1957 pp. 12-14)"],
            ["a", "b", "c " * 30, "an-extraordinarily-long-unbreakable-identifier-that-is-wide " * 3]]
    out = _terminal(monkeypatch, width)
    common.emit(common.Format.table, [dict(zip("abcd", r, strict=True)) for r in rows],
                [("a", "relationship"), ("b", "from"), ("c", "strategies"), ("d", "sources")], title="t")
    text = _ANSI.sub("", out.getvalue())
    assert not _missing(rows, text)
    lines = [line for line in text.splitlines() if line.strip() and line.strip() != "t"]
    assert all(line.rstrip()[-1] in "┃│┓┫┩┤┘" for line in lines), text  # the right border is drawn


def test_classify_table_in_a_100_column_terminal_drops_nothing(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    plain = cli("classify", "france-germany", "-f", "csv")
    assert plain.code == 0, plain.err
    table = list(csv.reader(io.StringIO(plain.out)))
    keep = [i for i, h in enumerate(table[0]) if h in {"from", "to", "position", "trust", "strategies", "sources"}]
    rows = [[r[i] for i in keep] for r in table[1:]]
    out = _terminal(monkeypatch, 100)
    result = cli("classify", "france-germany")
    assert result.code == 0, result.err
    assert "Wheeler" in out.getvalue()
    assert not _missing(rows, out.getvalue())


def test_find_case_folds_letter_case_and_suggests() -> None:
    known = ["asean", "france-germany", "korea"]
    assert find_case(known, "ASEAN") == "asean"
    assert find_case(known, "France-Germany") == "france-germany"
    with pytest.raises(UnknownTerm, match="did you mean korea"):
        find_case(known, "koreaa")


@pytest.mark.parametrize(("args", "suggestion"), [(("classify", "frnace-germany"), "france-germany"),
                                                  (("timeline", "koreaa"), "korea"),
                                                  (("cases", "koreaa"), "korea")])
def test_mistyped_case_gets_a_did_you_mean(cli, args: tuple[str, ...], suggestion: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(*args)
    assert result.code == 1
    assert f"did you mean {suggestion}?" in result.err


def test_case_ids_in_any_letter_case(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "France-Germany", "-f", "csv")
    assert result.code == 0, result.err
    assert "france-germany" in result.out
    result = cli("timeline", "KOREA")
    assert result.code == 0, result.err
    assert result.out.strip()


@pytest.mark.parametrize(("args", "expected"), [
    (("classify", "-f", "xml"), "'xml' is not one of 'table', 'json', 'csv', 'turtle'."),
    (("classify", "-f", "jsn"), "(did you mean 'json'?)"),
    (("export", "--format", "ttl"), "'ttl' is not one of 'turtle'"),
    (("validate", "-f", "xml"), "'xml' is not one of 'text'"),
    (("ingest-dataset", "icew", "FILE"), "(did you mean 'icews'?)"),
])
def test_choice_errors_are_clean(cli, tmp_path, args: tuple[str, ...], expected: str) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "events.csv"
    data.write_text("a,b\n")
    result = cli(*[str(data) if a == "FILE" else a for a in args])
    assert result.code == 2
    assert "Value error" not in result.err
    assert expected in result.err
    assert result.err.count("\n") <= 2  # one error line and the usage


def test_cases_and_the_api_find_a_case_in_any_letter_case(cli) -> None:  # type: ignore[no-untyped-def]
    """Regression: `coopsec cases ASEAN` and `cs.cases("ASEAN")` matched only the exact letter case."""
    import cooperative_security as cs

    result = cli("cases", "ASEAN")
    assert result.code == 0, result.err
    assert "asean" in result.out
    assert set(cs.cases("ASEAN")["case"]) == {"asean"}
