"""Command lines a hurried user types, which used to give a silent wrong answer or an internal error."""

from __future__ import annotations

from pathlib import Path

from cooperative_security.queries import load_query
from cooperative_security.store import Rows, open_store


def test_an_empty_query_result_still_has_its_columns(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "concepts/find", "--param", "text=zzz", "--format", "csv")
    assert result.code == 0 and result.out.splitlines() == ["concept"]  # it printed nothing, not even the header
    store = open_store("memory:")
    try:
        rows = store.select("SELECT ?a ?b WHERE { ?a ?b ?a } LIMIT 0")
        assert isinstance(rows, Rows) and rows == [] and rows.columns == ["a", "b"]
    finally:
        store.close()


def test_concepts_are_found_in_any_case(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "concepts/find", "--param", "text=Security   Regime", "--format", "csv")
    assert result.code == 0 and result.out.splitlines() == ["concept", "cs:SecurityRegime"]
    [parameter] = load_query("concepts/find").parameters
    assert parameter.kind == "folded" and parameter.to_term("Security  Dilemma").value == "security dilemma"


def test_a_parameter_given_twice_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "cases/timeline", "--param", "case=asean", "--param", "case=korea")
    assert result.code == 2  # korea's timeline came out, the first value dropped without a word
    assert "--param case is given twice ('asean' and 'korea')" in result.err


def test_an_empty_at_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("classify", "korea", "--at", "")
    assert result.code == 2 and "--at is empty" in result.err  # an empty shell variable gave every period


def test_release_refuses_an_endpoint_that_is_not_a_url(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for url in ("127.0.0.1:7878/query", "not a url", "http://example.org/q uery"):
        result = cli("release", "-o", str(tmp_path / "release"), "--endpoint", url)
        assert result.code == 2, result.err  # "internal error: ValueError: Invalid IRI code point ':'"
        assert f"--endpoint {url!r}: not an http(s) URL" in result.err and "internal error" not in result.err
    assert not (tmp_path / "release").exists()
