"""Content negotiation: pick the media type to answer with from an ``Accept`` header and q-values."""

from __future__ import annotations

import math
from collections.abc import Sequence


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``"text/html, */*;q=0.8"`` -> ``[("text/html", 1.0), ("*/*", 0.8)]`` (media types lower-cased; a q
    that is not a finite number counts as 0, so that range is never chosen)."""
    ranges: list[tuple[str, float]] = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media + "/*"
        q = 1.0
        for f in fields[1:]:
            name, _, value = f.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
                # nan, inf, 1e999: no preference a client means; min(1.0, nan) is 1.0, so it would win
                q = max(0.0, min(1.0, q)) if math.isfinite(q) else 0.0
        ranges.append((media, q))
    return ranges


def _quality(offer: str, ranges: Sequence[tuple[str, float]]) -> tuple[float, int]:
    """The q of the most specific range matching ``offer``, and how specific that range is."""
    kind = offer.split("/")[0]
    best: tuple[float, int] | None = None
    for media, q in ranges:
        if media == offer:
            specificity = 2
        elif media == kind + "/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if best is None or specificity > best[1]:
            best = (q, specificity)
    return best or (0.0, -1)


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers; the first offer when it states no preference; None if none fits.

    Among offers of equal q, the one named more specifically wins, then the server's order.
    """
    ranges = parse_accept(header)
    if not ranges:
        return offers[0] if offers else None
    scored = []
    for order, offer in enumerate(offers):
        q, specificity = _quality(offer, ranges)
        if q > 0:
            scored.append((-q, -specificity, order, offer))
    return min(scored)[3] if scored else None
