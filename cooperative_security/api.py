"""The Python API for notebooks: ``import cooperative_security as cs``.

A thin layer over the library's public functions (:mod:`cooperative_security.classify`,
:mod:`cooperative_security.catalogue`, :mod:`cooperative_security.concepts`), giving pandas DataFrames::

    import cooperative_security as cs

    kg = cs.open()                      # the bundled knowledge graph, in memory
    cs.classify(["korea"])              # one row per relationship and period
    cs.classify_long(["korea"])         # members, evidence, what is missing, strategies: one row each
    cs.query("cases/timeline", case="asean")
    cs.concepts(), cs.cases(), cs.cases("asean")

Every function works on the store :func:`open` gave last (or on ``store=``). Opening the same on-disk store
twice in one process (re-running a notebook cell) gives back the store already open instead of failing on
the lock the kernel itself holds; :func:`close` lets it go.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .api_stores import _store, close, open
from .arguments import case_names, flag, refuse, when, whole
from .errors import UsageError
from .namespaces import compact
from .store import Store

if TYPE_CHECKING:
    import pandas as pd


# -- classification --------------------------------------------------------------------------------------

_PRECISION = {1: "year", 2: "month", 3: "day"}


def _date(text: str | None) -> tuple[str | None, str | None]:
    """``1976-02`` -> (``1976-02-01``, ``month``): the first day, and how much of the date is known."""
    if not text:
        return None, None
    parts = text.split("-")
    first = "-".join([parts[0].zfill(4), *(parts[1:] + ["01", "01"])[:2]])
    return first, _PRECISION.get(len(parts), "day")


def _dates(column: pd.Series) -> pd.Series:
    """ISO days as pandas dates in seconds (pandas' default nanoseconds stop at 1677; cases reach back further)."""
    import numpy as np
    import pandas as pd

    values = [v if isinstance(v, str) and v else "NaT" for v in column.tolist()]
    days = np.array(values, dtype="datetime64[D]").astype("datetime64[s]")
    return pd.Series(days, index=column.index)


def one_case(items: list[Any], case: str) -> list[Any]:
    """The case named ``case`` (in any letter case) among ``items``, or a usage error that suggests the
    closest ids (``catalogue.find_case``, as every command that takes a case id)."""
    from .catalogue import find_case

    found = find_case([c.id for c in items], case)
    return [c for c in items if c.id == found]


def classify(cases: Iterable[str] | str | None = None, at: str | int | dt.date | None = None, *,
             store: Store | str | None = None) -> pd.DataFrame:
    """Place each relationship (or those named) on Buzan's spectrum, period by period.

    One row per relationship and period: ``relationship``, ``period`` (1, 2, ... in time order), ``start`` and
    ``end`` (pandas dates: the first day of what the sources give) with ``start_precision`` and
    ``end_precision`` (``year``, ``month`` or ``day``), ``position``, ``subtype``, ``stage``, ``trust``,
    ``members_iso`` and ``members_cow`` (``;``-separated), ``iso_a``/``iso_b`` and ``cow_a``/``cow_b`` for
    two-member relationships, the counts of evidence, missing conditions and strategies, the ``rules`` that
    fired (``rule:`` CURIEs, ``;``-separated, as ``coopsec classify --format csv`` writes them), for an
    unclassifiable period the ``reason``, and for the period in effect when the case's observation
    ends (open: ``end`` is NaT) its last observed day, ``observed_until``. The lists behind the counts are in
    :func:`classify_long`.

    ``cases``: a case id or any iterable of them (a list, a numpy array, a pandas Series; an empty one gives
    no row), or None for every case. ``at``: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, a year (``1990``) or a
    ``datetime.date``: only the periods overlapping it.

    >>> cs.classify("korea")[["period", "start", "start_precision", "position"]]  # doctest: +SKIP
    """
    import pandas as pd

    from .catalogue import member_codes
    from .classify import classify as run

    names, day = case_names(cases), when(at)
    kg = _store(store)
    periods = [] if names == [] else run(kg, names, day)
    codes = member_codes(kg)
    rows = []
    counter: dict[str, int] = {}
    for p in periods:
        counter[p.relationship] = counter.get(p.relationship, 0) + 1
        start, start_precision = _date(p.from_)
        end, end_precision = _date(p.to)
        iso = list(p.members)  # ISO codes, else ids, as in every output
        cow = codes.get(p.relationship) or [None] * len(iso)
        pair = len(p.members) == 2
        rows.append({
            "relationship": p.relationship, "period": counter[p.relationship],
            "start": start, "start_precision": start_precision, "end": end, "end_precision": end_precision,
            "position": p.position, "subtype": p.subtype, "stage": p.stage, "trust": p.trust,
            "members_iso": ";".join(iso), "members_cow": ";".join("" if c is None else str(c) for c in cow),
            "iso_a": iso[0] if pair else None, "iso_b": iso[1] if pair else None,
            "cow_a": cow[0] if pair else None, "cow_b": cow[1] if pair else None,
            "n_evidence": len(p.evidence), "n_missing": len(p.missing), "n_strategies": len(p.strategies),
            "rules": ";".join(compact(r) for r in p.rules), "reason": p.reason,
            "observed_until": p.observed_until,
        })
    frame = pd.DataFrame(rows, columns=[
        "relationship", "period", "start", "start_precision", "end", "end_precision", "position", "subtype",
        "stage", "trust", "members_iso", "members_cow", "iso_a", "iso_b", "cow_a", "cow_b", "n_evidence",
        "n_missing", "n_strategies", "rules", "reason", "observed_until"])
    for column in ("start", "end", "observed_until"):
        frame[column] = _dates(frame[column])
    for column in ("cow_a", "cow_b"):
        frame[column] = frame[column].astype("Int64")
    for column in ("start_precision", "end_precision", "position"):
        frame[column] = frame[column].astype("category")
    return frame


def classify_long(cases: Iterable[str] | str | None = None, at: str | int | dt.date | None = None, *,
                  store: Store | str | None = None) -> pd.DataFrame:
    """What :func:`classify` counts, one row each: ``relationship``, ``period``, ``item`` (``member``,
    ``evidence``, ``missing``, ``strategy``, ``sensibility``), ``date``, ``label``, ``detail`` and ``sources``.
    A member's ``label`` is its ISO code (else its id) and its ``detail`` its COW number. ``cases`` and ``at``
    as for :func:`classify`."""
    import pandas as pd

    from .catalogue import member_codes
    from .classify import classify as run

    names, day = case_names(cases), when(at)
    kg = _store(store)
    periods = [] if names == [] else run(kg, names, day)
    codes = member_codes(kg)
    rows: list[dict[str, Any]] = []
    counter: dict[str, int] = {}

    def sources(event: dict[str, Any]) -> str:
        return "; ".join(f"{s.get('citation') or s.get('work')}"
                         + (f" {s['pages']}" if s.get("pages") else "") for s in event.get("sources", []))

    for p in periods:
        counter[p.relationship] = counter.get(p.relationship, 0) + 1
        base = {"relationship": p.relationship, "period": counter[p.relationship]}
        cow = codes.get(p.relationship) or [None] * len(p.members)
        rows += [{**base, "item": "member", "label": m, "detail": None if c is None else str(c)}
                 for m, c in zip(p.members, cow, strict=True)]
        rows += [{**base, "item": "evidence", "date": e.get("date"), "label": e.get("label"),
                  "detail": ";".join(compact(r) for r in e.get("rules", [])), "sources": sources(e)}
                 for e in p.evidence]
        rows += [{**base, "item": "missing", "label": m.get("condition"),
                  "detail": compact(m["rule"]) if m.get("rule") else None} for m in p.missing]
        rows += [{**base, "item": "strategy", "date": "/".join(d or "?" for d in s.get("dates", [])),
                  "label": s.get("kind"), "detail": s.get("outcome")} for s in p.strategies]
        rows += [{**base, "item": "sensibility", "date": e.get("date"), "label": e.get("label"),
                  "sources": sources(e)} for e in p.security_dilemma_sensibility]
    return pd.DataFrame(rows, columns=["relationship", "period", "item", "date", "label", "detail", "sources"])


# -- queries, concepts, cases -----------------------------------------------------------------------------

def query(name: str, *, store: Store | str | None = None, **params: str) -> pd.DataFrame:
    """Run a named query (``coopsec query --list`` lists them) with its parameters bound, as a DataFrame.

    Parameters are given as labels, ids, CURIEs or IRIs: ``cs.query("cases/timeline", case="asean")``,
    ``cs.query("concepts/subtypes", concept="security regime")``. IRIs come back as full strings. A query
    that finds nothing gives its columns with no row.
    """
    import pandas as pd

    from . import queries as named
    from .queries import load_query
    from .terms import bind

    if name not in {q.name for q in named.list_queries()}:
        raise UsageError(f"no query named {name!r}; cs.list_queries() or `coopsec query --list` lists them")
    q = load_query(name)
    from numbers import Integral

    for key, value in params.items():  # a str(None) would be looked up as the text "None"
        if not isinstance(value, str | Integral) or isinstance(value, bool):
            raise refuse(key, value, "a value for the query's parameter: a label, id, CURIE, IRI or number")
    kg = _store(store)
    rows = kg.select(q, bind(kg, q, {k: str(v) for k, v in params.items()}))
    # the store's rows carry the query's variables (``Rows.columns``), which an empty result still has
    return pd.DataFrame([q.arrange({k: (None if v is None else v.value) for k, v in row.items()}) for row in rows],
                        columns=rows.columns or None)


def list_queries(all: bool = False) -> pd.DataFrame:  # noqa: A002 - mirrors `coopsec query --list --all`
    """The named queries: ``name``, ``title`` and ``parameters`` (the internal ones with ``all=True``)."""
    import pandas as pd

    from . import queries as named
    from .queries import is_internal

    all = flag(all, "all")
    return pd.DataFrame([{"name": q.name, "title": q.title, "parameters": ", ".join(p.name for p in q.parameters)}
                         for q in named.list_queries() if all or not is_internal(q)])


def concepts(*, store: Store | str | None = None) -> pd.DataFrame:
    """Every concept of the typology: ``iri``, ``label``, ``definition``, ``alt_labels`` and ``broader`` (``;``-
    separated) and ``sources`` (citations with pages or section, ``;``-separated)."""
    import pandas as pd

    from .concepts import list_concepts

    rows = []
    for c in list_concepts(_store(store)):
        rows.append({"iri": c.iri, "label": c.label, "definition": c.definition, "alt_labels": ";".join(c.alt_labels),
                     "broader": ";".join(c.broader),
                     "sources": "; ".join(f"{s.citation or s.work}" + (f", {s.pages}" if s.pages else
                                                                       f", section {s.section}" if s.section else "")
                                          for s in c.sources)})
    return pd.DataFrame(rows, columns=["iri", "label", "definition", "alt_labels", "broader", "sources"])


def cases(case: str | None = None, *, store: Store | str | None = None) -> pd.DataFrame:
    """The events of every case (or of one): one row per event, with ``case``, ``members_iso`` and
    ``members_cow``, ``event``, ``date`` (a pandas date, the first day) and ``date_precision``, ``type`` (the
    event type's IRI, as in ``coopsec cases``' JSON and CSV) and ``type_label`` (its label, the last column),
    ``level``, ``label``, ``actors`` and ``actors_cow``, ``towards`` and ``towards_cow``, and ``sources``.
    Actors are named as in every output: the ISO code where the actor has one, else its id (``;``-separated),
    with the COW numbers in the same order (empty for an actor without one)."""
    import pandas as pd

    from .catalogue import list_cases

    if case is not None and not isinstance(case, str):
        raise refuse("case", case, "a case id, e.g. 'asean' (or None for every case)")
    items = list_cases(_store(store))
    if case is not None:
        items = one_case(items, case)

    def codes(numbers: list[int | None]) -> str:
        return ";".join("" if n is None else str(n) for n in numbers)

    rows = [{"case": c.id, "case_label": c.label, "members_iso": ";".join(c.members),
             "members_cow": codes(c.members_cow), "event": e.id, "date": _date(e.date)[0],
             "date_precision": _date(e.date)[1], "type": e.type, "type_label": e.type_label or e.type,
             "level": e.level, "label": e.label,
             "outcome": e.outcome, "actors": ";".join(e.actors), "actors_cow": codes(e.actors_cow),
             "towards": ";".join(e.towards), "towards_cow": codes(e.towards_cow),
             "sources": "; ".join(f"{s.citation}" + (f" {s.pages}" if s.pages else "") for s in e.sources)}
            for c in items for e in c.events]
    frame = pd.DataFrame(rows, columns=["case", "case_label", "members_iso", "members_cow", "event", "date",
                                        "date_precision", "type", "level", "label", "outcome", "actors", "actors_cow",
                                        "towards", "towards_cow", "sources", "type_label"])
    frame["date"] = _dates(frame["date"])
    return frame


def actors(*, store: Store | str | None = None) -> pd.DataFrame:
    """Every actor a case file can name (``coopsec actors``): ``id`` (what a case file writes), ``shown`` (how
    every output names it: the ISO code, else the id), ``iso3``, ``cow`` (the COW number of a state), ``kind``,
    ``name``, ``start`` and ``end`` as written, and ``states`` (``;``-separated: whose person or society)."""
    import pandas as pd

    from .catalogue import list_actors

    rows = [{"id": a.id, "shown": a.shown, "iso3": a.iso3, "cow": a.cow, "kind": a.kind, "name": a.name,
             "start": a.start, "end": a.end, "states": ";".join(a.states)} for a in list_actors(_store(store))]
    frame = pd.DataFrame(rows, columns=["id", "shown", "iso3", "cow", "kind", "name", "start", "end", "states"])
    frame["cow"] = frame["cow"].astype("Int64")
    return frame


def dyads(first: int = 1990, last: int = 2000, data_dir: str | Path | None = None,
          jobs: int | None = None, directed: bool = False) -> pd.DataFrame:
    """Classify every non-directed dyad-year from the field's data sets (COW, MID, ATOP as shipped) between
    ``first`` and ``last``: one row per dyad-year, as ``coopsec dyads`` writes it. Needs the data sets:
    ``data_dir`` holds ``cow/``, ``mid/`` and ``atop/`` (default: ``$COOPSEC_DATA``). ``first`` and ``last``
    are whole numbers (an int or a numpy integer). ``jobs``: parts classified at once, 1 to 16, as
    ``coopsec dyads --jobs`` (default: the usable cores, at most 4). ``directed``:
    each dyad-year in both directions, as ``coopsec dyads --directed``, to merge with a directed frame."""
    from .classify.dyads import classify_parts
    from .export.dyads import dataframe
    from .ingest.datasets.files import resolve_data_dir
    from .ingest.dyad_years import DataFiles, build_parts, default_jobs, new_store

    first = whole(first, "first", "a whole number (a year: 1990)")
    last = whole(last, "last", "a whole number (a year: 2000)")
    if first > last:
        raise UsageError(f"first year {first} is after last year {last}")
    parts = whole(jobs, "jobs", _JOBS) if jobs is not None else default_jobs()
    if not 1 <= parts <= 16:  # as `coopsec dyads --jobs`: each part is a store in memory
        raise refuse("jobs", jobs, _JOBS)
    directed = flag(directed, "directed")
    if data_dir is not None and not isinstance(data_dir, str | os.PathLike):
        raise refuse("data_dir", data_dir, "a folder (a str or pathlib.Path) holding cow/, mid/ and atop/")
    data_dir = resolve_data_dir(Path(data_dir) if data_dir is not None else None)
    stores = [new_store() for _ in range(parts)]
    try:
        build_parts(stores, DataFiles(Path(data_dir)), first, last)
        classify_parts(stores, first, last)
        return dataframe(stores, directed)
    finally:
        for store in stores:
            store.close()


_JOBS = "a whole number from 1 to 16 (as coopsec dyads --jobs)"


def info() -> dict[str, str]:
    """The version and the copy of the ontology, data and queries in use (``coopsec info``)."""
    from .resources import resource_origin
    from .version import __version__

    root, why = resource_origin()
    return {"version": __version__, "resources": str(root), "resources_from": why}


__all__ = ["open", "close", "classify", "classify_long", "query", "list_queries", "concepts", "cases", "actors",
           "dyads", "info"]
