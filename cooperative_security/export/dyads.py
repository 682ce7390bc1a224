"""Dyad-year tables: the classified dyad-years read back from the store, as CSV, Parquet or RDF.

:func:`dataframe` reads the result (``queries/dyads/read-*.rq``, serialised as CSV by Oxigraph, parsed
by Arrow, joined by key in DuckDB), non-directed or ``directed``, with each row's margin to the threshold
that decides it (:data:`MARGIN`); :func:`write_table` writes CSV (by
DuckDB, in pandas' CSV format) or Parquet; :func:`.dyads_rdf.write_rdf` the graphs as N-Quads or TriG.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from ..errors import EnvironmentProblem, UsageError
from ..ingest.datasets.dyad_graph import connect
from ..ingest.dyad_years import DYADS_GRAPH, INFERRED_GRAPH
from ..namespaces import cs
from ..outputs import check_output as check_file
from ..outputs import replace_path
from ..queries import load_query
from ..store import InProcess
from ..store.sparql_text import with_values

#: (output column, graph, indicator property, kind) in peacesciencer's names where it has one: flags are 0/1,
#: counts and years nullable integers, distances floats; interdependence joins its reasons with ";", and
#: unassessed the words (cs:whenUnassessed) of the rules whose test lacked a recorded indicator with "; "
INDICATORS = (
    ("interdependence", INFERRED_GRAPH, "interdependentBy", "text"),
    ("conttype", DYADS_GRAPH, "contiguity", "int"), ("cowmaj1", DYADS_GRAPH, "majorPower1", "flag"),
    ("cowmaj2", DYADS_GRAPH, "majorPower2", "flag"), ("mindist", DYADS_GRAPH, "minimumDistance", "float"),
    ("hostlev", DYADS_GRAPH, "hostility", "int"), ("gml_disputes_window", INFERRED_GRAPH, "disputesInWindow", "int"),
    ("last_dispute_year", INFERRED_GRAPH, "lastDisputeYear", "int"),
    ("last_fatal_dispute_year", INFERRED_GRAPH, "lastFatalDisputeYear", "int"),
    ("cowinterongoing", DYADS_GRAPH, "war", "flag"), ("last_war_year", INFERRED_GRAPH, "lastWarYear", "int"),
    ("atop_defense", DYADS_GRAPH, "defencePact", "flag"), ("atop_offense", DYADS_GRAPH, "offencePact", "flag"),
    ("atop_neutral", DYADS_GRAPH, "neutralityPact", "flag"), ("atop_nonagg", DYADS_GRAPH, "nonAggressionPact", "flag"),
    ("atop_consul", DYADS_GRAPH, "consultationPact", "flag"),
    ("atop_consul_bilateral", DYADS_GRAPH, "bilateralConsultationPact", "flag"),
    ("dyadigos", DYADS_GRAPH, "sharedIgos", "int"), ("unassessed", INFERRED_GRAPH, "notAssessed", "rule"),
)
#: the robustness columns (:data:`MARGIN`): how far the deciding fact is from its threshold, and which column it is
ROBUSTNESS = ("margin", "margin_on")
COLUMNS = ("ccode1", "ccode2", "year", "position", "stage", "trust", "rule", "reason",
           *(c for c, *_ in INDICATORS), *ROBUSTNESS, "no_data", "no_data_reason")

#: The margin of each dyad-year: the value of the one output column whose threshold decides its position,
#: minus that threshold (the rules' own, read from the rules graph: t.*), so that the deciding rule stops
#: holding (for undetermined, the regime rule starts to) when the sign changes: 0 holds by the least
#: amount, -1 is one short. A flag's threshold is 1 (0: losing it changes the decision). Empty where no
#: single column decides (war, sustained force, no data, a regime on two grounds, a missing value). The
#: order of the cases follows the rules (data/rules.ttl; queries/classify/dyads/), docs/guide/dyad-years.md
#: explains each, and tests/test_dyads_robustness.py moves each threshold by one to check them.
_FOUNDING = "(f.atop_defense + f.atop_nonagg + f.atop_consul_bilateral)"
MARGIN = (
    ("f.rule = 'dyad-security-community'", "dyadigos", "f.dyadigos - t.community_igos"),
    ("f.rule = 'dyad-security-regime' AND near.ccode1 IS NOT NULL", "dyadigos", "f.dyadigos - t.community_igos"),
    (f"f.rule = 'dyad-security-regime' AND {_FOUNDING} = 0", "dyadigos", "f.dyadigos - t.regime_igos"),
    *((f"f.rule = 'dyad-security-regime' AND {_FOUNDING} = 1 AND f.{flag} = 1 AND f.dyadigos < t.regime_igos", flag,
       f"f.{flag} - 1") for flag in ("atop_defense", "atop_nonagg", "atop_consul_bilateral")),
    (f"f.rule = 'dyad-undetermined' AND f.hostlev >= t.regime_hostility AND ({_FOUNDING} > 0 "
     "OR f.dyadigos >= t.regime_igos)", "hostlev", "f.hostlev - t.regime_hostility"),
    ("f.rule = 'dyad-undetermined' AND NOT COALESCE(f.hostlev >= t.regime_hostility, false)", "dyadigos",
     "f.dyadigos - t.regime_igos"),
    ("f.rule = 'dyad-rivalry'", "gml_disputes_window", "f.gml_disputes_window - CASE WHEN f.atop_defense = 1 AND "
     "f.last_fatal_dispute_year IS NULL THEN t.rivalry_allied ELSE t.rivalry_min END"),
    ("f.rule = 'dyad-no-security-interdependence'", "mindist", "FLOOR(f.mindist - t.proximity_km)"),
)
#: the thresholds :data:`MARGIN` reads, as (name, rule, property) in the rules graph
_THRESHOLDS = (("community_igos", "dyad-security-community", "minimumSharedIgos"),
               ("regime_igos", "dyad-security-regime", "minimumSharedIgos"),
               ("regime_hostility", "dyad-security-regime", "minimumHostility"),
               ("rivalry_min", "dyad-rivalry", "minimumDisputes"),
               ("rivalry_allied", "dyad-rivalry", "minimumDisputesAllied"),
               ("proximity_km", "dyad-no-security-interdependence", "maximumDistanceKm"))


def _margin_select() -> str:
    """The margin and margin_on columns over ``f`` (the other columns), ``near`` (cs:shortOnlyOfSharedIgos)
    and ``t`` (the thresholds); both empty where the case's value is missing."""
    margin = "CASE " + " ".join(f"WHEN {when} THEN {value}" for when, _, value in MARGIN) + " END"
    on = "CASE " + " ".join(f"WHEN {when} THEN '{column}'" for when, column, _ in MARGIN) + " END"
    return f"CAST({margin} AS BIGINT) AS margin, CASE WHEN ({margin}) IS NOT NULL THEN {on} END AS margin_on"
