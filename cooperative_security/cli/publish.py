"""Commands for publishing: export (RDF in six formats), release (versioned artefacts), push (upload)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer

from ..classify.run import run_rules
from ..errors import StoreError, UsageError
from ..export import export_dataset, exported_graphs, graph_iri, write_release
from ..export.base import collect_quads, short_name
from ..export.formats import WRITERS, check_suffix
from ..kb import open_knowledge_graph
from ..store import Store, open_store, parse_spec
from .common import StoreOption, console, err_console, knowledge_graph


class RdfFormat(StrEnum):
    turtle = "turtle"
    ntriples = "ntriples"
    jsonld = "jsonld"
    rdfxml = "rdfxml"
    trig = "trig"
    nquads = "nquads"


ClassifyOption = Annotated[
    bool, typer.Option("--classify/--no-classify",
                       help="Run the classifier first so that the inferred graph is current (it writes to the store).")
]
def _endpoint(url: str | None) -> str | None:
    """--endpoint: an absolute http(s) URL, which the VoID description uses as an IRI."""
    if url is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        ox.NamedNode(url)
        valid = parts.scheme in ("http", "https") and bool(parts.netloc)
    except ValueError:
        valid = False
    if not valid:
        raise UsageError(f"--endpoint {url!r}: not an http(s) URL; give the endpoint's full address, such as "
                         "--endpoint http://127.0.0.1:7878/query")
    return url


EndpointOption = Annotated[
    str | None, typer.Option("--endpoint", callback=_endpoint,
                             help="URL of a SPARQL endpoint serving the data, for the VoID description.")
]


def _run_rules(kg: Store) -> None:
    """The classifier, with a status line on a terminal naming each rule as it runs (the export, the release
    and the push classify first, which takes seconds on the bundled graph and minutes on a large store)."""
    if not err_console.is_terminal:
        run_rules(kg)
        return
    with err_console.status("classifying...") as status:
        run_rules(kg, progress=lambda step: status.update(f"classifying: {step}"))


def export(
    fmt: Annotated[RdfFormat, typer.Option("--format", "-f", help="RDF format; turtle, ntriples, jsonld and rdfxml "
                                                                  "merge the graphs, trig and nquads keep them.")],
    graph: Annotated[str | None, typer.Option(
        "--graph", help="One named graph: ontology, case/asean, inferred, void, ... (default: all, with the VoID "
                        "description).")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="File to write (default: standard output).")] = None,
    store: StoreOption = "memory:",
    classify: ClassifyOption = True,
    endpoint: EndpointOption = None,
) -> None:
    """Export the ontology, the knowledge base and the inferred classifications as RDF.

    With -o the file is written beside FILE and renamed into place when complete (an existing FILE is replaced,
    and the command says so); a failed or interrupted export leaves FILE as it was. FILE's ending must be the
    format's (.ttl, .nt, .jsonld or .json, .rdf, .owl or .xml, .trig, .nq)."""
    from ..outputs import check_output, replace_file

    replaced = False
    if output is not None:
        check_output(output, "coopsec" + WRITERS[fmt.value].suffix)
        check_suffix(fmt.value, output)  # Turtle in coopsec.rdf would mislead whatever opens it by its name
        replaced = output.exists()
    with knowledge_graph(store) as kg:
        if classify:
            _run_rules(kg)
        if output is None:
            count = export_dataset(kg, fmt.value, sys.stdout.buffer, graph, endpoint)
            sys.stdout.flush()
        else:
            with replace_file(output) as fh:
                count = export_dataset(kg, fmt.value, fh, graph, endpoint)
    unit = "quads" if fmt in (RdfFormat.trig, RdfFormat.nquads) else "triples"
    err_console.print(f"{count} {unit}" + (f" written to {output}" if output else "")
                      + (" (replacing the file that was there)" if replaced else ""), highlight=False)


def release(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the release files into.")],
    store: StoreOption = "memory:",
    endpoint: EndpointOption = None,
) -> None:
    """Write the release: merged ontology (Turtle, RDF/XML, JSON-LD), full dataset (TriG, N-Quads),
    inferred graph and VoID/DCAT description, each stamped with the version IRI.

    The files are moved into OUTPUT together once all are written; other files there (other versions) are
    left alone, and a file of the same name (this version's earlier release) is replaced, as the output says."""
    if output.exists() and not output.is_dir():
        raise UsageError(f"-o {output}: a file of that name exists; the release is a folder: give another name")
    with knowledge_graph(store) as kg:
        _run_rules(kg)
        artefacts = write_release(kg, output, endpoint)
    for a in artefacts:
        console.print(f"{a.path}: {a.what}, {a.statements} statements" + (" (replaced)" if a.replaced else ""),
                      highlight=False)


def push(
    store: Annotated[str, typer.Option("--store", help="The target: sparql:QUERY_URL,UPDATE_URL.")],
    graph: Annotated[str | None, typer.Option("--graph", help="Upload one named graph only (e.g. ontology, "
                                                              "case/asean).")] = None,
    source: Annotated[str, typer.Option("--from", help="Where the graphs come from: memory: (the bundled "
                                                       "knowledge graph) or oxigraph:DIR.")] = "memory:",
    classify: ClassifyOption = True,
) -> None:
    """Upload the knowledge graph to a SPARQL endpoint, graph by graph (each replaced whole)."""
    if not parse_spec(store).shared:  # read before opening: opening oxigraph:DIR would create and lock it
        raise UsageError(f"--store {store}: push uploads to a SPARQL endpoint, sparql:QUERY_URL,UPDATE_URL")
    target = open_store(store)
    if not target.writable:
        raise UsageError(f"--store {store}: the endpoint is read only here; give its update URL too: "
                         "sparql:QUERY_URL,UPDATE_URL")
    src = open_knowledge_graph(source)
    try:
        if classify:
            _run_rules(src)
        graphs = exported_graphs(src, graph)
        by_graph: dict[ox.NamedNode, list[ox.Triple]] = {g: [] for g in graphs}
        for q in collect_quads(src, graphs):
            by_graph[q.graph_name].append(q.triple)  # type: ignore[index]
        with err_console.status(f"uploading {len(graphs)} graph(s) to {store}..."):
            target.replace_graphs(by_graph)
        wrong = [(g, len(ts), target.count(g)) for g, ts in by_graph.items() if target.count(g) != len(set(ts))]
        if wrong:
            g, sent, there = wrong[0]
            raise StoreError(f"the upload to {store} did not land whole: graph {g.value} holds {there} triples "
                             f"where {sent} were sent; run `coopsec push` again (graphs are replaced whole)")
        for g, ts in sorted(by_graph.items(), key=lambda item: item[0].value):
            console.print(f"{short_name(g.value)}: {len(ts)} triples", highlight=False)
        console.print(f"{sum(len(ts) for ts in by_graph.values())} triples in {len(by_graph)} graph(s) pushed to "
                      f"{store}", highlight=False)
    finally:
        src.close()
        target.close()


def register(app: typer.Typer) -> None:
    app.command()(export)
    app.command()(release)
    app.command()(push)


__all__ = ["register", "export", "release", "push", "graph_iri"]
