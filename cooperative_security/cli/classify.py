"""Commands of the classifier: classify, timeline."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pyoxigraph as ox
import typer

from ..catalogue import find_case
from ..classify import Period, classify, known_cases
from ..classify.sensitivity import PeriodSensitivity, sensitivity
from ..classify.timeline import draw_timeline
from ..classify.voice import Voice, source_voice
from ..errors import UnknownTerm, UsageError
from ..export.base import Writer
from ..namespaces import ID, PREFIXES, compact
from .common import Format, StoreOption, console, emit, err_console, knowledge_graph


class ClassifyFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    turtle = "turtle"


_COLUMNS = [("relationship", "relationship"), ("from", "from"), ("to", "to"), ("position", "position"),
            ("subtype", "subtype"), ("stage", "stage"), ("trust", "trust"), ("strategies", "strategies"),
            ("sources", "sources")]


def _strategy_cell(strategies: list[dict[str, Any]]) -> str:
    return "; ".join(f"{s['kind']} {'/'.join(d or '?' for d in s['dates'])} ({s['outcome']}"
                     f"{', disputed' if s.get('disputed') else ''})" for s in strategies)


def _record(period: Period, voice: Voice, check: PeriodSensitivity | None) -> dict[str, Any]:
    """The JSON record of a period: the classifier's, the sources' voice, and the robustness when checked."""
    data = {**period.to_json(), "sources": voice.to_json()}
    if check is not None:
        found = check.to_json()
        data["robustness"] = found["robustness"]
        data["sensitivity"] = {k: found[k] for k in ("removals", "retypings", "runs")}
    return data


def _row(period: Period, voice: Voice, check: PeriodSensitivity | None, explain: bool,
         table: bool = False) -> dict[str, Any]:
    """One row of the table or the CSV. An unclassifiable period says so in the table's position cell and its
    reason under the table (a sentence would make the column as wide as itself); in the CSV, as in the JSON,
    its position is empty and its reason is in the ``reason`` column."""
    data = period.to_json()
    row = {**data, "strategies": _strategy_cell(period.strategies), "sources": voice.cell() if period.position else "",
           "position": period.position or ("unclassifiable" if table else "")}
    if check is not None:
        row["robustness"] = check.verdict
        row["deciding"] = check.deciding()
    if explain:
        row["why"] = "; ".join(sorted({f"{e['date']} {e['label']}" for e in period.evidence}))
        row["missing"] = "; ".join(  # Jervis's conditions have their own column
            m["condition"] + (" [" + ", ".join(f"{e['date']} {e['label']}" for e in m["evidence"]) + "]"
                              if m["evidence"] else "") for m in period.missing
            if m["rule"] not in {c["rule"] for c in period.regime_conditions})
        row["despite"] = "; ".join(f"{e['date']} {e['label']}" for e in period.despite)
        row["regime_conditions"] = "; ".join(
            f"{c['status']}: {c['condition']}" + (" [" + ", ".join(f"{e['date']} {e['label']}" for e in c["evidence"])
                                                  + "]" if c["evidence"] else "") for c in period.regime_conditions)
        row["security_dilemma_sensibility"] = "; ".join(f"{e['date']} {e['label']}"
                                                        for e in period.security_dilemma_sensibility)
        row["strategies_not_found"] = "; ".join(f"{m['kind']}: {m['date']} {m['label']}: {m['reason']}"
                                                for m in period.strategies_not_found)
    return row


def classify_command(
    cases: Annotated[list[str] | None, typer.Argument(help="Case ids (default: every case).")] = None,
    at: Annotated[str | None, typer.Option("--at", help="A date (YYYY, YYYY-MM or YYYY-MM-DD): only the "
                                                          "periods overlapping it.")] = None,
    store: StoreOption = "memory:",
    fmt: Annotated[ClassifyFormat, typer.Option("--format", "-f", help="Output format.")] = ClassifyFormat.table,
    explain: Annotated[bool, typer.Option("--explain", help="Add the reasons: evidence and what is missing.")] = False,
    check: Annotated[bool, typer.Option(
        "--sensitivity", help="Also check each period: does removing one event, or typing one event as a plausible "
        "alternative, change its position, stage or trust? (robust or fragile; one classifier run per change)",
    )] = False,
) -> None:
    """Place each relationship on Buzan's spectrum, period by period, with the rules and evidence.

    The sources column says whether the case's cited characterisations agree with each period, disagree,
    or are silent (no cited source makes the inference).
    """
    flags = [c for c in cases or [] if c.lower() in {"true", "false", "yes", "no", "on", "off"}]
    if flags:
        raise UsageError(f"{flags[0]!r} is not a case: --explain is a flag and takes no value (write `--explain`, "
                         "or leave it out)")
    with knowledge_graph(store) as kg:
        if cases:
            known = known_cases(kg)
            cases = list(dict.fromkeys(_find_case(known, c, store) for c in cases))  # any letter case; did you mean
        triples: list[ox.Triple] = []
        periods = _classified(kg, cases or None, at, triples if fmt is ClassifyFormat.turtle else None)
        voices = source_voice(kg, periods)
        checks = _sensitivity(kg, cases, periods) if check else None
    if cases:
        triples = [t for t in triples if _about(t, cases)]
    if fmt is ClassifyFormat.turtle:
        prefixes = {k: v for k, v in PREFIXES.items() if k in {"cs", "rule", "case", "event", "prov", "xsd", "rdf"}}
        ordered = Writer.merged(ox.Quad(t.subject, t.predicate, t.object) for t in triples)  # the same bytes each run
        sys.stdout.write((ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"").decode())
        return
    matched = [_matching(p, checks) for p in periods]
    if fmt is ClassifyFormat.json:
        emit(Format.json, [_record(p, v, c) for p, v, c in zip(periods, voices, matched, strict=True)], [])
        return
    columns = list(_COLUMNS)
    if check:
        columns += [("robustness", "robustness"), ("deciding", "deciding changes")]
    table = fmt is ClassifyFormat.table
    rows = [_row(p, v, c, explain, table) for p, v, c in zip(periods, voices, matched, strict=True)]
    if fmt is ClassifyFormat.csv:
        # new columns go at the end, so that a program reading columns by position keeps working
        columns = ([("relationship", "relationship"), ("members", "members")] + columns[1:]
                   + [("rules", "rules"), ("members_cow", "members_cow")])
        if explain:
            columns += [(c, c) for c in ("why", "missing", "security_dilemma_sensibility", "strategies_not_found",
                                         "despite", "regime_conditions", "qualification")]
        # the last day observed, beside an open last period: without it the empty `to` read as "still so"; and
        # why a period has no position, as the JSON and cs.classify() say
        columns += [("observed_until", "observed_until"), ("reason", "reason")]
    emit(Format(fmt.value), rows, columns, title="Buzan's spectrum" + (f" at {at}" if at else ""),
         cell=lambda key, value: _cell(key, value))
    unclassifiable = [p for p in periods if p.position is None]
    if table and not explain and unclassifiable:  # --explain says it with each relationship
        console.print("\n" + "\n".join(f"{p.relationship}: unclassifiable: {p.reason}" for p in unclassifiable),
                      highlight=False)
    if explain and fmt is ClassifyFormat.table:
        for p, voice, checked in zip(periods, voices, matched, strict=True):
            span = f" {p.from_ or ''} - {p.to or 'open'}" if p.position else ""
            console.print(f"\n[bold]{p.relationship}{span}: {p.position or 'unclassifiable'}[/bold]", highlight=False)
            if p.reason:
                console.print(f"  {p.reason}", highlight=False)
            if p.observed_until:
                console.print(f"  observed to {p.observed_until}: nothing is concluded about later dates",
                              highlight=False)
            if p.position:
                console.print(f"  sources: {_voice_text(voice)}", highlight=False)
            if checked is not None:
                console.print(f"  {checked.verdict}" + (": " + "; ".join(checked.deciding()) if checked.deciding()
                                                        else ": no single removal or retyping changes it"),
                              highlight=False)
            if p.qualification:
                console.print(f"  qualified: {p.qualification}", highlight=False)
            for heading, items in (("because", p.evidence), ("despite", p.despite)):
                for e in items:
                    rules = ", ".join(compact(r) for r in e.get("rules", []))
                    console.print(f"  {heading} {e['date']} {e['label']} ({rules}; {_sources(e)})", highlight=False)
            _print_regime_conditions(p)
            jervis = {c["rule"] for c in p.regime_conditions}
            for m in p.missing:
                if m["rule"] in jervis:  # one of Jervis's conditions, printed above
                    continue
                console.print(f"  missing: {m['condition']} ({compact(m['rule'])})", highlight=False)
                for e in m["evidence"]:
                    console.print(f"    {e['date']} {e['label']} ({_sources(e)})", highlight=False)
            for e in p.security_dilemma_sensibility:
                console.print(f"  security dilemma sensibility: {e['date']} {e['label']} ({_sources(e)})",
                              highlight=False)
            for s in p.strategies:
                # the works by their ids (tetlock-1994), as the other lines name a work without a citation
                disputed = [w.rpartition("/")[2] for r in s["readings"] for w in r["disputed_by"]]
                console.print(f"  strategy {s['kind']} {', '.join(d or '?' for d in s['dates'])}: {s['outcome']}"
                              + (f" (reading disputed by {', '.join(sorted(set(disputed)))})" if disputed else ""),
                              highlight=False)
            for m in p.strategies_not_found:
                console.print(f"  not a {m['kind']}: {m['date']} {m['label']}: {m['reason']} ({compact(m['rule'])})",
                              highlight=False)
            for e in p.not_counted:
                console.print(f"  not counted (evidence: none-yet): {e['date']} {e['label']}", highlight=False)


def _print_regime_conditions(p: Period) -> None:
    """Jervis's conditions beside a regime, each with its events; an unmet one with what would change it."""
    for c in p.regime_conditions:
        console.print(f"  regime condition {c['status']}: {c['condition']} ({compact(c['rule'])})", highlight=False)
        for e in c["evidence"]:
            console.print(f"    {e['date']} {e['label']} ({_sources(e)})", highlight=False)
        if c.get("would_change"):  # how it fits the regime is the period's `qualified` line
            console.print(f"    would change: {c['would_change']}", highlight=False)