#: the columns that name the first or the second state, swapped in the directed frame
PAIRED = (("ccode1", "ccode2"), ("cowmaj1", "cowmaj2"))


def _csv(store: InProcess, name: str, bindings: dict[str, ox.NamedNode] | None = None) -> bytes:
    """A read query's result as CSV bytes, serialised by Oxigraph; parameters bound as RDF terms."""
    text = with_values(load_query(name).text, bindings or {})
    result = store.raw.query(text)
    assert isinstance(result, ox.QuerySolutions)  # a SELECT
    return result.serialize(format=ox.QueryResultsFormat.CSV) or b""


def _arrow(store: InProcess, name: str, bindings: dict[str, ox.NamedNode] | None = None):  # type: ignore[no-untyped-def]
    """A read query's result as an Arrow table of strings (Oxigraph writes the CSV, Arrow parses it)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    data = _csv(store, name, bindings)
    header = data.split(b"\r\n", 1)[0].decode().split(",")
    return pacsv.read_csv(io.BytesIO(data), convert_options=pacsv.ConvertOptions(
        column_types={c: pa.string() for c in header}, strings_can_be_null=True, quoted_strings_can_be_null=False))


T = TypeVar("T")

#: one store, or the parts of ``ingest.dyad_years.build_parts`` (each the dyads of some lineages)
Stores = InProcess | Sequence[InProcess]


def _parts(stores: Stores) -> list[InProcess]:
    return list(stores) if isinstance(stores, Sequence) else [stores]


def _read_all(parts: list[InProcess], name: str, bindings: dict[str, ox.NamedNode] | None = None):  # type: ignore[no-untyped-def]
    """A read query's result over every part, one thread each (queries run in parallel), as one table."""
    import pyarrow as pa

    if len(parts) == 1:
        return _arrow(parts[0], name, bindings)
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        tables = list(pool.map(lambda part: _arrow(part, name, bindings), parts))
    return pa.concat_tables(tables)


