"""``coopsec docs``: build the documentation site (mkdocs, strict) into a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import console, err_console


def docs(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the site into.")] =
    Path("build/docs-site"),
    config: Annotated[Path | None, typer.Option("--config", help="The mkdocs.yml to build (default: the "
                                                                 "source tree's).")] = None,
    lenient: Annotated[bool, typer.Option("--lenient", help="Report warnings without failing (the default is "
                                                            "strict: a broken link fails the build).")] = False,
) -> None:
    """The documentation site: guide, operations, development, and the reference generated from the
    sources (commands, queries, rules, ontology terms, Python API). Needs the docs extra."""
    from ..docs import build_docs

    warnings: list[str] = []
    with err_console.status("building the documentation..."):
        pages = build_docs(output, config, strict=not lenient, on_warning=warnings.append)
    for message in warnings:  # --lenient: the site is built, and what strict mode would have refused is said
        err_console.print(f"coopsec docs: warning: {' '.join(message.split())}", highlight=False)
    said = f" ({len(warnings)} warning{'' if len(warnings) == 1 else 's'} above)" if warnings else ""
    console.print(f"wrote {len(pages)} pages to {output}; open {output / 'index.html'}{said}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(docs)
