"""The dyad-year graph's N-Triples, made by DuckDB from the publishers' files in a few vectorised passes.

Each file is read by DuckDB (all values as text, the file's own header, strict CSV: a row with too few or
too many fields, a bad quote or a byte that is not UTF-8 stops the read) and checked column by column
against the strictest form the row-by-row readers accept (``220``, ``220.0``, a date ``1920-01-01``, ...).
A file that passes becomes a typed table at once. A file that does not is read again by its row-by-row
reader (``dyadyears``, ``relevance``, ``mid``, ``wars``, ``atop``, ``igo``), which either reports the
first bad row by file, line and column, as it always has, or accepts the unusual form (``2.2e2``) and
gives the table its rows. ATOP's member-level file (a few thousand rows) is always read row by row, into
the years in which two states are the only members of a pact that pledges consultation
(``atop.bilateral_consultation``). Either way the tables hold exactly what the row-by-row readers yield, and
``dyad_graph.sql`` turns them into the same triples as :func:`..dyad_years.dyad_lines`; the lines come out in
Arrow batches whose text buffer is handed to Oxigraph's bulk loader as it is.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import EnvironmentProblem
from ...namespaces import CS, ID, XSD
from . import atop, dyadyears, igo, mid, relevance, wars
from .reader import READ_ERRORS

if TYPE_CHECKING:
    from .files import DataFiles

SQL = Path(__file__).with_name("dyad_graph.sql")
#: a whole number in the form the fast paths of reader.integer_text take: ``220`` or ``220.0``
_INT = r"[0-9]{1,9}(\.0)?"
BATCH = 1_000_000


def _int(column: str) -> str:
    return f"COALESCE(regexp_full_match({column}, '{_INT}'), false)"


def _as_int(column: str) -> str:
    return f"CAST(CAST({column} AS DOUBLE) AS BIGINT)"


_FLAGS = [f"atop_{k}" for k in atop.OBLIGATIONS]

#: per table: (the columns it needs, the check every row must pass for the fast path, the typed select)
#: The checks are as strict as, or stricter than, the row-by-row readers: what passes is read the same way.
FAST: dict[str, tuple[tuple[str, ...], str, str]] = {
    "universe": (dyadyears.REQUIRED, " AND ".join(_int(c) for c in dyadyears.REQUIRED),
                 f"SELECT * FROM (SELECT {_as_int('ccode1')} a, {_as_int('ccode2')} b, {_as_int('year')} y FROM raw) "
                 "WHERE a < b AND y BETWEEN $start AND $last"),
    "majors": (relevance.MAJORS, f"{_int('ccode')} AND {_int('styear')} AND {_int('endyear')} AND "
               f"{_as_int('endyear')} >= {_as_int('styear')}",
               f"SELECT {_as_int('ccode')} c, {_as_int('styear')} s, {_as_int('endyear')} e FROM raw"),
    "contiguity": (relevance.CONTIGUITY,
                   f"{_int('ccode1')} AND {_int('ccode2')}"
                   " AND COALESCE(regexp_full_match(conttype, '[0-5](\\.0)?'), false)"
                   " AND COALESCE(regexp_full_match(stdate, '[0-9]{4}-[0-9]{2}-[0-9]{2}'), false)"
                   " AND COALESCE(regexp_full_match(enddate, '[0-9]{4}-[0-9]{2}-[0-9]{2}'), false)"
                   " AND CAST(enddate[1:4] AS INTEGER) >= CAST(stdate[1:4] AS INTEGER)",
                   f"SELECT * FROM (SELECT {_as_int('ccode1')} a, {_as_int('ccode2')} b, {_as_int('conttype')} k, "
                   "CAST(stdate[1:4] AS INTEGER) s, CAST(enddate[1:4] AS INTEGER) e FROM raw) WHERE a < b AND k > 0"),
    "distance": (relevance.DISTANCE,
                 "mindist IS NULL OR mindist = 'NA' OR (" + " AND ".join(_int(c) for c in ("ccode1", "ccode2", "year"))
                 + " AND COALESCE(regexp_full_match(mindist, '[0-9]{1,5}(\\.[0-9]+)?'), false)"
                 " AND CAST(mindist AS DOUBLE) < 50000)",
                 f"SELECT {_as_int('ccode1')} a, {_as_int('ccode2')} b, {_as_int('year')} y, mindist km FROM raw "
                 "WHERE mindist IS NOT NULL AND mindist <> 'NA'"),
    "mid": (mid.REQUIRED,
            " AND ".join(_int(c) for c in ("dispnum", "ccode1", "ccode2", "year", "sidea1"))
            + f" AND {_as_int('ccode1')} > 0 AND {_as_int('ccode2')} > 0 AND {_as_int('ccode1')} <> {_as_int('ccode2')}"
            f" AND {_as_int('year')} BETWEEN 1800 AND 2100"
            " AND COALESCE(regexp_full_match(hostlev, '[1-5](\\.0)?'), false)"
            f" AND (fatality IS NULL OR fatality IN ('NA', '-9') OR {_int('fatality')})",
            f"SELECT {_as_int('ccode1')} a, {_as_int('ccode2')} b, {_as_int('year')} y, {_as_int('dispnum')} dispnum, "
            "{hostility} h, {fatal} fatal FROM raw"),
    "war": (wars.REQUIRED, " AND ".join(_int(c) for c in ("ccode1", "ccode2", "year")),
            f"SELECT {_as_int('ccode1')} a, {_as_int('ccode2')} b, {_as_int('year')} y FROM raw"),
    "atop": (atop.DYAD, " AND ".join(_int(c) for c in ("ccode1", "ccode2", "year")) + "".join(
                 f" AND ({c} IS NULL OR {c} IN ('0', '0.0', '1', '1.0', 'NA'))" for c in _FLAGS),
             f"SELECT {_as_int('ccode1')} a, {_as_int('ccode2')} b, {_as_int('year')} y, "
             + ", ".join(f"COALESCE({c} IN ('1', '1.0'), false) {prop}"
                         for c, prop in zip(_FLAGS, atop.OBLIGATIONS.values(), strict=True)) + " FROM raw"),
    "igo": (igo.REQUIRED, " AND ".join(_int(c) for c in ("ccode1", "ccode2", "year"))
            + f" AND (dyadigos IS NULL OR dyadigos IN ('NA', '-9', '-1', '-9.0', '-1.0') OR {_int('dyadigos')})",
            f"SELECT {_as_int('ccode1')} a, {_as_int('ccode2')} b, {_as_int('year')} y, CASE WHEN dyadigos IS NULL OR "
            f"dyadigos IN ('NA', '-9', '-1', '-9.0', '-1.0') THEN NULL ELSE {_as_int('dyadigos')} END n FROM raw"),
}

#: per table: its typed columns, for the row-by-row fallback
TYPES: dict[str, dict[str, str]] = {
    "universe": {"a": "BIGINT", "b": "BIGINT", "y": "BIGINT"},
    "majors": {"c": "BIGINT", "s": "BIGINT", "e": "BIGINT"},
    "contiguity": {"a": "BIGINT", "b": "BIGINT", "k": "BIGINT", "s": "BIGINT", "e": "BIGINT"},
    "distance": {"a": "BIGINT", "b": "BIGINT", "y": "BIGINT", "km": "VARCHAR"},
    "mid": {"a": "BIGINT", "b": "BIGINT", "y": "BIGINT", "dispnum": "BIGINT", "h": "BIGINT", "fatal": "BOOLEAN"},
    "war": {"a": "BIGINT", "b": "BIGINT", "y": "BIGINT"},
    "atop": {"a": "BIGINT", "b": "BIGINT", "y": "BIGINT", **{p: "BOOLEAN" for p in atop.OBLIGATIONS.values()}},
    "igo": {"a": "BIGINT", "b": "BIGINT", "y": "BIGINT", "n": "BIGINT"},
    "bilateral": {"a": "BIGINT", "b": "BIGINT", "s": "BIGINT", "e": "BIGINT"},
}


def _header(path: Path) -> list[str] | None:
    """The header as the row-by-row reader sees it (stripped, without a byte-order mark); None if unreadable."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as handle:  # type: ignore[operator]
            header = next(csv.reader(handle, strict=True), None)
    except (*READ_ERRORS, UnicodeDecodeError, csv.Error):
        return None
    return [h.strip().lstrip("\ufeff") for h in header] if header else None


