"""Query parameters as people write them: a label, an id, a CURIE or an IRI -> the IRI the store uses.

``case=asean``, ``case=case:asean``, ``concept="security regime"``, ``concept=cs:SecurityRegime``,
``work=herz-1950`` and the full IRIs all name the same things. A term the store does not know is an error
(exit 1) with suggestions, never an empty answer.
"""

from __future__ import annotations

import difflib

import pyoxigraph as ox

from .errors import UnknownTerm, UsageError
from .namespaces import PREFIXES, compact, expand
from .queries import Parameter, Query, load_query
from .store import Store

#: which namespaces a parameter's bare id is looked for in, by the parameter's name
_BY_NAME = {
    "case": ("case",),
    "work": ("work",),
    "concept": ("cs",),
    "event": ("event",),
    "actor": ("state", "org", "society"),
    "state": ("state",),
    "g": ("graph",),
    "graph": ("graph",),
    "removed": ("graph",),
}
_ANYWHERE = ("cs", "case", "work", "state", "org", "society", "event", "person", "rule", "graph")


def exists(store: Store, iri: str) -> bool:
    try:
        term = ox.NamedNode(iri)
    except ValueError:  # not an IRI at all (a space, a quote): nothing is called that
        return False
    return bool(store.select(load_query("terms/exists"), {"term": term}))


def _names_graph(param: Parameter) -> bool:
    """Whether ``param`` names a named graph (``?g``, ``?graph``): a graph is known by holding triples, though no
    statement names it (``graph:checksums``, an ingest's graph)."""
    return _BY_NAME.get(param.name) == ("graph",)


def _known(store: Store, param: Parameter, iri: str) -> bool:
    return exists(store, iri) or (_names_graph(param) and iri in store.graph_names())


def resolve_term(store: Store, param: Parameter, value: str) -> str:
    """The IRI ``value`` names for parameter ``param`` (of kind iri)."""
    text = value.strip()
    if "://" in text or (":" in text and text.partition(":")[0] in PREFIXES):
        iri = expand(text)
        if _known(store, param, iri):
            return iri
        raise UnknownTerm(f"parameter {param.name}: the store holds nothing called {compact(iri)}"
                          + _suggest(store, param, text.rpartition(":")[2].rpartition("/")[2]))
    if param.name == "concept" or param.name not in _BY_NAME:
        from .concepts import resolve

        try:
            return resolve(store, text)
        except UsageError:
            if param.name == "concept":
                raise UnknownTerm(f"parameter concept: no concept called {text!r}"
                                  + _suggest(store, param, text)) from None
    for prefix in _BY_NAME.get(param.name, _ANYWHERE):
        iri = PREFIXES[prefix] + text
        if _known(store, param, iri):
            return iri
    labelled = _by_label(store, param, text)
    if labelled is not None:
        return labelled
    raise UnknownTerm(f"parameter {param.name}: the store holds nothing called {text!r}" + _suggest(store, param, text))


def _by_label(store: Store, param: Parameter, text: str) -> str | None:
    """A work by its citation as outputs show it (``Herz 1950``), a case by its id in any case (``ASEAN``)."""
    wanted = " ".join(text.lower().split())
    if param.name == "work":
        from .catalogue import list_works

        found = {w.iri for w in list_works(store) if wanted in {(w.citation or "").lower(), w.key.lower()}}
        return found.pop() if len(found) == 1 else None
    if param.name == "case":
        from .classify import known_cases

        ids = [c for c in known_cases(store) if c.lower() == wanted]
        return PREFIXES["case"] + ids[0] if len(ids) == 1 else None
    return None


def _suggest(store: Store, param: Parameter, text: str) -> str:
    if _names_graph(param):
        graphs = [compact(g).removeprefix("graph:") for g in store.graph_names()]
        close = difflib.get_close_matches(text.lower().removeprefix("graph:"), graphs, n=3, cutoff=0.6)
        return (f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else "") + \
            "; `coopsec query export/store-graph-counts` lists the graphs"
    names: list[str] = []
    if param.name in ("case", "actor", "state") or param.name not in _BY_NAME:
        from .classify import known_cases

        names += known_cases(store)
    if param.name in ("concept",) or param.name not in _BY_NAME:
        from .concepts import concept_names

        names += concept_names(store)
    if param.name == "work":
        from .catalogue import list_works

        names += [w.key for w in list_works(store)]
    close = difflib.get_close_matches(text.lower(), names, n=3, cutoff=0.6)
    hint = {"case": "`coopsec cases` lists", "work": "`coopsec works` lists",
            "concept": "`coopsec concepts` lists"}.get(
        param.name, "`coopsec concepts`, `coopsec cases` and `coopsec works` list")
    return (f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else "") + f"; {hint} them"


def bind(store: Store, query: Query, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """``query.bind`` with every iri parameter resolved first (labels, ids, CURIEs, IRIs)."""
    kinds = {p.name: p for p in query.parameters}
    resolved = {name: (resolve_term(store, kinds[name], value) if name in kinds and kinds[name].kind == "iri"
                       else value) for name, value in values.items()}
    return query.bind(resolved)
