"""Every query file has a header; parameters are bound, never pasted."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from probes import PROBE, probe_store

from cooperative_security.errors import UsageError
from cooperative_security.queries import list_queries, load_query, query_for_text
from cooperative_security.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent


def test_every_query_file_starts_with_a_header_saying_what_it_answers() -> None:
    queries = list_queries()
    assert len(queries) >= 25
    for q in queries:
        assert q.title, q.path
        assert q.answers, f"{q.path} has no 'Answers:' line"
        for param in q.parameters:
            body = "\n".join(line for line in q.text.splitlines() if not line.startswith("#"))
            assert f"?{param.name}" in body, f"{q.name} declares ?{param.name} but never uses it"


def test_every_parameters_line_says_none_or_lists_parameters_the_reader_understands() -> None:
    """A ``# Parameters:`` line is ``none.`` or is followed by ``#   ?name kind  what it is`` lines that the
    header reader parses: a parameter described in prose on the line itself (graph-size.rq had one) is not
    declared, so ``coopsec query`` cannot bind it and ``--help`` does not show it."""
    for q in list_queries():
        line = next((x for x in q.text.splitlines() if x.startswith("# Parameters:")), None)
        assert line is not None, f"{q.path} has no '# Parameters:' line"
        rest = line.split(":", 1)[1].strip()
        assert rest in ("none.", ""), f"{q.path}: '{line}': say 'none.' or list each parameter on its own line"
        assert rest == "none." or q.parameters, f"{q.path}: 'Parameters:' with no parameter line the reader parses"

def test_every_query_parses(kg) -> None:  # type: ignore[no-untyped-def]
    for q in list_queries():
        if q.name.startswith("classify/"):
            continue
        bindings = {p.name: p.to_term("cs:Trust" if p.kind == "iri" else "x") for p in q.parameters}
        if re.search(r"^(MOVE|COPY|ADD|INSERT|DELETE|DROP|CLEAR|LOAD|CREATE)\b", q.text, re.MULTILINE):
            ox.Store().update(q.text)  # an update (a graph switch): it parses and runs on an empty store
        elif re.search(r"^ASK\b", q.text, re.MULTILINE):
            assert kg.ask(q, bindings) in (True, False)
        else:
            kg.select(q, bindings)


def test_unknown_and_missing_parameters_are_usage_errors() -> None:
    q = load_query("concepts/subtypes")
    with pytest.raises(UsageError, match="needs --param concept"):
        q.bind({})
    with pytest.raises(UsageError, match="has no parameter colour; its parameters: concept"):
        q.bind({"concept": "cs:Trust", "colour": "red"})
    with pytest.raises(UsageError, match=r"has no parameter concpt \(did you mean concept\?\)"):
        q.bind({"concpt": "cs:Trust"})


def test_a_query_name_cannot_escape_the_queries_folder() -> None:
    with pytest.raises(UsageError):
        load_query("../pyproject")


HOSTILE = [
    '"',
    "'",
    '""" } ; DROP ALL ; SELECT * {',
    "} UNION { ?s ?p ?o }",
    "<http://evil/> ",
    "line\nbreak",
    "\\u0022 escaped",
    "∀ Unicode ünïcödé 安全",
    "# comment",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_bind_as_plain_literals(kg, value: str) -> None:  # type: ignore[no-untyped-def]
    q = load_query("concepts/find")
    rows = kg.select(q, q.bind({"text": value}))
    assert rows == []
    rows = kg.select(q, q.bind({"text": "security dilemma"}))
    assert len(rows) == 1


#: modules that build DuckDB SQL over the publishers' files and the rules' results, not SPARQL: every name
#: in it comes from the code (its column tables), every value is a DuckDB parameter
DUCKDB_SQL = {ROOT / "cooperative_security" / "ingest" / "datasets" / "dyad_graph.py",
              ROOT / "cooperative_security" / "export" / "dyads.py"}


def test_python_code_never_builds_sparql_by_formatting() -> None:
    """No f-string, % or + builds text that looks like SPARQL, outside the one term serialiser."""
    keywords = ("SELECT ", "INSERT ", "DELETE ", "CONSTRUCT ", "WHERE {", "PREFIX ", "ASK ", "DROP ")
    allowed = {ROOT / "cooperative_security" / "store" / "sparql_text.py", *DUCKDB_SQL}
    offenders = []
    for path in (ROOT / "cooperative_security").rglob("*.py"):
        if path in allowed:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            parts: list[str] = []
            if isinstance(node, ast.JoinedStr):
                parts = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
                parts = [s.value for s in (node.left, node.right) if isinstance(s, ast.Constant)
                         and isinstance(s.value, str)]
            if any(k in part for part in parts for k in keywords):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_binding_never_changes_the_query_structure() -> None:
    store = EmbeddedStore(None)
    store.raw.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("x")))
    query = "SELECT ?s WHERE { ?s <urn:p> ?v }"
    assert len(store.select(query, {"v": ox.Literal("x")})) == 1
    for value in HOSTILE:
        assert store.select(query, {"v": ox.Literal(value)}) == []
    with pytest.raises(ValueError):
        store.select(query, {"v } . ?s ?p ?o . {": ox.Literal("x")})


