"""Every dyad-year of the state system on Buzan's spectrum, by the rules of ``queries/classify/dyads/``.

1. :func:`build` streams the field's files (``DataFiles``: the dyad-year universe, contiguity, major
   powers, minimum distance, disputes, wars, ATOP alliances, shared IGOs) into a fresh in-memory store,
   one lean node per non-directed dyad-year (``id/dyad-year/<ccode1>-<ccode2>-<year>``) with its
   indicators as literals, and each dyad with its lineage (the dyad of the predecessor states that
   ``data/rules.ttl`` names), in the graph ``.../graph/dyads``; the rules go into ``.../graph/rules``.
2. :func:`classify` writes the request (the run and the span of years) and runs
   ``queries/classify/dyads/rule-NN-*.rq`` in order with the curated rules' runner (``classify/run.py``);
   they write ``.../graph/dyads-inferred``: why each dyad-year is interdependent, its conflict signals,
   and the one rule that decided it.
3. :func:`dataframe` reads the result back (``queries/dyads/read-*.rq``, serialised as CSV by Oxigraph,
   merged by key in pandas), non-directed or ``directed``; :func:`write_table` writes CSV or Parquet.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from ..errors import EnvironmentProblem, InputError, Problem, UsageError
from ..namespaces import PROV, RDF_TYPE, XSD, cs, graph, instance
from ..ontology import parse_rdf_file
from ..queries import load_query
from ..resources import data_dir
from ..store.embedded import EmbeddedStore
from ..store.sparql_text import with_values
from . import atop, dyadyears, igo, mid, relevance, wars
from .ntriples import TRUE, XSD_DECIMAL, bulk_load_lines, integer, node, p, triple

DYADS_GRAPH = graph("dyads")
INFERRED_GRAPH = graph("dyads-inferred")
REQUEST_GRAPH = graph("dyads-request")
RULES_GRAPH = graph("rules")
FIRST_YEAR, LAST_YEAR = 1816, 2010
#: the longest window the rules' offsets (VALUES ?k in queries/classify/dyads/) allow
MAX_WINDOW = 50
_RULE_FILE = re.compile(r"^rule-\d\d-")


@dataclass(frozen=True)
class DataFiles:
    """Where the publishers' files are, in the shared data folder's layout (docs/guide/datasets.md)."""

    root: Path

    @property
    def dyad_years(self) -> Path:
        return self.root / "cow" / "directed-dyad-years.csv.gz"

    @property
    def mid(self) -> Path:
        return self.root / "mid" / "gml-mid-dyad-years-2.1.1.csv"

    @property
    def wars(self) -> Path:
        return self.root / "cow" / "interstate-war-dyad-years.csv"

    @property
    def atop(self) -> Path:
        return self.root / "atop" / "atop-dyad-years.csv.gz"

    @property
    def igo(self) -> Path:
        return self.root / "cow" / "igo-shared-memberships-dyad-years.csv.gz"

    @property
    def contiguity(self) -> Path:
        return self.root / "cow" / "direct-contiguity.csv"

    @property
    def majors(self) -> Path:
        return self.root / "cow" / "major-powers.csv"

    @property
    def distance(self) -> Path:
        return self.root / "cow" / "minimum-distance-dyad-years.csv.gz"

    def all(self) -> tuple[Path, ...]:
        return (self.dyad_years, self.mid, self.wars, self.atop, self.igo, self.contiguity, self.majors,
                self.distance)

    def check(self) -> None:
        missing = [str(f) for f in self.all() if not f.is_file()]
        if missing:
            raise UsageError(f"data files missing under {self.root}: {', '.join(missing)} (`coopsec datasets` "
                             "lists each file, where to obtain it and its expected name)")


def _dyad_year(a: int, b: int, y: int) -> str:
    return node("dyad-year", f"{a}-{b}-{y}")


def successions(store: EmbeddedStore) -> dict[int, int]:
    """successor COW number -> predecessor COW number, from the rules graph (data/rules.ttl)."""
    out: dict[int, int] = {}
    for row in store.select(load_query("dyads/read-successions")):
        out[int(row["successor"].value)] = int(row["predecessor"].value)  # type: ignore[union-attr]
    return out


def lineage(code: int, succession: dict[int, int]) -> int:
    seen = set()
    while code in succession and code not in seen:
        seen.add(code)
        code = succession[code]
    return code


def _lineage_pair(a: int, b: int, succession: dict[int, int]) -> tuple[int, int]:
    la, lb = lineage(a, succession), lineage(b, succession)
    return min(la, lb), max(la, lb)


def dyad_lines(files: DataFiles, first: int, last: int, lookback: int, succession: dict[int, int] | None = None,
               progress: Callable[[str, int, int, int], None] | None = None,
               only: set[tuple[int, int]] | None = None) -> Iterator[str]:
    """The N-Triples of the dyad-year graph: the universe (each dyad with its lineage: the dyad of the
    predecessor states, e.g. France-Germany for France-GFR), then the indicators, as literals.

    ``only`` keeps the dyads whose lineage is one of those pairs' lineages (the rules read nothing
    outside a dyad's lineage, so their positions are the same as in a full run)."""
    start = first - lookback + 1
    succession = succession or {}
    wanted = {_lineage_pair(min(a, b), max(a, b), succession) for a, b in only} if only else None
    kept: dict[tuple[int, int], bool] = {}

    def keep(a: int, b: int) -> bool:
        if wanted is None:
            return True
        pair = (min(a, b), max(a, b))
        if pair not in kept:
            kept[pair] = _lineage_pair(*pair, succession) in wanted
        return kept[pair]

    def report(name: str) -> Callable[[int, int, int], None] | None:
        return (lambda rows, done, total: progress(name, rows, done, total)) if progress else None

    majors: dict[int, list[tuple[int, int]]] = {}
    for code, s, e in relevance.read_majors(files.majors, report("major powers")):
        majors.setdefault(code, []).append((s, e))

    def major(code: int, y: int) -> bool:
        return any(s <= y <= e for s, e in majors.get(code, ()))

    seen: set[tuple[int, int]] = set()
    universe: set[tuple[int, int, int]] = set()
    year_p, dyad_p, c1, c2, lin = p("year"), p("dyad"), p("ccode1"), p("ccode2"), p("lineage")
    m1, m2 = p("majorPower1"), p("majorPower2")
    for a, b, y in dyadyears.read(files.dyad_years, start, last, report("dyad-years")):
        if not keep(a, b):
            continue
        d = node("dyad", f"{a}-{b}")
        dy = _dyad_year(a, b, y)
        universe.add((a, b, y))
        yield f"{dy} {dyad_p} {d} .\n"
        yield f"{dy} {year_p} {integer(y)} .\n"
        if majors and (a in majors or b in majors):
            if major(a, y):
                yield f"{dy} {m1} {TRUE} .\n"
            if major(b, y):
                yield f"{dy} {m2} {TRUE} .\n"
        if (a, b) not in seen:
            seen.add((a, b))
            la, lb = _lineage_pair(a, b, succession)
            yield f"{d} {c1} {integer(a)} .\n"
            yield f"{d} {c2} {integer(b)} .\n"
            yield f"{d} {lin} {node('dyad', f'{la}-{lb}')} .\n"
    contiguity: dict[tuple[int, int, int], int] = {}
    for a, b, kind, s, e in relevance.read_contiguity(files.contiguity, report("contiguity")):
        for y in range(max(s, start), min(e, last) + 1):
            key = (a, b, y)
            if key in universe and kind < contiguity.get(key, 9):
                contiguity[key] = kind
    for (a, b, y), kind in contiguity.items():
        yield triple(_dyad_year(a, b, y), p("contiguity"), integer(kind))
    del contiguity
    km_p = p("minimumDistance")
    for a, b, y, km in relevance.read_distance(files.distance, report("distance")):
        if start <= y <= last and (min(a, b), max(a, b), y) in universe:
            yield f'{_dyad_year(min(a, b), max(a, b), y)} {km_p} "{km}"^^{XSD_DECIMAL} .\n'
    hostility: dict[tuple[int, int, int], int] = {}
    disputes: set[tuple[int, int, int, int]] = set()
    fatal: set[tuple[int, int, int, int]] = set()
    for r in mid.read(files.mid, report("disputes")):
        if not keep(r.ccode1, r.ccode2):
            continue
        key = (min(r.ccode1, r.ccode2), max(r.ccode1, r.ccode2), r.year)
        hostility[key] = max(hostility.get(key, 0), r.hostlev)
        disputes.add((*key, r.dispnum))
        if r.fatal:
            fatal.add((*key, r.dispnum))
    for (a, b, y), h in hostility.items():
        if start <= y <= last:
            yield triple(_dyad_year(a, b, y), p("hostility"), integer(h))
    for a, b, y, n in disputes:
        if start <= y <= last:
            yield triple(_dyad_year(a, b, y), p("dispute"), integer(n))
    for a, b, y, n in fatal:
        if start <= y <= last:
            yield triple(_dyad_year(a, b, y), p("fatalDispute"), integer(n))
    for _, a, b, y in wars.read(files.wars, report("wars")):
        if a < b and start <= y <= last and keep(a, b):
            yield triple(_dyad_year(a, b, y), p("war"), TRUE)
    for a, b, y, held in atop.read_dyad_years(files.atop, report("alliances")):
        if a < b and start <= y <= last and keep(a, b):
            for prop in held:
                yield triple(_dyad_year(a, b, y), p(prop), TRUE)
    for a, b, y, n in igo.read(files.igo, report("shared IGOs")):
        if n is not None and start <= y <= last and keep(a, b):
            yield triple(_dyad_year(min(a, b), max(a, b), y), p("sharedIgos"), integer(n))


