"""Commands about coopsec itself, that travel with the package: info, schema, types, cite."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..resources import resource_origin
from ..version import __version__
from .common import Format, FormatOption, StoreOption, console, emit, knowledge_graph


def _dist(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def info(fmt: FormatOption = Format.table) -> None:
    """Which coopsec this is: version, the copy of the ontology, data and queries in use, and what is installed."""
    import cooperative_security

    root, why = resource_origin()
    facts = {
        "version": __version__,
        "python": f"{platform.python_version()} ({sys.executable})",
        "package": os.path.dirname(cooperative_security.__file__),
        "resources": str(root),
        "resources_from": why,
        "ontology": str(root / "ontology"),
        "data": str(root / "data"),
        "queries": str(root / "queries"),
        "COOPSEC_RESOURCES": os.environ.get("COOPSEC_RESOURCES") or "(not set)",
        "java": shutil.which("java") or "(not found: `coopsec check` needs it for HermiT; --no-reasoner skips it)",
        "typer": _dist("typer") or "?",
        "pyoxigraph": _dist("pyoxigraph") or "?",
        "rdflib": _dist("rdflib") or "?",
        "licence": "code MIT; ontology and data CC-BY-4.0 (`coopsec cite` for how to cite them)",
    }
    if fmt is Format.json:
        typer.echo(json.dumps(facts, indent=2))
        return
    if fmt is Format.csv:
        emit(fmt, [{"fact": k, "value": v} for k, v in facts.items()], [("fact", "fact"), ("value", "value")])
        return
    width = max(len(k) for k in facts)
    for key, value in facts.items():
        console.print(f"{key:<{width}}  {value}", highlight=False, soft_wrap=True)




LAYOUTS = {"case": "case.yaml", "actors": "actors.yaml", "events-csv": "events.csv"}


def schema(
    layout: Annotated[str, typer.Argument(help="case, actors or events-csv.", metavar="LAYOUT")],
) -> None:
    """Print the layout of an input file (case, actors or events-csv), annotated, to copy and fill in."""
    if layout not in LAYOUTS:
        import difflib

        close = difflib.get_close_matches(layout, list(LAYOUTS), n=1, cutoff=0.4)
        raise UsageError(f"no layout called {layout!r}" + (f" (did you mean {close[0]}?)" if close else "")
                         + f"; layouts: {', '.join(LAYOUTS)}")
    text = (Path(__file__).resolve().parent.parent / "layouts" / LAYOUTS[layout]).read_text(encoding="utf-8")
    sys.stdout.write(text)


def types(store: StoreOption = "memory:", fmt: FormatOption = Format.table) -> None:
    """The event types a case file can use: the name to write, what it means, and the rules that count it."""
    from ..queries import load_query

    with knowledge_graph(store) as kg:
        rows = kg.select(load_query("concepts/event-types"))
    records: dict[str, dict[str, str]] = {}
    counted: dict[str, list[str]] = {}
    for r in rows:
        name = r["type"].value.rpartition("#")[2]  # type: ignore[union-attr]
        records.setdefault(name, {
            "type": name, "label": r["label"].value,  # type: ignore[union-attr]
            "kind_of": r["parentLabel"].value if r["parentLabel"] is not None else "",  # type: ignore[union-attr]
            "definition": r["definition"].value if r["definition"] is not None else "",  # type: ignore[union-attr]
            "polarity": r["polarity"].value if r["polarity"] is not None else "",  # type: ignore[union-attr]
        })
        if r["ruleLabel"] is not None:
            counted.setdefault(name, []).append(r["ruleLabel"].value)  # type: ignore[union-attr]
    for name, record in records.items():
        record["counted_by"] = "; ".join(sorted(set(counted.get(name, [])))) or "no rule: it documents the case"
    table = list(records.values())
    emit(fmt, table, [("type", "type (write this)"), ("definition", "meaning"), ("kind_of", "kind of"),
                        ("polarity", "polarity"), ("counted_by", "counted by the rules")],
         title=f"{len(table)} event types")


def register(app: typer.Typer) -> None:
    app.command()(info)
    app.command()(schema)
    app.command()(types)
    app.command()(cite)


def _dataset_works() -> dict[str, list[str]]:
    """The data sets coopsec reads -> the keys of data/datasets.bib their publishers ask to be cited: each file
    of ``coopsec datasets`` (ingest/field_datasets.py), the others ``ingest-dataset`` reads, and ``dyads``:
    every file ``coopsec dyads`` reads."""
    from ..ingest.field_datasets import DATASETS

    works = {d.name: list(d.cite) for d in DATASETS}
    works |= {"cow-states": ["cow-2017"], "icews": ["boschee-etal-2015", "gerner-etal-2002", "goldstein-1992"]}
    works["dyads"] = list(dict.fromkeys(k for d in DATASETS for k in d.cite))
    return works


DATASET_WORKS = _dataset_works()


def _dyad_rule_works() -> list[str]:
    """The works the dyad-year rules cite as their sources (data/rules.ttl): the operationalisations that
    `coopsec dyads` applies to the data (politically relevant dyads, dispute density, ...)."""
    from ..ingest.dyad_years import new_store
    from ..queries import load_query

    store = new_store()
    try:
        rows = store.select(load_query("dyads/read-rules"))
    finally:
        store.close()
    return sorted({row["work"].value.rpartition("/")[2] for row in rows if row["work"] is not None})


def software_bibtex() -> str:
    return (
        "@software{coopsec,\n"
        "  author    = {{coopsec contributors}},\n"
        "  title     = {coopsec: a knowledge graph and {OWL} typology of cooperative-security scholarship, and an\n"
        "               explainable classifier of relationships between states on Buzan's spectrum},\n"
        f"  version   = {{{__version__}}},\n"
        "  year      = {2026},\n"
        "  url       = {https://w3id.org/coopsec/ontology},\n"
        "  license   = {MIT (code); CC-BY-4.0 (ontology and data)}\n"
        "}\n\n"
        "@misc{coopsec-ontology,\n"
        "  author    = {{coopsec contributors}},\n"
        "  title     = {coopsec: a typology of cooperative security (ontology and curated case data)},\n"
        f"  version   = {{{__version__}}},\n"
        "  year      = {2026},\n"
        f"  url       = {{https://w3id.org/coopsec/ontology/{__version__}}},\n"
        "  license   = {CC-BY-4.0},\n"
        "  note      = {Built from Keating and Wheeler (2013) and the works it cites}\n"
        "}\n"
    )


def _entries(path: Path, keys: list[str]) -> str:
    import bibtexparser
    from bibtexparser.bibdatabase import BibDatabase
    from bibtexparser.bparser import BibTexParser

    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=False)
    found = {e["ID"]: e for e in bibtexparser.loads(path.read_text(encoding="utf-8"), parser=parser).entries}
    db = BibDatabase()
    db.entries = [found[k] for k in keys if k in found]
    return bibtexparser.dumps(db)


def cite(
    datasets: Annotated[list[str] | None, typer.Argument(
        help=f"Only these data sets: {', '.join(DATASET_WORKS)} (default: the software, the ontology and data, "
             "the chapter they are built from, and every data set coopsec reads).", metavar="DATASET")] = None,
) -> None:
    """How to cite coopsec, its ontology and data, and each data set used, as BibTeX."""
    from ..resources import data_dir

    unknown = [d for d in datasets or [] if d not in DATASET_WORKS]
    if unknown:
        raise UsageError(f"no data set called {unknown[0]!r}; data sets: {', '.join(DATASET_WORKS)}")
    if datasets:
        keys = list(dict.fromkeys(k for d in datasets for k in DATASET_WORKS[d]))
        sys.stdout.write(_entries(data_dir() / "datasets.bib", keys))
        if "dyads" in datasets:  # and the works its rules apply, wherever the bibliography keeps them
            rules = [k for k in _dyad_rule_works() if k not in keys]
            sys.stdout.write("\n% The works the dyad-year rules apply (data/rules.ttl)\n\n"
                             + _entries(data_dir() / "datasets.bib", rules)
                             + _entries(data_dir() / "bibliography.bib", rules))
        return
    sys.stdout.write("% coopsec itself (code: MIT; ontology and data: CC-BY-4.0)\n\n" + software_bibtex())
    sys.stdout.write("\n% The chapter the typology and the cases are built from\n\n")
    sys.stdout.write(_entries(data_dir() / "bibliography.bib", ["keating-wheeler-2013", "mastny-zhu-2013-ed"]))
    sys.stdout.write("\n% The field's data sets coopsec reads (cite those you use: `coopsec cite mid atop ...`)\n\n")
    keys = list(dict.fromkeys(k for ks in DATASET_WORKS.values() for k in ks))
    sys.stdout.write(_entries(data_dir() / "datasets.bib", keys))
