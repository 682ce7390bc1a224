"""Commands that publish the graph on the web: serve (a SPARQL endpoint) and site (static HTML)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from .common import StoreOption, console, err_console


def serve(
    store: StoreOption = "memory:",
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on (default 127.0.0.1, this machine "
                                                            "only); another address must be named here.")] = None,
    port: Annotated[int, typer.Option("--port", help="Port (0: any free port).")] = 8000,
    writable: Annotated[bool, typer.Option("--writable", help="Accept SPARQL updates (refused with 403 "
                                                               "otherwise).")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds a query may run before the answer is 503.")]
    = 10.0,
    max_results: Annotated[int, typer.Option("--max-results", help="Most rows (or triples) an answer may hold; "
                                                                   "more is answered 422.")] = 10_000,
    max_body: Annotated[int, typer.Option("--max-body", help="Largest request body in bytes; more is answered "
                                                             "413.")] = 1_000_000,
    max_running: Annotated[int, typer.Option("--max-running", help="Queries running at once; more are answered "
                                                                   "503.")] = 4,
    site: Annotated[Path | None, typer.Option("--site", help="Also serve a folder built by `coopsec site` at "
                                                             "/site/.")] = None,
) -> None:
    """A SPARQL 1.1 endpoint with a query page, and dereferenceable IRIs (/id/..., /ontology)."""
    from ..serve import Limits, ServerConfig, prepare_store, serve_until_signal
    from ..serve.http import is_loopback

    if timeout <= 0 or max_results < 1 or max_body < 1 or max_running < 1:
        raise UsageError("--timeout, --max-results, --max-body and --max-running must be positive")
    config = ServerConfig(host=host or "127.0.0.1", port=port, writable=writable,
                          limits=Limits(timeout, max_results, max_body, max_running), site_dir=site,
                          allow_remote=host is not None)
    if not is_loopback(config.host):
        err_console.print(f"warning: listening on {config.host}: other machines can reach this endpoint"
                          + (" and change the store (--writable)" if writable else ""), highlight=False)
    with err_console.status("loading the knowledge graph and classifying..."):
        kg = prepare_store(store)
    try:
        # A plain print, never wrapped: scripts read the address from this line.
        serve_until_signal(config, kg, ready=lambda url: print(
            f"coopsec serve: {url} (SPARQL at {url}sparql; {'writable' if writable else 'read-only'}); "
            "Ctrl-C stops", flush=True))
    finally:
        kg.close()
    err_console.print("coopsec serve: stopped", highlight=False)


def site(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the site into.")],
    store: StoreOption = "memory:",
) -> None:
    """A static HTML site: ontology, one page per concept, case and work, a concept map, a citation network."""
    from ..site import build_site
    from .common import knowledge_graph

    with knowledge_graph(store) as kg, err_console.status("writing the site..."):
        report = build_site(kg, output)
    console.print(f"wrote {len(report.pages)} pages and {len(report.figures)} pictures to {output}; "
                  f"open {output / 'index.html'}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(site)
