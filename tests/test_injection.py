"""Injection: hostile values fed to every parameterised query and to every update path never change
the structure of the SPARQL that runs; a lint test keeps Python from building SPARQL text."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_queries import DUCKDB_SQL

from cooperative_security.errors import UsageError
from cooperative_security.queries import Query, list_queries
from cooperative_security.store import Store, open_store
from cooperative_security.store.sparql_text import replace_graphs_update, with_values

ROOT = Path(__file__).resolve().parent.parent

CORPUS = [
    '"', "'", '"""', "'''", '\\"', "\\", "\\u0022", "\\U0000003E", "{", "}", "} UNION { ?s ?p ?o }",
    '" } ; DROP ALL ; INSERT DATA { <urn:x> <urn:y> "z" } #', "<", ">", "<http://evil/>", "> } ; CLEAR ALL ; <",
    "line\nbreak", "cr\rreturn", "tab\there", "# comment", "?s", "$s", "@en", "^^<urn:t>", ". ?s ?p ?o .",
    "\x00nul", "\u2028sep", "∀ ünïcödé 安全 \U0001f600", "\ufeffbom", "a" * 5000,
]
#: wrapped so that a hostile value cannot simply match data by containing an apostrophe
WRAPPED = [f"zq{v}qz" for v in CORPUS]
NEUTRAL = {"iri": "https://w3id.org/coopsec/id/nothing/none", "string": "zqnothingqz", "folded": "zqnothingqz",
           "integer": "0",
           "decimal": "0", "date": "1900-01-01"}
#: valid IRIs full of SPARQL punctuation: accepted, and must still change nothing
ODD_IRIS = ["http://example.org/a?x='1'&y=;DROP%20ALL", "http://example.org/#frag;?s", "urn:ALL;DROP",
            "http://example.org/%3E%7D%20UNION", "http://example.org/安全", "cs:Trust';DROP", "http://a/$s?p=@en"]
HOSTILE_IRIS = ["http://a> } ; DROP ALL ; <http://b", "http://a/\"quote", "http://a/ space", "http://a/\nnl",
                "http://a/{x}", "http://a/<x>", "urn:x\\u003E", "http://a/|", "http://a/^", "http://a/`"]


def parameterised() -> list[Query]:
    return [q for q in list_queries() if q.parameters]


@pytest.fixture(scope="module")
def store(kg: Store) -> Store:
    return kg


def test_there_are_parameterised_queries_to_test() -> None:
    queries = parameterised()
    assert len(queries) >= 10
    kinds = {p.kind for q in queries for p in q.parameters}
    assert "iri" in kinds and kinds & {"string", "folded"}


@pytest.mark.parametrize("query", parameterised(), ids=lambda q: q.name)
def test_hostile_values_never_change_a_query(store: Store, query: Query) -> None:
    run = store.construct if "CONSTRUCT" in "\n".join(
        line for line in query.text.splitlines() if not line.startswith("#")).upper() else store.select
    neutral = {p.name: p.to_term(NEUTRAL[p.kind]) for p in query.parameters}
    baseline = run(query, neutral)
    tried = 0
    for param in query.parameters:
        values = WRAPPED + (HOSTILE_IRIS + ODD_IRIS if param.kind == "iri" else [])
        for value in values:
            try:
                term = param.to_term(value)
            except UsageError:
                assert param.kind not in ("string", "folded"), f"a string parameter refused {value!r}"
                continue  # refused before reaching any query: fine
            if param.kind == "iri":
                assert isinstance(term, ox.NamedNode)
                assert not any(c in term.value for c in '<>"{}| \n\\^`'), f"NamedNode accepted {term.value!r}"
            if param.kind == "string":
                assert isinstance(term, ox.Literal) and term.value == value  # bound as-is, no mangling
            if param.kind == "folded":  # only its case and runs of spaces, as documented
                assert isinstance(term, ox.Literal) and term.value == " ".join(value.lower().split())
            result = run(query, {**neutral, param.name: term})
            assert result == baseline, f"{query.name}: ?{param.name}={value!r} changed the results"
            tried += 1
    assert tried > 0


def test_with_values_writes_only_escaped_terms() -> None:
    for value in CORPUS:
        text = with_values("SELECT ?v WHERE { }", {"v": ox.Literal(value)})
        store = ox.Store()
        rows = list(store.query(text))
        assert [row["v"] for row in rows] == [ox.Literal(value)], value


@pytest.mark.parametrize("name", ["v } . ?s ?p ?o . {", "v)", "1v", "v\n", ""])
def test_variable_names_are_checked(name: str) -> None:
    with pytest.raises(ValueError):
        with_values("SELECT * WHERE { }", {name: ox.Literal("x")})


@pytest.fixture
def fresh() -> Iterator[Store]:
    s = open_store("memory:")
    yield s
    s.close()


