"""Regression tests: an option that takes one value, given twice, kept the last value without a word
(`classify france-germany --at 1964 --at 1965` answered for 1965 alone, exit 0)."""

from __future__ import annotations

import pytest


def test_classify_at_twice_is_refused_naming_both_dates(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "france-germany", "--at", "1964", "--at", "1965")
    assert result.code == 2 and result.out == ""
    assert ("--at is given twice to `coopsec classify` ('1964', '1965'), and it takes one value"
            in result.err), result.err
    assert "run the command once for each value" in result.err


@pytest.mark.parametrize("args, said", [
    (("classify", "france-germany", "--at=1964", "--at", "1965"), "--at is given twice"),
    (("query", "concepts/list", "-f", "json", "-fcsv"), "-f is given twice to `coopsec query` ('json', 'csv')"),
    (("datasets", "check", "-f", "json", "--format", "csv"),
     "-f/--format is given twice to `coopsec datasets check` ('json', 'csv')"),
    (("dyads", "--from", "1990", "--from", "1991", "--to", "1991"), "--from is given twice to `coopsec dyads`"),
    (("cases", "--store", "memory:", "--store", "oxigraph:/nowhere"), "--store is given twice to `coopsec cases`"),
    (("export", "--classify", "--no-classify"),
     "--classify and --no-classify are both given to `coopsec export`; they say opposite things"),
])
def test_every_single_valued_option_given_twice_is_refused(cli, args: tuple[str, ...], said: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(*args)
    assert result.code == 2, result
    assert said in result.err, result.err
    assert "internal error" not in result.err


def test_the_same_value_twice_and_a_flag_twice_still_run(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "france-germany", "--at", "1964", "--at=1964", "--explain", "--explain", "-f", "csv")
    assert result.code == 0, result.err
    rows = result.out.splitlines()
    assert rows[0].startswith("relationship,") and rows[1].startswith("france-germany,FRA;DEU,1963,")


def test_query_param_is_left_to_its_own_check(cli) -> None:  # type: ignore[no-untyped-def]
    """--param may be given several times (one per parameter): the query says when one parameter is given twice."""
    result = cli("query", "cases/timeline", "--param", "case=asean", "-f", "csv")
    assert result.code == 0, result.err
    twice = cli("query", "cases/timeline", "--param", "case=asean", "--param", "case=korea")
    assert twice.code == 2 and "--param case is given twice" in twice.err
