"""Options and output shared by the commands."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ..kb import open_knowledge_graph
from ..store import Store

StoreOption = Annotated[
    str,
    typer.Option("--store", help="memory: (bundled data in memory, the default), oxigraph:DIR (on disk) or "
        "sparql:QUERY_URL[,UPDATE_URL] (a SPARQL 1.1 endpoint)."),
]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]

console = Console()
err_console = Console(stderr=True)


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
) -> None:
    """Print records as a table, JSON (the full records) or CSV (the columns)."""
    if fmt is Format.json:
        sys.stdout.write(json.dumps(list(records), indent=2, ensure_ascii=False, default=str) + "\n")
        return
    show = cell or (lambda _key, value: _plain(value))
    if fmt is Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([header for _, header in columns])
        for record in records:
            writer.writerow([show(key, record.get(key)) for key, _ in columns])
        sys.stdout.write(buffer.getvalue())
        return
    table = Table(title=title, show_lines=False, expand=False)
    for _, header in columns:
        table.add_column(header, overflow="fold")
    for record in records:
        table.add_row(*[show(key, record.get(key)) for key, _ in columns])
    console.print(table)


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_plain(v)}" for k, v in value.items() if v is not None)
    return str(value)