def _fast(con: Any, name: str, path: Path, start: int, last: int) -> bool:
    """Load ``name`` from ``path`` if every row passes the strict check; False (nothing loaded) otherwise."""
    import duckdb

    needed, check, select = FAST[name]
    header = _header(path)
    if not header or any(c not in header for c in needed) or any(header.count(c) > 1 for c in needed):
        return False
    if name == "mid":
        needed, check, select = _mid_own(header, needed, check, select)
        if any(header.count(c) > 1 for c in needed):
            return False
    columns = {f"c{i}": "VARCHAR" for i in range(len(header))}
    renamed = ", ".join(f'c{header.index(c)} AS "{c}"' for c in needed)  # names from FAST, never from the file
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT " + renamed + " FROM read_csv($path, header=false, "
                    "skip=1, auto_detect=false, columns=$columns, delim=',', quote='\"', escape='\"', "
                    "strict_mode=true, null_padding=false, compression=$compression)",
                    {"path": str(path), "columns": columns,
                     "compression": "gzip" if path.name.endswith(".gz") else "none"})
        bad = con.execute(f"SELECT count(*) FROM raw WHERE NOT COALESCE(({check}), false)").fetchone()[0]
        if bad:
            return False
        params = {k: v for k, v in {"start": start, "last": last}.items() if f"${k}" in select}
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {select}", params)
        return True
    except duckdb.Error:
        return False
    finally:
        con.execute("DROP TABLE IF EXISTS raw")


