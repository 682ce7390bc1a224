"""The part of a store that the classification of some cases reads, copied into an in-memory store.

The rule queries are local to a relationship: every statement joins an event to its case (``cs:inCase``)
and a case to its own members, span and events; nothing one case says changes another's conclusions,
except through an event that both share. So the classification of the named cases is the same on a copy
that leaves out the other cases, and costs what those cases cost instead of what the store holds.

The copy holds every graph the rules or the readers of the result may read (the ontology, the rules, the
actors, the works, the named cases' graphs, and every graph that gives those cases events, members or a
span, whatever its name), without the statements about other cases: a case that is not needed, and an
event in no needed case, with the blank nodes only they reach (memberships, characterisations, sources).
A case is needed when it is named or shares an event with a needed case. Derived and bookkeeping graphs
(the inferred graph and its request, the ingest records, the dyad-year graphs) are not copied: the rules
write the first two afresh and read none of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pyoxigraph as ox

from ..ingest.dyad_years import DYADS_GRAPH
from ..ingest.dyad_years import INFERRED_GRAPH as DYADS_INFERRED_GRAPH
from ..ingest.dyad_years import REQUEST_GRAPH as DYADS_REQUEST_GRAPH
from ..namespaces import GRAPH, RDF_TYPE, cs, instance
from ..store import Store, open_store
from .run import INFERRED_GRAPH, REQUEST_GRAPH

#: graphs never copied: the classifier's own output and request, ingest records, the dyad-year graphs
_SKIPPED = {INFERRED_GRAPH.value, REQUEST_GRAPH.value, DYADS_GRAPH.value, DYADS_INFERRED_GRAPH.value,
            DYADS_REQUEST_GRAPH.value}
_SKIPPED_FAMILIES = (GRAPH + "ingest/",)
_IN_CASE, _CASE, _SLUG = cs("inCase"), cs("Case"), cs("slug")

Subject = ox.NamedNode | ox.BlankNode


@contextmanager
def case_scope(store: Store, case_ids: Iterable[str]) -> Iterator[Store]:
    """An in-memory store holding what the classification of ``case_ids`` reads (see the module), closed
    when the block ends. ``store`` is only read."""
    copy = open_store("memory:")
    try:
        copy.replace_graphs(scoped_graphs(store, case_ids))
        yield copy
    finally:
        copy.close()


def scoped_graphs(store: Store, case_ids: Iterable[str]) -> dict[ox.NamedNode, list[ox.Triple]]:
    """The graphs of the copy, by name: each graph of ``store`` without the statements about cases the
    classification of ``case_ids`` does not need."""
    return in_scope(readable_graphs(store), case_ids)


def readable_graphs(store: Store) -> dict[ox.NamedNode, list[ox.Triple]]:
    """Every graph of ``store`` that a classification may read (all but the derived and bookkeeping ones),
    whole: read once, to scope for one case after another with :func:`in_scope`."""
    graphs: dict[ox.NamedNode, list[ox.Triple]] = {}
    for name in store.graph_names():
        if name in _SKIPPED or name.startswith(_SKIPPED_FAMILIES):
            continue
        node = ox.NamedNode(name)
        graphs[node] = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(node)]
    return graphs


def in_scope(graphs: dict[ox.NamedNode, list[ox.Triple]], case_ids: Iterable[str]
             ) -> dict[ox.NamedNode, list[ox.Triple]]:
    """``graphs`` without the statements about cases the classification of ``case_ids`` does not need
    (``graphs`` is left as it is)."""
    foreign = _foreign(graphs.values(), set(case_ids))
    if not foreign:
        return dict(graphs)
    kept = {}
    for node, triples in graphs.items():
        mine = [t for t in triples if t.subject not in foreign]
        if mine:
            kept[node] = mine
    return kept


def _foreign(graphs: Iterable[list[ox.Triple]], case_ids: set[str]) -> set[object]:
    """The subjects to leave out: the cases not needed, the events of no needed case, and the blank nodes
    that only they reach. A case is named by its id: its slug (``cs:slug``, whatever its IRI: an RDF file's
    case may have one of its own) or the last part of the project's IRI for it."""
    named: set[object] = {instance("case", c) for c in case_ids}
    slugs: dict[object, str] = {}
    cases: set[object] = set()
    event_cases: dict[object, set[object]] = defaultdict(set)
    references: dict[ox.BlankNode, set[object]] = defaultdict(set)  # blank node -> the subjects naming it
    for triples in graphs:
        for t in triples:
            if t.predicate == _IN_CASE:
                event_cases[t.subject].add(t.object)
                cases.add(t.object)
            elif t.predicate == RDF_TYPE and t.object == _CASE:
                cases.add(t.subject)
            elif t.predicate == _SLUG and isinstance(t.object, ox.Literal):
                slugs[t.subject] = t.object.value
            if isinstance(t.object, ox.BlankNode):
                references[t.object].add(t.subject)
    needed = named | {case for case in cases if slugs.get(case) in case_ids}
    growing = True
    while growing:  # a case that shares an event with a needed case is needed too
        growing = False
        for held in event_cases.values():
            if held & needed and not held <= needed:
                needed |= held
                growing = True
    foreign = (cases - needed) | {e for e, held in event_cases.items() if not held & needed}
    foreign -= needed  # a case that is also an event of a needed case (an odd file) stays
    growing = bool(foreign)
    while growing:  # blank nodes named only by left-out subjects
        growing = False
        for blank, subjects in references.items():
            if blank not in foreign and subjects <= foreign:
                foreign.add(blank)
                growing = True
    return foreign
