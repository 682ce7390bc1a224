"""Commands for the field's data sets: ingest-dataset, dyads, compare."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..analysis.compare import compare_cases
from ..classify.dyads import classify, classify_parts, thresholds
from ..errors import UsageError
from ..export.dyads import check_output, write_table
from ..export.dyads_rdf import write_rdf
from ..ingest import field_datasets
from ..ingest.dataset_record import recorded_use
from ..ingest.datasets.files import resolve_data_dir
from ..ingest.dyad_years import DYADS_GRAPH, FIRST_YEAR, LAST_YEAR, DataFiles, build_parts, default_jobs, new_store
from ..ingest.ingest_dataset import DATASETS, ingest_dataset
from ..kb import has_theory, load_bundled
from ..queries import load_query
from ..store import BulkLoading, Capabilities, Store, open_store
from .common import Format, FormatOption, StoreOption, console, emit, err_console, parse_year, require_folder

DataDirOption = Annotated[Path | None, typer.Option(
    "--data-dir", help="Folder holding cow/, mid/, atop/ as shipped (default: $COOPSEC_DATA; see `coopsec datasets`).")]


class Dataset(StrEnum):
    mid = "mid"
    atop = "atop"
    igo = "igo"
    cow_states = "cow-states"
    icews = "icews"
    dyad_years = "dyad-years"


def _bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[rows]} rows"),
                    TimeElapsedColumn(), console=err_console, transient=True)


def ingest_dataset_command(
    dataset: Annotated[Dataset, typer.Argument(help="Which data set the file is.")],
    file: Annotated[Path, typer.Argument(help="The file as its publisher ships it (.csv, .csv.gz, .tab); for "
                                         "dyad-years, the data folder (as for `coopsec dyads --data-dir`).")],
    store: StoreOption = "memory:",
    states: Annotated[Path | None, typer.Option("--states", help="COW states.csv, to name states (default: "
                                                "cow/states.csv beside the file's folder).")] = None,
) -> None:
    """Stream one data set file into the graph events/DATASET, or (dyad-years) a data folder into the
    dyad-year graph that `coopsec dyads --store` classifies: all or nothing."""
    kg = open_store(store)
    if not kg.writable:
        kg.close()
        raise UsageError(f"{store}: the store is read only; ingest-dataset needs a writable store")
    if kg.ephemeral or not has_theory(kg):
        load_bundled(kg)
    try:
        with _bar() as bar:
            task = bar.add_task(f"{dataset.value} {file.name}", total=file.stat().st_size if file.is_file() else 1,
                                rows=0)
            report = ingest_dataset(kg, dataset.value, file, states,
                                    progress=lambda rows, done, total: bar.update(task, completed=done, total=total,
                                                                                  rows=rows))
        rows = f" from {report.rows} rows" if report.rows else ""
        rate = f"{report.rows / max(report.seconds, 1e-9):,.0f} rows/s, " if report.rows else ""
        console.print(f"{', '.join(report.graphs)}: {report.triples} triples{rows} in {report.seconds:.1f} s "
                      f"({rate}{report.triples / max(report.seconds, 1e-9):,.0f} triples/s)"
                      + (" (in memory: use --store oxigraph:DIR to keep them)" if kg.ephemeral else ""),
                      highlight=False)
    finally:
        kg.close()


class OutFormat(StrEnum):
    table = "table"
    rdf = "rdf"


def dyads_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.csv or FILE.parquet (FILE.nq or .trig "
                                         "with --format rdf).")],
    first: Annotated[int, typer.Option("--from", parser=parse_year, metavar="YEAR", help="First year, such as "
                                                                                       "1990.")] = FIRST_YEAR,
    last: Annotated[int, typer.Option("--to", parser=parse_year, metavar="YEAR", help="Last year.")] = LAST_YEAR,
    data_dir: DataDirOption = None,
    fmt: Annotated[OutFormat, typer.Option("--format", help="table (CSV/Parquet) or rdf (N-Quads/TriG).")]
    = OutFormat.table,
    directed: Annotated[bool, typer.Option("--directed", help="Each dyad-year in both directions (ccode1, ccode2 "
                                           "and ccode2, ccode1), to merge with a directed frame.")] = False,
    store: Annotated[str | None, typer.Option("--store", help="Classify the dyad-year graph held by this store "
                                              "(oxigraph:DIR, after `coopsec ingest-dataset dyad-years DIR "
                                              "--store SPEC`) instead of reading --data-dir.")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, max=16,
                                             help="With --data-dir: classify in this many parts at once, each "
                                             "the dyads of some lineages in its own in-memory store (default: the "
                                             "usable cores, at most 4; the output is the same).")] = None,
) -> None:
    """Classify every dyad-year on Buzan's spectrum: one row per non-directed dyad-year (ccode1 < ccode2), or
    per directed dyad-year with --directed; columns in peacesciencer's names."""
    started = time.perf_counter()
    if first > last:  # first of all: before the output, the data folder or the store are looked at
        raise UsageError(f"--from {first} is after --to {last}: the span runs from --from to --to; give the earlier "
                         f"year to --from (--from {last} --to {first})")
    check_output(output, rdf=fmt is OutFormat.rdf)  # before the slow part
    if store is not None:
        if data_dir is not None:
            raise UsageError("give --store (a store holding the dyad-year graph) or --data-dir, not both")
        if jobs is not None:
            raise UsageError("--jobs is for --data-dir, which builds the parts in memory; dyads --store classifies "
                             "the one store it is given")
        _dyads_in_store(store, output, first, last, fmt, directed, started)
        return
    files = DataFiles(resolve_data_dir(data_dir))
    parts = [new_store() for _ in range(jobs or default_jobs())]
    with _bar() as bar:
        task = bar.add_task("reading", total=1, rows=0)
        build_parts(parts, files, first, last,
                    progress=lambda name, rows, done, total: bar.update(task, description=name, completed=done,
                                                                        total=total, rows=rows))
    with err_console.status(f"classifying in {len(parts)} part(s) at once..."):
        classify_parts(parts, first, last, files.root)
    with err_console.status(f"writing {output}..."):
        count = write_rdf(parts, output) if fmt is OutFormat.rdf else write_table(parts, output, directed)
    console.print(f"{output}: {count} {'quads' if fmt is OutFormat.rdf else 'dyad-years'} "
                  f"({first}-{last}) in {time.perf_counter() - started:.1f} s", highlight=False)
    if count == 0:
        err_console.print(f"note: {files.dyad_years} holds no dyad-year in {first}-{last} (the COW state system "
                          f"begins in {FIRST_YEAR}); the output has the header only", highlight=False)
    else:
        _coverage_note(parts[0], first, last)