def _mid_own(header: list[str], needed: tuple[str, ...], check: str, select: str) -> tuple[tuple[str, ...], str, str]:
    """The MID table's ``h`` and ``fatal`` as mid.read has them, from the two states' own levels where the
    file has them: the higher of ``hostlev1`` and ``hostlev2`` (else the dispute's ``hostlev``), and deaths
    among either side's own forces (``fatality1``, ``fatality2`` at level 1 or more; else the dispute's
    ``fatality``); ``-9`` and NA are missing."""
    own = tuple(c for c in ("fatality1", "fatality2") if c in header)
    levels = tuple(c for c in mid.OWN_HOSTILITY if c in header)

    def missing(c: str) -> str:
        return f"({c} IS NULL OR {c} IN ('NA', '-9'))"

    def at_least_one(c: str) -> str:
        return f"COALESCE(CASE WHEN {missing(c)} THEN NULL ELSE {_as_int(c)} END >= 1, false)"

    def level(c: str) -> str:
        return f"CASE WHEN {missing(c)} THEN NULL ELSE {_as_int(c)} END"

    fatal = " OR ".join(at_least_one(c) for c in own) if own else at_least_one("fatality")
    # GREATEST skips a missing level; with both missing, the dispute's
    hostility = f"COALESCE(GREATEST({', '.join(level(c) for c in levels)}), {_as_int('hostlev')})" if levels \
        else _as_int("hostlev")
    check += "".join(f" AND ({missing(c)} OR {_int(c)})" for c in own)
    check += "".join(f" AND ({missing(c)} OR COALESCE(regexp_full_match({c}, '[1-5](\\.0)?'), false))" for c in levels)
    return ((*needed, *own, *levels), check,
            select.replace("{fatal}", f"({fatal})").replace("{hostility}", hostility))


def _slow(con: Any, name: str, rows: Iterable[tuple]) -> None:  # type: ignore[type-arg]
    """The table from the row-by-row reader's rows (which raise a located error on a bad row)."""
    import pyarrow as pa

    names = list(TYPES[name])
    data = list(rows)
    columns = list(zip(*data, strict=True)) if data else [() for _ in names]
    arrow = {"BIGINT": pa.int64(), "VARCHAR": pa.string(), "BOOLEAN": pa.bool_()}
    table = pa.table({n: pa.array(list(c), type=arrow[TYPES[name][n]]) for n, c in zip(names, columns, strict=True)})
    con.register("slow", table)
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM slow")
    con.unregister("slow")


def _readers(files: DataFiles, start: int, last: int,
             report: Callable[[str], Any]) -> dict[str, tuple[Path, Callable[[], Iterable[tuple]]]]:  # type: ignore[type-arg]
    props = list(atop.OBLIGATIONS.values())
    return {
        "universe": (files.dyad_years, lambda: dyadyears.read(files.dyad_years, start, last, report("dyad-years"))),
        "majors": (files.majors, lambda: relevance.read_majors(files.majors, report("major powers"))),
        "contiguity": (files.contiguity, lambda: relevance.read_contiguity(files.contiguity, report("contiguity"))),
        "distance": (files.distance, lambda: relevance.read_distance(files.distance, report("distance"))),
        "mid": (files.mid, lambda: ((r.ccode1, r.ccode2, r.year, r.dispnum, r.hostlev, r.fatal)
                                    for r in mid.read(files.mid, report("disputes")))),
        "war": (files.wars, lambda: ((a, b, y) for _, a, b, y in wars.read(files.wars, report("wars")))),
        "atop": (files.atop, lambda: ((a, b, y, *(p in held for p in props))
                                      for a, b, y, held in atop.read_dyad_years(files.atop, report("alliances")))),
        "igo": (files.igo, lambda: igo.read(files.igo, report("shared IGOs"))),
        # small (one row per member of each pact): always the row-by-row reader, which also finds the pacts
        "bilateral": (files.atop_members, lambda: atop.bilateral_consultation(
            atop.read_spells(files.atop_members, report("alliance members")))),
    }


def connect():  # type: ignore[no-untyped-def]
    try:
        import duckdb
    except ImportError:
        raise EnvironmentProblem("building the dyad-year graph needs duckdb: pip install 'duckdb>=1.1'") from None
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    # results stream out in any order (the store does not care), which keeps less of them in memory
    con.execute("SET preserve_insertion_order = false")
    return con