def _relation(con, stores: Stores, directed: bool):  # type: ignore[no-untyped-def]
    """The classified dyad-years as a DuckDB relation: the read queries' results joined by key, columns
    :data:`COLUMNS`, sorted by ccode1, ccode2, year (both directions with ``directed``). Each result is
    reduced to one row per dyad-year, keyed by its numbers, as soon as it is read (bounded memory)."""
    parts = _parts(stores)
    # the numbers after id/dyad-year/, split at the dashes once (a regular expression per number costs
    # three times as much)
    # kept as INTEGER (half the memory of BIGINT keys in the sixteen tables; the readers accept at most
    # nine digits), given out as BIGINT
    key = ", ".join(f"CAST(n[{i}] AS INTEGER) AS {c}" for i, c in enumerate(("ccode1", "ccode2", "year"), 1))
    numbered = "(SELECT *, string_split(split_part(dy, '/dyad-year/', 2), '-') AS n FROM result)"

    def table(name: str, query: str, select: str, bindings: dict[str, ox.NamedNode] | None = None,
              where: list[InProcess] = parts) -> None:
        con.register("result", _read_all(where, query, bindings))
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {select}")
        con.unregister("result")

    table("decided", "dyads/read-dyad-years", f"SELECT {key}, rule FROM {numbered}")
    table("rules", "dyads/read-rule-positions", "SELECT * FROM result", where=parts[:1])  # the same in every part
    selects, joins = [], []
    for i, (column, g, prop, kind) in enumerate(INDICATORS):
        value = {"text": "string_agg(value, ';' ORDER BY value)", "int": "MAX(CAST(value AS INTEGER))",
                 "float": "MAX(CAST(value AS DOUBLE))", "flag": "1",
                 "rule": "string_agg(r.unassessed, '; ' ORDER BY r.unassessed)"}[kind]
        source = (f"{numbered} JOIN rules r ON r.rule = split_part(value, '/rule/', 2)" if kind == "rule"
                  else numbered)
        table(f"i{i}", "dyads/read-indicator", f"SELECT {key}, {value} AS value FROM {source} GROUP BY ALL",
              {"graph": g, "indicator": cs(prop)})
        joins.append(f"LEFT JOIN i{i} USING (ccode1, ccode2, year)")
        # what the rules infer over windows is empty on a no-data row: the windows would run over years the
        # dispute data do not cover (after 2010 with --to 2012), so a count there says nothing
        shown = f"CASE WHEN r.no_data_reason IS NULL THEN i{i}.value END" if g == INFERRED_GRAPH else f"i{i}.value"
        selects.append(f"CAST(COALESCE(i{i}.value, 0) AS TINYINT) AS {column}" if kind == "flag"
                       else f"{shown} AS {column}")
    table("near", "dyads/read-indicator", f"SELECT DISTINCT {key} FROM {numbered}",
          {"graph": INFERRED_GRAPH, "indicator": cs("shortOnlyOfSharedIgos")})
    table("t", "dyads/read-thresholds", "SELECT " + ", ".join(
        f"MAX(CAST(value AS DOUBLE)) FILTER (WHERE rule = '{r}' AND property = '{prop}') AS {name}"
        for name, r, prop in _THRESHOLDS) + " FROM result", where=parts[:1])  # the same in every part
    base = ("SELECT CAST(ccode1 AS BIGINT) AS ccode1, CAST(ccode2 AS BIGINT) AS ccode2, CAST(year AS BIGINT) AS year, "
            "r.position, r.stage, r.trust, d.rule, r.reason, " + ", ".join(selects)
            + ", r.no_data_reason IS NOT NULL AS no_data, r.no_data_reason "
            "FROM decided d LEFT JOIN rules r ON r.rule = d.rule " + " ".join(joins))
    body = (f"SELECT f.*, {_margin_select()} FROM ({base}) f CROSS JOIN t "
            "LEFT JOIN near ON near.ccode1 = f.ccode1 AND near.ccode2 = f.ccode2 AND near.year = f.year")
    if directed:
        swap = {a: b for pair in PAIRED for a, b in (pair, pair[::-1])}
        body = (f"WITH f AS ({body}) SELECT {', '.join(COLUMNS)} FROM f UNION ALL SELECT "
                + ", ".join(f"{swap.get(c, c)} AS {c}" for c in COLUMNS) + " FROM f")
    return con.sql(f"SELECT {', '.join(COLUMNS)} FROM ({body}) ORDER BY ccode1, ccode2, year")


#: DuckDB's memory for the read-back's joins, sort and CSV; beyond it DuckDB spills to a temporary folder
#: of its own. The stores are in memory meanwhile: on 1816-2010 in two parts this keeps the command's
#: peak about 200 MiB lower (2,580-2,640 against 2,816 MiB) for about 0.3 s; 300 MB still works there.
READ_BACK_MEMORY = "600MB"


