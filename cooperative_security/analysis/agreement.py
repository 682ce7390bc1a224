"""Agreement between expected and inferred labels: counts, a confusion matrix, Cohen's kappa.

Used by ``coopsec validate`` for the curated cases and for the dyad-years. Plain Python over pairs of
labels, so that a validation report never depends on a statistics package being installed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Agreement:
    """Agreement of one dimension (position, stage, trust, strategy) over a set of paired labels."""

    labels: tuple[str, ...]
    """The categories, in the order of the matrix rows (expected) and columns (inferred)."""
    matrix: tuple[tuple[int, ...], ...]
    """``matrix[i][j]``: pairs expected ``labels[i]`` and inferred ``labels[j]``."""
    kappa: float | None
    """Cohen's kappa (weighted when the labels are ordered); None when it is undefined."""
    weighted: bool = False
    disagreements: tuple[int, ...] = field(default=())
    """Indexes (into the input pairs) of the pairs that disagree."""

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.matrix)

    @property
    def agreed(self) -> int:
        return sum(self.matrix[i][i] for i in range(len(self.labels)))

    @property
    def proportion(self) -> float | None:
        return self.agreed / self.total if self.total else None

    def table(self) -> list[list[str]]:
        """The confusion matrix as rows of text, headed by the inferred labels (rows: expected)."""
        header = ["expected \\ inferred", *self.labels]
        rows = [[label, *(str(n) for n in row)] for label, row in zip(self.labels, self.matrix, strict=True)]
        return [header, *rows]

    def to_dict(self) -> dict[str, object]:
        return {"labels": list(self.labels), "matrix": [list(r) for r in self.matrix], "agreed": self.agreed,
                "total": self.total, "proportion": self.proportion, "kappa": self.kappa,
                "weighted": self.weighted, "disagreements": list(self.disagreements)}


def agreement(pairs: Sequence[tuple[str, str]], labels: Iterable[str] | None = None,
              ordered: bool = False) -> Agreement:
    """Compare ``(expected, inferred)`` pairs.

    ``labels`` fixes the categories and their order (labels met in the pairs but not listed are added
    after them, sorted). With ``ordered``, kappa is linearly weighted by the distance between the
    positions of the two labels in that order (Cohen 1968), as for the ordinal spectrum of positions.
    """
    known = list(dict.fromkeys(labels or ()))
    extra = sorted({label for pair in pairs for label in pair} - set(known))
    order = tuple(known + extra)
    index = {label: i for i, label in enumerate(order)}
    size = len(order)
    counts = Counter((index[e], index[i]) for e, i in pairs)
    matrix = tuple(tuple(counts[(r, c)] for c in range(size)) for r in range(size))
    disagreements = tuple(n for n, (e, i) in enumerate(pairs) if e != i)
    return Agreement(order, matrix, _kappa(matrix, ordered), ordered, disagreements)


def _kappa(matrix: tuple[tuple[int, ...], ...], ordered: bool) -> float | None:
    size = len(matrix)
    total = sum(sum(row) for row in matrix)
    if total == 0 or size < 2:
        return None
    rows = [sum(row) for row in matrix]
    cols = [sum(matrix[r][c] for r in range(size)) for c in range(size)]

    def weight(r: int, c: int) -> float:
        # Disagreement weight: 0 on the diagonal, 1 for the farthest pair (linear weights when ordered).
        if r == c:
            return 0.0
        return abs(r - c) / (size - 1) if ordered else 1.0

    observed = sum(weight(r, c) * matrix[r][c] for r in range(size) for c in range(size)) / total
    expected = sum(weight(r, c) * rows[r] * cols[c] for r in range(size) for c in range(size)) / (total * total)
    if expected == 0:
        return None  # every pair falls in one category: chance agreement is total, kappa undefined
    return 1.0 - observed / expected
