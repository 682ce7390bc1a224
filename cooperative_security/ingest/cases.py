"""``data/cases/*.yaml``: a relationship between actors and its dated, typed, sourced events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError, Problem
from ..namespaces import DCTERMS, RDF_TYPE, RDFS, XSD, graph, instance
from .actors import Actor, Registry, find_actor
from .base import (
    MAX_EVENTS,
    Batch,
    FuzzyDate,
    LocatedDict,
    UncheckedReferences,
    cs,
    date_literal,
    is_slug,
    key_line,
    limit,
    line_of,
    load_yaml,
    parse_date,
    plain,
    text,
)
from .case_span import outside_span_problems
from .event_links import Rejection, Seen, note_rejection, resolve_rejections
from .sources import source_reference

CASE_KEYS = {"id", "label", "kind", "members", "from", "to", "description", "sources", "events", "characterised_as",
             "note"}
EVENT_KEYS = {
    "id", "date", "type", "by", "towards", "level", "label", "description", "evidence",
    "characterised_as", "outcome", "in_chapter", "date_flag", "costly", "public", "rejects",
}
LEVELS = {"elite": "EliteLevel", "societal": "SocietalLevel"}
OUTCOMES = {"reciprocated", "pocketed", "exploited", "unknown"}
KINDS = {"dyad": "Dyad", "group": "Group"}
DATE_FLAGS = {"outside", "inferred"}
NONE_YET = "none-yet"
#: event classes no event is typed with (``coopsec types`` lists the types below them)
ABSTRACT_TYPES = {"Event"}


def case_graph(case_id: str) -> ox.NamedNode:
    return graph(f"case/{case_id}")


class _Case:
    def __init__(self, path: Path, registry: Registry) -> None:
        self.path = path
        self.src = str(path)
        self.registry = registry
        self.problems: list[Problem] = []
        self.triples: list[ox.Triple] = []
        self.batch = Batch(self.src, kind="case", shacl=True)

    def problem(self, message: str, line: int | None, field: str | None = None, record: str | None = None,
                where: Any = None) -> None:
        """Record a problem; ``where`` (the YAML mapping holding ``field``) gives the field's own line."""
        if isinstance(where, LocatedDict) and field:
            line = where.line_of_key(field.split(".")[0])
        self.problems.append(Problem(self.src, message, line=line, field=field, record=record))

    def add(self, s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        self.triples.append(ox.Triple(s, p, o))

    def date(self, value: Any, line: int | None, field: str, record: str, where: Any = None) -> FuzzyDate | None:
        if value is None or value == "":  # an empty CSV cell is missing, as an absent YAML key
            self.problem("missing date: write YYYY, YYYY-MM or YYYY-MM-DD", line, field, record, where)
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.problem(str(exc), line, field, record, where)
            return None

    def find(self, slug: Any, line: int | None, field: str, record: str, where: Any = None) -> Actor | None:
        """The actor named by its id or its ISO code (:func:`find_actor`), or a problem recorded."""
        actor = find_actor(self.registry, slug) if isinstance(slug, str) else \
            f"an actor is named by its id or ISO code, not {slug!r}"
        if isinstance(actor, str):
            self.problem(actor, line, field, record, where)
            return None
        return actor

    def actor(self, slug: Any, line: int | None, field: str, record: str, where: Any = None) -> ox.NamedNode | None:
        return None if (actor := self.find(slug, line, field, record, where)) is None else actor.iri

    def sources(self, subject: ox.NamedNode | ox.BlankNode, prop: str, entries: Any, line: int | None,
                field: str, record: str) -> int:
        if entries is None:
            return 0
        if not isinstance(entries, list):
            self.problem("expected a list of {work, pages|section}", line, field, record)
            return 0
        for entry in entries:
            node, triples, problems = source_reference(entry, self.batch, record, field, line)
            self.problems.extend(problems)
            if triples:
                self.add(subject, cs(prop), node)
                self.triples.extend(triples)
        return len(entries)


def parse_case(path: Path, registry: Registry) -> Batch:
    data = load_yaml(path)
    c = _Case(path, registry)
    if not isinstance(data, dict):
        raise InputError(Problem(c.src, "a case file is a mapping with id, label, kind, members, events"))
    case_id = data.get("id")
    if not is_slug(case_id):
        what = "missing id: a case needs one," if _missing(data, "id") else f"id {_shown(data, 'id')} must be"
        raise InputError(Problem(c.src, f"{what} a kebab-case slug that is the file's name ({path.stem!r})",
                                 line=key_line(data, "id"), field="id"))
    if case_id != path.stem:
        c.problem(f"the case id {case_id!r} must match the file name {path.stem!r}", line_of(data), "id", case_id,
                  data)
    for key in sorted(set(data) - CASE_KEYS):
        c.problem(f"unknown key {key!r}; allowed: {sorted(CASE_KEYS)}", line_of(data), key, case_id, data)
    case = instance("case", case_id)
    kind = data.get("kind", "dyad")
    c.add(case, RDF_TYPE, cs("Case"))
    if isinstance(kind, str) and kind in KINDS:
        c.add(case, RDF_TYPE, cs(KINDS[kind]))
    else:
        c.problem(f"kind {kind!r} must be dyad or group", line_of(data), "kind", case_id, data)
    c.add(case, cs("slug"), plain(case_id))
    label = _text(c, data, "label", case_id, needed="case")
    if label:
        c.add(case, ox.NamedNode(RDFS + "label"), text(label))
    description = _text(c, data, "description", case_id)
    if description:
        c.add(case, ox.NamedNode(DCTERMS + "description"), text(description))
    span = {}
    for key, prop in (("from", "startDate"), ("to", "endDate")):
        if data.get(key) is not None:
            where = data.line_of_key(key) if isinstance(data, LocatedDict) else line_of(data)
            d = c.date(data[key], where, key, case_id)
            if d:
                c.add(case, cs(prop), d.literal())
                span[key] = (d, where)
    if "from" in span and "to" in span and span["to"][0].latest < span["from"][0].earliest:
        c.problem(f"to {span['to'][0].text} is before from {span['from'][0].text}", span["to"][1], "to", case_id)
    _members(c, case, data, case_id, kind)
    c.sources(case, "source", data.get("sources"), key_line(data, "sources"), "sources", case_id)
    for ch in _characterisations(c, data, case_id):
        _characterisation(c, case, ch, key_line(data, "characterised_as"), case_id)
    if note := _text(c, data, "note", case_id):
        c.add(case, cs("note"), text(note))
    events = data.get("events")
    if not isinstance(events, list):
        c.problem("needs a list of events (see `coopsec schema case`)", line_of(data), "events", case_id, data)
        events = []
    cap = limit("COOPSEC_MAX_EVENTS", MAX_EVENTS)
    if len(events) > cap:  # before any event is read: the cap bounds the work, not only the result
        raise InputError(Problem(c.src, f"{len(events):,} events, more than the {cap:,} a case may have; split the "
                                        "case, or raise the cap with COOPSEC_MAX_EVENTS", line=line_of(events),
                                 field="events", record=case_id))
    seen: dict[str, Seen] = {}
    rejections: list[Rejection] = []
    for event in events:
        _event(c, case, case_id, event, seen, rejections)
    resolve_rejections(c, case_id, seen, rejections)
    c.problems.extend(outside_span_problems(c.src, c.triples, c.batch.lines))  # would move the observed span
    if c.problems:  # with its references: an unknown work or type is reported in the same run
        raise UncheckedReferences(c.problems, c.batch.references)
    c.batch.add(case_graph(case_id), c.triples)
    return c.batch


def _members(c: _Case, case: ox.NamedNode, data: dict[str, Any], case_id: str, kind: str) -> None:
    members = data.get("members")
    line = line_of(members, key_line(data, "members"))
    if not isinstance(members, list) or not members:
        c.problem("a case needs a list of members (actor ids)", line, "members", case_id)
        return
    if kind == "dyad" and len(members) != 2:
        c.problem(f"a dyad has exactly two members, not {len(members)}", line, "members", case_id)
    plain: dict[ox.NamedNode, Any] = {}  # an actor named by its id or code alone, once (a membership with
    # from/to may name an actor again: one that left and rejoined)
    for member in members:
        if isinstance(member, dict):
            iri = c.actor(member.get("actor"), line_of(member, line), "members.actor", case_id)
            if iri is None:
                continue
            c.add(case, cs("member"), iri)
            node = ox.BlankNode()
            c.add(case, cs("membership"), node)
            c.add(node, cs("memberActor"), iri)
            for key, prop in (("from", "memberFrom"), ("to", "memberTo")):
                if member.get(key) is not None:
                    d = c.date(member[key], line_of(member, line), f"members.{key}", case_id)
                    if d:
                        c.add(node, cs(prop), date_literal(d.earliest if key == "from" else d.latest))
        else:
            iri = c.actor(member, line, "members", case_id)
            if iri is not None and iri in plain:
                c.problem(f"members names {plain[iri]!r} twice" + (f" (also as {member!r})" if member != plain[iri]
                                                                 else ""), line, "members", case_id)
            elif iri is not None:
                plain[iri] = member
                c.add(case, cs("member"), iri)


def _event(c: _Case, case: ox.NamedNode, case_id: str, event: Any, seen: dict[str, Seen],
           rejections: list[Rejection]) -> None:
    line = line_of(event)
    if not isinstance(event, dict):
        c.problem("an event is a mapping with id, date, type, by, level, label, evidence", line, "events", case_id)
        return
    eid = event.get("id")
    record = f"{case_id}/{eid}"
    if not is_slug(eid):
        if _missing(event, "id"):
            c.problem("missing id: every event needs one, a kebab-case slug such as treaty-signed", line, "id",
                      case_id, event)
        else:
            c.problem(f"event id {_shown(event, 'id')} must be a kebab-case slug such as treaty-signed", line, "id",
                      record, event)
        return
    if eid in seen:
        c.problem(f"duplicate event id {eid!r}, first at line {seen[eid].line}: rename one", line, "id", record, event)
    for key in sorted(set(event) - EVENT_KEYS):
        c.problem(f"unknown key {key!r}; allowed: {sorted(EVENT_KEYS)}", line, key, record, event)
    iri = instance("event", f"{case_id}/{eid}")
    if line is not None:
        c.batch.lines.setdefault(iri.value, line)
    c.add(iri, cs("inCase"), case)
    c.add(iri, cs("slug"), plain(eid))
    etype = event.get("type")
    if not isinstance(etype, str) or not etype.isidentifier():
        what = "missing type: every event needs one," if _missing(event, "type") else \
            f"type {_shown(event, 'type')} must be"
        c.problem(f"{what} an event type that `coopsec types` lists, e.g. TreatySigned", line, "type", record, event)
    elif etype in ABSTRACT_TYPES:
        c.problem(f"type {etype!r} is the root of the event types, not one an event can have: use the type "
                  "`coopsec types` lists that says what happened (TreatySigned, Declaration, UseOfForce, ...)",
                  line, "type", record, event)
    else:
        c.add(iri, RDF_TYPE, cs(etype))
        c.batch.references.append(("event-type", etype, Problem(
            c.src, f"unknown event type {etype!r}: use one of the types `coopsec types` lists",
            line=event.line_of_key("type") if isinstance(event, LocatedDict) else line, field="type",
            record=record)))
    d = c.date(event.get("date"), line, "date", record, event)
    if d:
        c.add(iri, ox.NamedNode(DCTERMS + "date"), d.literal())
        c.add(iri, cs("earliestDate"), date_literal(d.earliest))
        c.add(iri, cs("latestDate"), date_literal(d.latest))
        c.add(iri, cs("datePrecision"), plain(d.precision))
    seen.setdefault(eid, Seen(etype, d, line))
    note_rejection(rejections, event, eid, d, record)
    label = _text(c, event, "label", record, needed="event")
    if label:
        c.add(iri, ox.NamedNode(RDFS + "label"), text(label))
    description = _text(c, event, "description", record)
    if description:
        c.add(iri, ox.NamedNode(DCTERMS + "description"), text(description))
    level = event.get("level")  # no default: the level says whose trust an event shows
    if not isinstance(level, str) or level not in LEVELS:
        c.problem("every event needs a level: elite (leaders, officials) or societal (publics, societies)"
                  if _missing(event, "level") else f"level {_shown(event, 'level')} must be elite or societal",
                  line, "level", record, event)
    else:
        c.add(iri, cs("level"), cs(LEVELS[level]))
    by = event.get("by")
    if not isinstance(by, list) or not by:
        c.problem("`by` must list the actor ids who acted", line, "by", record, event)
        by = []
    for role, slugs in (("agent", by), ("target", event.get("towards") or [])):
        if not isinstance(slugs, list):
            key = "towards" if role == "target" else "by"
            c.problem(f"`{key}` must be a list of actor ids", key_line(event, key), key, record)
            continue
        for slug in slugs:
            actor = c.find(slug, line, "by" if role == "agent" else "towards", record, event)
            if actor is None:
                continue
            c.add(iri, cs(role), actor.iri)
            if d and ((actor.earliest and d.latest < actor.earliest) or (actor.latest and d.earliest > actor.latest)):
                c.problem(f"date {d.text} is outside the lifetime of {slug} "
                          f"({actor.earliest or '?'} to {actor.latest or 'today'}) as a polity with external "
                          "relations (from/to in the actors file; membership of the state system does not limit it)",
                          line, "date", record, event)
    _fidelity(c, iri, event, line, record)
    outcome = event.get("outcome")
    if outcome is not None:
        if not isinstance(outcome, str) or outcome not in OUTCOMES:
            c.problem(f"outcome {_shown(event, 'outcome')} must be one of {sorted(OUTCOMES)}", line, "outcome",
                      record, event)
        else:
            c.add(iri, cs("outcome"), plain(outcome))
    for flag in ("costly", "public"):  # what a leap of trust needs to be told apart from a small move
        value = event.get(flag)
        if value is None:
            continue
        if not isinstance(value, bool):
            c.problem(f"`{flag}` must be true or false, not {value!r}", line, flag, record, event)
        else:
            c.add(iri, cs(flag), ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean")))
    for ch in _characterisations(c, event, record):
        _characterisation(c, iri, ch, line, record)


def _fidelity(c: _Case, iri: ox.NamedNode, event: Any, line: int | None, record: str) -> None:
    """Evidence (or ``evidence: none-yet``), whether the chapter mentions the event, where its date comes from."""
    evidence = event.get("evidence")
    if evidence == NONE_YET:
        c.add(iri, cs("evidenceStatus"), plain(NONE_YET))
    elif not evidence:
        c.problem("every event needs evidence: a list of {work, pages|section|record, kind}, or `evidence: none-yet` "
                  "for an event no source documents yet", line, "evidence", record, event)
    else:
        c.sources(iri, "evidence", evidence, key_line(event, "evidence"), "evidence", record)
    in_chapter = event.get("in_chapter")
    if isinstance(in_chapter, bool):
        c.add(iri, cs("inChapter"), ox.Literal(str(in_chapter).lower(), datatype=ox.NamedNode(XSD + "boolean")))
    elif in_chapter is not None:
        c.problem(f"in_chapter {in_chapter!r} must be true or false", line, "in_chapter", record, event)
    flag = event.get("date_flag")
    if flag is not None:
        if isinstance(flag, str) and flag in DATE_FLAGS:
            c.add(iri, cs("dateFlag"), plain(flag))
        else:
            c.problem(f"date_flag {_shown(event, 'date_flag')} must be `outside` (a date from outside the chapter) "
                      "or `inferred`", line, "date_flag", record, event)


def _shown(where: Any, key: str) -> str:
    """A value for an error, as written in the YAML file (:meth:`LocatedDict.shown`)."""
    return where.shown(key) if isinstance(where, LocatedDict) else repr(where.get(key))


def _missing(where: Any, key: str) -> bool:
    """Whether ``key`` is absent, empty or blank."""
    value = where.get(key)
    return value is None or (isinstance(value, str) and not value.strip())


def _text(c: _Case, where: Any, key: str, record: str, needed: str | None = None) -> str | None:
    """A text value (label, description, note): None when absent, empty or blank (a problem when the ``needed``
    case's or event's, such as its label: "   " was stored as a blank one), "" (and a problem) when not text."""
    value = where.get(key)
    if _missing(where, key):
        if needed:
            c.problem(f"every {needed} needs a {key}" if value is None else f"{key} is empty: give the {needed}'s "
                      f"{key}", line_of(where), key, record, where)
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        c.problem(f"{key} must be text, not a {'mapping' if isinstance(value, dict) else 'list'}: write the text "
                  f"after `{key}:`, in quotes if it holds a colon, braces or brackets", line_of(where), key, record,
                  where)
    else:
        c.problem(f"{key} {_shown(where, key)} must be text: write it in quotes", line_of(where), key, record, where)
    return ""


def _characterisations(c: _Case, where: Any, record: str) -> list[Any]:
    value = where.get("characterised_as") or []
    if not isinstance(value, list):  # not read as a list of its characters
        c.problem("characterised_as must be a list of {concept, work, pages|section}", None, "characterised_as", record,
                  where)
    return value if isinstance(value, list) else []


def _characterisation(c: _Case, subject: ox.NamedNode, ch: Any, line: int | None, record: str) -> None:
    """How a work reads an event or a case: ``{concept, work, pages|section, negated, disputed_by}``."""
    cline = line_of(ch, line)
    if not isinstance(ch, dict) or not isinstance(ch.get("concept"), str):
        c.problem("a characterisation is {concept: OntologyClass, work: KEY, pages|section: ...}",
                  cline, "characterised_as", record)
        return
    extra = {k: v for k, v in ch.items() if k not in {"concept", "disputed_by", "negated"}}
    node, triples, problems = source_reference(extra, c.batch, record, "characterised_as", cline)
    c.problems.extend(problems)
    c.add(subject, cs("characterisation"), node)
    c.triples.extend(triples)
    c.add(node, cs("concept"), cs(ch["concept"]))
    if ch.get("negated"):
        c.add(node, cs("negated"), ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")))
    c.batch.references.append(("concept", ch["concept"], Problem(
        c.src, f"unknown concept {ch['concept']!r}: use a class of the ontology", line=cline,
        field="characterised_as.concept", record=record)))
    disputed = ch.get("disputed_by") or []
    if not isinstance(disputed, list):
        c.problem(f"`disputed_by` must be a list of work keys, not {disputed!r}: put it in [ ]",
                  key_line(ch, "disputed_by", cline), "characterised_as.disputed_by", record)
        disputed = []
    for key in disputed:
        c.add(node, cs("disputedBy"), instance("work", key))
        c.batch.references.append(("work", key, Problem(
            c.src, f"unknown work {key!r}", line=cline, field="characterised_as.disputed_by", record=record)))
