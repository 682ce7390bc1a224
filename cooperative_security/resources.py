"""Where the bundled ontology, data and queries are, in a checkout and in an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_resources"
_CHECKOUT = _PACKAGE.parent


def resource_root() -> Path:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``.

    ``COOPSEC_RESOURCES`` points elsewhere (a working copy of the ontology, say); otherwise the
    copy inside the installed wheel, otherwise the checkout this package sits in.
    """
    override = os.environ.get("COOPSEC_RESOURCES")
    if override:
        root = Path(override)
        if not (root / "ontology").is_dir():
            raise FileNotFoundError(f"COOPSEC_RESOURCES={override} holds no ontology/ folder")
        return root
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
