"""What a store answers a SELECT with (``Rows``: the solutions, with their variables in order) and binds
values with (``Bindings``), shared by the interface (``store/__init__.py``) and every backend."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term | None]
Bindings = Mapping[str, Term]


class Rows(list[Row]):
    """A SELECT's solutions, with its variables in order (``columns``), which an empty result still has."""

    def __init__(self, rows: Iterable[Row] = (), columns: Sequence[str] = ()) -> None:
        super().__init__(rows)
        self.columns = list(columns)
