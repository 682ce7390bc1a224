"""Parsing a batch of files: each by the reader of its kind, checked against the store and each other.

Nothing is written here: every problem of every file is gathered, and raised before the write.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import re
import traceback
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, Problem
from ..namespaces import RDF_TYPE
from ..queries import load_query
from ..store import Store
from .actors import Registry, registry_from_rows
from .base import Batch
from .events_csv import EventIds
from .formats import READERS, ReadContext
from .naming import claims
from .spans import CaseSpans
from .works import batch_collisions


def _known(store: Store) -> tuple[set[str], set[str], set[str], Registry, set[str]]:
    works = {r["key"].value for r in store.select(load_query("ingest/known-works"))}  # type: ignore[union-attr]
    classes: set[str] = set()
    events: set[str] = set()
    for row in store.select(load_query("ingest/known-classes")):
        local = row["class"].value.rpartition("#")[2]  # type: ignore[union-attr]
        classes.add(local)
        if row["event"] is not None and row["event"].value == "true":
            events.add(local)
    registry = registry_from_rows(store.select(load_query("ingest/actors")))
    cases = {r["slug"].value for r in store.select(load_query("ingest/cases"))}  # type: ignore[union-attr]
    return works, classes, events, registry, cases


def _batch_keys(batch: Batch) -> tuple[set[str], set[str], set[str]]:
    """Works, classes and event types that a batch itself defines."""
    works: set[str] = set()
    classes: set[str] = set()
    events: set[str] = set()
    for triples in batch.graphs.values():
        for t in triples:
            if isinstance(t.object, ox.Triple):  # an RDF 1.2 triple term: neither a key nor a class
                continue
            if t.predicate.value.endswith("#bibKey"):
                works.add(t.object.value)
            if t.predicate == RDF_TYPE and t.object.value.endswith("owl#Class") and isinstance(t.subject, ox.NamedNode):
                classes.add(t.subject.value.rpartition("#")[2])
    return works, classes, events


def _where(exc: BaseException) -> str:
    """The innermost coopsec source line an exception passed through (for a bug report)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "cooperative_security" in f.filename]
    if not frames:
        return "an unknown place"
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"


_UNKNOWN_ACTOR = re.compile(r"unknown actor '([^']+)'[^:]*: .*")


def _refused_actor(problem: Problem, refused: dict[str, str]) -> Problem:
    """A file's "unknown actor" that an actors file of the same batch declares, but was refused: said so,
    instead of advice to declare what the user did declare."""
    match = _UNKNOWN_ACTOR.search(problem.message)
    if not match or match[1] not in refused:
        return problem
    said = (f"actor {match[1]!r} is declared in {refused[match[1]]}, which was refused (its problems are "
            "listed with it): fix that file and ingest both again")
    return dataclasses.replace(problem, message=problem.message[:match.start()] + said)


_UNKNOWN_CASE = re.compile(r"unknown case '([^']+)': .*")


def _refused_case(problem: Problem, refused: dict[str, str]) -> Problem:
    """An events CSV's "unknown case" whose case file is in the same batch, but was refused: said so, instead
    of advice to ingest the case file the user did give."""
    match = _UNKNOWN_CASE.search(problem.message)
    if not match or match[1] not in refused:
        return problem
    said = (f"unknown case {match[1]!r}: its case file {refused[match[1]]} is in this ingest but was refused (its "
            "problems are listed with it): fix that file and ingest both again")
    return dataclasses.replace(problem, message=problem.message[:match.start()] + said)


def parse_all(
    store: Store, files: list[tuple[str, Path]], progress: Callable[[str], None] | None = None,
    bundled: bool = False, actors_once: bool = True,
) -> list[Batch]:
    """Parse and check every file against the store and each other; raise before writing anything.
    ``bundled``: the project's own data files (only they may describe the source chapter's footnotes);
    ``actors_once``: an actor id that another actors file declares is refused (off for the validation sets,
    and for the bundled files, which a user's file may not hold back)."""
    works, classes, events, registry, cases = _known(store)
    # who wrote each graph (read once): an actors or events file's own earlier version is replaced, not a clash
    owners = claims(store) if any(kind in ("actors", "events") for kind, _ in files) else {}
    # a case file is checked too: an id it gives an event may be one an events CSV ingested earlier holds
    ids = (EventIds(store, owners, [p for _, p in files]) if any(kind in ("case", "events") for kind, _ in files)
           else None)
    batches: list[Batch] = []
    problems: list[Problem] = []
    unchecked: list[tuple[str, str, Problem]] = []  # the references of files that had problems of their own
    # each file's events against their case's span, as stored or as a file of this ingest sets it, and back
    spans = CaseSpans(store, owners, [p for _, p in files])
    context = ReadContext(store, registry, cases, owners, ids, bundled, spans=spans,
                          actors_once=actors_once and not bundled)
    for kind, path in files:
        if progress:
            progress(str(path))
        try:
            batch = READERS.get(kind, READERS["rdf"])(path, context)  # a kind of no reader is read as RDF
        except InputError as exc:
            problems.extend(exc.problems)
            unchecked.extend(getattr(exc, "references", ()))
            continue
        except OSError as exc:
            problems.append(Problem(str(path), f"cannot read the file: {exc.strerror or exc}"))
            continue
        except (TypeError, AttributeError, KeyError, IndexError, ValueError, OverflowError, csv.Error,
                RecursionError) as exc:
            # A reader met a shape of data it does not check for yet. Still a located, typed error
            # (never a traceback, nothing written), but it names itself so it gets fixed.
            problems.append(Problem(str(path), f"coopsec cannot read this {kind} file: unexpected "
                                               f"{type(exc).__name__} ({exc}) at {_where(exc)}; please "
                                               "report this with the file"))
            continue
        w, c, _ = _batch_keys(batch)
        works |= w
        classes |= c
        batches.append(batch)
    problems.extend(batch_collisions(batches))  # one key, two works, in two files of this ingest
    for what, key, problem in [ref for batch in batches for ref in batch.references] + unchecked:
        known = {"work": works, "concept": classes, "event-type": events or classes}[what]
        if key not in known:
            close = difflib.get_close_matches(key, [k for k in known if isinstance(k, str)], n=3) \
                if what == "event-type" else []
            problems.append(dataclasses.replace(problem, message=problem.message.replace(
                ":", f" (did you mean {' or '.join(close)}?):", 1)) if close else problem)
    problems = [_refused_case(_refused_actor(problem, context.refused), context.refused_cases) for problem in problems]
    if problems:
        # each file's problems together, by line (its references were checked after every file was read)
        order = {str(path): i for i, (_, path) in enumerate(files)}
        problems.sort(key=lambda p: (order.get(p.source, len(order)), p.line or 0))
        raise InputError(problems)
    return batches
