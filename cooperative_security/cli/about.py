"""Commands about coopsec itself, that travel with the package: info, schema, types, cite."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
from importlib.metadata import PackageNotFoundError, version

import typer

from .. import __version__
from ..resources import resource_origin
from .common import Format, FormatOption, console, emit


def _dist(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def info(fmt: FormatOption = Format.table) -> None:
    """Which coopsec this is: version, the copy of the ontology, data and queries in use, and what is installed."""
    import cooperative_security

    root, why = resource_origin()
    facts = {
        "version": __version__,
        "python": f"{platform.python_version()} ({sys.executable})",
        "package": os.path.dirname(cooperative_security.__file__),
        "resources": str(root),
        "resources_from": why,
        "ontology": str(root / "ontology"),
        "data": str(root / "data"),
        "queries": str(root / "queries"),
        "COOPSEC_RESOURCES": os.environ.get("COOPSEC_RESOURCES") or "(not set)",
        "java": shutil.which("java") or "(not found: `coopsec check` needs it for HermiT; --no-reasoner skips it)",
        "typer": _dist("typer") or "?",
        "pyoxigraph": _dist("pyoxigraph") or "?",
        "rdflib": _dist("rdflib") or "?",
        "licence": "code MIT; ontology and data CC-BY-4.0 (`coopsec cite` for how to cite them)",
    }
    if fmt is Format.json:
        typer.echo(json.dumps(facts, indent=2))
        return
    if fmt is Format.csv:
        emit(fmt, [{"fact": k, "value": v} for k, v in facts.items()], [("fact", "fact"), ("value", "value")])
        return
    width = max(len(k) for k in facts)
    for key, value in facts.items():
        console.print(f"{key:<{width}}  {value}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command()(info)
