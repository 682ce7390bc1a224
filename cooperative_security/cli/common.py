"""Options and output shared by the commands."""

from __future__ import annotations

import csv
import difflib
import errno
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import UsageError
from ..kb import open_knowledge_graph
from ..store import Store

StoreOption = Annotated[
    str,
    typer.Option("--store", metavar="SPEC", help="memory: (bundled data in memory, the default), oxigraph:DIR (on "
        "disk) or sparql:QUERY_URL[,UPDATE_URL] (a SPARQL 1.1 endpoint)."),
]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def parse_year(value: str | int) -> int:
    """A year option's value (``--from 1990``): a whole year, refused with the value and an example otherwise
    (``1990-01`` is a month: the options count whole years)."""
    if isinstance(value, int):  # the default, already a year
        return value
    try:
        return int(value.strip())
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a year: write a year such as 1990 (whole years only: "
                                 "a month or a day is not taken)") from None

class _Console(Console):
    """rich's Console, but a closed pipe (`coopsec classify | head -1`) is raised as the BrokenPipeError it is,
    which the command line ends quietly with status 141, where rich exits 1 (read as "rejected input")."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        devnull = os.open(os.devnull, os.O_WRONLY)  # as rich does: nothing more is written to the closed pipe
        os.dup2(devnull, sys.stdout.fileno())
        raise BrokenPipeError(errno.EPIPE, "the reader closed the pipe")


console = _Console()
err_console = _Console(stderr=True)
# Piped or redirected, a message is never broken into lines (a path or a word split at column 80 defeats grep
# and scripts); on a terminal rich wraps it at word boundaries.
for _c in (console, err_console):
    _c.soft_wrap = not _c.is_terminal


def adapt_typer_help() -> None:
    """Show flags as flags in ``--help``: typer 0.2x prints a type beside every option (``--explain <bool>``,
    ``cases... <list[str]>``), which reads as if a flag took a value. A flag shows no type; a list shows its
    element type; an option with a metavar shows the metavar (an argument's metavar is its name, shown once).
    Older typers lack the hook and are left alone."""
    core = getattr(typer, "core", None)
    for name in ("TyperOption", "TyperArgument"):
        cls = getattr(core, name, None)
        original = getattr(cls, "display_type_rich", None)
        if original is None or getattr(original, "_coopsec", False):
            continue

        def display(self: Any, ctx: Any, _original: Callable[..., Any] = original,
                    _argument: bool = name == "TyperArgument") -> str | None:
            if getattr(self, "is_flag", False) or getattr(self, "is_bool_flag", False):
                return None
            if isinstance(getattr(self, "metavar", None), str):
                # an argument's metavar is already its name in the first column: once is enough
                return None if _argument else str(self.metavar)
            text = _original(self, ctx)
            if isinstance(text, str) and text.startswith("<list[") and text.endswith("]>"):
                return "<" + text[len("<list["):-len("]>")] + ">..."
            return text

        display._coopsec = True  # type: ignore[attr-defined]
        cls.display_type_rich = display  # type: ignore[union-attr]
    _adapt_typer_choices()


def _adapt_typer_choices() -> None:
    """A mistyped choice reads ``Invalid value for '--format': 'xml' is not one of 'table', 'json'.`` with a
    "did you mean" when one is close. Typer 0.2x parses choices through pydantic, whose message for the
    ValueError it raises starts ``Value error, ``; the error's own text is shown instead. Older typers (click's
    Choice) are left alone."""
    import importlib

    try:
        adapters = importlib.import_module("typer._adapters")
    except ImportError:
        return
    original = getattr(adapters, "coerce_cli_choice", None)
    if original is not None and not getattr(original, "_coopsec", False):
        def coerce(value: Any, *args: Any, _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            try:
                return _original(value, *args, **kwargs)
            except ValueError as exc:
                names = [str(getattr(c, "value", c)) for c in kwargs.get("choices", ())]
                close = difflib.get_close_matches(str(value).casefold(), names, n=2, cutoff=0.6)
                hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
                raise ValueError(f"{value!r} is not one of {', '.join(map(repr, names))}{hint}.") from exc

        coerce._coopsec = True  # type: ignore[attr-defined]
        adapters.coerce_cli_choice = coerce  # type: ignore[attr-defined]
    for name in ("typer._coercion", "typer._param_types"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        message = getattr(module, "get_error_msg", None)
        if message is None or getattr(message, "_coopsec", False):
            continue

        def error_message(exc: Any, _original: Callable[..., Any] = message) -> str:
            errors = exc.errors() if hasattr(exc, "errors") else []
            cause = errors[0].get("ctx", {}).get("error") if errors and errors[0].get("type") == "value_error" else None
            return " ".join(str(cause).split()) if isinstance(cause, ValueError) else _original(exc)

        error_message._coopsec = True  # type: ignore[attr-defined]
        module.get_error_msg = error_message  # type: ignore[attr-defined]


def notice_recovery(store: Store) -> None:
    """Say so when the store is dropping what an interrupted load left (a write or exit waits for it)."""
    if getattr(store, "recovering", False):
        err_console.print(f"coopsec: {store.spec} holds the unpublished part of a load that was interrupted: it is "
                          "hidden from every query, and being dropped (about 10 s per million triples)",
                          highlight=False, soft_wrap=True)


@contextmanager
def knowledge_graph(spec: str, quiet: bool = False) -> Iterator[Store]:
    """Open the store (loading the bundled data for memory:), with a status line on a terminal."""
    show = not quiet and err_console.is_terminal
    if show:
        with err_console.status("loading the knowledge graph...") as status:
            store = open_knowledge_graph(spec, progress=lambda f: status.update(f"loading {f}"))
    else:
        store = open_knowledge_graph(spec)
    notice_recovery(store)
    try:
        yield store
    finally:
        store.close()


def emit(
    fmt: Format,
    records: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    title: str | None = None,
    cell: Callable[[str, Any], str] | None = None,
    csv_keys: Sequence[str] | None = None,
) -> None:
    """Print records as a table, JSON (the full records) or CSV (the columns). ``columns`` are (record key,
    table header) pairs: the table shows the headers, the CSV's header is the keys (snake_case, as in the
    JSON), so that scripts read CSV and JSON by the same names. ``csv_keys``: the CSV's columns where they
    are more than the table's (an IRI a script joins on, which a reader of the table does not need)."""
    if fmt is Format.json:
        sys.stdout.write(json.dumps(list(records), indent=2, ensure_ascii=False, default=str) + "\n")
        return
    show = cell or (lambda _key, value: _plain(value))
    if fmt is Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        keys = list(csv_keys) if csv_keys else [key for key, _ in columns]
        writer.writerow(keys)
        for record in records:
            writer.writerow([show(key, record.get(key)) for key in keys])
        sys.stdout.write(buffer.getvalue())
        return
    rows = [[" ".join(show(key, record.get(key)).split()) for key, _ in columns] for record in records]
    headers = [header for _, header in columns]
    if not console.is_terminal:
        sys.stdout.write(plain_table(headers, rows, title))
        return
    # On a terminal: wrap at word boundaries, never inside a word. Each column is at least as wide as its
    # longest word; when the words alone are wider than the terminal, the table is drawn wider (the terminal
    # wraps whole lines) rather than breaking or cropping them.
    widths = column_widths(headers, rows, console.width)
    table = Table(title=title, show_lines=False, expand=False)
    for header, width in zip(headers, widths, strict=True):
        table.add_column(header, overflow="fold", width=width)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # text, not markup: "[1950]" stays in the cell
    needed = sum(widths) + 3 * len(widths) + 1
    if needed > console.width:
        _Console(file=console.file, width=needed, force_terminal=True).print(table)
    else:
        console.print(table)


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """The width of each column of a terminal table ``width`` cells wide: at least its longest word (header
    included), at most its longest cell; the widest columns give way first. When the longest words alone do
    not fit, each column is exactly its longest word (the table is then wider than ``width``). Rich is given
    these widths: its own reduction can go below a column's minimum and then crops the last column."""
    cells = [[header, *(row[i] for row in rows)] for i, header in enumerate(headers)]
    least = [max([cell_len(w) for c in column for w in c.split()] + [1]) for column in cells]
    most = [max([cell_len(c) for c in column] + [1]) for column in cells]
    widths = [max(a, b) for a, b in zip(least, most, strict=True)]
    room = width - 3 * len(headers) - 1  # a border and one cell of padding either side of each column
    while sum(widths) > room:
        shrinkable = [i for i, w in enumerate(widths) if w > least[i]]
        if not shrinkable:
            break
        widest = max(widths[i] for i in shrinkable)
        others = [widths[i] for i in shrinkable if widths[i] < widest]
        at_widest = [i for i in shrinkable if widths[i] == widest]
        # bring the widest columns down to the next width (or their minimum, or just what is needed)
        step = min(widest - max(others + [max(least[i] for i in at_widest)]),
                   -(-(sum(widths) - room) // len(at_widest)))
        for i in at_widest:
            widths[i] = max(least[i], widest - max(step, 1))
    return widths


def plain_table(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None) -> str:
    """Rows as plain text in aligned columns, one line per row, nothing wrapped or broken: for pipes, files
    and `grep`. (CSV, with --format csv, is for programs.)"""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() + "\n"

    out = [f"{title}\n"] if title else []
    out.append(line(headers))
    out.append(line(["-" * w for w in widths]))
    out.extend(line(r) for r in rows)
    return "".join(out)


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_plain(v)}" for k, v in value.items() if v is not None)
    return str(value)


def require_folder(folder: Path, named: str, layout: str) -> None:
    """A usage error unless ``folder`` is an existing folder; ``named`` is how the message names it, ``layout``
    what the folder should hold."""
    if not folder.exists():
        raise UsageError(f"{named}: no such folder; {layout}")
    if not folder.is_dir():
        raise UsageError(f"{named}: is a file, not a folder; {layout}")
