"""Commands about the knowledge base: init, ingest, cases, works."""

from __future__ import annotations

import sys
import warnings
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..catalogue import list_actors, list_cases, list_works
from ..errors import UsageError
from ..export.works import BIBLIOGRAPHY_FORMATS, bibliography
from ..ingest import ingest_paths
from ..ingest.retyping import RetypingWarning
from ..kb import has_theory, load_bundled
from ..store import Store, open_store, parse_spec
from .common import Format, FormatOption, StoreOption, console, emit, err_console, knowledge_graph, notice_recovery


def init(
    store: Annotated[str, typer.Option("--store", help="oxigraph:DIR, the on-disk store to create.")],
) -> None:
    """Create an on-disk store holding the ontology and all the bundled data."""
    spec = parse_spec(store)
    if spec.ephemeral:
        raise UsageError("init creates an on-disk store: give --store oxigraph:DIR (a memory: store is filled "
                         "with the bundled data afresh by every command, so there is nothing to create)")
    if spec.scheme == "oxigraph":
        _check_folder(store, Path(spec.location).expanduser())
    kg = open_store(store)
    try:
        if not kg.ephemeral:
            notice_recovery(kg)
        if has_theory(kg):
            _already_initialised(kg, store)
            return
        with err_console.status("loading the bundled ontology and data...") as status:
            load_bundled(kg, progress=lambda f: status.update(f"loading {f}"))
        console.print(f"{store}: {kg.count()} triples in {len(kg.graph_names())} graphs", highlight=False)
    finally:
        kg.close()


def _check_folder(store: str, folder: Path) -> None:
    """A usage error, before anything is made, when the store's folder cannot be created or is not a folder."""
    if folder.exists():
        if not folder.is_dir():
            raise UsageError(f"{store}: {folder} is a file, not a folder: give oxigraph:DIR with a folder "
                             "(a new one, or a store made by `coopsec init`)")
        return
    parent = folder.parent
    if not parent.is_dir():
        what = ("is a file, not a folder: give a folder inside an existing one" if parent.exists()
                else f"does not exist: create it first (mkdir -p {parent}), or give a folder inside an existing one")
        raise UsageError(f"{store}: cannot create the store folder {folder}: {parent} {what}")


def _already_initialised(kg: Store, store: str) -> None:
    """``init`` on a store that holds the ontology already: nothing to do, or say how to refresh old bundled data."""
    from ..ingest import expand_paths, ingest_id
    from ..kb import bundled_data_files
    from ..namespaces import graph

    current = graph(f"ingest/{ingest_id(expand_paths(bundled_data_files()), by_path=False)}").value
    triples = kg.count()
    if current in kg.graph_names():
        console.print(f"{store} already holds the bundled knowledge graph ({triples} triples): nothing to do",
                      highlight=False)
        return
    console.print(f"{store} already holds a knowledge graph ({triples} triples), but its bundled data is not this "
                  "version of coopsec's (another release, or data/ edited since): left as it is. To refresh it, "
                  "create a new store (`coopsec init --store oxigraph:NEWDIR`) and ingest your own files into it "
                  "again (`coopsec ingest FILES --store oxigraph:NEWDIR`)", highlight=False)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders: case YAML, event CSV, BibTeX, "
                                                     "CSL-JSON, RDF.")],
    store: StoreOption = "memory:",
    replace: Annotated[list[str] | None, typer.Option("--replace", help="A graph IRI this ingest may replace "
                                                      "although another file (or coopsec itself) wrote it, or "
                                                      "that a TriG/N-Quads file names in coopsec's namespace; "
                                                      "repeat for more; IRI* for all graphs with that prefix "
                                                      "(restoring a whole export).")] = None,
) -> None:
    """Validate files and load them into the store, each into its own named graph: all or nothing."""
    kg = open_store(store)
    try:
        if kg.ephemeral:
            load_bundled(kg)
        else:
            notice_recovery(kg)
            if not has_theory(kg):
                with err_console.status("first use of this store: loading the bundled ontology and data..."):
                    load_bundled(kg)
    except BaseException:
        kg.close()
        raise
    try:
        with err_console.status("reading...") as status, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RetypingWarning)
            report = ingest_paths(kg, paths, progress=lambda f: status.update(f"reading {f}"), replace=replace or ())
        for w in caught:  # said after the status line is gone, and only once the ingest is written
            if issubclass(w.category, RetypingWarning):
                err_console.print(f"warning: {w.message}", highlight=False, soft_wrap=True, markup=False)
            else:
                warnings.showwarning(w.message, w.category, w.filename, w.lineno)
        for skipped in report.skipped:  # a folder's documentation and hidden files: not read, and said so
            err_console.print(f"skipped {skipped}", highlight=False, soft_wrap=True, markup=False)
        if report.already:
            console.print(f"ingest {report.ingest_id} is already in {store}, whole: nothing to write", highlight=False)
            return
        for graph, count in sorted(report.graphs.items()):
            console.print(f"{graph}: {count} triples", highlight=False)
        from ..ingest.formats import key_changes

        changes = key_changes(paths)
        if changes:
            console.print(f"{len(changes)} work key(s) made readable (cite the works by the new key):", highlight=False)
            for change in changes:
                console.print(f"  {change}", highlight=False, soft_wrap=True)
        console.print(f"ingest {report.ingest_id}: {report.triples} triples from {len(report.files)} file(s)"
                      + (" (in memory: use --store oxigraph:DIR to keep them)" if kg.ephemeral else ""),
                      highlight=False)
    finally:
        kg.close()


