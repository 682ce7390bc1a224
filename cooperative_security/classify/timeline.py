"""A case's whole story over time, drawn (for `coopsec timeline -o`, papers, and the site's case pages).

Three panels share the time axis:

- the position on Buzan's spectrum, one band per period, labelled with its subtype or stage (and
  "qualified" where one of Jervis's conditions is unmet beside a regime), and drawn hatched and dashed
  when the period data says the conclusion is fragile (``robust`` false);
- the level of trust (none, contingent cooperation, embedded trust);
- the events, one mark per event, shaped and coloured by kind, with the trust-building strategies
  (GRIT, a leap of trust...) annotated at their dates and their outcome.

Every change of period is labelled with its date, and every event with its label (cut short), beside its
mark; marks and labels that would overlap (events on the same or close dates) are stacked in lanes of
their row. In SVG each event mark and label is a link to the event's row on the case page
(``#<event id>``) with its date, type and whole label as a tooltip.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from . import Period

#: the spectrum's positions, bottom to top
_RANK = {"conflict-formation": 0, "security-regime": 1, "security-community": 2, "regional-integration": 3}
_POSITION_COLOURS = {"conflict-formation": "#d9534f", "security-regime": "#f0ad4e", "security-community": "#5cb85c",
                     "regional-integration": "#337ab7"}
_TRUST = {"none": 0, "contingent-cooperation": 1, "embedded-trust": 2}

#: kinds of event, each a mark: (label, marker, colour, local names of the event types it gathers)
EVENT_KINDS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("force and threats", "X", "#c0392b", ("War", "ArmedClash", "Invasion", "UseOfForce", "Threat", "Crisis",
                                          "MilitaryContingencyPlanning", "ArmsBuildUp",
                                          "InsurgentSupport")),
    ("institutions and treaties", "s", "#1f5fbf", ("InstitutionFounded", "TreatySigned", "TreatyRatified",
                                                  "NormAdopted", "SecurityGuarantee", "Declaration", "Admission",
                                                  "DoctrineAnnounced")),
    ("setbacks", "v", "#8e44ad", ("TreatyRejected", "Withdrawal")),
    ("conciliatory moves", "^", "#e67e22", ("UnilateralConciliatoryInitiative", "TensionReduction", "Reciprocation")),
    ("leaders' contacts", "o", "#27ae60", ("LeadershipVisit", "LeaderCorrespondence", "Summit", "Speech")),
    ("societies", "D", "#16a085", ("OpinionPoll", "Election", "Publication")),
    ("integration", "*", "#2c3e50", ("Unification",)),
]
_OTHER = ("other events", ".", "#7f8c8d", ())
_STRATEGY_NAMES = {"grit": "GRIT", "leap-of-trust": "leap of trust", "incremental-reciprocation":
                   "incremental reciprocation"}


def event_kind(type_iri: str) -> tuple[str, str, str]:
    """The kind of an event type (label, marker, colour), from the local name of its IRI."""
    local = re.split(r"[#/]", type_iri)[-1]
    for label, marker, colour, names in EVENT_KINDS:
        if local in names:
            return label, marker, colour
    return _OTHER[:3]


def _day(iso: str) -> date:
    parts = [int(x) for x in iso.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _robust(p: Period) -> bool | None:
    value = getattr(p, "robust", None)
    return value if isinstance(value, bool) else None


#: the figure's width (inches) and the part of it the time axis takes; the panels' heights in inches
_WIDTH, _LEFT, _RIGHT = 12.0, 0.13, 0.8
_DPI = 110
_TOP, _POSITION_H, _TRUST_H, _GAP, _BOTTOM = 0.55, 2.5, 0.95, 0.22, 0.62
#: one lane of the events panel, in inches; event labels' font size and length (the tooltip has the rest)
_LANE, _LABEL_SIZE, _LABEL_CHARS, _STRATEGY_SIZE = 0.2, 7.0, 58, 8.0
_MARK_PX = 7.0  # half a mark's width at _DPI (s=70 points squared)
#: past this many dated events, marks only (stacked all the same): labels would need more lanes than a page
_MAX_LABELLED = 60


def _until(p: Period, right: date) -> date:
    """Where a period's band ends: its end; if it has none, where the case stops being observed (nothing is
    concluded after it); if that is not known either, the right edge."""
    return _day(p.end) if p.end else _day(p.observed_until) if p.observed_until else right


def short_label(text: str, limit: int = _LABEL_CHARS) -> str:
    """``text`` cut at a word to at most ``limit`` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.-") + "\u2026"