def _coverage_note(store: Store, first: int, last: int) -> None:
    """A note where the span reaches past the years the dispute data cover (rule:dyad-no-data's
    cs:coverageFrom and cs:coverageTo in the rules graph): those dyad-years are all no_data."""
    cover = thresholds(store).get("dyad-no-data", {})
    if "coverageFrom" not in cover or "coverageTo" not in cover:
        return
    cfrom, cto = int(cover["coverageFrom"]), int(cover["coverageTo"])
    outside = []
    if first < cfrom:
        outside.append(f"{first}-{min(last, cfrom - 1)}")
    if last > cto:
        outside.append(f"{max(first, cto + 1)}-{last}")
    if outside:
        whole = last < cfrom or first > cto
        err_console.print(f"note: the dispute data cover {cfrom}-{cto}; "
                          + ("every dyad-year of the output" if whole else f"the dyad-years of {', '.join(outside)}")
                          + " are no_data (no_data_reason says why), not classified", highlight=False)


def _dyads_in_store(spec: str, output: Path, first: int, last: int, fmt: OutFormat, directed: bool,
                    started: float) -> None:
    """`dyads --store`: classify the dyad-year graph the store holds, in the store, and write the table."""
    kg = open_store(spec)
    try:
        if not isinstance(kg, BulkLoading) or not kg.writable:
            raise UsageError(f"{spec}: dyads --store classifies in a writable embedded store (oxigraph:DIR) that "
                             "`coopsec ingest-dataset dyad-years DIR --store SPEC` has loaded")
        if not kg.ask(load_query("dyads/has-dyad-years")):
            raise UsageError(f"{spec}: the store holds no dyad-year graph; load it with `coopsec ingest-dataset "
                             f"dyad-years DIR --store {spec}` (DIR as for --data-dir)")
        uses = recorded_use(kg, DYADS_GRAPH)
        if uses is None:
            err_console.print(f"note: {spec} keeps no record of the data set files its dyad-year graph was loaded "
                              "from (loaded before coopsec recorded them), so the run names none: which releases "
                              "of COW, MID, ATOP... it holds is unknown. Load them again with `coopsec "
                              f"ingest-dataset dyad-years DIR --store {spec}` to record them", highlight=False)
        with err_console.status("classifying..."):
            classify(kg, first, last, uses=uses)
        count = write_rdf(kg, output) if fmt is OutFormat.rdf else write_table(kg, output, directed)  # type: ignore[arg-type]
        if count:
            _coverage_note(kg, first, last)
    finally:
        kg.close()
    console.print(f"{output}: {count} {'quads' if fmt is OutFormat.rdf else 'dyad-years'} "
                  f"({first}-{last}, from {spec}) in {time.perf_counter() - started:.1f} s", highlight=False)


def _holds_dyad_years(spec: str) -> bool:
    """Whether the store lives on and holds a dyad-year graph (`ingest-dataset dyad-years`); a usage error
    if it holds one that cannot be classified where it is (a SPARQL endpoint, a read-only store)."""
    kg = open_store(spec)
    try:
        if isinstance(kg, Capabilities) and kg.ephemeral:
            return False
        if not kg.ask(load_query("dyads/has-dyad-years")):
            return False
        if not isinstance(kg, BulkLoading) or not kg.writable:
            raise UsageError(f"{spec} holds dyad-years, but compare classifies them in the store, which needs a "
                             "writable embedded store (oxigraph:DIR); give --data-dir DIR to build them in memory "
                             "from the files instead")
        return True
    finally:
        kg.close()


