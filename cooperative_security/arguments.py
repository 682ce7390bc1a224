"""The Python API's argument checks: what a notebook passes (numpy and pandas values, dates, paths) taken as
the library expects it, and anything else refused by the argument's name with what was given and what is
expected (:mod:`cooperative_security.api`)."""

from __future__ import annotations

import datetime as dt
import numbers
import os
from collections.abc import Iterable

from .errors import UsageError

SPECS = "a spec (memory:, oxigraph:DIR or sparql:URL) or a pathlib.Path to an on-disk store"


def refuse(name: str, value: object, expected: str) -> UsageError:
    """The error for an argument of the wrong kind: which argument, what was given and what is expected."""
    return UsageError(f"{name}: {value!r} ({type(value).__name__}) is not {expected}")


def spec_of(spec: object, name: str) -> str:
    """A spec string as given; a path (``pathlib.Path``) is the on-disk store in that folder."""
    if isinstance(spec, os.PathLike):
        return f"oxigraph:{os.fspath(spec)}"
    if isinstance(spec, str):
        return spec
    raise refuse(name, spec, SPECS)


def flag(value: object, name: str) -> bool:
    import numpy as np

    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise refuse(name, value, "True or False")


def whole(value: object, name: str, expected: str = "a whole number") -> int:
    """An int, numpy integer or other :class:`numbers.Integral`, never a bool, a float or a string."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    raise refuse(name, value, expected)


def case_names(cases: object) -> list[str] | None:
    """``cases``: None (every case), a case id, or any iterable of them (a list, a numpy array, a Series)."""
    expected = "a case id or an iterable of them, e.g. 'korea' or ['korea', 'asean']"
    if cases is None:
        return None
    if isinstance(cases, str):
        return [cases]
    if isinstance(cases, bytes | bytearray) or not isinstance(cases, Iterable):
        raise refuse("cases", cases, expected)
    names = list(cases)
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise UsageError(f"cases: item {i} is {name!r} ({type(name).__name__}); give {expected}")
    return [str(n) for n in names]  # numpy's str_ as str


def when(at: object) -> str | None:
    """``at``: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, a year as a whole number, or a date (or datetime)."""
    if at is None:
        return None
    if isinstance(at, dt.date) and at == at:  # pandas' NaT is a datetime that equals nothing
        return f"{at.year:04d}-{at.month:02d}-{at.day:02d}"
    if isinstance(at, numbers.Integral) and not isinstance(at, bool) and 1 <= int(at) <= 9999:
        return f"{int(at):04d}"
    if isinstance(at, str) and at.strip():
        from .ingest.base import parse_date

        try:
            return parse_date(at).text
        except ValueError as exc:
            raise UsageError(f"at: {exc}") from None
    raise refuse("at", at, "a date: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', a year from 1 to 9999 (1990) or a "
                  "datetime.date")