def read_tables(files: DataFiles, first: int, last: int, lookback: int, roots: dict[int, int],
                progress: Callable[[str, int, int, int], None] | None = None):  # type: ignore[no-untyped-def]
    """A DuckDB connection whose tables (in its own in-memory database, so that every cursor sees them)
    hold the publishers' files for ``first..last`` and the ``lookback`` years before it, checked as
    described above, and ``roots`` (state -> its earliest predecessor)."""
    import pyarrow as pa

    start = first - lookback + 1
    con = connect()

    def report(name: str) -> Callable[[int, int, int], None] | None:
        return (lambda rows, done, total: progress(name, rows, done, total)) if progress else None

    def read(name: str, path: Path, slow: Callable[[], Iterable[tuple]]) -> None:  # type: ignore[type-arg]
        cursor = con.cursor()  # its own connection to the same database: its temporary table is its own
        try:
            size = path.stat().st_size if path.is_file() else 1
            if progress:
                progress(name, 0, 0, size)
            if name not in FAST or not _fast(cursor, name, path, start, last):
                _slow(cursor, name, slow())
            if progress:
                progress(name, 0, size, size)
        finally:
            cursor.close()

    try:
        # the files at once, each in its own thread (a gzip file is decompressed on one core): about 2 s to
        # under 1 s for 1816-2010; the first file's error (in this order) is the one raised
        with ThreadPoolExecutor(max_workers=4) as pool:
            reads = [pool.submit(read, name, path, slow)
                     for name, (path, slow) in _readers(files, start, last, report).items()]
            for done in reads:
                done.result()
        con.register("roots_arrow", pa.table({"code": pa.array(list(roots), pa.int64()),
                                              "root": pa.array(list(roots.values()), pa.int64())}))
        con.execute("CREATE OR REPLACE TABLE roots AS SELECT * FROM roots_arrow")
        con.unregister("roots_arrow")
    except BaseException:
        con.close()
        raise
    return con


def dyads_in_files(con) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """Every non-directed pair (a < b) any of the tables names."""
    return con.execute(
        "SELECT DISTINCT LEAST(a, b), GREATEST(a, b) FROM (SELECT a, b FROM universe UNION ALL SELECT a, b "
        "FROM mid UNION ALL SELECT a, b FROM war UNION ALL SELECT a, b FROM atop UNION ALL SELECT a, b FROM igo)"
    ).fetchall()


def lines(con, first: int, last: int, lookback: int,  # type: ignore[no-untyped-def]
          pairs: list[tuple[int, int]] | None = None, batch: int = BATCH) -> Iterator[bytes]:
    """N-Triples text in chunks of about ``batch`` lines, from the tables of :func:`read_tables`: the
    dyad-year graph, of only the dyads ``pairs`` (a < b) if given. ``con`` may be a cursor of the reading
    connection, so that several parts are made at once (each with a smaller ``batch``: the text in
    flight stays about the same whatever the number of parts)."""
    import pyarrow as pa

    only = pairs is not None
    pairs = pairs or []
    con.register("kept", pa.table({"a": pa.array([a for a, _ in pairs], pa.int64()),
                                   "b": pa.array([b for _, b in pairs], pa.int64())}))
    params = {"id": ID, "cs": CS, "xsd": XSD, "start": first - lookback + 1, "first": first, "last": last,
              "only": only}
    relation = con.sql(SQL.read_text(), params=params)
    # DuckDB 2 calls it to_arrow_reader; 1.x, fetch_arrow_reader
    reader = (getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader)(batch)
    for rows in reader:
        yield _text(rows.column(0))


def batches(files: DataFiles, first: int, last: int, lookback: int, roots: dict[int, int],
            keep: Callable[[int, int], bool] | None = None,
            progress: Callable[[str, int, int, int], None] | None = None) -> Iterator[bytes]:
    """N-Triples text in chunks of about :data:`BATCH` lines: the dyad-year graph for ``first..last`` and
    the ``lookback`` years before it. ``roots``: state -> its earliest predecessor; ``keep(a, b)`` (a < b),
    if given, keeps only those dyads."""
    con = read_tables(files, first, last, lookback, roots, progress)
    try:
        pairs = None if keep is None else [(a, b) for a, b in dyads_in_files(con) if keep(a, b)]
        yield from lines(con, first, last, lookback, pairs)
    finally:
        con.close()


def _text(column: Any) -> bytes:
    """The concatenated values of an Arrow string column (each already ends with a newline), read from its
    data buffer in one piece rather than value by value."""
    import pyarrow as pa

    if not len(column):
        return b""
    if column.null_count or not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        column = column.cast(pa.large_string())
        if column.null_count:
            raise ValueError("a line of the dyad-year graph is missing")
    _, offsets, data = column.buffers()
    where = memoryview(offsets).cast("q" if pa.types.is_large_string(column.type) else "i")
    begin, end = where[column.offset], where[column.offset + len(column)]
    return bytes(memoryview(data)[begin:end])