def max_window(store: EmbeddedStore) -> int:
    rows = store.select(load_query("dyads/max-window"))
    value = rows[0]["window"] if rows else None
    return int(value.value) if isinstance(value, ox.Literal) else 1


def new_store() -> EmbeddedStore:
    """An in-memory store holding the rules graph."""
    store = EmbeddedStore(None)
    store.replace_graphs({RULES_GRAPH: parse_rdf_file(data_dir() / "rules.ttl")})
    return store


def build(store: EmbeddedStore, files: DataFiles, first: int = FIRST_YEAR, last: int = LAST_YEAR,
          progress: Callable[[str, int, int, int], None] | None = None,
          only: set[tuple[int, int]] | None = None) -> int:
    """Load the dyad-year graph for ``first..last`` (and the rules' longest window before it); returns
    the triples written."""
    if first > last:
        raise UsageError(f"--from {first} is after --to {last}")
    files.check()
    lookback = max_window(store)
    if lookback > MAX_WINDOW:
        raise UsageError(f"data/rules.ttl: a dyad-year rule's cs:windowYears is {lookback}; the rules' windows run "
                         f"over the offsets 0..{MAX_WINDOW - 1} (queries/classify/dyads/), so at most "
                         f"{MAX_WINDOW} years")
    return bulk_load_lines(store, dyad_lines(files, first, last, lookback, successions(store), progress, only),
                           None, target=DYADS_GRAPH)


