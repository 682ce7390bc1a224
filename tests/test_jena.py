"""Portability: the whole classification on a second engine, Apache Jena ARQ in strict SPARQL 1.1 mode.

The bundled knowledge graph and the request of one run are dumped as N-Quads; Jena's ``arq.update
--strict`` runs every numbered update of ``queries/classify/`` in order over it and dumps the dataset
as TriG. The inferred graph must be the same set of triples as pyoxigraph's, and the periods read
back from it the same. A difference is reported as the periods that differ (case, date, position on
each engine) and the triples only one engine wrote, grouped by property.

Jena comes from Debian's ``libapache-jena-java`` or from an Apache distribution named by ``JENA_HOME``
(``tests/jena.py`` makes its class path).
"""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from jena import classpath, skip_reason
from probes import PROBE as PROBE_IRI
from probes import probe_quads, store_of

from cooperative_security.classify.periods import Period, build_periods
from cooperative_security.classify.run import INFERRED_GRAPH, rule_queries, run_rules
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.store import Store, open_store

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


def run_jena(data: Path, updates: list[Path], work: Path) -> Path:
    """``arq.update --strict`` over the N-Quads ``data`` with the ``updates`` in order; returns the TriG dump."""
    jena_path = classpath(work)
    out = work / "jena-dump.trig"
    command = ["java", "-cp", jena_path, "arq.update", "--strict", f"--data={data}"]
    command += [f"--update={u}" for u in updates] + ["--dump"]
    with out.open("wb") as sink:
        done = subprocess.run(command, stdout=sink, stderr=subprocess.PIPE, timeout=900, check=False)
    if done.returncode != 0:
        raise AssertionError(f"Jena failed (exit {done.returncode}):\n{done.stderr.decode(errors='replace')[-3000:]}")
    return out


Triple = tuple[Any, Any, Any]


class Engines:
    """What each engine inferred from the same input."""

    def __init__(self, oxigraph: set[Triple], jena: set[Triple], ox_periods: list[Period],
                 jena_periods: list[Period], data: Path, work: Path) -> None:
        self.oxigraph, self.jena = oxigraph, jena
        self.ox_periods, self.jena_periods = ox_periods, jena_periods
        self.data, self.work = data, work


def _periods_from(input_quads: list[ox.Quad], inferred: set[Triple]) -> list[Period]:
    """Read the periods back from an inferred graph, as the command line does."""
    store: Store = open_store("memory:")
    try:
        graphs: dict[ox.NamedNode, list[ox.Triple]] = {}
        for q in input_quads:
            if isinstance(q.graph_name, ox.NamedNode):
                graphs.setdefault(q.graph_name, []).append(ox.Triple(q.subject, q.predicate, q.object))
        graphs[INFERRED_GRAPH] = [ox.Triple(*t) for t in inferred]
        store.replace_graphs(graphs)
        return build_periods(store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engines]:
    work = tmp_path_factory.mktemp("jena")
    kg = open_knowledge_graph("memory:")
    try:
        run_rules(kg)  # writes the request graph, then runs the rules on pyoxigraph
        ours = {(q.subject, q.predicate, q.object) for q in kg.quads(INFERRED_GRAPH)}
        ox_periods = build_periods(kg)
        inputs = [q for q in kg.quads() if q.graph_name != INFERRED_GRAPH]
    finally:
        kg.close()
    assert len(ours) > 1000 and len(inputs) > 5000, "the bundled data did not load or classify"
    data = work / "input.nq"
    data.write_bytes(ox.serialize(inputs, format=ox.RdfFormat.N_QUADS) or b"")
    updates = [q.path for q in rule_queries()]
    assert updates[0].name == "00-clear.rq" and len(updates) > 5
    dump = run_jena(data, updates, work)
    theirs = {(q.subject, q.predicate, q.object) for q in ox.parse(path=dump, format=ox.RdfFormat.TRIG)
              if q.graph_name == INFERRED_GRAPH}
    yield Engines(ours, theirs, ox_periods, _periods_from(inputs, theirs), data, work)


def _key(p: Period) -> tuple[Any, ...]:
    return (p.relationship, p.from_, p.to, p.position, p.subtype, p.stage, p.trust,
            tuple(s["kind"] for s in p.strategies))