def pack(spans: list[tuple[float, float]], gap: float = 4.0) -> list[int]:
    """Lanes for horizontal spans (start, end) so that no two in a lane overlap (``gap`` apart at least): each
    span, taken from the leftmost, goes in the first lane free at its start."""
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    ends: list[float] = []
    lanes = [0] * len(spans)
    for i in order:
        a, b = spans[i]
        lane = next((k for k, end in enumerate(ends) if end + gap <= a), len(ends))
        if lane == len(ends):
            ends.append(b)
        else:
            ends[lane] = b
        lanes[i] = lane
    return lanes


class _Measure:
    """Text widths in pixels at the figure's resolution (Agg's own metrics, as the drawing will have them)."""

    def __init__(self) -> None:
        from matplotlib.backends.backend_agg import RendererAgg

        self.renderer = RendererAgg(10, 10, _DPI)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        from matplotlib.font_manager import FontProperties

        prop = FontProperties(size=size, weight="bold" if bold else "normal")
        return float(self.renderer.get_text_width_height_descent(text, prop, ismath=False)[0])


def draw_timeline(case: str, periods: list[Period], events: list[Any], output: Path,
                  event_href: str | None = "#{id}") -> None:
    """Draw the case's position, stage and trust over time, with its events and strategies, into ``output``
    (PNG or SVG, by its suffix). ``event_href`` (``{id}`` is the event id) makes each mark a link in SVG."""
    import matplotlib.pyplot as plt

    fig, marks = timeline_figure(case, periods, events, event_href)
    output = Path(output)
    fig.savefig(output, dpi=200)  # print quality: 2400 px across (the layout does not depend on it)
    plt.close(fig)
    if output.suffix.lower() == ".svg":
        _titles(output, dict(marks))


