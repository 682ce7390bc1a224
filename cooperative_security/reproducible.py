"""Time and run identifiers that can be pinned, so that the same input gives byte-identical exports.

Provenance records when a classifier run or an ingest happened. With ``SOURCE_DATE_EPOCH`` set (the
reproducible-builds convention: seconds since 1970-01-01 UTC), that time is the pinned one and run IRIs are
numbered from it, so that ``coopsec export`` and ``coopsec release`` write the same bytes on every run.
Unset, they are the real time and random identifiers. Blank nodes are made canonical at export either way
(:func:`cooperative_security.export.base.canonical`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import uuid

_COUNTER = itertools.count(1)


def pinned_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        from .errors import UsageError

        raise UsageError(f"SOURCE_DATE_EPOCH={value!r} must be a whole number of seconds since "
                         "1970-01-01 UTC") from None


def now() -> dt.datetime:
    """The current time in UTC, or the pinned one."""
    epoch = pinned_epoch()
    if epoch is None:
        return dt.datetime.now(dt.UTC)
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def run_id() -> str:
    """A fresh run identifier: random, or (time pinned) the next of a sequence that depends on the time alone."""
    epoch = pinned_epoch()
    if epoch is None:
        return uuid.uuid4().hex
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://w3id.org/coopsec/id/run/{epoch}/{next(_COUNTER)}").hex