def _classified(kg: Any, cases: list[str] | None, at: str | None, inferred: list[ox.Triple] | None) -> list[Period]:
    """The classification, with a status line on a terminal naming each rule as it runs (a store of many
    cases takes minutes, where only "loading the knowledge graph" used to show); ``inferred`` is given the
    run's inferred graph."""
    if not err_console.is_terminal:
        return classify(kg, cases, at, inferred=inferred)
    with err_console.status("classifying...") as status:
        return classify(kg, cases, at, progress=lambda step: status.update(f"classifying: {step}"),
                        inferred=inferred)


def _sensitivity(kg: Any, cases: list[str] | None, periods: list[Period]) -> list[PeriodSensitivity]:
    """The robustness check of the cases shown, with a progress line on a terminal."""
    shown = sorted({p.relationship for p in periods if p.position is not None})
    if not shown:
        return []
    if not err_console.is_terminal:
        return sensitivity(kg, shown)
    with err_console.status("checking robustness...") as status:
        return sensitivity(kg, shown, progress=lambda done, total, what: status.update(
            f"robustness: run {done}/{total}: {what}"))


def _matching(period: Period, checks: list[PeriodSensitivity] | None) -> PeriodSensitivity | None:
    """The checked period in effect on the period's first day (periods are matched by date, not identity)."""
    if checks is None or period.position is None or period.start is None:
        return None
    for found in checks:
        if found.period.relationship == period.relationship and found.period.covers(period.start):
            return found
    return None


