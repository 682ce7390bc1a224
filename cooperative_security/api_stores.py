"""The stores the notebook API keeps open: ``cs.open``, ``cs.close``, and the store a function uses when given none.

Opening the same on-disk store twice in one process (re-running a notebook cell) gives back the store
already open instead of failing on the lock the kernel itself holds; every store still open is closed
when the process ends.
"""

from __future__ import annotations

import atexit
import os

from .arguments import SPECS, flag, refuse, spec_of
from .errors import UsageError
from .store import Store

_OPEN: dict[str, Store] = {}
_CURRENT: list[Store] = []


def open(spec: str | os.PathLike[str] = "memory:", *, fresh: bool = False) -> Store:  # noqa: A001 - reads naturally
    """Open a knowledge graph and make it the one the other functions use.

    ``spec`` is ``memory:`` (the bundled ontology and data, loaded in memory: the default), ``oxigraph:DIR``
    (an on-disk store made by ``coopsec init``; a ``pathlib.Path`` is taken as one) or
    ``sparql:QUERY_URL[,UPDATE_URL]``. The same spec opened again in this process gives back the same store
    (``fresh=True`` closes it and opens it anew).
    """
    known = _opened(spec_of(spec, "spec"), flag(fresh, "fresh"))
    _CURRENT[:] = [known]
    return known


def _opened(spec: str, fresh: bool = False) -> Store:
    """The store open with ``spec`` in this process, else a new one kept for the next time."""
    from .kb import open_knowledge_graph
    from .store import parse_spec

    key = parse_spec(spec).key
    known = _OPEN.get(key)
    if known is not None and (fresh or known.closed):  # closed by close() or by hand
        _forget(known)
        known = None
    if known is None:
        known = open_knowledge_graph(spec)
        _OPEN[key] = known
    return known


def close(store: Store | str | os.PathLike[str] | None = None) -> None:
    """Close ``store`` (a store :func:`open` gave, or the spec or path it was opened with), or every store
    this module opened, releasing an on-disk store's lock."""
    from .store import parse_spec

    if store is None:
        targets = list(_OPEN.values())
    elif isinstance(store, str | os.PathLike):
        spec = spec_of(store, "store")
        known = _OPEN.get(parse_spec(spec).key)
        if known is None:
            raise UsageError(f"store: no store opened with {spec!r} is open (open: {', '.join(_OPEN) or 'none'}); "
                             "cs.close() closes every one")
        targets = [known]
    elif hasattr(type(store), "close"):
        targets = [store]
    else:
        raise refuse("store", store, "a store from cs.open() or the spec it was opened with")
    for s in targets:
        _forget(s)


def _forget(store: Store) -> None:
    for key, s in list(_OPEN.items()):
        if s is store:
            del _OPEN[key]
    if _CURRENT and _CURRENT[0] is store:
        _CURRENT.clear()
    try:
        store.close()
    except Exception:  # noqa: BLE001 - closing twice, or a store that is gone, is not the caller's problem
        pass


atexit.register(close)


def _store(store: Store | str | os.PathLike[str] | None) -> Store:
    """``store=``: a store, a spec or path (the store open with it, else opened now; the current one stays),
    or None: the current store."""
    if store is None:
        if not _CURRENT:
            open()
        return _CURRENT[0]
    if isinstance(store, str | os.PathLike):
        return _opened(spec_of(store, "store"))
    if not hasattr(type(store), "select"):  # the type's, so that a closed store is still a store
        raise refuse("store", store, f"a store from cs.open() or {SPECS}")
    return store


__all__ = ["open", "close"]
