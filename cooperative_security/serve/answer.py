"""Answer one SPARQL query in this process (a query worker's, :mod:`.worker`): the query run on the store
with the request's graphs, the answer written in a type the Accept header allows, or an :class:`HttpError`.

A query whose text is a named query's (as the query page sends it) has the items of its lists put in order
as ``coopsec query`` puts them (:meth:`~cooperative_security.queries.Query.arrange`): SPARQL leaves the
order inside GROUP_CONCAT open, so that order is as good an answer as the engine's, and the same everywhere."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pyoxigraph as ox

from ..queries import query_for_text
from ..store.dataset import names_default_graph
from .httperror import HttpError, shown
from .negotiate import choose
from .results import GRAPH_FORMATS, SOLUTION_FORMATS, Body, boolean_body, solutions_body, triples_body

SOLUTION_OFFERS = list(SOLUTION_FORMATS)
GRAPH_OFFERS = list(GRAPH_FORMATS)


def run_query(store: ox.Store, text: str, accept: str | None, default_graphs: Sequence[str],
              named_graphs: Sequence[str], max_results: int) -> Body:
    """Answer a query in this process (a worker's): the body, or :class:`HttpError`, or what pyoxigraph
    raises (a SyntaxError for text that does not parse; see :func:`.worker.answer`)."""
    options: dict[str, object] = {}
    if default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    elif not names_default_graph(text):  # the union would replace the query's own FROM
        options["use_default_graph_as_union"] = True
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    result = store.query(text, **options)  # type: ignore[arg-type]  # SyntaxError: the worker words it
    never = threading.Event()
    if isinstance(result, ox.QueryBoolean):
        return boolean_body(result, _media(accept, SOLUTION_OFFERS, "an ASK query"))
    if isinstance(result, ox.QuerySolutions):
        named = query_for_text(text)
        return solutions_body(result, _media(accept, SOLUTION_OFFERS, "a SELECT query"), max_results, never,
                              named.arrange if named is not None and named.lists else None)
    return triples_body(result, _media(accept, GRAPH_OFFERS, "a CONSTRUCT or DESCRIBE query"), max_results, never)


def _media(accept: str | None, offers: list[str], what: str) -> str:
    media = choose(accept, offers)
    if media is None:
        raise HttpError(406, f"cannot answer {what} in any type the Accept header allows ({shown(accept or '')}); "
                             f"available: {', '.join(offers)}")
    return media
