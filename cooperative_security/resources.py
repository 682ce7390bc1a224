"""Where the bundled ontology, data and queries are, in a checkout and in an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import EnvironmentProblem


class ResourcesMissing(EnvironmentProblem, FileNotFoundError):
    """The ontology, data and queries cannot be found (exit 2, with what to do)."""

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_resources"
_CHECKOUT = _PACKAGE.parent


def resource_root() -> Path:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``.

    ``COOPSEC_RESOURCES`` points elsewhere (a working copy of the ontology, say); otherwise the
    copy inside the installed wheel, otherwise the checkout this package sits in.
    """
    return resource_origin()[0]


def resource_origin() -> tuple[Path, str]:
    """The resource folder in use and why it is that one (what `coopsec info` prints)."""
    override = os.environ.get("COOPSEC_RESOURCES")
    if override:
        root = Path(override)
        if not (root / "ontology").is_dir():
            raise ResourcesMissing(f"COOPSEC_RESOURCES={override} holds no ontology/ folder: point it at a folder "
                                   "holding ontology/, data/ and queries/ (a checkout), or unset it")
        return root, "COOPSEC_RESOURCES"
    if (_INSTALLED / "ontology").is_dir():
        return _INSTALLED, "installed copy (pip install .): edits to a checkout do not reach it"
    if (_CHECKOUT / "ontology").is_dir():
        return _CHECKOUT, "checkout (pip install -e . or run from the source tree): edits take effect at once"
    raise ResourcesMissing(
        "coopsec cannot find its bundled ontology/, data/ and queries/ folders; "
        "reinstall the package with `pip install .` from a checkout"
    )


def ontology_dir() -> Path:
    return resource_root() / "ontology"


def data_dir() -> Path:
    return resource_root() / "data"


def queries_dir() -> Path:
    return resource_root() / "queries"
