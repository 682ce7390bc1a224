"""``coopsec check --fidelity``: print the fidelity report (see :mod:`cooperative_security.fidelity`)."""

from __future__ import annotations

import json
import sys
from typing import Any

from ..fidelity import fidelity_report
from ..store import Store
from .common import Format, console, emit, err_console

_COLUMNS = [("case", "case"), ("events", "events"), ("documented", "documented"),
            ("documented_unverified", "of which pages unverified"), ("in_chapter", "in the chapter"),
            ("mentioned_only", "mentioned only"), ("none_yet", "no evidence yet"),
            ("date_outside", "dates from outside"), ("date_inferred", "dates inferred")]


def print_fidelity(kg: Store, fmt: Format, cases: list[str] | None = None) -> None:
    report = fidelity_report(kg, cases)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
        return
    if fmt is Format.csv:  # none_yet: the events, as in JSON (it was their number, under the JSON key's name)
        emit(fmt, [c.to_json() for c in report.cases], _COLUMNS)
        return
    rows: list[dict[str, Any]] = [  # the table counts them, and names them below
        {**c.to_json(), "none_yet": len(c.none_yet)} for c in report.cases]
    totals = report.totals()
    emit(fmt, rows + [{"case": "all", **totals}], _COLUMNS, title="Evidence of the events, per case")
    for c in report.cases:
        if c.none_yet:
            console.print(f"{c.case}: no evidence yet for {', '.join(c.none_yet)}", highlight=False)
    readings = [{"case": c.case, "source": s.citation or s.work, "readings": s.readings,
                 "concepts": "; ".join(s.concepts)} for c in report.cases for s in c.characterisations]
    emit(fmt, readings, [("case", "case"), ("source", "source"), ("readings", "readings"),
                         ("concepts", "concepts")], title="Characterisations by source")
    if report.voice_gap:
        err_console.print(f"Not compared: {report.voice_gap}", highlight=False)
        return
    beyond = [{"case": c.case, "period": f"{b['from'] or '…'} to {b['to'] or '…'}",
               "classified": ", ".join(x for x in (b["position"], b["stage"], b["trust"]) if x),
               "sources": ", ".join(f"{d} {v}" for d, v in b["unsupported"].items()),
               "works": "; ".join(b["works"])}
              for c in report.cases for b in c.beyond_sources or []]
    emit(fmt, beyond, [("case", "case"), ("period", "period"), ("classified", "classified as"),
                       ("sources", "what the cited sources say"), ("works", "works")],
         title="Classifications beyond what any cited source says")
