"""Regression tests: a syntax error in a query file someone wrote (`queries/<folder>/<name>.rq`, as
docs/development/extending.md says) was an "internal error"; it is a usage error naming the file and the line."""

from __future__ import annotations

from pathlib import Path

HEADER = """# Concepts about trust
#
# Answers: every concept whose label mentions trust.
# Parameters: none.
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def test_a_query_left_open_names_its_file_and_last_line(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    path = resources_copy / "queries" / "concepts" / "mine.rq"
    path.write_text(HEADER + 'SELECT ?c ?label WHERE { ?c rdfs:label ?label FILTER(CONTAINS(?label,"trust") }\n')
    result = cli("query", "concepts/mine")
    assert result.code == 2, result.err
    assert "internal error" not in result.err
    assert f"{path}:6: query concepts/mine does not parse, at the end of the file" in result.err
    assert "expected IN" in result.err  # what the parser says, without its character classes
    assert "[_]" not in result.err


def test_a_query_error_in_the_middle_names_the_line_and_column_of_the_file(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    path = resources_copy / "queries" / "concepts" / "mine.rq"
    # no PREFIX line: the header's four comment lines count, so the error is on line 6 of the file
    path.write_text(HEADER.replace("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n", "")
                    + "SELECT ?c ?label WHERE {\n  ?c rdfs:label ?label }\n")
    result = cli("query", "concepts/mine")
    assert result.code == 2, result.err
    assert f"{path}:6: query concepts/mine does not parse, at line 6, column 16: Prefix not found" in result.err
    assert "\\u{" not in result.err


def test_a_broken_rule_file_stops_classify_with_its_name(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    """Not only `query`: the rules run by `classify` go through the same store call."""
    path = resources_copy / "queries" / "classify" / "50-trust.rq"
    text = path.read_text()
    path.write_text(text.replace("WHERE", "WHERE WHERE", 1))
    line = text[: text.index("WHERE")].count("\n") + 1
    result = cli("classify", "france-germany", "--at", "1964")
    assert result.code == 2, result.err
    assert "internal error" not in result.err
    assert f"{path}:{line}: query classify/50-trust does not parse, at line {line}" in result.err
    assert 'expected "{"' in result.err


def test_a_good_query_of_ones_own_runs(cli, resources_copy: Path) -> None:  # type: ignore[no-untyped-def]
    path = resources_copy / "queries" / "concepts" / "mine.rq"
    path.write_text(HEADER + 'SELECT ?c ?label WHERE { GRAPH ?g { ?c rdfs:label ?label } FILTER(CONTAINS(?label,"trust")) }\n')
    result = cli("query", "concepts/mine", "--format", "csv")
    assert result.code == 0, result.err
    assert "trust" in result.out.lower() and len(result.out.splitlines()) > 2