def test_proposed_by_lists_names_sections_and_pages_in_order() -> None:
    """concepts/proposed-by ordered the items of its GROUP_CONCATs through an ordered subquery, which SPARQL does
    not promise (Oxigraph kept it; another engine need not), and pages as text: "10, 157, 37-38, 43, 5". And a
    work whose sources give a page in one and a section in another lost its sections on Oxigraph (an unbound
    value inside GROUP_CONCAT made the whole list unbound)."""
    rows = api_rows("proposed-by.trig", "concepts/proposed-by", concept=PROBE)
    assert [(r["citation"], r["scholars"], r["pages"], r["sections"]) for r in rows] == [
        ("Probe 1999", "Alpha Abel; Mu Moss; Zeta Zorn", None, "Regimes"),
        ("Probe 2001", "Alpha Abel; Mu Moss; Zeta Zorn", "5, 10, 37-38, 43, 157, unverified", "Anarchy; Trust"),
    ]


def test_pages_sort_by_their_first_number_wherever_it_stands() -> None:
    """A page written "p. 5" or "pp. 12-14" sorted after every bare number ("157, p. 5"): only a number at the
    start of the item was read."""
    from cooperative_security.queries import ListColumn

    pages = ListColumn("pages", "pages", ", ")
    assert pages.arrange("unverified, 157, p. 5, pp. 12-14, 9, note 3, xii") == \
        "note 3, p. 5, 9, pp. 12-14, 157, unverified, xii"


def api_rows(trig: str, name: str, **params: str) -> list[dict[str, str | None]]:
    """``cs.query(name, **params)`` over ``tests/data/<trig>``, as plain records (None for unbound)."""
    from cooperative_security import api as cs

    store = probe_store(trig)
    try:
        frame = cs.query(name, store=store, **params)
    finally:
        store.close()
    return frame.astype(object).where(frame.notna(), None).to_dict("records")  # type: ignore[no-any-return]


_GROUP_CONCAT = re.compile(r'GROUP_CONCAT\((?:[^()]|\([^()]*\))*?;\s*separator\s*=\s*"(?P<separator>[^"]*)"\s*\)'
                           r"\s+AS\s+\?(?P<name>\w+)", re.IGNORECASE)


def test_every_group_concat_is_declared_under_lists_with_its_separator() -> None:
    """SPARQL leaves the order inside GROUP_CONCAT open, so each list column is declared under '# Lists' (and
    coopsec orders its items); a column left out, or declared with another separator, would keep the engine's
    order, or be split in the wrong places."""
    found = {}
    for q in list_queries():
        body = "\n".join(line for line in q.text.splitlines() if not line.lstrip().startswith("#"))
        concatenated = {m["name"]: m["separator"] for m in _GROUP_CONCAT.finditer(body)}
        assert len(concatenated) == body.upper().count("GROUP_CONCAT("), \
            f"{q.name}: every GROUP_CONCAT names its separator and is bound AS a column"
        assert concatenated == {c.name: c.separator for c in q.lists}, q.name
        if concatenated:
            found[q.name] = sorted(concatenated)
    assert found == {"cases/characterised-as": ["disputedBy"], "concepts/properties": ["domains", "ranges"],
                     "concepts/proposed-by": ["pages", "scholars", "sections"]}


def test_characterised_as_lists_the_disputing_works_in_order() -> None:
    """cases/characterised-as joined the disputing works in the engine's order ("Beta 2005, Kappa 2004, Mu 2003,
    Alpha 2002, Zeta 2001" on Oxigraph), trusting a join to keep an order SPARQL never promised."""
    rows = api_rows("characterised-as.trig", "cases/characterised-as", concept=PROBE)
    assert [(r["citation"], r["pages"], r["disputedBy"]) for r in rows] == [
        ("Probe 2000", "12", "Alpha 2002, Beta 2005, Kappa 2004, Mu 2003, Zeta 2001")]


def test_characterised_as_keeps_the_disputers_of_a_reading_given_twice() -> None:
    """Two characterisations of one event by one work with the same pages, one disputed by five works: grouped
    together, the undisputed one made the whole list of disputers unbound."""
    rows = api_rows("characterised-twice.trig", "cases/characterised-as", concept=PROBE)
    assert sorted((r["pages"], r["disputedBy"] or "") for r in rows) == [
        ("12", ""), ("12", "Alpha 2002, Beta 2005, Kappa 2004, Mu 2003, Zeta 2001")]


def test_properties_lists_domains_and_ranges_in_order() -> None:
    """concepts/properties joined a property's domains and ranges in the engine's order (BetaThing, KappaThing,
    MuThing, AlphaThing, ZetaThing on Oxigraph)."""
    rows = api_rows("properties.trig", "concepts/properties")
    cs_ = "https://w3id.org/coopsec/ontology#"
    assert [(r["label"], r["domains"], r["ranges"]) for r in rows] == [
        ("order probe", " ".join(cs_ + n + "Thing" for n in ("Alpha", "Beta", "Kappa", "Mu", "Zeta")),
         " ".join(cs_ + n + "Thing" for n in ("Ash", "Birch", "Elm", "Oak", "Yew")))]


def test_a_named_query_is_found_by_its_text_as_the_query_page_sends_it() -> None:
    """The server knows a named query by its text (and then orders its lists as coopsec query does)."""
    q = load_query("concepts/properties")
    assert query_for_text(q.text) is q
    assert query_for_text("\n" + q.text.replace("\n", "\r\n") + "\n\n") is q
    assert query_for_text(q.text.replace("ORDER BY", "ORDER BY DESC(?kind)")) is None
    assert query_for_text("") is None