def _hostile_triples() -> list[ox.Triple]:
    s = ox.NamedNode("http://example.org/s")
    p = ox.NamedNode("http://example.org/p")
    triples = [ox.Triple(s, p, ox.Literal(v)) for v in CORPUS]
    triples += [ox.Triple(s, p, ox.Literal(v, language="en-gb")) for v in CORPUS[:5]]
    triples += [ox.Triple(s, p, ox.Literal(v, datatype=ox.NamedNode("http://example.org/dt?a=\"b\"")))
                for v in CORPUS[:5]] if _iri_ok("http://example.org/dt?a=\"b\"") else []
    triples += [ox.Triple(ox.BlankNode(), p, ox.Literal(v)) for v in CORPUS[:3]]
    return triples


def _iri_ok(value: str) -> bool:
    try:
        ox.NamedNode(value)
        return True
    except ValueError:
        return False


def test_replace_graphs_stores_hostile_literals_exactly_on_both_paths(fresh: Store) -> None:
    """First write (a transactional extend), then a replace (DROP + INSERT DATA text from sparql_text)."""
    g = ox.NamedNode("http://example.org/g")
    other = ox.NamedNode("http://example.org/other")
    fresh.replace_graphs({other: [ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("keep"))]})
    triples = _hostile_triples()
    for _ in range(2):  # the second time the graph exists: the update-text path
        fresh.replace_graphs({g: triples})
        stored = {(str(q.subject) if isinstance(q.subject, ox.NamedNode) else "_", str(q.predicate), str(q.object))
                  for q in fresh.quads(g)}
        wanted = {(str(t.subject) if isinstance(t.subject, ox.NamedNode) else "_", str(t.predicate), str(t.object))
                  for t in triples}
        assert stored == wanted
        assert fresh.graph_names() == sorted([g.value, other.value])
        assert fresh.count(other) == 1


def test_the_update_text_is_built_from_terms_only() -> None:
    g = ox.NamedNode("http://example.org/g")
    text = replace_graphs_update({g: _hostile_triples()})
    store = ox.Store()
    store.update(text)
    assert len(store) == len(_hostile_triples())
    assert {q.graph_name for q in store} == {g}


@pytest.mark.parametrize("iri", HOSTILE_IRIS)
def test_a_hostile_iri_is_rejected_before_reaching_any_update(iri: str) -> None:
    with pytest.raises(ValueError):
        ox.NamedNode(iri)


@pytest.mark.parametrize("tag", ["en} ; DROP ALL", "en\n", "en gb", '"'])
def test_a_hostile_language_tag_is_rejected(tag: str) -> None:
    with pytest.raises(ValueError):
        ox.Literal("x", language=tag)


#: text that can only be SPARQL (keywords are case-insensitive; English prose does not match)
SPARQL_TEXT = re.compile(
    r"\b(SELECT|CONSTRUCT|DESCRIBE)\b[^\n]*[?*{]|\bASK\s*\{|\b(INSERT|DELETE)\s+(DATA\s*|WHERE\s*)?\{"
    r"|\bWHERE\s*\{|\bPREFIX\s+[\w-]*:|\bGRAPH\s*(<[^/\s>]|[?$])|\b(FILTER|BIND|VALUES)\s*\("
    r"|\b(DROP|CLEAR)\s+(SILENT\s+)?(GRAPH|ALL|DEFAULT|NAMED)\b",
    re.IGNORECASE,
)


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _building(node: ast.AST) -> ast.AST | None:
    """The part of the expression that assembles text: what the lint looks into."""
    if isinstance(node, ast.JoinedStr):
        return node
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return node
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"format", "join",
                                                                                                 "replace"}:
        return node
    if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
        return node
    return None


def offending_lines(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        built = _building(node)
        if built is None:
            continue
        if any(SPARQL_TEXT.search(t) for t in _strings(built)):
            lines.append(node.lineno)
    return lines


def test_the_lint_catches_format_join_and_augmented_assignments(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text('a = "SELECT ?s WHERE {{ ?s ?p {} }}".format(x)\n'
                   'b = " ".join(["select ?s where {", x, "}"])\n'
                   'c = "PREFIX ex: <urn:>"\nc += x\n'
                   'd = "DELETE WHERE { ?s ?p %s }" % x\n'
                   'e = f"ASK {{ {x} }}"\n', encoding="utf-8")
    found = set(offending_lines(bad))
    assert found >= {1, 2, 5, 6}


def test_no_python_builds_sparql_with_format_join_or_concatenation() -> None:
    """Extends tests/test_queries.py's lint: .format(), .join(), .replace() and += too, case-insensitive,
    in the package, the benchmarks and the tests."""
    files = [p for folder in ("cooperative_security", "bench") for p in (ROOT / folder).rglob("*.py")]
    assert len(files) > 20
    allowed = {ROOT / "cooperative_security" / "store" / "sparql_text.py", *DUCKDB_SQL}
    offenders = [f"{p.relative_to(ROOT)}:{line}" for p in files if p not in allowed for line in offending_lines(p)]
    assert offenders == []
