"""The ``coopsec`` command: thin commands over the library. Errors go to stderr as one message."""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys
from typing import Annotated, Any

import click
import typer

from ..errors import CoopsecError
from . import common, data, theory
from .once import refuse_repeated

app = typer.Typer(
    name="coopsec",
    help="A knowledge graph of cooperative-security scholarship, and an explainable classifier of "
    "relationships between states on Buzan's spectrum.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from ..version import __version__

        typer.echo(f"coopsec {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """A knowledge graph of cooperative-security scholarship, and an explainable classifier of relationships
    between states on Buzan's spectrum."""


theory.register(app)
data.register(app)
# Commands that arrive with their own issues register themselves here when their module exists.
for _name in ("classify", "publish", "web", "dyads", "validate", "about", "docs"):
    try:
        _module = importlib.import_module(f"{__package__}.{_name}")
    except ModuleNotFoundError as _exc:
        if _exc.name == f"{__package__}.{_name}":
            continue
        raise
    _module.register(app)


@functools.cache
def _command_tree() -> Any:
    """The click commands of ``app``, built once (typer builds them again for each run; these are only read)."""
    return typer.main.get_command(app)


def _classes(name: str) -> tuple[type[BaseException], ...]:
    """Click's exception NAME, and typer's own copy of it: typer 0.12 and later may bundle a click of its own
    (``typer._click``), whose exceptions ``except click.ClickException`` does not catch."""
    found: list[type[BaseException]] = [getattr(click.exceptions, name)]
    for module in ("typer._click.exceptions", "typer.exceptions"):
        try:
            cls = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if isinstance(cls, type) and cls not in found:
            found.append(cls)
    return tuple(found)


_EXIT = _classes("Exit")
_ABORT = _classes("Abort")
_USAGE = _classes("UsageError")
_NO_ARGS = _classes("NoArgsIsHelpError") if hasattr(click.exceptions, "NoArgsIsHelpError") else ()
_CLICK = _classes("ClickException")


def _usage_error(exc: BaseException, argv: list[str]) -> int:
    """A usage error as a usage error: one line saying what is wrong, then the command's usage; exit 2."""
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)  # type: ignore[union-attr]
    message = " ".join(message.split())
    message = _NOT_A_NUMBER.sub(lambda m: _number_said(m, getattr(exc, "param", None), argv), message)
    command, usage = _usage(getattr(exc, "ctx", None), argv)
    print(f"{command}: error: {message}", file=sys.stderr)
    if usage:
        print(f"{usage}  (more: {command} --help)", file=sys.stderr)
    return 2


#: typer's (pydantic's) words for a number that does not parse, which neither echo the value nor say what to write
_NOT_A_NUMBER = re.compile(r"Input should be a valid (?P<kind>integer|number), unable to parse string as an? "
                           r"(?:integer|number)")


def _number_said(match: re.Match[str], param: object, argv: list[str]) -> str:
    """``'abc' is not a whole number (write one such as 8000)``, the value read from ``argv``."""
    kind = "a whole number" if match["kind"] == "integer" else "a number"
    default = getattr(param, "default", None)  # the option's default is the most telling example
    example = (default if isinstance(default, int | float) and not isinstance(default, bool)
               else 4 if match["kind"] == "integer" else 2.5)
    opts = set(getattr(param, "opts", ()) or ())
    value = None
    for i, token in enumerate(argv):
        name, sep, rest = token.partition("=")
        if name in opts:
            value = rest if sep else (argv[i + 1] if i + 1 < len(argv) else None)  # the last one is the one used
    return (f"{value!r} is not {kind}" if value is not None else f"not {kind}") + f" (write one such as {example})"


def _usage(ctx: object, argv: list[str]) -> tuple[str, str]:
    """The command's name and its one-line usage, from the error's context or else from the command line."""
    try:
        if ctx is None:
            group = typer.main.get_command(app)
            root = group.make_context("coopsec", [], resilient_parsing=True)
            name = next((a for a in argv if not a.startswith("-")), None)
            sub = group.get_command(root, name) if name else None  # type: ignore[attr-defined]
            ctx = sub.make_context(name, [], parent=root, resilient_parsing=True) if sub is not None else root
        return ctx.command_path, " ".join(ctx.get_usage().split())  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - the usage line is a courtesy; the error line has been said
        return "coopsec", ""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 findings or rejected input, 2 usage or
    environment problem)."""
    common.adapt_typer_help()
    _utf8_output()
    try:
        refuse_repeated(_command_tree(), list(sys.argv[1:] if argv is None else argv))
        result = app(args=argv, prog_name="coopsec", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except _EXIT as exc:
        return int(getattr(exc, "exit_code", 1))
    except SystemExit:
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # typer's answer to a closed pipe (`| head`):
            return 141  # stdout wrapped, exit 1; the shell's status for a closed pipe (128 + SIGPIPE), quietly
        raise
    except _ABORT:
        print("coopsec: interrupted", file=sys.stderr)
        return 130
    except _NO_ARGS as exc:
        # A bare `coopsec` (or a group without its command): the help, as a usage error.
        print(exc.format_message(), file=sys.stderr)  # type: ignore[attr-defined]
        return 2
    except _USAGE as exc:
        return _usage_error(exc, list(sys.argv[1:] if argv is None else argv))
    except _CLICK as exc:
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)  # type: ignore[union-attr]
        print(f"coopsec: error: {message}", file=sys.stderr)
        return getattr(exc, "exit_code", 1) or 1
    except CoopsecError as exc:
        print(f"coopsec: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("coopsec: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        if exc.filename is None:  # not about a file or folder the user can act on: report it as ours
            return _internal(exc)
        # a file or folder the system refused (permissions, a full disk, a name too long): the user's to fix
        where = exc.filename if exc.filename2 is None else f"{exc.filename} -> {exc.filename2}"
        print(f"coopsec: error: {where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - a user never sees a traceback
        return _internal(exc)


def _utf8_output() -> None:
    """Standard output and error as UTF-8 when they go to a file or a pipe, whatever the locale: what a command
    writes there is read by programs (CSV, JSON, Turtle), not by a terminal of that locale. Under LC_ALL=C
    without Python's UTF-8 mode, "Côte d'Ivoire" was an internal error. A terminal keeps its encoding, and
    shows what it cannot as '?' instead of failing."""
    import codecs

    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = getattr(stream, "encoding", None) or "ascii"
        if reconfigure is None or codecs.lookup(encoding).name == "utf-8":
            continue
        try:
            terminal = stream.isatty()
        except (OSError, ValueError):
            terminal = False
        if terminal:
            reconfigure(errors="replace")
        else:
            reconfigure(encoding="utf-8")


def _internal(exc: Exception) -> int:
    """What a user sees of a failure that is a bug of ours: one line, and how to get the traceback."""
    if os.environ.get("COOPSEC_DEBUG"):
        raise exc
    print(f"coopsec: internal error: {type(exc).__name__}: {exc} (rerun with COOPSEC_DEBUG=1 for the "
          "traceback, and please report it)", file=sys.stderr)
    return 2


def entry_point() -> None:
    sys.exit(main())


__all__ = ["app", "main", "entry_point"]
