"""Small case files written for one test and run through the real ingest and the real rules.

Shared by the rule tests (tests/test_classify_validity.py, test_stage_sequence.py, test_trust_evidence.py):
an event is a few lines of case YAML, a case is written to a temporary folder, ingested into a fresh
in-memory knowledge graph and classified.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cooperative_security.classify import Period, classify
from cooperative_security.ingest import ingest_paths
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.store import Store

RULE = "https://w3id.org/coopsec/id/rule/"
#: a whole, valid case file with one treaty; ``.format(id=..., work=...)``
ONE_TREATY_CASE = """\
id: {id}
label: A test dyad
kind: dyad
members: [frn, gfr]
from: 1950
to: 1960
events:
  - id: first-move
    date: 1951-04
    type: TreatySigned
    by: [frn, gfr]
    level: elite
    label: A treaty
    evidence:
      - {{work: {work}, pages: "3", kind: documents}}
"""
EVIDENCE = '[{work: keating-wheeler-2013, section: "Introduction", kind: mentions}]'


def event(eid: str, date: str, etype: str, by: str = "[frn, gfr]", towards: str | None = None,
          level: str = "elite", extra: str = "") -> str:
    """One event of a case file, as YAML; ``extra`` adds fields (``"rejects: treaty\\n"``)."""
    lines = [f"- id: {eid}", f"  date: {date}", f"  type: {etype}", f"  by: {by}"]
    if towards:
        lines.append(f"  towards: {towards}")
    lines += [f"  level: {level}", f"  label: {eid}", f"  evidence: {EVIDENCE}"]
    return "\n".join(lines) + ("\n" + textwrap.indent(extra, "  ") if extra else "") + "\n"


@contextmanager
def case_store(tmp_path: Path, events: str, members: str = "[frn, gfr]", case_id: str = "test-dyad",
               to: str | None = "2000") -> Iterator[Store]:
    """A fresh in-memory knowledge graph with a dyad (a group, with more than two ``members``) observed from
    1950 (to ``to``) with these events, written as a case file and ingested for real."""
    path = tmp_path / f"{case_id}.yaml"
    path.write_text(textwrap.dedent(f"""\
        id: {case_id}
        label: A test relationship
        kind: {"dyad" if members.count(",") == 1 else "group"}
        members: {members}
        from: 1950
        """) + (f"to: {to}\n" if to else "") + "events:\n" + textwrap.indent(textwrap.dedent(events), "  "),
        encoding="utf-8")
    kg = open_knowledge_graph("memory:")
    try:
        ingest_paths(kg, [path])
        yield kg
    finally:
        kg.close()


def classify_case(tmp_path: Path, events: str, members: str = "[frn, gfr]", case_id: str = "test-dyad",
                  to: str | None = "2000", at: str | None = None) -> list[Period]:
    """Write a dyad (a group, with more than two ``members``) observed from 1950 (to ``to``) with these
    events, ingest it and classify it."""
    with case_store(tmp_path, events, members, case_id, to) as kg:
        return classify(kg, [case_id], at)


def period_at(periods: list[Period], day: str) -> Period:
    """The period covering a day (the last, if several do)."""
    found = [p for p in periods if p.covers(day)]
    assert found, f"no period covers {day}: {[(p.from_, p.to, p.position) for p in periods]}"
    return found[-1]


def change_rule(rules: Path, rule: str, old: str, new: str) -> None:
    """Write ``new`` for the first ``old`` after ``rule``'s block starts in a copy of data/rules.ttl
    (``change_rule(path, "rule:no-setback", 'cs:windowYears "5"^^xsd:integer', ...)``)."""
    text = rules.read_text(encoding="utf-8")
    at = text.index(old, text.index(f"{rule} a cs:Rule"))
    rules.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
