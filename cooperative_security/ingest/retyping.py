"""A warning when an RDF file gives a new type to something another source defines.

An RDF file may say anything about any IRI. Most of it only adds (a comment, a link); a type does more:
typing a bundled event ``cs:UnilateralConciliatoryInitiative`` as well as ``cs:Declaration`` changes how
its case is classified, and nothing else in the output says why. So ingest warns (:class:`RetypingWarning`,
a ``UserWarning``: the command line prints it, a notebook shows it) for every IRI the file types that
another source in the store types too, with a type that source does not give it: the IRI, the new types,
and the types it had with the file that gave them. The ingest still goes ahead (a deliberate recoding is
legitimate, and ``coopsec remove FILE`` undoes it); the file's own earlier version is not "another source".

Checked: files parsed in memory, against the store (not against other files of the same ingest), up to
:data:`MAX_CHECKED` typed IRIs per file (the project's own IRIs first); a bigger file says how many it left
unchecked. Files bulk-loaded from disk (``COOPSEC_STREAM_AFTER``) are not read here, so not checked.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import BASE, RDF_TYPE, compact
from ..queries import load_query
from ..store import Store
from .base import Batch
from .naming import DERIVED, Claim, claims
from .source_files import source_key

#: the most typed IRIs of one file looked up in the store (one query each)
MAX_CHECKED = 10_000
#: the most retyped IRIs one warning lists (the count of the rest follows)
SHOWN = 20


class RetypingWarning(UserWarning):
    """An ingested file gives a type to an IRI another source defines, which that source does not give it."""


@dataclass(frozen=True)
class Retyping:
    """``entity`` is typed ``added`` by the file; other sources type it ``had`` (type -> the files giving it)."""

    entity: str
    added: tuple[str, ...]
    had: tuple[tuple[str, str], ...]  # (type, where: a file, else a graph)

    def __str__(self) -> str:
        had = "; ".join(f"{compact(t)} in {where}" for t, where in self.had)
        return f"{compact(self.entity)}: now also {', '.join(compact(t) for t in self.added)} (was {had})"


def retypings(store: Store, batch: Batch, owners: Mapping[str, Claim] | None = None) -> tuple[list[Retyping], int]:
    """The IRIs ``batch`` gives a type that another source types otherwise, and how many typed IRIs were left
    unchecked (over :data:`MAX_CHECKED`)."""
    typed: dict[str, set[str]] = {}
    for triples in batch.graphs.values():
        for t in triples:
            if t.predicate == RDF_TYPE and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
                typed.setdefault(t.subject.value, set()).add(t.object.value)
    if not typed:
        return [], 0
    order = sorted(typed, key=lambda iri: (not iri.startswith(BASE), iri))  # the project's IRIs first
    checked, skipped = order[:MAX_CHECKED], max(len(order) - MAX_CHECKED, 0)
    source = source_key(batch.source)
    query = load_query("ingest/entity-types")
    owners_read: Mapping[str, Claim] | None = owners or None
    found: list[Retyping] = []
    for iri in checked:
        other: dict[str, list[str]] = {}
        for row in store.select(query, {"entity": ox.NamedNode(iri)}):
            kind, where = row["type"], row["g"]
            if kind is None or where is None or where.value.startswith(DERIVED):
                continue
            if owners_read is None:
                owners_read = claims(store)  # read once, and only when a typed IRI is in the store
            claim = owners_read.get(where.value)
            if claim is not None and claim.source == source:
                continue  # the file's own earlier version, which this ingest replaces
            other.setdefault(kind.value, []).append(claim.name if claim and claim.name else compact(where.value))
        added = sorted(typed[iri] - set(other))
        if other and added:
            found.append(Retyping(iri, tuple(added), tuple((t, w) for t in sorted(other) for w in sorted(other[t]))))
    return found, skipped


def warn_retypings(store: Store, batch: Batch, owners: Mapping[str, Claim] | None = None) -> None:
    """Warn (:class:`RetypingWarning`) when ``batch`` retypes what other sources define."""
    found, skipped = retypings(store, batch, owners)
    if found:
        lines = [f"  {r}" for r in found[:SHOWN]]
        if len(found) > SHOWN:
            lines.append(f"  ... and {len(found) - SHOWN} more")
        warnings.warn(RetypingWarning(
            f"{batch.source} adds a type to {len(found)} IRI(s) that other sources define, a type those sources do "
            "not give them; the classifier reads types (an event's type decides how its case is classified):\n"
            + "\n".join(lines) + f"\nIf that is not meant, `coopsec remove {batch.source}` undoes the ingest; to "
            "recode an event, edit its case file instead"), stacklevel=2)
    if skipped:
        warnings.warn(RetypingWarning(
            f"{batch.source} types more than {MAX_CHECKED:,} IRIs: {skipped:,} were not checked for types that "
            "other sources give otherwise"), stacklevel=2)


__all__ = ["MAX_CHECKED", "Retyping", "RetypingWarning", "retypings", "warn_retypings"]