def remove(
    sources: Annotated[list[Path], typer.Argument(
        help="Files given to `coopsec ingest` before (a file need not exist any more), or folders: a folder stands "
             "for the files `coopsec ingest` reads in it.", metavar="SOURCE...")],
    store: Annotated[str, typer.Option("--store", help="oxigraph:DIR or sparql:QUERY_URL,UPDATE_URL: the store "
                                                       "to remove it from.")],
    force: Annotated[bool, typer.Option("--force", help="Remove it even when other ingested data refer to what "
                                        "only it defines (a case an events CSV adds to, a work a case cites): "
                                        "those references are listed, and left pointing at nothing.")] = False,
) -> None:
    """Remove from the store the graphs that ingesting each SOURCE added, and the ingests' records: all or nothing.

    A folder stands for the files `coopsec ingest` reads in it. A file the store holds nothing from is an
    error (exit 1, nothing removed). Refused (exit 1, nothing removed) when other data in the store refer to
    what only these files define: the message lists each reference and its file. Remove those files too
    (or first), or pass --force.
    """
    from ..ingest.remove import remove_sources

    spec = parse_spec(store)  # read before opening: opening oxigraph:DIR would create it
    if spec.ephemeral:
        raise UsageError("an in-memory store holds only the bundled data: give --store oxigraph:DIR")
    if not spec.exists():
        raise UsageError(f"there is no store {store} (no such folder): nothing was ingested there")
    kg = open_store(store)
    try:
        notice_recovery(kg)
        removal = remove_sources(kg, sources, force=force)
    finally:
        kg.close()
    if removal.dangling:
        err_console.print(f"warning: --force: {len(removal.dangling)} reference(s) now point at nothing (`coopsec "
                          "check` lists them):", highlight=False, soft_wrap=True)
        for d in removal.dangling:
            err_console.print(f"  {d}", highlight=False, soft_wrap=True, markup=False)
    for g, count in sorted(removal.graphs.items()):
        console.print(f"removed {g}: {count} triples", highlight=False)
    console.print(f"removed {len(removal.graphs)} graph(s) from {removal.source}"
                  + (f" and {len(removal.records)} ingest record(s)" if removal.records else ""), highlight=False)


def cases(
    case: Annotated[str | None, typer.Argument(help="One case id (default: every case).", metavar="CASE")] = None,
    store: StoreOption = "memory:",
    fmt: FormatOption = Format.table,
) -> None:
    """List the cases (or one case) with their members and events.

    Actors are named the same way in every format: the ISO 3166-1 alpha-3 code where the actor has one, else
    its id; CSV and JSON add their Correlates of War numbers (``members_cow``, ``actors_cow``, ``towards_cow``).
    An event's ``type`` is its type's IRI and ``type_label`` the type's label, in CSV as in JSON.
    """
    from ..api import one_case

    with knowledge_graph(store) as kg:
        items = list_cases(kg)
    if case is not None:
        items = one_case(items, case)

    if fmt is Format.table:
        for c in items:
            emit(fmt, [{"date": e.date, "type": e.type_label or e.type, "level": e.level, "label": e.label,
                        "actors": ", ".join(e.actors) + (f" -> {', '.join(e.towards)}" if e.towards else ""),
                        "sources": "; ".join(f"{s.citation}" + (f" {s.pages}" if s.pages else "") for s in e.sources)}
                       for e in c.events],
                 [("date", "date"), ("type", "type"), ("level", "level"), ("label", "event"), ("actors", "actors"),
                  ("sources", "sources")],
                 title=f"{c.id}: {c.label} ({', '.join(c.members)})")
        return
    if fmt is Format.csv:
        rows = [{"case": c.id, "members": ";".join(c.members), "members_cow": _codes(c.members_cow), "event": e.id,
                 "date": e.date, "date_precision": e.date_precision, "type": e.type, "type_label": e.type_label,
                 "level": e.level, "label": e.label, "actors": ";".join(e.actors), "actors_cow": _codes(e.actors_cow),
                 "towards": ";".join(e.towards), "towards_cow": _codes(e.towards_cow)}
                for c in items for e in c.events]
        # type is the IRI and type_label its label, as in JSON (type held the label); the columns added since
        # the first ones come last, so that a program reading columns by position keeps working
        emit(fmt, rows, [(k, k) for k in ("case", "members", "event", "date", "date_precision", "type", "level",
                                          "label", "actors", "towards", "members_cow", "actors_cow", "towards_cow",
                                          "type_label")])
        return
    emit(fmt, [c.to_json() for c in items], [])


