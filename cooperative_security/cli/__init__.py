"""The ``coopsec`` command: thin commands over the library. Errors go to stderr as one message."""

from __future__ import annotations

import importlib
import os
import sys

import click
import typer

from ..errors import CoopsecError
from . import data, theory

app = typer.Typer(
    name="coopsec",
    help="A knowledge graph of cooperative-security scholarship, and an explainable classifier of "
    "relationships between states on Buzan's spectrum.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
theory.register(app)
data.register(app)
# Commands that arrive with their own issues register themselves here when their module exists.
for _name in ("classify", "publish", "web", "dyads", "docs"):
    try:
        _module = importlib.import_module(f"{__package__}.{_name}")
    except ModuleNotFoundError as _exc:
        if _exc.name == f"{__package__}.{_name}":
            continue
        raise
    _module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 findings or rejected input, 2 usage or
    environment problem)."""
    try:
        result = app(args=argv, prog_name="coopsec", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        print("coopsec: interrupted", file=sys.stderr)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2
    except CoopsecError as exc:
        print(f"coopsec: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("coopsec: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a user never sees a traceback
        if os.environ.get("COOPSEC_DEBUG"):
            raise
        print(f"coopsec: internal error: {type(exc).__name__}: {exc} (rerun with COOPSEC_DEBUG=1 for the "
              "traceback, and please report it)", file=sys.stderr)
        return 2


def entry_point() -> None:
    sys.exit(main())


__all__ = ["app", "main", "entry_point"]
