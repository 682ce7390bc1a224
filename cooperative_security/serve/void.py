"""The VoID description of the served dataset, at ``/.well-known/void`` (VoID, section 7.2).

The same description ``coopsec export`` and ``coopsec release`` write (:func:`..export.void.describe_dataset`:
title, licence, version, counts, example resources), of every graph the server holds, with the server's
``/sparql`` as ``void:sparqlEndpoint``. Built by a query worker (the counts read the whole store, so they run
under the query time limit), in the RDF format the ``Accept`` header prefers.
"""

from __future__ import annotations

from ..errors import CoopsecError
from ..export.base import exported_graphs
from ..export.void import describe_dataset
from ..store import Store
from .answer import GRAPH_OFFERS
from .httperror import HttpError
from .negotiate import choose
from .results import Body, rdf_bytes


def void_body(store: Store, endpoint: str, accept: str | None) -> Body:
    """The description in the format ``accept`` prefers (Turtle by default); 406 if it allows none."""
    media = choose(accept, GRAPH_OFFERS)
    if media is None:
        raise HttpError(406, f"the VoID description is RDF: ask for one of {', '.join(GRAPH_OFFERS)}")
    try:
        triples = describe_dataset(store, exported_graphs(store), endpoint)
    except CoopsecError as exc:  # a store without the ontology's header: no title, licence or version to give
        raise HttpError(404, f"no VoID description of this store: {exc}") from None
    return Body(media + "; charset=utf-8", rdf_bytes(triples, media))


__all__ = ["void_body"]
