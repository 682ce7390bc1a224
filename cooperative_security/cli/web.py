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
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (0: any free port).")] = 8000,
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
    query_memory: Annotated[int, typer.Option("--query-memory", help="Megabytes of memory one query may use "
                                                                     "(its worker's address space); more is "
                                                                     "answered 503.")] = 1024,
    max_answer: Annotated[int, typer.Option("--max-answer", help="Largest answer in bytes; more is answered "
                                                                 "422.")] = 64 * 1024 * 1024,
    max_depth: Annotated[int, typer.Option("--max-depth", help="Deepest nesting of brackets and braces in a "
                                                               "query; deeper is answered 400.")] = 100,
    request_timeout: Annotated[float, typer.Option("--request-timeout", help="Seconds a client has to send its "
                                                                             "whole request (line, headers, "
                                                                             "body), and to read each "
                                                                             "answer.")] = 10.0,
    max_connections: Annotated[int, typer.Option("--max-connections", help="Connections open at once; more are "
                                                                           "answered 503.")] = 64,
    max_headers: Annotated[int, typer.Option("--max-headers", help="Largest size of a request's headers, all "
                                                                   "together, in bytes; more is answered "
                                                                   "431.")] = 64 * 1024,
    allow_service: Annotated[list[str] | None, typer.Option("--allow-service", help="A host that SERVICE (and, "
                                                            "with --writable, LOAD) may reach; repeat for more. "
                                                            "None by default: federation is off.")] = None,
    allow_host: Annotated[list[str] | None, typer.Option("--allow-host", help="A Host name, besides this "
                                                         "machine's, under which updates are accepted and the "
                                                         "service description names the endpoint.")] = None,
    token_file: Annotated[Path | None, typer.Option("--token-file", help="With --writable: a file holding a "
                                                    "secret; updates need 'Authorization: Bearer SECRET'. "
                                                    "Required with --writable on a --host other than "
                                                    "loopback.")] = None,
    cors: Annotated[list[str] | None, typer.Option("--cors", help="An origin (such as https://example.org) "
                                                   "whose web pages may read this server's answers; repeat "
                                                   "for more. None by default; * is refused.")] = None,
) -> None:
    """A SPARQL 1.1 endpoint with a query page, and dereferenceable IRIs (/id/..., /ontology)."""
    from ..serve import Limits, ServerConfig, check_config, prepare_store, serve_until_signal
    from ..serve.access import is_loopback

    if timeout <= 0 or max_results < 1 or max_body < 1 or max_running < 1:
        raise UsageError("--timeout, --max-results, --max-body and --max-running must be positive")
    if query_memory < 256 or max_answer < 1 or max_depth < 1 or request_timeout <= 0 or max_connections < 1:
        raise UsageError("--max-answer, --max-depth, --request-timeout and --max-connections must be positive, "
                         "and --query-memory at least 256 (megabytes)")
    if max_headers < 1024:
        raise UsageError("--max-headers must be at least 1024 (bytes)")
    token = None
    if token_file is not None:
        if not writable:
            raise UsageError("--token-file guards updates: it needs --writable")
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--token-file {token_file}: cannot read it ({exc})") from exc
        if len(token) < 16:
            raise UsageError(f"--token-file {token_file}: the token must have at least 16 characters "
                             "(e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe())' > FILE`)")
    config = ServerConfig(host=host or "127.0.0.1", port=port, writable=writable,
                          limits=Limits(timeout, max_results, max_body, max_running, query_memory * 1024 * 1024,
                                        max_answer, max_depth, request_timeout, max_connections,
                                        max_headers=max_headers),
                          site_dir=site, allow_remote=host is not None, allow_service=tuple(allow_service or ()),
                          allow_host=tuple(allow_host or ()), token=token,
                          cors=tuple(cors or ()))
    check_config(config)  # before the store is loaded: a writable server others reach needs --token-file
    if not is_loopback(config.host):
        err_console.print(f"warning: listening on {config.host}: other machines can reach this endpoint"
                          + (" and, with the token, change the store (--writable)" if writable else ""),
                          highlight=False)
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
    """A static HTML site: ontology, one page per concept, case and work, a concept map, a citation network.

    The site is built beside OUTPUT and renamed into place when complete. OUTPUT may be new, empty or an earlier
    site (replaced whole); a folder holding other files is refused and left alone."""
    from ..outputs import check_folder
    from ..site import build_site
    from .common import knowledge_graph

    existed = check_folder(output, "site")  # before the slow part: a refusal comes at once
    with knowledge_graph(store) as kg, err_console.status("writing the site..."):
        report = build_site(kg, output)
    console.print(f"wrote {len(report.pages)} pages and {len(report.figures)} pictures to {output}"
                  + (" (replacing the earlier site)" if existed else "")
                  + f"; open {output / 'index.html'}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(site)
