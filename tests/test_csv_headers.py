"""Every command that writes CSV (``--format csv``) heads its columns with the records' keys: snake_case
identifiers, the same names as the JSON keys, so that a script reads CSV and JSON alike. The CSV header used
to be the table's words ("type (write this)", "subclass of", "shown as", "deciding changes"); the terminal
table keeps them. A column named for a JSON key holds that key's value: `cases` had `type` holding the
type's label, the JSON's `type_label` (the JSON's `type` is the IRI), and `check --fidelity` had `none_yet`
holding the number of the events the JSON lists."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooperative_security.namespaces import compact

LAYOUT = str(Path(__file__).parent / "data" / "layout")
SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def _flat(data: Any) -> list[dict[str, Any]]:
    return list(data)


def _fidelity(data: Any) -> list[dict[str, Any]]:
    return list(data["cases"])


def _cases(data: Any) -> list[dict[str, Any]]:
    """One CSV row per event: the case's keys and its events' keys (the ids as ``case`` and ``event``)."""
    return [{**case, "case": case["id"], **event, "event": event["id"]} for case in data for event in case["events"]]


def _classify(data: Any) -> list[dict[str, Any]]:
    """The CSV's ``why`` is the text of the JSON's ``evidence``, ``deciding`` that of its ``sensitivity``
    (docs/guide/explanations.md, docs/guide/robustness.md)."""
    return [{**p, "why": p["evidence"], **({"deciding": p["sensitivity"]} if "sensitivity" in p else {})}
            for p in data]


#: each command that takes --format csv, and the records of its JSON that the CSV rows are
COMMANDS: list[tuple[tuple[str, ...], Callable[[Any], list[dict[str, Any]]]]] = [
    (("concepts",), _flat),
    (("query", "--list"), _flat),
    (("query", "concepts/subtypes", "--param", "concept=cs:SecurityRegime"), _flat),
    (("path", "spiral model", "security community"), _flat),
    (("cases", "korea"), _cases),
    (("actors",), _flat),
    (("works",), _flat),
    (("types",), _flat),
    (("check", "--fidelity"), _fidelity),
    (("classify", "korea"), _classify),
    (("classify", "korea", "--explain"), _classify),
    (("classify", "korea", "--sensitivity"), _classify),
    (("datasets",), _flat),
    (("datasets", "check", LAYOUT), _flat),
    (("compare", "--data-dir", LAYOUT, "--case", "indonesia-malaysia", "--all"), _flat),
]


@pytest.mark.parametrize(("args", "records"), COMMANDS, ids=[" ".join(a).replace(LAYOUT, "DIR") for a, _ in COMMANDS])
def test_the_csv_header_is_the_json_keys_and_holds_their_values(  # type: ignore[no-untyped-def]
        cli, args: tuple[str, ...], records: Callable[[Any], list[dict[str, Any]]]) -> None:
    table = cli(*args, "--format", "csv")
    assert table.code == 0, table.err
    header = next(csv.reader(io.StringIO(table.out)))
    assert [h for h in header if not SNAKE.fullmatch(h)] == [], header
    assert len(set(header)) == len(header), header
    found = cli(*args, "--format", "json")
    assert found.code == 0, found.err
    rows = records(json.loads(found.out))
    assert rows, "no records to compare the header with"
    keys = {k for row in rows for k in row}
    assert [h for h in header if h not in keys] == [], sorted(keys)
    cells = list(csv.DictReader(io.StringIO(table.out)))
    assert len(cells) == len(rows), (len(cells), len(rows))
    differ = {h: (cell[h], row[h]) for cell, row in zip(cells, rows, strict=True) for h in header
              if not _holds(cell[h], row.get(h))}
    assert differ == {}, differ


def _texts(value: Any) -> list[str]:
    """The words a summary of ``value`` shows: its texts other than IRIs, nested ones included."""
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return [value] if isinstance(value, str) and value and not value.startswith("http") else []


def _holds(cell: str, value: Any) -> bool:
    """Whether a CSV cell holds the JSON value of its header's key: a text, number or IRI as such (an IRI
    may be compact, cs:Event), a list of them joined (``;``, ``; ``, ``, `` or `` | ``). A mapping, or a list of
    them, is written as a text that sums it up (the ``sources`` of a concept, the ``why`` of an ``evidence``):
    each mapping must show at least one of its texts in the cell, the mappings in their order, and a cell
    is empty only for an empty list (the nested columns were not compared at all)."""
    if isinstance(value, dict) or (isinstance(value, list) and any(
            isinstance(v, dict | list) for v in value)):
        at = 0
        for item in (value if isinstance(value, list) else [value]):
            found = [i for i in (cell.find(t, at) for t in _texts(item)) if i >= 0]
            if _texts(item) and not found:
                return False
            at = min(found, default=at)
        return bool(cell) == bool(value)
    items = value if isinstance(value, list) else [value]
    shown = [[("" if v is None else str(v)) for v in items], [compact(str(v)) for v in items]]
    return any(cell == sep.join(texts) for texts in shown for sep in (";", "; ", ", ", " | "))


def test_the_csv_of_the_checks_and_of_info_are_keyed_too(cli) -> None:  # type: ignore[no-untyped-def]
    """`check` finds nothing in the bundled data, so its header is compared with the keys the command writes;
    `info` is one record, written as one fact per row: the facts are the JSON keys."""
    checks = cli("check", "--no-reasoner", "--format", "csv")
    assert checks.code == 0, checks.err
    assert checks.out.splitlines() == ["check,term,problem"]
    info = cli("info", "--format", "csv")
    assert info.code == 0, info.err
    rows = list(csv.reader(io.StringIO(info.out)))
    assert rows[0] == ["fact", "value"]
    assert [r[0] for r in rows[1:]] == list(json.loads(cli("info", "--format", "json").out))


def test_the_table_keeps_its_words(cli) -> None:  # type: ignore[no-untyped-def]
    """Only the CSV header changed: the table a person reads still says what each column holds."""
    out = cli("types").out.splitlines()
    header = next(line for line in out if line.startswith("type (write this)"))
    assert "kind of" in header and "counted by the rules" in header
    assert cli("datasets").out.splitlines()[1].startswith("data set")


def test_describe_refuses_csv_instead_of_printing_its_text(cli) -> None:  # type: ignore[no-untyped-def]
    """`describe -f csv` printed the text description with exit 0, so a script read "GRIT  cs:GRIT" as a CSV
    header. A description is not rows: it is text or one JSON record."""
    result = cli("describe", "GRIT", "--format", "csv")
    assert result.code == 2 and result.out == ""
    assert "'csv' is not one of 'table', 'json'" in result.err
    assert json.loads(cli("describe", "GRIT", "--format", "json").out)["label"] == "GRIT"


def test_the_concepts_csv_has_the_iri_a_script_joins_on(cli) -> None:  # type: ignore[no-untyped-def]
    # the CSV had the table's columns only (label, broader, definition, sources): no IRI to join other data on
    rows = list(csv.DictReader(io.StringIO(cli("concepts", "--format", "csv").out)))
    records = json.loads(cli("concepts", "--format", "json").out)
    assert [r["iri"] for r in rows] == [r["iri"] for r in records] and len(rows) > 200
    assert [r["alt_labels"].split("; ") for r in rows if r["alt_labels"]] == [r["alt_labels"] for r in records
                                                                              if r["alt_labels"]]