def compare_command(
    data_dir: DataDirOption = None,
    store: Annotated[str, typer.Option("--store", help="The knowledge graph whose curated cases are compared: "
                                       "memory: (the bundled cases) or a store holding your own (oxigraph:DIR, "
                                       "sparql:URL). Without --data-dir, a store holding the dyad-year graph "
                                       "(ingest-dataset dyad-years) gives the dyad-years too.")] = "memory:",
    case: Annotated[list[str] | None, typer.Option("--case", help="Only this case (repeatable); default: every "
                                                   "case between states.")] = None,
    fmt: FormatOption = Format.table,
    all_years: Annotated[bool, typer.Option("--all", help="List agreements too, not only disagreements.")] = False,
) -> None:
    """Curated cases against dyad-years, year by year: the disagreements, with both explanations."""
    files = None if data_dir is None and _holds_dyad_years(store) else DataFiles(resolve_data_dir(data_dir))
    rows = compare_cases(files, tuple(case) if case else None, store)
    shown = rows if all_years else [r for r in rows if not r["agree"]]
    columns = [("case", "case"), ("ccode1", "ccode1"), ("ccode2", "ccode2"), ("year", "year"),
               ("curated", "curated"), ("dyad_year", "dyad-year"), ("curated_why", "curated: why"),
               ("dyad_why", "dyad-year: why")]
    emit(fmt, shown, columns,
         title=f"{len(shown)} of {len(rows)} dyad-years " + ("compared" if all_years else "disagree"))


datasets_app = typer.Typer(help="The field's data sets: what coopsec reads, how to cite it, where to get it.",
                            invoke_without_command=True, no_args_is_help=False)


@datasets_app.callback()
def datasets_command(ctx: typer.Context, fmt: FormatOption = Format.table,
                     bibtex: Annotated[bool, typer.Option("--bibtex", help="Print the BibTeX of every data set "
                                                          "(cite them as their publishers ask).")] = False) -> None:
    """List each supported data set: publisher, version, citation, expected file, checksum, where to obtain it."""
    if ctx.invoked_subcommand is not None:
        return
    if bibtex:
        seen: list[str] = []
        for ds in field_datasets.DATASETS:
            text = ds.bibtex()
            if text and text not in seen:
                seen.append(text)
        console.print("\n\n".join(seen), highlight=False, markup=False)
        return
    rows = [{"name": ds.name, "file": ds.path, "what": ds.what, "publisher": ds.publisher, "version": ds.version,
             "cite": ", ".join(ds.cite), "sha256": ds.sha256, "obtain": ds.obtain} for ds in field_datasets.DATASETS]
    emit(fmt, rows, [("name", "data set"), ("file", "file (under --data-dir)"), ("publisher", "publisher"),
                     ("version", "version"), ("cite", "cite (--bibtex)"), ("sha256", "sha256 of the known release"),
                     ("obtain", "where to obtain it")],
         title="The field's data sets coopsec reads (coopsec datasets check DIR verifies a folder)")


@datasets_app.command("check")
def datasets_check_command(folder: Annotated[Path, typer.Argument(help="The data folder (as for --data-dir).")],
                           fmt: FormatOption = Format.table) -> None:
    """Verify a data folder: each file present, and whether it is the known release (checksum)."""
    layout = ("give the data folder (as for --data-dir), which holds cow/, mid/ and atop/ as `coopsec datasets` "
              "lists them")
    require_folder(folder, str(folder), layout)
    results = field_datasets.check(folder)
    rows = [{"name": r.dataset.name, "path": str(r.path), "status": r.status,
             "note": {"ok": "the known release", "missing": f"missing: {r.dataset.obtain}",
                      "other-release": "another release (read, but figures may differ from the documented ones)"}
             [r.status]} for r in results]
    emit(fmt, rows, [("name", "data set"), ("path", "file"), ("status", "status"), ("note", "note")],
         title=f"{folder}: {sum(r.status == 'ok' for r in results)} of {len(results)} files are the known release")
    if all(r.status == "missing" for r in results):
        err_console.print(f"{folder} holds none of the {len(results)} files: is it the data folder? The files go "
                          f"under it as listed ({results[0].dataset.path}, ...); `coopsec datasets` lists them "
                          "with where to obtain each", highlight=False, soft_wrap=True)
    if any(r.status == "missing" for r in results):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(datasets_app, name="datasets")
    app.command("ingest-dataset")(ingest_dataset_command)
    app.command("dyads")(dyads_command)
    app.command("compare")(compare_command)


__all__ = ["register", "DATASETS"]