def _voice_text(voice: Voice) -> str:
    if voice.verdict == "silent":
        return "silent: no cited source makes this inference"
    readings = voice.disagree if voice.verdict == "disagree" else {"position": voice.agree.get("position", [])}
    cited = sorted({f"{r.citation or compact(r.work)} {r.pages or r.section or ''}".strip()
                    + (f" ({'not ' if r.negated else ''}{r.concept})") for rs in readings.values() for r in rs})
    return f"{voice.verdict}: " + "; ".join(cited)


def _about(triple: ox.Triple, cases: list[str]) -> bool:
    """Whether an inferred triple belongs to one of the cases (its assessments and strategy readings), or to
    the run that made it."""
    subject = triple.subject.value if isinstance(triple.subject, ox.NamedNode) else ""
    if subject.startswith(ID + "run/"):
        return True
    return any(subject.startswith(f"{ID}{kind}/{case}/") for case in cases for kind in ("assessment", "event"))


def _find_case(known: list[str], case: str, store: str) -> str:
    """:func:`find_case`; where the store is the bundled one (``memory:``), an unknown case's error also
    says how to read a case ingested into a store of one's own, the usual first-hour slip."""
    try:
        return find_case(known, case)
    except UnknownTerm as exc:
        if store != "memory:":
            raise
        raise UnknownTerm(f"{exc}. These are the bundled cases: a case you ingested into a store of your own "
                          "is read from it with --store SPEC (the spec you gave `coopsec ingest`)") from None


