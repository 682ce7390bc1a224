"""Where the bundled ontology, data and queries are, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_resources"
_CHECKOUT = _PACKAGE.parent


def resource_root() -> Path:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``."""
    if (_INSTALLED / "ontology").is_dir():
        return _INSTALLED
    if (_CHECKOUT / "ontology").is_dir():
        return _CHECKOUT
    raise FileNotFoundError(
        "coopsec cannot find its bundled ontology/, data/ and queries/ folders; "
        "reinstall the package with `pip install .` from a checkout"
    )


def ontology_dir() -> Path:
    return resource_root() / "ontology"


def data_dir() -> Path:
    return resource_root() / "data"


def queries_dir() -> Path:
    return resource_root() / "queries"
