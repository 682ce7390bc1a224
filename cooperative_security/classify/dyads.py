"""The dyad-year rules (``queries/classify/dyads/rule-NN-*.rq``), run by the curated rules' runner.

:func:`classify` writes the request (the run and the span of years) and runs the rules in order with
``classify/run.py``; they write ``.../graph/dyads-inferred``: why each dyad-year is interdependent, its
conflict signals, and the one rule that decided it. The store is the one ``ingest/dyad_years.py`` builds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from .. import reproducible
from ..ingest import field_datasets
from ..ingest.dataset_record import Uses
from ..ingest.dyad_years import FIRST_YEAR, LAST_YEAR, REQUEST_GRAPH
from ..namespaces import PROV, RDF_TYPE, XSD, cs, instance
from ..queries import Query, load_query
from ..store import Store
from .run import numbered_queries, run_rule_set

_RULE_FILE = re.compile(r"^rule-\d\d-")


def rule_queries() -> list[Query]:
    return numbered_queries("classify/dyads", _RULE_FILE)


def _request(first: int, last: int, data_folder: Path | None = None,
             uses: Uses | None = None) -> tuple[ox.NamedNode, list[ox.Triple]]:
    """The run: an activity with its start and span of years, and the data set files it read from
    ``data_folder`` (``prov:used``, each with its version and checksum: :func:`field_datasets.used_by`), or
    those ``uses`` names (a store's record of the files its dyad-year graph was loaded from)."""
    run = instance("run", reproducible.run_id())  # numbered from SOURCE_DATE_EPOCH when pinned
    integer_type = ox.NamedNode(XSD + "integer")
    used = field_datasets.used_by(run, data_folder) if data_folder is not None else uses(run) if uses else []
    return run, used + [
        ox.Triple(run, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        ox.Triple(run, ox.NamedNode(PROV + "startedAtTime"),
                  ox.Literal(reproducible.now().isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))),
        ox.Triple(run, cs("coverageFrom"), ox.Literal(str(first), datatype=integer_type)),
        ox.Triple(run, cs("coverageTo"), ox.Literal(str(last), datatype=integer_type)),
    ]


def classify(store: Store, first: int = FIRST_YEAR, last: int = LAST_YEAR,
             data_folder: Path | None = None, uses: Uses | None = None) -> ox.NamedNode:
    """Write the request (the run, the span of years, the data sets read from ``data_folder`` or named by
    ``uses``: ``ingest.dataset_record.recorded_use``) and run the dyad-year rules with the runner of the
    curated rules (classify/run.py); returns the run IRI."""
    run, request = _request(first, last, data_folder, uses)
    run_rule_set(store, rule_queries(), REQUEST_GRAPH, request)
    return run


def classify_parts(stores: Sequence[Store], first: int = FIRST_YEAR, last: int = LAST_YEAR,
                   data_folder: Path | None = None) -> ox.NamedNode:
    """:func:`classify` on each store of ``ingest.dyad_years.build_parts`` at once, one thread each (Oxigraph
    runs updates to different stores in parallel), as one run: the same request in every part."""
    run, request = _request(first, last, data_folder)
    queries = rule_queries()
    with ThreadPoolExecutor(max_workers=len(stores)) as pool:
        for done in [pool.submit(run_rule_set, store, queries, REQUEST_GRAPH, request) for store in stores]:
            done.result()
    return run


def thresholds(store: Store) -> dict[str, dict[str, float]]:
    """rule slug -> its numbers in the rules graph (``{"dyad-no-data": {"coverageFrom": 1816.0, ...}}``): what
    the rules read, for notes and for the benchmark's DuckDB formulation (``dyads/read-thresholds``)."""
    out: dict[str, dict[str, float]] = {}
    for row in store.select(load_query("dyads/read-thresholds")):
        out.setdefault(row["rule"].value, {})[row["property"].value] = float(row["value"].value)  # type: ignore[union-attr]
    return out


def rules_explained(store: Store) -> dict[str, dict[str, str]]:
    """rule slug -> label, description, missing, sources (for explanations; the sources in a fixed
    order, whatever order the store gives them in)."""
    out: dict[str, dict[str, str]] = {}
    for row in store.select(load_query("dyads/read-rules")):
        slug = row["rule"].value.rpartition("/")[2]  # type: ignore[union-attr]
        entry = out.setdefault(slug, {"label": row["label"].value, "description": row["description"].value,  # type: ignore[union-attr]
                                      "missing": row["missing"].value if row["missing"] else "", "sources": ""})
        if row["work"]:
            where = row["pages"] or row["section"]
            cite = row["work"].value.rpartition("/")[2] + (f" {where.value}" if where else "")
            entry["sources"] = "; ".join(sorted(filter(None, [*entry["sources"].split("; "), cite])))
    return out