def _show(periods: list[Period]) -> list[str]:
    return [f"{p.relationship} {p.from_ or '?'} - {p.to or 'open'}: {p.position} {p.subtype or ''} "
            f"{p.stage or ''} trust {p.trust} {[s['kind'] for s in p.strategies]}" for p in periods]


def test_jena_reads_back_the_same_periods(engines: Engines) -> None:
    ours = sorted(_key(p) for p in engines.ox_periods)
    theirs = sorted(_key(p) for p in engines.jena_periods)
    if ours != theirs:
        only_ox = [p for p in engines.ox_periods if _key(p) not in set(theirs)]
        only_jena = [p for p in engines.jena_periods if _key(p) not in set(ours)]
        raise AssertionError("the periods differ between the engines\n  pyoxigraph only:\n    "
                             + "\n    ".join(_show(only_ox)) + "\n  Jena (strict) only:\n    "
                             + "\n    ".join(_show(only_jena)))


def test_jena_writes_the_same_inferred_graph(engines: Engines) -> None:
    only_ox, only_jena = engines.oxigraph - engines.jena, engines.jena - engines.oxigraph
    if only_ox or only_jena:
        def summary(triples: set[Triple]) -> str:
            by_property = Counter(t[1].value.rpartition("#")[2] or t[1].value for t in triples)
            examples = sorted(f"{s} {p} {o}" for s, p, o in triples)[:5]
            return f"{len(triples)} triples {dict(by_property.most_common(8))}\n      " + "\n      ".join(examples)
        raise AssertionError(f"the inferred graphs differ ({len(engines.oxigraph)} triples on pyoxigraph, "
                             f"{len(engines.jena)} on Jena)\n  pyoxigraph only: {summary(only_ox)}\n"
                             f"  Jena (strict) only: {summary(only_jena)}")
    assert len(engines.jena) > 1000


def test_the_harness_finds_agreement_where_there_is_some(engines: Engines) -> None:
    """A control: the first rules (clear, event facts) are plain SPARQL 1.1 and give the same triples on both."""
    first = [q for q in rule_queries() if q.path.name.startswith(("00-", "05-"))]
    assert len(first) == 2, [q.path.name for q in first]
    store: Store = open_store("memory:")
    try:
        graphs: dict[ox.NamedNode, list[ox.Triple]] = {}
        for q in ox.parse(path=engines.data, format=ox.RdfFormat.N_QUADS):
            assert isinstance(q.graph_name, ox.NamedNode)
            graphs.setdefault(q.graph_name, []).append(ox.Triple(q.subject, q.predicate, q.object))
        store.replace_graphs(graphs)
        for query in first:
            store.update(query)
        ours = {(q.subject, q.predicate, q.object) for q in store.quads(INFERRED_GRAPH)}
    finally:
        store.close()
    control = engines.work / "control"
    control.mkdir()
    dump = run_jena(engines.data, [q.path for q in first], control)
    theirs = {(q.subject, q.predicate, q.object) for q in ox.parse(path=dump, format=ox.RdfFormat.TRIG)
              if q.graph_name == INFERRED_GRAPH}
    assert len(ours) > 300
    assert ours == theirs, (len(ours - theirs), len(theirs - ours))


def run_jena_select(data: Path, query: str, work: Path) -> list[dict[str, str | None]]:
    """``arq.query --strict`` of the SELECT ``query`` over the N-Quads ``data``: each row's plain values."""
    import json

    jena_path = classpath(work)
    text = work / "query.rq"
    text.write_text(query, encoding="utf-8")
    command = ["java", "-cp", jena_path, "arq.query", "--strict", f"--data={data}", f"--query={text}",
               "--results=json"]
    done = subprocess.run(command, capture_output=True, timeout=900, check=False)
    if done.returncode != 0:
        raise AssertionError(f"Jena failed (exit {done.returncode}):\n{done.stderr.decode(errors='replace')[-3000:]}")
    answer = json.loads(done.stdout)
    names = answer["head"]["vars"]
    return [{n: (b[n]["value"] if n in b else None) for n in names} for b in answer["results"]["bindings"]]


ArrangedRows = list[tuple[str, ...]]


