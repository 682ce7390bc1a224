"""Commands for the field's data sets: ingest-dataset, dyads, compare."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..datasets.compare import compare_cases
from ..datasets.dyads import FIRST_YEAR, LAST_YEAR, DataFiles, build, classify, new_store, write_rdf, write_table
from ..datasets.ingest import DATASETS, ingest_dataset
from ..kb import has_theory, load_bundled, open_knowledge_graph
from ..store import open_store
from .common import Format, FormatOption, StoreOption, console, emit, err_console

DEFAULT_DATA = Path("../shared/data")


class Dataset(StrEnum):
    mid = "mid"
    atop = "atop"
    igo = "igo"
    cow_states = "cow-states"
    icews = "icews"


def _bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[rows]} rows"),
                    TimeElapsedColumn(), console=err_console, transient=True)


def ingest_dataset_command(
    dataset: Annotated[Dataset, typer.Argument(help="Which data set the file is.")],
    file: Annotated[Path, typer.Argument(help="The file as its publisher ships it (.csv, .csv.gz, .tab).")],
    store: StoreOption = "memory:",
    states: Annotated[Path | None, typer.Option("--states", help="COW states.csv, to name states (default: "
                                                "cow/states.csv beside the file's folder).")] = None,
) -> None:
    """Stream one data set file into the graph events/DATASET: all or nothing."""
    kg = open_knowledge_graph(store) if store.startswith("memory") else open_store(store)
    if not store.startswith("memory") and not has_theory(kg):
        load_bundled(kg)
    try:
        with _bar() as bar:
            task = bar.add_task(f"{dataset.value} {file.name}", total=file.stat().st_size if file.is_file() else 1,
                                rows=0)
            report = ingest_dataset(kg, dataset.value, file, states,
                                    progress=lambda rows, done, total: bar.update(task, completed=done, total=total,
                                                                                  rows=rows))
        console.print(f"{report.graph}: {report.triples} triples from {report.rows} rows in {report.seconds:.1f} s "
                      f"({report.rows / max(report.seconds, 1e-9):,.0f} rows/s, "
                      f"{report.triples / max(report.seconds, 1e-9):,.0f} triples/s)", highlight=False)
    finally:
        kg.close()


class OutFormat(StrEnum):
    table = "table"
    rdf = "rdf"


def dyads_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.csv or FILE.parquet (FILE.nq or .trig "
                                         "with --format rdf).")],
    first: Annotated[int, typer.Option("--from", help="First year.")] = FIRST_YEAR,
    last: Annotated[int, typer.Option("--to", help="Last year.")] = LAST_YEAR,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Folder holding cow/, mid/, atop/ as shipped.")]
    = DEFAULT_DATA,
    fmt: Annotated[OutFormat, typer.Option("--format", help="table (CSV/Parquet) or rdf (N-Quads/TriG).")]
    = OutFormat.table,
) -> None:
    """Classify every non-directed dyad-year on Buzan's spectrum, one row per dyad-year."""
    started = time.perf_counter()
    store = new_store()
    with _bar() as bar:
        task = bar.add_task("reading", total=1, rows=0)
        build(store, DataFiles(data_dir), first, last,
              progress=lambda name, rows, done, total: bar.update(task, description=name, completed=done,
                                                                  total=total, rows=rows))
    with err_console.status("classifying..."):
        classify(store, first, last)
    count = write_rdf(store, output) if fmt is OutFormat.rdf else write_table(store, output)
    console.print(f"{output}: {count} {'quads' if fmt is OutFormat.rdf else 'dyad-years'} "
                  f"({first}-{last}) in {time.perf_counter() - started:.1f} s", highlight=False)


def compare_command(
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Folder holding cow/, mid/, atop/ as shipped.")]
    = DEFAULT_DATA,
    fmt: FormatOption = Format.table,
    all_years: Annotated[bool, typer.Option("--all", help="List agreements too, not only disagreements.")] = False,
) -> None:
    """Curated cases against dyad-years, year by year: the disagreements, with both explanations."""
    rows = compare_cases(DataFiles(data_dir))
    shown = rows if all_years else [r for r in rows if not r["agree"]]
    emit(fmt, shown, [("case", "case"), ("ccode1", "ccode1"), ("ccode2", "ccode2"), ("year", "year"),
                      ("curated", "curated"), ("dyad_year", "dyad-year"), ("curated_why", "curated: why"),
                      ("dyad_why", "dyad-year: why")],
         title=f"{len(shown)} of {len(rows)} dyad-years " + ("" if all_years else "disagree"))


def register(app: typer.Typer) -> None:
    app.command("ingest-dataset")(ingest_dataset_command)
    app.command("dyads")(dyads_command)
    app.command("compare")(compare_command)


__all__ = ["register", "DATASETS"]