def _sources(event: dict[str, Any]) -> str:
    return "; ".join(f"{s['citation'] or compact(s['work'])} {s['pages'] or s['section'] or ''}".strip()
                     for s in event["sources"])


def _cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key in ("members", "members_cow"):  # as `coopsec cases -f csv` and cs.classify() write them
        return ";".join("" if v is None else str(v) for v in value)
    if key == "rules":  # CURIEs (rule: is https://w3id.org/coopsec/id/rule/), `;`-separated as members
        return ";".join(compact(v) for v in value)
    if isinstance(value, list):
        return "; ".join(compact(v) if isinstance(v, str) else str(v) for v in value)
    return str(value)




def timeline(
    case: Annotated[str, typer.Argument(help="A case id.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Also draw it: FILE.png or FILE.svg.")] = None,
    store: StoreOption = "memory:",
    robustness: Annotated[bool, typer.Option("--robustness", help="Also say which periods are robust or fragile "
                                             "(the sensitivity analysis: slow, it reclassifies the case once per "
                                             "event variant); fragile periods are drawn hatched.")] = False,
) -> None:
    """The relationship's path along the spectrum over time, as text (and as a picture with -o)."""
    if output is not None and output.suffix.lower() not in {".png", ".svg"}:
        raise UsageError(f"--output {output}: the picture must be a .png or .svg file")
    if output is not None and (output.is_dir() or not output.parent.is_dir()):
        raise UsageError(f"--output {output}: " + ("that is a folder; give a file name" if output.is_dir() else
                                                   f"no folder {output.parent} to write it in; create it first"))
    from ..catalogue import list_cases

    with knowledge_graph(store) as kg:
        case = _find_case(known_cases(kg), case, store)  # any letter case; a mistyped id gets a "did you mean"
        periods = classify(kg, [case])
        events = next(c for c in list_cases(kg) if c.id == case).events
        if robustness:
            from ..classify.sensitivity import sensitivity

            # a result is matched to its period of the full run by relationship and start
            verdicts = {(r.period.relationship, r.period.start): r.verdict for r in sensitivity(kg, [case])}
            for p in periods:
                if (p.relationship, p.start) in verdicts:
                    p.robust = verdicts[p.relationship, p.start] == "robust"  # type: ignore[attr-defined]  # drawn
    for p in periods:
        label = p.position or f"unclassifiable ({p.reason})"
        if getattr(p, "robust", None) is not None:
            label += ", robust" if p.robust else ", fragile"  # type: ignore[attr-defined]
        extra = ", ".join(x for x in (p.subtype, p.stage, p.trust and f"trust {p.trust}") if x)
        console.print(f"{p.from_ or '?':>10} - {p.to or 'open':<10} {label}" + (f" ({extra})" if extra else ""),
                      highlight=False)
        if not p.to and p.observed_until:  # "open" is the end of the evidence, not of the relationship
            console.print(f"{'':>23}observed to {p.observed_until}: nothing is concluded about later dates",
                          highlight=False)
        for s in p.strategies:
            console.print(f"{'':>23}{s['kind']} {', '.join(d or '?' for d in s['dates'])}: {s['outcome']}",
                          highlight=False)
    if output is not None:
        from ..outputs import replace_path

        replaced = output.exists()
        with replace_path(output) as drawing:  # drawn beside it, renamed into place when whole
            draw_timeline(case, periods, events, drawing)
        console.print(f"wrote {output}" + (" (replacing the file that was there)" if replaced else ""),
                      highlight=False)


def register(app: typer.Typer) -> None:
    app.command("classify")(classify_command)
    app.command()(timeline)
