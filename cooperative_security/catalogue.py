"""Cases and works as plain records, for the command line and for notebooks."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import UnknownTerm
from .queries import load_query
from .store import Store


def _v(term: Any) -> Any:
    return None if term is None else term.value


def actor_name(iso3: str | None, slug: str | None, iri: str) -> str:
    """How an actor is named in every output (tables, CSV, JSON, DataFrames): its ISO 3166-1 alpha-3 code
    where it has one, else its id (the slug; a leader, a public, a state without an ISO code such as Baden).
    The Correlates of War number travels beside it (``*_cow``), since one ISO code may stand for two COW
    states (DEU: Germany 255 and the German Federal Republic 260)."""
    return iso3 or slug or iri


def _cow(term: Any) -> int | None:
    return None if term is None else int(term.value)


def _last_day(date: str) -> str:
    """The last day a partial date (YYYY or YYYY-MM) can mean, for comparison as text with YYYY-MM-DD."""
    return date + ("-12-31" if len(date) == 4 else "-31" if len(date) == 7 else "")


@dataclass
class SourceRef:
    work: str
    citation: str | None
    pages: str | None
    section: str | None
    record: str | None = None
    #: "documents" (a record of the event itself) or "mentions" (only refers to it)
    kind: str | None = None
    #: what was added to what the source prints (a page resolved from "Ibid.", ...)
    inferred: str | None = None


@dataclass
class Event:
    id: str
    iri: str
    date: str
    date_precision: str
    earliest: str
    type: str
    type_label: str | None
    level: str | None
    label: str | None
    outcome: str | None = None
    #: who acted and towards whom, named as everywhere (:func:`actor_name`), with their COW numbers (None for
    #: an actor without one) in the same order
    actors: list[str] = field(default_factory=list)
    towards: list[str] = field(default_factory=list)
    actors_cow: list[int | None] = field(default_factory=list)
    towards_cow: list[int | None] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)
    #: "none-yet" when no source documents the event yet (kept as context, not as evidence)
    evidence_status: str | None = None
    #: False when the chapter does not mention the event
    in_chapter: bool | None = None
    #: "outside" or "inferred" when the date (at its precision) is not the chapter's or its sources'
    date_flag: str | None = None


@dataclass
class Case:
    id: str
    iri: str
    label: str | None
    kind: str | None
    #: the members named as everywhere (:func:`actor_name`), and their COW numbers in the same order
    members: list[str] = field(default_factory=list)
    members_cow: list[int | None] = field(default_factory=list)
    #: a member's spans of membership as (from, to) dates (None: open), for the members whose case file
    #: gives them; a member absent here is a member throughout
    member_spans: dict[str, list[tuple[str | None, str | None]]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    def is_member(self, member: str, day: str) -> bool:
        """Whether ``member`` (a name of :attr:`members`) is a member on ``day`` (YYYY-MM-DD): within one
        of its spans, a partial date counting from its first day to its last."""
        spans = self.member_spans.get(member)
        return not spans or any((start is None or start[:len(day)] <= day)
                                and (end is None or _last_day(end) >= day) for start, end in spans)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for event in data["events"]:
            event.pop("earliest")
            event.pop("iri")
        return data


def find_case(known: Iterable[str], case: str) -> str:
    """The id among ``known`` that ``case`` names, in any letter case (``ASEAN`` is ``asean``); else an
    UnknownTerm that suggests the closest ids. Every command that takes a case id looks it up here."""
    ids = list(known)
    if case in ids:
        return case
    folded = {i.casefold(): i for i in ids}
    wanted = " ".join(case.split()).casefold()
    if wanted in folded:
        return folded[wanted]
    close = [folded[c] for c in difflib.get_close_matches(wanted, list(folded), n=3)]
    raise UnknownTerm(f"no case {case!r}" + (f" (did you mean {' or '.join(close)}?)" if close else "")
                      + f"; cases: {', '.join(ids)}")


def list_cases(store: Store) -> list[Case]:
    cases: dict[str, Case] = {}
    for r in store.select(load_query("cases/list")):
        kind = _v(r["kind"])
        cases[_v(r["case"])] = Case(_v(r["slug"]), _v(r["case"]), _v(r["label"]),
                                    kind.rpartition("#")[2].lower() if kind else None)
    seen: set[tuple[str, str, str]] = set()  # an actor described in two graphs is one member
    for r in store.select(load_query("cases/members")):
        case = cases.get(_v(r["case"]))
        if case is None:
            continue
        name = actor_name(_v(r["iso3"]), _v(r["slug"]), _v(r["member"]))
        if (_v(r["case"]), "member", _v(r["member"])) not in seen:
            seen.add((_v(r["case"]), "member", _v(r["member"])))
            case.members.append(name)
            case.members_cow.append(_cow(r["cow"]))
        if r["from"] is not None or r["to"] is not None:
            span = (_v(r["from"]), _v(r["to"]))
            if span not in case.member_spans.setdefault(name, []):
                case.member_spans[name].append(span)
    events: dict[str, Event] = {}
    for r in store.select(load_query("cases/events")):
        case = cases.get(_v(r["case"]))
        if case is None:
            continue
        iri = _v(r["event"])
        if iri in events:  # an event typed twice: keep the first (most specific sorting is the ontology's job)
            continue
        level = _v(r["level"])
        event = Event(_v(r["slug"]), iri, _v(r["date"]), _v(r["precision"]), _v(r["earliest"]), _v(r["type"]),
                      _v(r["typeLabel"]), level.rpartition("#")[2].removesuffix("Level").lower() if level else None,
                      _v(r["label"]), _v(r["outcome"]))
        event.evidence_status, event.date_flag = _v(r["evidenceStatus"]), _v(r["dateFlag"])
        event.in_chapter = None if r["inChapter"] is None else r["inChapter"].value == "true"
        events[iri] = event
        case.events.append(event)
    for r in store.select(load_query("cases/event-actors")):
        held = events.get(_v(r["event"]))
        if held is not None and (_v(r["event"]), _v(r["role"]), _v(r["actor"])) not in seen:
            seen.add((_v(r["event"]), _v(r["role"]), _v(r["actor"])))
            by = _v(r["role"]) == "by"
            (held.actors if by else held.towards).append(actor_name(_v(r["iso3"]), _v(r["slug"]), _v(r["actor"])))
            (held.actors_cow if by else held.towards_cow).append(_cow(r["cow"]))
    for r in store.select(load_query("cases/event-sources")):
        held = events.get(_v(r["event"]))
        if held is not None:
            _add_source(held, SourceRef(_v(r["work"]), _v(r["citation"]), _v(r["pages"]), _v(r["section"]),
                                         _v(r["record"]), _v(r["kind"]), _v(r["inferred"])))
    return sorted(cases.values(), key=lambda c: c.id)


@dataclass
class ActorRecord:
    """An actor a case file can name: ``id`` (what to write), ``name``, ``kind`` (state, organisation, person,
    society), ``iso3`` and ``cow`` (states), ``shown`` (how outputs name it: :func:`actor_name`), its lifetime
    as written, and the states a person or society belongs to (named as outputs name them)."""

    id: str
    iri: str
    name: str | None
    kind: str
    iso3: str | None
    cow: int | None
    shown: str
    start: str | None
    end: str | None
    states: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def list_actors(store: Store) -> list[ActorRecord]:
    """Every actor a case file can name, states first."""
    actors: dict[str, ActorRecord] = {}
    for r in store.select(load_query("cases/actors")):
        iri = _v(r["actor"])
        if iri not in actors:
            kind = _v(r["kind"]).rpartition("#")[2].lower()
            actors[iri] = ActorRecord(_v(r["slug"]), iri, _v(r["label"]), kind, _v(r["iso3"]), _cow(r["cow"]),
                                      actor_name(_v(r["iso3"]), _v(r["slug"]), iri), _v(r["start"]), _v(r["end"]))
        state = _v(r["stateSlug"])
        if state is not None:
            shown = actor_name(_v(r["stateIso3"]), state, state)
            if shown not in actors[iri].states:
                actors[iri].states.append(shown)
    order = {"state": 0, "organisation": 1, "person": 2, "society": 3}
    return sorted(actors.values(), key=lambda a: (order.get(a.kind, 9), a.id))


def member_codes(store: Store) -> dict[str, list[int | None]]:
    """Case id -> the COW numbers of its members, in the order of :attr:`Case.members` (and of a classified
    period's ``members``)."""
    return {c.id: c.members_cow for c in list_cases(store)}


def _add_source(event: Event, ref: SourceRef) -> None:
    """One reference per work and place: the same page cited from two notes (one of them a bare "Ibid.")
    is one source, documenting if either entry documents, and inferred only if every entry infers it."""
    for known in event.sources:
        if (known.work, known.pages, known.section, known.record) == (ref.work, ref.pages, ref.section, ref.record):
            if ref.kind == "documents":
                known.kind = "documents"
            if ref.inferred is None:
                known.inferred = None
            return
    event.sources.append(ref)


@dataclass
class WorkRecord:
    key: str
    iri: str
    authors: list[str]
    year: str | None
    title: str | None
    citation: str | None
    cited_in: list[int]
    #: what the knowledge base adds to what the chapter prints (given names, a year, an "Ibid." page)
    inferred: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def list_works(store: Store) -> list[WorkRecord]:
    """Every work once, even when several ingested files describe it.

    works/list and works/authors take one description per work: the graph whose name sorts first, so the
    bundled graph/bibliography before graph/bibliography/<file>.
    """
    lists: dict[str, dict[str, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    for r in store.select(load_query("works/authors")):
        lists[_v(r["work"])][_v(r["list"])].append((int(_v(r["position"])), _v(r["name"]) or ""))
    authors = {work: [name for _, name in sorted(next(iter(by_list.values())))] for work, by_list in lists.items()}
    cited: dict[str, list[int]] = defaultdict(list)
    for r in store.select(load_query("works/cited-in")):
        cited[_v(r["work"])].append(int(_v(r["number"])))
    inferred: dict[str, list[str]] = defaultdict(list)
    for r in store.select(load_query("works/inferred")):
        note = _v(r["footnote"])
        inferred[_v(r["work"])].append((f"note {note}: " if note else "") + _v(r["inferred"]))
    works: dict[str, WorkRecord] = {}
    for r in store.select(load_query("works/list")):
        iri = _v(r["work"])
        if iri not in works:
            works[iri] = WorkRecord(_v(r["key"]), iri, authors.get(iri, []), _v(r["year"]), _v(r["title"]),
                                    _v(r["citation"]), sorted(set(cited[iri])), inferred.get(iri, []))
    return list(works.values())
