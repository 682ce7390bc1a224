"""A case's whole story over time, drawn (for `coopsec timeline -o`, papers, and the site's case pages).

Three panels share the time axis:

- the position on Buzan's spectrum, one band per period, labelled with its subtype or stage, and drawn
  hatched and dashed when the period data says the conclusion is fragile (``robust`` false);
- the level of trust (none, contingent cooperation, embedded trust);
- the events, one mark per event, shaped and coloured by kind, with the trust-building strategies
  (GRIT, a leap of trust...) annotated at their dates and their outcome.

Every change of period is labelled with its date. In SVG each event mark is a link to the event's row
on the case page (``#<event id>``) with its date, type and label as a tooltip.
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
                                          "MilitaryContingencyPlanning", "ArmsBuildUp")),
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


def draw_timeline(case: str, periods: list[Period], events: list[Any], output: Path,
                  event_href: str | None = "#{id}") -> None:
    """Draw the case's position, stage and trust over time, with its events and strategies, into ``output``
    (PNG or SVG, by its suffix). ``event_href`` (``{id}`` is the event id) makes each mark a link in SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    dated = [p for p in periods if p.start]
    days = [_day(p.start) for p in dated if p.start] + [_day(e.earliest) for e in events if e.earliest]
    first = min(days) if days else date(1950, 1, 1)
    last = max([*days, *(_day(p.end) for p in dated if p.end)]) if days else date(1960, 1, 1)
    span = max((last - first).days, 365)
    left, right = first - timedelta(days=int(span * 0.04)), last + timedelta(days=int(span * 0.08) + 180)

    fig, (pos_ax, trust_ax, ev_ax) = plt.subplots(3, 1, figsize=(12, 7.2), sharex=True,
                                                  gridspec_kw={"height_ratios": [3.2, 1.2, 2.2], "hspace": 0.12})
    # --- position, with subtype or stage, robust or fragile -----------------------------------------------
    ranks = dict(_RANK)
    unknown = sorted({p.position for p in dated if p.position and p.position not in ranks})
    for i, name in enumerate(unknown):
        ranks[name] = -1 - i
    fragile_seen = robust_seen = stagger = False
    for i, p in enumerate(dated):
        start = _day(p.start or "")
        end = _day(p.end) if p.end else right
        rank = ranks.get(p.position or "", -1)
        colour = _POSITION_COLOURS.get(p.position or "", "#999999")
        robust = _robust(p)
        fragile = robust is False
        fragile_seen |= fragile
        robust_seen |= robust is True
        pos_ax.barh(rank, (end - start).days, left=start, height=0.62, color=colour, alpha=0.35 if fragile else 0.8,
                    hatch="///" if fragile else None, edgecolor=colour if fragile else "white",
                    linewidth=1.2 if fragile else 0.5, linestyle="--" if fragile else "-")
        note = " / ".join(x for x in (p.subtype, p.stage) if x)
        if note:
            fits = (end - start).days > len(note) * (right - left).days / 105
            if fits:
                pos_ax.text(start + (end - start) / 2, rank, note, ha="center", va="center", fontsize=8.5,
                            color="#111", clip_on=True)
            else:  # too short a period: the note goes above its band, staggered from the one before
                pos_ax.text(start, rank + 0.36 + 0.2 * (i % 2), note, ha="left", va="bottom", fontsize=7.5,
                            color="#111", clip_on=True)
        pos_ax.axvline(start, color="#555", linewidth=0.6, linestyle=":", zorder=0)
        close = i > 0 and (start - _day(dated[i - 1].start or "")).days < (right - left).days / 30
        stagger = close and not stagger if i > 0 else False
        pos_ax.annotate(p.from_ or start.isoformat(), (start, 3.55 + (0.45 if stagger else 0)), fontsize=7.5,
                        rotation=30, ha="left", va="bottom", color="#333", annotation_clip=False)
    # a step line joins the periods, so the path along the spectrum reads at a glance
    xs, ys = [], []
    for p in dated:
        xs += [_day(p.start or ""), _day(p.end) if p.end else right]
        ys += [ranks.get(p.position or "", -1)] * 2
    if xs:
        pos_ax.plot(xs, ys, color="#222", linewidth=1.4, drawstyle="steps-post")
    labels = {r: name.replace("-", " ") for name, r in ranks.items()}
    pos_ax.set_yticks(sorted(labels), [labels[r] for r in sorted(labels)], fontsize=9)
    pos_ax.set_ylim(min(labels) - 0.5, 3.5)
    pos_ax.set_title(f"{case}: position on Buzan's spectrum, trust, events and strategies", fontsize=12, pad=46)
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
            txs += [_day(p.start or ""), _day(p.end) if p.end else right]
            tys += [_TRUST[p.trust or "none"]] * 2
    if txs:
        trust_ax.fill_between(txs, tys, step="post", color="#7fb3d5", alpha=0.45)
        trust_ax.plot(txs, tys, drawstyle="steps-post", color="#1f618d", linewidth=1.6)
    trust_ax.set_yticks([0, 1, 2], ["no trust", "contingent\ncooperation", "embedded\ntrust"], fontsize=8)
    trust_ax.set_ylim(-0.3, 2.4)
    trust_ax.set_ylabel("trust", fontsize=9)
    trust_ax.grid(axis="x", color="#eee")

    # --- events and strategies ------------------------------------------------------------------------
    kinds_seen: dict[str, tuple[str, str]] = {}
    present = {event_kind(e.type)[0] for e in events if e.earliest}
    rows = {label: i for i, label in enumerate(k[0] for k in [*EVENT_KINDS, _OTHER] if k[0] in present)}
    rows.setdefault("conciliatory moves", len(rows))
    for label in [k[0] for k in EVENT_KINDS]:
        rows.setdefault(label, len(rows))  # never drawn (ylim), only so every kind has a row
    marks: list[tuple[str, str]] = []
    for e in events:
        if not e.earliest:
            continue
        label, marker, colour = event_kind(e.type)
        kinds_seen[label] = (marker, colour)
        art = ev_ax.scatter([_day(e.earliest)], [rows[label]], marker=marker, s=70, color=colour,
                            edgecolors="white", linewidths=0.6, zorder=3)
        gid = f"event-{e.id}"
        art.set_gid(gid)
        if event_href:
            art.set_urls([event_href.format(id=e.id)])
        marks.append((gid, f"{e.date}: {e.type_label or e.type.rpartition('#')[2]}: {e.label or e.id}"))
    shown = {k: r for k, r in rows.items() if k in present or k == "conciliatory moves"}
    ev_ax.set_yticks(list(shown.values()), list(shown), fontsize=8)
    ev_ax.set_ylim(max(shown.values()) + 0.6, -1.7)
    n = 0
    for p in dated:
        for s in p.strategies:
            when = [d for d in s.get("dates", []) if d]
            if not when:
                continue
            name = _STRATEGY_NAMES.get(s.get("kind", ""), s.get("kind", "strategy"))
            text = f"{name}: {s.get('outcome') or 'outcome unknown'}" + (" (disputed)" if s.get("disputed") else "")
            x0, row = _day(when[0]), rows["conciliatory moves"]
            for ev in s.get("evidence", []):
                found = next((e for e in events if e.iri == ev.get("event") and e.earliest), None)
                if found:
                    x0, row = _day(found.earliest), rows[event_kind(found.type)[0]]
                    break
            for d in when:
                ev_ax.axvspan(_day(d) - timedelta(days=40), _day(d) + timedelta(days=40), color="#e67e22", alpha=0.18)
            ev_ax.annotate(text, (x0, row), xytext=(x0, -1.1 + 0.5 * (n % 2)),
                           fontsize=8.5, color="#a04000", ha="center", fontweight="bold",
                           arrowprops={"arrowstyle": "->", "color": "#a04000", "linewidth": 0.9})
            n += 1
    ev_ax.legend(handles=[Line2D([], [], marker=m, color=c, linestyle="", markersize=7, label=k)
                          for k, (m, c) in kinds_seen.items()], loc="upper left", bbox_to_anchor=(1.005, 1.0),
                 fontsize=8, frameon=False, title="events", title_fontsize=8)
    ev_ax.grid(axis="x", color="#eee")
    locator = mdates.AutoDateLocator(minticks=5, maxticks=14)
    ev_ax.xaxis.set_major_locator(locator)
    ev_ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ev_ax.set_xlim(left, right)
    ev_ax.set_xlabel("date (each period begins at the dotted line labelled with its date)", fontsize=8.5)
    for ax in (pos_ax, trust_ax, ev_ax):
        ax.set_axisbelow(True)
    fig.subplots_adjust(left=0.13, right=0.8, top=0.86, bottom=0.08)
    output = Path(output)
    fig.savefig(output, dpi=110)
    plt.close(fig)
    if output.suffix.lower() == ".svg":
        _titles(output, dict(marks))


def _titles(svg: Path, titles: dict[str, str]) -> None:
    """Give each event mark of an SVG a tooltip (<title>), found by the id matplotlib wrote for it."""
    text = svg.read_text(encoding="utf-8")
    # matplotlib opens every link in a new window; a mark's link goes to its row on the same page
    text = re.sub(r'(<a xlink:href="#[^"]*") target="_blank"', r"\1", text)
    for gid, title in titles.items():
        text = text.replace(f'<g id="{gid}">', f'<g id="{gid}" class="event-mark"><title>{escape(title)}</title>', 1)
    svg.write_text(text, encoding="utf-8")