@contextmanager
def _bounded(limit: str | None):  # type: ignore[no-untyped-def]
    """A DuckDB connection for the read-back, its memory bounded by ``limit`` (None: DuckDB's default),
    spilling into a temporary folder that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="coopsec-dyads-") as spill:
        con = connect()
        try:
            con.execute("SET temp_directory = $dir", {"dir": spill})
            if limit:
                con.execute(f"SET memory_limit = '{limit}'")
            yield con
        finally:
            con.close()


def _read_back(work: Callable[[Any], T]) -> T:
    """``work(con)`` within :data:`READ_BACK_MEMORY`; if DuckDB cannot keep to it (what it must hold at
    once grows with the data), once more without the bound, so a bound never costs a result."""
    import duckdb

    try:
        with _bounded(READ_BACK_MEMORY) as con:
            return work(con)
    except duckdb.OutOfMemoryException:
        with _bounded(None) as con:
            return work(con)


def dataframe(store: Stores, directed: bool = False):  # type: ignore[no-untyped-def]
    """One row per classified dyad-year, columns :data:`COLUMNS`, sorted by ccode1, ccode2, year.

    Non-directed (ccode1 < ccode2) by default; ``directed`` gives each dyad-year in both directions, as
    peacesciencer's directed dyad-year frames do. The read queries' results are joined by DuckDB."""
    frame = _read_back(lambda con: _relation(con, store, directed).df())
    for column, _, _, kind in INDICATORS:
        if kind == "int":
            frame[column] = frame[column].astype("Int64")
        elif kind == "float":
            frame[column] = frame[column].astype("float64")
        elif kind == "flag":
            frame[column] = frame[column].astype("int8")
        else:  # text: the same dtype whether or not a row has a value (DuckDB gives an all-null column as object)
            frame[column] = frame[column].astype("string")
    frame["margin"] = frame["margin"].astype("Int64")
    # every text column as text, whatever the span: a column with no value in a short span (no community,
    # so no stage) would otherwise be all-null objects, written to Parquet as Arrow's null type, so that
    # files of two spans would not share a schema
    for column in ("position", "stage", "trust", "rule", "reason", "margin_on", "no_data_reason"):
        frame[column] = frame[column].astype("string")
    frame["no_data"] = frame["no_data"].astype("bool")
    return frame


#: how :func:`write_table` writes each kind of column as CSV text, as pandas' ``to_csv`` does: nullable
#: integers and floats empty when missing, floats in Python's shortest form (``932.5``, ``0.0``), the
#: boolean ``no_data`` as ``True``/``False``
def _csv_text(column: str) -> str:
    kind = {c: k for c, _, _, k in INDICATORS}.get(column)
    if column == "no_data":
        return "CASE WHEN no_data THEN 'True' ELSE 'False' END AS no_data"
    if kind == "float":
        return f"CAST({column} AS VARCHAR) AS {column}"
    return column


#: the file names each kind of output takes
TABLE_SUFFIXES = (".csv", ".parquet")
RDF_SUFFIXES = (".nq", ".nquads", ".trig")


def check_output(path: Path, rdf: bool = False) -> None:
    """Refuse an output :func:`write_table` (or, with ``rdf``, :func:`.dyads_rdf.write_rdf`) cannot write: a name
    without one of their endings, a folder, a folder that is missing or not writable. The command calls it
    before the slow part; the writers call it again."""
    suffixes = RDF_SUFFIXES if rdf else TABLE_SUFFIXES
    if path.suffix.lower() not in suffixes:
        kind = "--format rdf writes N-Quads or TriG" if rdf else "the table is written as CSV or Parquet"
        raise UsageError(f"-o {path}: {kind}: give a name ending in {', '.join(suffixes[:-1])} or {suffixes[-1]}")
    check_file(path)


@contextmanager
def _written(path: Path):  # type: ignore[no-untyped-def]
    """A temporary path beside ``path`` that becomes it when the block ends (``outputs.replace_path``: a
    failure part way leaves an existing file as it was); what the writer could not write, said as such."""
    import duckdb

    with replace_path(path) as name:
        try:
            yield name
        except (duckdb.IOException, OSError) as exc:
            raise EnvironmentProblem(f"-o {path}: could not be written ({exc}); nothing was changed there") from exc


def write_table(store: Stores, path: Path, directed: bool = False) -> int:
    """Write ``path`` (.csv or .parquet), sorted by ccode1, ccode2, year; returns the rows written."""
    check_output(path)
    if path.suffix.lower() == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise EnvironmentProblem("writing Parquet needs pyarrow: pip install 'pyarrow>=14' "
                                     "(or write .csv)") from None
        frame = dataframe(store, directed)
        with _written(path) as name:
            frame.to_parquet(name, index=False)
        return len(frame)

    def write(con) -> int:  # type: ignore[no-untyped-def]
        relation = _relation(con, store, directed)
        with _written(path) as name:
            relation.select(", ".join(_csv_text(c) for c in COLUMNS)).write_csv(str(name), header=True)
        return int(con.sql("SELECT count(*) FROM decided").fetchall()[0][0]) * (2 if directed else 1)  # type: ignore[index]

    return _read_back(write)