def timeline_figure(case: str, periods: list[Period], events: list[Any],
                    event_href: str | None = "#{id}") -> tuple[Any, list[tuple[str, str]]]:
    """The timeline as a matplotlib figure, and each event mark's id with its tooltip. Each event is a mark
    in its kind's row with a short label beside it; marks and labels that would overlap (events on the same
    or close dates) go to further lanes of the row, so that every one stays legible."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    measure = _Measure()
    dated = [p for p in periods if p.start]
    days = [_day(p.start) for p in dated if p.start] + [_day(e.earliest) for e in events if e.earliest]
    first = min(days) if days else date(1950, 1, 1)
    last = max([*days, *(_day(p.end) for p in dated if p.end),
                *(_day(p.observed_until) for p in dated if p.observed_until)]) if days else date(1960, 1, 1)
    span = max((last - first).days, 365)
    left, right = first - timedelta(days=int(span * 0.04)), last + timedelta(days=int(span * 0.08) + 180)
    axis_px = _WIDTH * _DPI * (_RIGHT - _LEFT)

    def px(d: date) -> float:
        return (d - left).days / (right - left).days * axis_px

    # --- the events' layout: rows by kind, lanes inside a row, strategies in lanes above ---------------
    present = {event_kind(e.type)[0] for e in events if e.earliest}
    kinds = [k[0] for k in [*EVENT_KINDS, _OTHER] if k[0] in present]
    dated_iris = {e.iri for e in events if e.earliest}
    if "conciliatory moves" not in kinds and any(  # where a strategy with no dated evidence event points
            not any(ev.get("event") in dated_iris for ev in s.get("evidence", []))
            for p in dated for s in p.strategies if any(s.get("dates", []))):
        kinds.append("conciliatory moves")
    placed: dict[str, list[tuple[Any, str, float, bool]]] = {k: [] for k in kinds}  # event, label, x px, left?
    labelled = sum(1 for e in events if e.earliest) <= _MAX_LABELLED
    for e in sorted((e for e in events if e.earliest), key=lambda e: (e.earliest, e.id)):
        text = short_label(e.label or e.id) if labelled else ""
        x = px(_day(e.earliest))
        flip = bool(text) and x + _MARK_PX + 3 + measure.width(text, _LABEL_SIZE) > axis_px  # no room right
        placed[event_kind(e.type)[0]].append((e, text, x, flip))
    lane_of: dict[str, float] = {}
    row_of: dict[str, tuple[float, int]] = {}  # kind -> (first lane's y, lanes)
    y = 0.0
    for kind in kinds:
        spans = []
        for _, text, x, flip in placed[kind]:
            w = (measure.width(text, _LABEL_SIZE) + 3 if text else 0) + _MARK_PX
            spans.append((x - w, x + _MARK_PX) if flip else (x - _MARK_PX, x + w))
        lanes = pack(spans) if labelled else [lane % 8 for lane in pack(spans)]  # marks only: 8 lanes at most
        for (e, *_), lane in zip(placed[kind], lanes, strict=True):
            lane_of[e.id] = y + lane
        n = max(lanes, default=0) + 1
        row_of[kind] = (y, n)
        y += n + 0.5
    strategies = []
    for p in dated:
        for s in p.strategies:
            when = [d for d in s.get("dates", []) if d]
            if not when:
                continue
            name = _STRATEGY_NAMES.get(s.get("kind", ""), s.get("kind", "strategy"))
            text = f"{name}: {s.get('outcome') or 'outcome unknown'}" + (" (disputed)" if s.get("disputed") else "")
            x0, target = _day(when[0]), row_of.get("conciliatory moves", (0.0, 1))[0]
            for ev in s.get("evidence", []):
                found = next((e for e in events if e.iri == ev.get("event") and e.earliest), None)
                if found:
                    x0, target = _day(found.earliest), lane_of[found.id]
                    break
            w = measure.width(text, _STRATEGY_SIZE, bold=True)
            centre = min(max(px(x0), w / 2 + 2), axis_px - w / 2 - 2)  # kept inside the panel
            strategies.append((text, x0, target, when, centre, (centre - w / 2, centre + w / 2)))
    strategy_lanes = pack([s[5] for s in strategies], gap=12.0)
    header = (max(strategy_lanes) + 1) * 1.5 + 0.6 if strategies else 0.6
    rows_h = y - 0.5
    events_h = (rows_h + header + 0.8) * _LANE + 0.25

    # --- the figure: three panels over one time axis, sized to what they hold ---------------------------
    tops = _date_label_lanes(dated, px, measure)
    top = _TOP + 0.17 * (max(tops, default=0) + 1) + 0.25
    height = top + _POSITION_H + _GAP + _TRUST_H + _GAP + events_h + _BOTTOM
    fig = plt.figure(figsize=(_WIDTH, height), dpi=_DPI)

    def rect(offset: float, h: float) -> tuple[float, float, float, float]:
        return (_LEFT, 1 - (offset + h) / height, _RIGHT - _LEFT, h / height)

    pos_ax = fig.add_axes(rect(top, _POSITION_H))
    trust_ax = fig.add_axes(rect(top + _POSITION_H + _GAP, _TRUST_H), sharex=pos_ax)
    ev_ax = fig.add_axes(rect(top + _POSITION_H + _TRUST_H + 2 * _GAP, events_h), sharex=pos_ax)
    for ax in (pos_ax, trust_ax):
        ax.tick_params(labelbottom=False)
    ev_ax.set_xlim(left, right)

    # --- position, with subtype or stage, robust or fragile -----------------------------------------------
    ranks = dict(_RANK)
    unknown = sorted({p.position for p in dated if p.position and p.position not in ranks})
    for i, name in enumerate(unknown):
        ranks[name] = -1 - i
    fragile_seen = robust_seen = False
    notes: list[tuple[int, str, date, float, float, str]] = []  # rank, text, x, span start, end px, align
    for i, p in enumerate(dated):
        start = _day(p.start or "")
        # an open period ends where the case stops being observed: nothing is concluded after it
        end = _until(p, right)
        rank = ranks.get(p.position or "", -1)
        colour = _POSITION_COLOURS.get(p.position or "", "#999999")
        robust = _robust(p)
        fragile = robust is False
        fragile_seen |= fragile
        robust_seen |= robust is True
        pos_ax.barh(rank, (end - start).days, left=start, height=0.62, color=colour, alpha=0.35 if fragile else 0.8,
                    hatch="///" if fragile else None, edgecolor=colour if fragile else "white",
                    linewidth=1.2 if fragile else 0.5, linestyle="--" if fragile else "-")
        # a regime beside one of Jervis's conditions shown unmet is qualified (see classify/reasons.py)
        note = " / ".join(x for x in (p.subtype, p.stage, "qualified" if p.qualification else None) if x)
        if note:
            w = measure.width(note, 8.5)
            if w + 8 < px(min(end, right)) - px(start):
                pos_ax.text(start + (end - start) / 2, rank, note, ha="center", va="center", fontsize=8.5,
                            color="#111", clip_on=True, zorder=3,  # over the step line, on a light ground
                            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.7,
                                  "edgecolor": "none"})
            elif px(start) + w <= axis_px:  # too short a period: the note goes above its band
                notes.append((rank, note, start, px(start), px(start) + w, "left"))
            else:  # and near the right edge, it ends there
                notes.append((rank, note, right, axis_px - w, axis_px, "right"))
        if not p.end and p.observed_until:
            pos_ax.plot([end, right], [rank, rank], color="#999999", linewidth=1.0, linestyle=(0, (1, 3)))
            pos_ax.annotate(f"observed to {p.observed_until}", (end, rank), xytext=(3, -13), textcoords="offset points",
                            fontsize=7.5, ha="left" if px(end) + 110 < axis_px else "right", va="top", color="#555",
                            annotation_clip=False)
        pos_ax.axvline(start, color="#555", linewidth=0.6, linestyle=":", zorder=0)
        pos_ax.annotate(p.from_ or start.isoformat(), (start, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(0, 4 + 12 * tops[i]), textcoords="offset points", fontsize=7.5, rotation=30,
                        ha="left", va="bottom", color="#333", annotation_clip=False)
    for rank in {n[0] for n in notes}:
        mine = [n for n in notes if n[0] == rank]
        for (_, note, day, _a, _b, align), lane in zip(mine, pack([(n[3], n[4]) for n in mine], gap=8.0),
                                                        strict=True):
            pos_ax.text(day, rank + 0.34 + 0.22 * lane, note, ha=align, va="bottom", fontsize=7.5, color="#111")
    # a step line joins the periods, so the path along the spectrum reads at a glance
    xs, ys = [], []
    for p in dated:
        xs += [_day(p.start or ""), _until(p, right)]
        ys += [ranks.get(p.position or "", -1)] * 2
    if xs:
        pos_ax.plot(xs, ys, color="#222", linewidth=1.4, drawstyle="steps-post")
    labels = {r: name.replace("-", " ") for name, r in ranks.items()}
    pos_ax.set_yticks(sorted(labels), [labels[r] for r in sorted(labels)], fontsize=9)
    pos_ax.set_ylim(min(labels) - 0.5, 3.5)
    pos_ax.set_title(f"{case}: position on Buzan's spectrum, trust, events and strategies", fontsize=12,
                     pad=26 + 12 * (max(tops, default=0) + 1))
    handles = [Patch(color=c, alpha=0.8, label=n.replace("-", " ")) for n, c in _POSITION_COLOURS.items()]
    handles += [Patch(color="#999999", alpha=0.8, label=name.replace("-", " ")) for name in unknown]
    if fragile_seen:
        handles.append(Patch(facecolor="#ffffff", edgecolor="#555", hatch="///", linestyle="--",
                             label="fragile (hatched)"))
    if robust_seen:
        handles.append(Patch(facecolor="#bbbbbb", edgecolor="white", label="robust (solid)"))
    pos_ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=8, frameon=False)
    pos_ax.grid(axis="x", color="#eee")

    # --- trust ------------------------------------------------------------------------------------------
    txs, tys = [], []
    for p in dated:
        if p.trust in _TRUST:
            txs += [_day(p.start or ""), _until(p, right)]
            tys += [_TRUST[p.trust or "none"]] * 2
    if txs:
        trust_ax.fill_between(txs, tys, step="post", color="#7fb3d5", alpha=0.45)
        trust_ax.plot(txs, tys, drawstyle="steps-post", color="#1f618d", linewidth=1.6)
    trust_ax.set_yticks([0, 1, 2], ["no trust", "contingent\ncooperation", "embedded\ntrust"], fontsize=8)
    trust_ax.set_ylim(-0.3, 2.4)
    trust_ax.set_ylabel("trust", fontsize=9)
    trust_ax.grid(axis="x", color="#eee")

    # --- events, each labelled, and strategies -----------------------------------------------------------
    kinds_seen: dict[str, tuple[str, str]] = {}
    marks: list[tuple[str, str]] = []
    for n, kind in enumerate(kinds):
        y0, height_in_lanes = row_of[kind]
        ground = "#f4f6f8" if n % 2 == 0 else "white"  # rows alternate; a label masks the lines it sits on
        ev_ax.axhspan(y0 - 0.5, y0 + height_in_lanes - 0.5, color=ground, zorder=0, linewidth=0)
        for e, text, _x, flip in placed[kind]:
            _, marker, colour = event_kind(e.type)
            kinds_seen[kind] = (marker, colour)
            where = (_day(e.earliest), lane_of[e.id])
            art = ev_ax.scatter([where[0]], [where[1]], marker=marker, s=70, color=colour,
                                edgecolors="white", linewidths=0.6, zorder=3)
            gid = f"event-{e.id}"
            art.set_gid(gid)
            if event_href:
                art.set_urls([event_href.format(id=e.id)])
            marks.append((gid, f"{e.date}: {e.type_label or e.type.rpartition('#')[2]}: {e.label or e.id}"))
            if not text:
                continue
            label = ev_ax.annotate(text, where, xytext=(-7 if flip else 7, 0), textcoords="offset points",
                                   ha="right" if flip else "left", va="center", fontsize=_LABEL_SIZE,
                                   color="#333", zorder=4, bbox={"boxstyle": "square,pad=0.1", "linewidth": 0,
                                                                 "facecolor": ground, "alpha": 0.9})
            label.set_gid(f"label-{e.id}")
            if event_href:
                label.set_url(event_href.format(id=e.id))
    ev_ax.set_yticks([row_of[k][0] + (row_of[k][1] - 1) / 2 for k in kinds], kinds, fontsize=8)
    ev_ax.tick_params(axis="y", length=0)
    for (text, x0, target, when, centre, _), lane in zip(strategies, strategy_lanes, strict=True):
        for d in when:
            ev_ax.axvspan(_day(d) - timedelta(days=40), _day(d) + timedelta(days=40), color="#e67e22", alpha=0.18,
                          linewidth=0, zorder=4.5)  # a tint over the labels it crosses
        at = left + timedelta(days=centre / axis_px * (right - left).days)
        ev_ax.annotate(text, (x0, target), xytext=(at, -1.0 - 1.5 * lane), fontsize=_STRATEGY_SIZE,
                       color="#a04000", ha="center", va="center", fontweight="bold",
                       arrowprops={"arrowstyle": "->", "color": "#a04000", "linewidth": 0.9, "shrinkB": 6},
                       zorder=2.5)  # under the marks and their labels it crosses
    ev_ax.set_ylim(rows_h + 0.7, -header - 0.3)
    ev_ax.legend(handles=[Line2D([], [], marker=m, color=c, linestyle="", markersize=7, label=k)
                          for k, (m, c) in kinds_seen.items()], loc="upper left", bbox_to_anchor=(1.005, 1.0),
                 fontsize=8, frameon=False, title="events", title_fontsize=8)
    ev_ax.grid(axis="x", color="#eee")
    locator = mdates.AutoDateLocator(minticks=5, maxticks=14)
    ev_ax.xaxis.set_major_locator(locator)
    ev_ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ev_ax.set_xlabel("date (each period begins at the dotted line labelled with its date)", fontsize=8.5)
    for ax in (pos_ax, trust_ax, ev_ax):
        ax.set_axisbelow(True)
    return fig, marks


def _date_label_lanes(dated: list[Period], px: Any, measure: _Measure) -> list[int]:
    """A lane (a step up) for each period's date label, written at 30 degrees above the top panel, so that
    labels of close dates do not run into each other."""
    spans = []
    for p in dated:
        x = px(_day(p.start or ""))
        spans.append((x, x + 0.87 * measure.width(p.from_ or p.start or "", 7.5) + 2))
    return pack(spans, gap=3.0)


def _titles(svg: Path, titles: dict[str, str]) -> None:
    """Give each event mark of an SVG a tooltip (<title>), found by the id matplotlib wrote for it."""
    text = svg.read_text(encoding="utf-8")
    # matplotlib opens every link in a new window; a mark's link goes to its row on the same page
    text = re.sub(r'(<a xlink:href="#[^"]*") target="_blank"', r"\1", text)
    for gid, title in titles.items():
        text = text.replace(f'<g id="{gid}">', f'<g id="{gid}" class="event-mark"><title>{escape(title)}</title>', 1)
        label = gid.replace("event-", "label-", 1)  # the label, cut short, gives the whole story too
        text = text.replace(f'<g id="{label}">',
                            f'<g id="{label}" class="event-label"><title>{escape(title)}</title>', 1)
    svg.write_text(text, encoding="utf-8")
