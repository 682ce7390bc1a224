"""coopsec: a knowledge graph and OWL typology of cooperative-security scholarship, and an explainable
classifier of relationships between states on Buzan's spectrum.

For notebooks::

    import cooperative_security as cs
    kg = cs.open()                  # the bundled knowledge graph in memory (or "oxigraph:DIR", "sparql:URL")
    cs.classify(["asean"])          # one row per period, as a pandas DataFrame (of the store opened last)
    cs.query("concepts/subtypes", concept="security regime")
    cs.cases("asean"), cs.actors(), cs.concepts()

See docs/guide/python-api.md.
"""

from __future__ import annotations

from typing import Any

from .version import __version__

_API = ("open", "close", "classify", "classify_long", "query", "list_queries", "concepts", "cases", "actors", "dyads",
        "info")


def __getattr__(name: str) -> Any:
    # The notebook API loads on first use, so that `coopsec --version` does not import pandas.
    # (`classify` and `concepts` are also submodules: once imported they are callable modules that call the
    # API, see _callable.py.)
    if name in ("classify", "concepts"):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'cooperative_security' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])


__all__ = ["__version__", *_API]