def rule_queries() -> list:  # type: ignore[type-arg]
    from ..classify.run import numbered_queries

    return numbered_queries("classify/dyads", _RULE_FILE)


def classify(store: EmbeddedStore, first: int = FIRST_YEAR, last: int = LAST_YEAR) -> ox.NamedNode:
    """Write the request (the run and the span of years) and run the dyad-year rules with the runner of the
    curated rules (classify/run.py); returns the run IRI."""
    from ..classify.run import run_rule_set

    run = instance("run", uuid.uuid4().hex)
    integer_type = ox.NamedNode(XSD + "integer")
    run_rule_set(store, rule_queries(), REQUEST_GRAPH, [
        ox.Triple(run, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        ox.Triple(run, ox.NamedNode(PROV + "startedAtTime"),
                  ox.Literal(datetime.now(UTC).isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))),
        ox.Triple(run, cs("coverageFrom"), ox.Literal(str(first), datatype=integer_type)),
        ox.Triple(run, cs("coverageTo"), ox.Literal(str(last), datatype=integer_type)),
    ])
    return run


#: (output column, graph, indicator property, kind) in peacesciencer's names where it has one: flags are 0/1,
#: counts and years nullable integers, distances floats; interdependence joins its reasons with ";"
INDICATORS = (
    ("interdependence", INFERRED_GRAPH, "interdependentBy", "text"),
    ("conttype", DYADS_GRAPH, "contiguity", "int"), ("cowmaj1", DYADS_GRAPH, "majorPower1", "flag"),
    ("cowmaj2", DYADS_GRAPH, "majorPower2", "flag"), ("mindist", DYADS_GRAPH, "minimumDistance", "float"),
    ("hostlev", DYADS_GRAPH, "hostility", "int"), ("gml_disputes_window", INFERRED_GRAPH, "disputesInWindow", "int"),
    ("last_dispute_year", INFERRED_GRAPH, "lastDisputeYear", "int"),
    ("last_fatal_dispute_year", INFERRED_GRAPH, "lastFatalDisputeYear", "int"),
    ("cowinterongoing", DYADS_GRAPH, "war", "flag"), ("last_war_year", INFERRED_GRAPH, "lastWarYear", "int"),
    ("atop_defense", DYADS_GRAPH, "defencePact", "flag"), ("atop_nonagg", DYADS_GRAPH, "nonAggressionPact", "flag"),
    ("atop_consul", DYADS_GRAPH, "consultationPact", "flag"), ("dyadigos", DYADS_GRAPH, "sharedIgos", "int"),
)
COLUMNS = ("ccode1", "ccode2", "year", "position", "stage", "trust", "rule", "reason",
           *(c for c, *_ in INDICATORS), "no_data", "no_data_reason")