def _codes(numbers: list[int | None]) -> str:
    """COW numbers ``;``-separated in the order of the names beside them (empty for an actor without one)."""
    return ";".join("" if n is None else str(n) for n in numbers)


def actors(store: StoreOption = "memory:", fmt: FormatOption = Format.table) -> None:
    """List the actors a case file can name: id, name, kind, ISO code and COW number, lifetime."""
    with knowledge_graph(store) as kg:
        items = list_actors(kg)
    emit(fmt, [a.to_json() for a in items],
         [("id", "id"), ("shown", "shown as"), ("cow", "cow"), ("kind", "kind"), ("name", "name"), ("start", "from"),
          ("end", "to"), ("states", "of")],
         title=f"{len(items)} actors: in a case file write the id, or a state's ISO code when only one actor "
               "carries it; outputs show the ISO code, else the id")


class WorksFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    bibtex = "bibtex"
    csl_json = "csl-json"


def works(
    store: StoreOption = "memory:",
    fmt: Annotated[WorksFormat, typer.Option(
        "--format", "-f", help="table, json or csv: the list; bibtex or csl-json: the bibliography itself, every "
                               "field, for LaTeX or Zotero.")] = WorksFormat.table,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="With bibtex or csl-json: the file to write, FILE.bib or FILE.json (default: "
                               "standard output).")] = None,
) -> None:
    """List the works of the bibliography and the footnotes that cite them, or write the bibliography as BibTeX
    or CSL-JSON (the bundled works and those ingested, sorted by key).

    With -o the file is written beside FILE and renamed into place when complete (an existing FILE is replaced,
    and the command says so)."""
    if fmt.value in BIBLIOGRAPHY_FORMATS:
        _bibliography(store, fmt.value, output)
        return
    if output is not None:
        raise UsageError(f"-o {output}: -o writes a bibliography file; give --format bibtex or --format csl-json "
                         "(the list goes to standard output)")
    with knowledge_graph(store) as kg:
        items = list_works(kg)
    table = Format(fmt.value)

    def cell(key: str, value: object) -> str:
        if key == "inferred":  # in the table a mark per inference; JSON and CSV carry the full text
            marks = value if isinstance(value, list) else []
            return "; ".join(v.split(":")[0] for v in marks) if table is Format.table else " | ".join(marks)
        return "; ".join(str(v) for v in value) if isinstance(value, list) else "" if value is None else str(value)

    emit(table, [w.to_json() for w in items],
         [("key", "key"), ("authors", "authors"), ("year", "year"), ("title", "title"), ("cited_in", "notes"),
          ("inferred", "inferred")],
         title=f"{len(items)} works", cell=cell)


def _bibliography(store: str, fmt: str, output: Path | None) -> None:
    """``works --format bibtex|csl-json``: the file, to standard output or ``output``."""
    from ..outputs import check_output, replace_file

    suffix = BIBLIOGRAPHY_FORMATS[fmt]
    replaced = False
    if output is not None:
        check_output(output, "works" + suffix)
        if output.suffix.lower() != suffix:
            raise UsageError(f"-o {output}: a {fmt} file ends {suffix} (Zotero and LaTeX go by the ending); "
                             f"give -o {output.with_suffix(suffix).name}")
        replaced = output.exists()
    with knowledge_graph(store) as kg:
        text, count = bibliography(kg, fmt)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    with replace_file(output) as fh:
        fh.write(text.encode("utf-8"))
    err_console.print(f"{count} works written to {output}" + (" (replacing the file that was there)" if replaced
                                                                else ""), highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(ingest)
    app.command()(remove)
    app.command()(cases)
    app.command()(actors)
    app.command()(works)
