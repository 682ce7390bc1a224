"""Links between the events of one case file: ``rejects`` names the signed treaty a rejection keeps out of force.

A ratifying body that turns a signed treaty down (``TreatyRejected``) keeps that treaty, and only that one,
from ever founding a security regime (``rule:treaty-rejected``). The link is checked here, where the whole
file is known: the named event must be in the same case, be a ``TreatySigned``, and not be dated after the
rejection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..namespaces import instance
from .base import FuzzyDate, LocatedDict, cs, line_of

#: the event type that may carry ``rejects``, and the type of the event it names
REJECTING_TYPE = "TreatyRejected"
REJECTED_TYPE = "TreatySigned"


@dataclass
class Rejection:
    """One ``rejects`` field as written, kept until every event of the case has been read."""

    event_id: str
    event_type: Any
    target: Any
    date: FuzzyDate | None
    line: int | None
    record: str


@dataclass
class Seen:
    """What the links need to know about an event of the case: its type and date (and its line, for a
    duplicate id's message)."""

    event_type: Any
    date: FuzzyDate | None
    line: int | None = None


def note_rejection(pending: list[Rejection], event: Any, eid: str, d: FuzzyDate | None, record: str) -> None:
    """Keep an event's ``rejects`` field, if it has one, for :func:`resolve_rejections`."""
    if "rejects" not in event:
        return
    line = event.line_of_key("rejects") if isinstance(event, LocatedDict) else line_of(event)
    pending.append(Rejection(eid, event.get("type"), event.get("rejects"), d, line, record))


def resolve_rejections(c: Any, case_id: str, seen: dict[str, Seen], pending: list[Rejection]) -> None:
    """Add ``cs:rejects`` for each well-formed link; record a located problem for each that is not."""
    for r in pending:
        if r.event_type != REJECTING_TYPE:
            c.problem(f"`rejects` belongs on a {REJECTING_TYPE} event, not on a {r.event_type!r}: it names the "
                      "signed treaty that the rejection keeps out of force", r.line, "rejects", r.record)
            continue
        if not isinstance(r.target, str) or r.target not in seen:
            known = sorted(k for k, v in seen.items() if v.event_type == REJECTED_TYPE)
            c.problem(f"`rejects` must name the id of a {REJECTED_TYPE} event in this case, not {r.target!r}"
                      + (f"; the treaties signed in this case are {known}" if known else
                         "; this case records no TreatySigned event"), r.line, "rejects", r.record)
            continue
        target = seen[r.target]
        if target.event_type != REJECTED_TYPE:
            c.problem(f"`rejects` names {r.target!r}, a {target.event_type!r} event: a ratifying body rejects a "
                      f"signed treaty, so name a {REJECTED_TYPE} event", r.line, "rejects", r.record)
            continue
        if r.date and target.date and target.date.earliest > r.date.latest:
            c.problem(f"`rejects` names {r.target!r}, dated {target.date.text}, after this rejection "
                      f"({r.date.text}): a treaty is rejected after it is signed", r.line, "rejects", r.record)
            continue
        c.add(instance("event", f"{case_id}/{r.event_id}"), cs("rejects"), instance("event", f"{case_id}/{r.target}"))