def arranged_on_both(work: Path, trig: str, name: str, bindings: list[dict[str, ox.NamedNode]]
                     ) -> list[tuple[ArrangedRows, ArrangedRows]]:
    """The named query over the bundled knowledge graph plus ``tests/data/<trig>``, on pyoxigraph and on Jena
    (strict), once per binding (``{}`` for none; Jena's bound as a remote store binds, with a VALUES block):
    each engine's rows with the items of the query's lists put in order by coopsec, sorted, a blank
    ``concept`` as ``_:`` and an unbound value as "" (an empty GROUP_CONCAT may be either)."""
    from cooperative_security.queries import load_query
    from cooperative_security.store.sparql_text import with_values

    kg = open_knowledge_graph("memory:")
    try:
        quads = list(kg.quads()) + probe_quads(trig)
    finally:
        kg.close()
    data = work / "input.nq"
    data.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    q = load_query(name)

    def rows(found: list[dict[str, str | None]]) -> ArrangedRows:
        return sorted(tuple("_:" if k == "concept" and v and not v.startswith("http") else (v or "")
                            for k, v in q.arrange(r).items()) for r in found)

    store = store_of(quads)
    try:
        return [(rows([{k: (None if v is None else v.value) for k, v in r.items()} for r in store.select(q, bound)]),
                 rows(run_jena_select(data, with_values(q.text, bound), work))) for bound in bindings]
    finally:
        store.close()


PROBE = ox.NamedNode(PROBE_IRI)


def test_proposed_by_gives_the_same_rows_on_jena(tmp_path: Path) -> None:
    """concepts/proposed-by gives the same rows on pyoxigraph and on Jena (strict), once coopsec has put the items
    of its lists in order: over the bundled knowledge graph and a probe concept whose pages text order puts wrong,
    for every concept at once and for one bound as the command line binds it."""
    runs = arranged_on_both(tmp_path, "proposed-by.trig", "concepts/proposed-by", [{}, {"concept": PROBE}])
    for ours, jena in runs:
        assert ours == jena
    everything, one = (ours for ours, _ in runs)
    assert len(everything) > 300 and len(one) == 2
    assert one[1][2:] == ("https://w3id.org/coopsec/id/work/probe-2001", "Probe 2001",
                          "5, 10, 37-38, 43, 157, unverified", "Anarchy; Trust")


def test_characterised_as_gives_the_same_rows_on_jena(tmp_path: Path) -> None:
    """cases/characterised-as gives the same rows on both engines, its disputing works in order: over the bundled
    knowledge graph (where GRIT's 1963 reading is disputed by two works) and an event disputed by five."""
    runs = arranged_on_both(tmp_path, "characterised-as.trig", "cases/characterised-as", [{}, {"concept": PROBE}])
    for ours, jena in runs:
        assert ours == jena
    everything, one = (ours for ours, _ in runs)
    assert len(everything) > 10 and "Tetlock 1994, White 1995" in {row[-1] for row in everything}
    assert [row[-4:] for row in one] == [("Probe 2000", "12", "", "Alpha 2002, Beta 2005, Kappa 2004, Mu 2003, Zeta 2001")]


def test_characterised_as_keeps_the_disputers_of_a_reading_given_twice_on_jena(tmp_path: Path) -> None:
    """One work's reading of an event recorded twice, disputed once: grouped together, the undisputed one made
    Oxigraph's list of disputers unbound. One row per reading, on both engines."""
    [(ours, jena)] = arranged_on_both(tmp_path, "characterised-twice.trig", "cases/characterised-as",
                                      [{"concept": PROBE}])
    assert ours == jena
    assert [row[-4:] for row in ours] == [("Probe 2000", "12", "", ""),
                                          ("Probe 2000", "12", "", "Alpha 2002, Beta 2005, Kappa 2004, Mu 2003, Zeta 2001")]


def test_properties_gives_the_same_rows_on_jena(tmp_path: Path) -> None:
    """concepts/properties gives the same rows on both engines, domains and ranges in order: over the bundled
    ontology and a property with five of each."""
    [(ours, jena)] = arranged_on_both(tmp_path, "properties.trig", "concepts/properties", [{}])
    assert ours == jena and len(ours) > 100
    probe = [row for row in ours if row[0].endswith("#orderProbe")]
    assert [row[4:] for row in probe] == [
        (" ".join(f"https://w3id.org/coopsec/ontology#{n}Thing" for n in ("Alpha", "Beta", "Kappa", "Mu", "Zeta")),
         " ".join(f"https://w3id.org/coopsec/ontology#{n}Thing" for n in ("Ash", "Birch", "Elm", "Oak", "Yew")))]
