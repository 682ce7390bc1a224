"""Every parameter a query's header declares is in scope where the store binds it.

A parameter is bound by a trailing VALUES block (cooperative_security/store/sparql_text.py), which SPARQL 1.1
joins after grouping and before projection (18.2.4.3). A variable the pattern never binds, or, in a query with
GROUP BY, one that is not a group key, is out of scope there: the VALUES block then joins with every row and the
parameter is ignored without a word. This reads each bundled query with rdflib's SPARQL algebra (an independent
parser) and checks where its parameters stand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from cooperative_security.queries import load_query
from cooperative_security.resources import queries_dir

_ABOVE = {"SelectQuery", "ConstructQuery", "AskQuery", "DescribeQuery", "Project", "Distinct", "Reduced", "Slice",
          "OrderBy", "ToMultiSet"}


def in_scope(text: str) -> set[str]:
    """The variables a trailing VALUES block can restrict: under the projection, the group keys and aggregate
    names of an aggregate query, or the variables the pattern binds."""
    node = translateQuery(parseQuery(text)).algebra
    while isinstance(node, CompValue) and node.name in _ABOVE:
        node = node.p
    found: set[str] = set()
    while isinstance(node, CompValue) and node.name in ("Extend", "Filter"):  # BIND, HAVING, select expressions
        if node.name == "Extend":
            found.add(str(node.var))
        node = node.p
    if isinstance(node, CompValue) and node.name == "AggregateJoin":
        group = node.p
        return found | {str(v) for v in (group.expr or [])}
    return found | {str(v) for v in getattr(node, "_vars", set())}


def _parameterised() -> list[str]:
    root = queries_dir()
    names = [str(p.relative_to(root).with_suffix("")) for p in sorted(root.rglob("*.rq"))]
    return [n for n in names if load_query(n).parameters]


@pytest.mark.parametrize("name", _parameterised())
def test_each_parameter_is_in_scope_where_it_is_bound(name: str) -> None:
    query = load_query(name)
    scope = in_scope(query.text)
    out = [p.name for p in query.parameters if p.name not in scope]
    assert not out, (f"{query.path}: parameter(s) {out} are not in scope at the trailing VALUES (in scope: "
                     f"{sorted(scope)}); make each a GROUP BY key or bind it in the pattern")


def test_the_check_finds_a_parameter_aggregated_away(tmp_path: Path) -> None:
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    assert "g" in in_scope(text) and "s" not in in_scope(text)  # ?s would be ignored if bound after grouping
    assert "s" in in_scope("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert "t" in in_scope('SELECT ?c WHERE { ?c ?p ?l BIND(LCASE(STR(?l)) AS ?t) }')
    assert "x" not in in_scope("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")


def test_a_parameter_aggregated_away_is_really_ignored_by_the_store() -> None:
    """What the check guards against, shown on the real store: bound after grouping, ?s restricts nothing."""
    import pyoxigraph as ox

    from cooperative_security.store.sparql_text import with_values

    store = ox.Store()
    g = ox.NamedNode("urn:g")
    for s in ("urn:a", "urn:b"):
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode("urn:p"), ox.Literal("x"), g))
    grouped = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    counts = [int(r["n"].value) for r in store.query(with_values(grouped, {"s": ox.NamedNode("urn:a")}))]
    assert counts == [2]  # both triples: the binding of ?s was ignored
    plain = "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert [r["s"].value for r in store.query(with_values(plain, {"s": ox.NamedNode("urn:a")}))] == ["urn:a"]
