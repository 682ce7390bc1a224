"""A case's positions on Buzan's spectrum over time, drawn (for `coopsec timeline` and the site)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import Period

#: the spectrum's positions, bottom to top
_RANK = {"conflict-formation": 0, "security-regime": 1, "security-community": 2, "regional-integration": 3}


def draw_timeline(case: str, periods: list[Period], events: list[Any], output: Path) -> None:
    """A step chart of a case's position on Buzan's spectrum over time, its events as ticks (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    from datetime import date

    import matplotlib.pyplot as plt
    from matplotlib.dates import date2num

    def day(iso: str) -> float:
        return float(date2num(date.fromisoformat(iso)))

    points = [p for p in periods if p.position and p.start]
    fig, ax = plt.subplots(figsize=(10, 3.5))
    if points:
        last = max([day(p.start) for p in points if p.start] + [day(e.earliest) for e in events])
        xs, ys = [], []
        for p in points:
            end = day(p.end) if p.end else last + 365
            xs += [day(p.start or ""), end]
            ys += [_RANK[p.position or ""]] * 2
        ax.plot(xs, ys, drawstyle="steps-post", linewidth=2)
        for e in events:
            ax.axvline(day(e.earliest), color="grey", alpha=0.3, linewidth=0.8)
        ax.scatter([day(e.earliest) for e in events], [-0.3] * len(events), marker="|", color="black")
        ax.xaxis_date()
    ax.set_yticks(list(_RANK.values()), [k.replace("-", " ") for k in _RANK])
    ax.set_ylim(-0.5, 3.5)
    ax.set_title(f"{case}: position on Buzan's spectrum")
    fig.tight_layout()
    fig.savefig(output)
    plt.close(fig)