#: the columns that name the first or the second state, swapped in the directed frame
PAIRED = (("ccode1", "ccode2"), ("cowmaj1", "cowmaj2"))


def _csv(store: EmbeddedStore, name: str, bindings: dict[str, ox.NamedNode] | None = None) -> bytes:
    """A read query's result as CSV bytes, serialised by Oxigraph; parameters bound as RDF terms."""
    text = with_values(load_query(name).text, bindings or {})
    result = store.raw.query(text)
    return result.serialize(format=ox.QueryResultsFormat.CSV) or b""  # type: ignore[union-attr]


def dataframe(store: EmbeddedStore, directed: bool = False):  # type: ignore[no-untyped-def]
    """One row per classified dyad-year, columns :data:`COLUMNS`, sorted by ccode1, ccode2, year.

    Non-directed (ccode1 < ccode2) by default; ``directed`` gives each dyad-year in both directions, as
    peacesciencer's directed dyad-year frames do."""
    import pandas as pd

    frame = pd.read_csv(io.BytesIO(_csv(store, "dyads/read-dyad-years")))
    keys = frame["dy"].str.extract(r"/dyad-year/(\d+)-(\d+)-(\d+)$").astype("int64")
    frame["ccode1"], frame["ccode2"], frame["year"] = keys[0], keys[1], keys[2]
    rules = pd.read_csv(io.BytesIO(_csv(store, "dyads/read-rule-positions")), dtype=str)
    frame = frame.merge(rules, on="rule", how="left")
    for column, g, prop, kind in INDICATORS:
        values = pd.read_csv(io.BytesIO(_csv(store, "dyads/read-indicator", {"graph": g, "indicator": cs(prop)})),
                             dtype={"value": str} if kind == "text" else None)
        if kind == "text":
            series = values.sort_values("value").groupby("dy", sort=False)["value"].agg(";".join).rename(column)
        else:
            series = values.groupby("dy", sort=False)["value"].max().rename(column)
        frame = frame.join(series, on="dy")
        if kind == "flag":
            frame[column] = frame[column].notna().astype("int8")
        elif kind == "int":
            frame[column] = frame[column].astype("Int64")
        elif kind == "float":
            frame[column] = frame[column].astype("float64")
    frame["no_data"] = frame["no_data_reason"].notna()
    frame = frame.drop(columns="dy")[list(COLUMNS)]
    if directed:
        swapped = frame.copy()
        for a, b in PAIRED:
            swapped[a], swapped[b] = frame[b], frame[a]
        frame = pd.concat([frame, swapped], ignore_index=True)
    return frame.sort_values(["ccode1", "ccode2", "year"], kind="stable").reset_index(drop=True)


def write_table(store: EmbeddedStore, path: Path, directed: bool = False) -> int:
    """Write ``path`` (.csv or .parquet), sorted by ccode1, ccode2, year; returns the rows written."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise UsageError(f"{path}: the output must end in .csv or .parquet")
    frame = dataframe(store, directed)
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise EnvironmentProblem("writing Parquet needs pyarrow: pip install 'pyarrow>=14' "
                                     "(or write .csv)") from None
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return len(frame)


def write_rdf(store: EmbeddedStore, path: Path) -> int:
    """The dyad-year data, the classification and the rules as N-Quads (TriG if the name ends .trig)."""
    fmt = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.N_QUADS
    graphs = (DYADS_GRAPH, INFERRED_GRAPH, REQUEST_GRAPH, RULES_GRAPH)
    with open(path, "wb") as out:
        count = 0
        quads = (q for g in graphs for q in store.raw.quads_for_pattern(None, None, None, g))

        def counted() -> Iterator[ox.Quad]:
            nonlocal count
            for q in quads:
                count += 1
                yield q
        ox.serialize(counted(), out, fmt)
    return count


def rules_explained(store: EmbeddedStore) -> dict[str, dict[str, str]]:
    """rule slug -> label, description, missing, sources (for explanations)."""
    out: dict[str, dict[str, str]] = {}
    for row in store.select(load_query("dyads/read-rules")):
        slug = row["rule"].value.rpartition("/")[2]  # type: ignore[union-attr]
        entry = out.setdefault(slug, {"label": row["label"].value, "description": row["description"].value,  # type: ignore[union-attr]
                                      "missing": row["missing"].value if row["missing"] else "", "sources": ""})
        if row["work"]:
            where = row["pages"] or row["section"]
            cite = row["work"].value.rpartition("/")[2] + (f" {where.value}" if where else "")
            entry["sources"] = "; ".join(filter(None, [entry["sources"], cite]))
    return out


def check_input(path: Path) -> None:
    if not path.is_file():
        raise InputError(Problem(str(path), "no such file"))
