"""Dyad-years against the field's own judgments: ``validation/dyads.csv``.

Each row of the validation set is a dyad-period whose standing scholars have published (rivalries from
Klein, Goertz and Diehl 2006 and Diehl and Goertz 2000; communities named by Deutsch et al. 1957 and
Adler and Barnett 1998; regimes from Jervis 1982, Goertz, Diehl and Balas 2016 and the chapter), with
its work and page (``unverified`` where the page could not be checked offline, with a paraphrase). The
dyad-year classifier runs on the publishers' files for those dyads only (the rules read nothing outside
a dyad's lineage, so the positions are those of a full run); a period's inferred position is the one its
dyad-years hold most often (ties go to the lower position on the spectrum). Agreement is reported per
position, as a confusion matrix with Cohen's kappa linearly weighted along the spectrum (conflict
formation, undetermined, security regime, security community; positions off the spectrum follow), and
every disagreement is listed with both explanations: the classifier's (its deciding rules and the
indicators) and the source's (work, page, paraphrase).

Thompson's strategic rivalries are deliberately not used here: they are the held-out check.

Some rows cannot test the rules independently, and agreement is also reported without them (out of
sample): a row citing the chapter the rules were built from (:data:`RULES_SOURCE`), and a row the
optional ``in_sample`` column marks, with its reason (a rule that was changed after it missed that row).
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem, UsageError
from .agreement import Agreement, agreement

#: the spectrum's order for the weighted kappa; labels off the spectrum follow
ORDER = ("conflict-formation", "undetermined", "security-regime", "security-community",
         "no-security-interdependence", "no-data")
POSITIONS = ("conflict-formation", "security-regime", "security-community")
FIELDS = ("ccode1", "ccode2", "names", "from", "to", "position", "work", "pages", "paraphrase")
#: the work the dyad-year rules were built from: a row citing it agrees by construction, not as a test
RULES_SOURCE = "keating-wheeler-2013"


def validation_file() -> Path:
    """``validation/dyads.csv`` in the checkout (or ``COOPSEC_DYAD_VALIDATION``)."""
    override = os.environ.get("COOPSEC_DYAD_VALIDATION")
    if override:
        return Path(override)
    from ..resources import resource_root

    for base in (resource_root(), Path(__file__).resolve().parents[2]):
        if (base / "validation" / "dyads.csv").is_file():
            return base / "validation" / "dyads.csv"
    raise UsageError("validation/dyads.csv is not found (set COOPSEC_DYAD_VALIDATION to its path)")


@dataclass(frozen=True)
class Period:
    line: int
    ccode1: int
    ccode2: int
    names: str
    first: int
    last: int
    expected: str
    work: str
    pages: str
    paraphrase: str
    #: why the row is not an independent test of the rules ("" when it is)
    in_sample: str = ""

    @property
    def source(self) -> str:
        return f"{self.work} {self.pages}: {self.paraphrase}"


def read_periods(path: Path) -> list[Period]:
    """The validation set, each row checked (a bad row stops with file, line and what is wrong)."""
    periods: list[Period] = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [f for f in FIELDS if f not in (reader.fieldnames or [])]
        if missing:
            raise InputError(Problem(str(path), f"missing column(s) {', '.join(missing)}", line=1))
        for n, row in enumerate(reader, start=2):
            try:
                a, b, first, last = (int(row[c]) for c in ("ccode1", "ccode2", "from", "to"))
            except (TypeError, ValueError):
                raise InputError(Problem(str(path), "ccode1, ccode2, from and to must be whole numbers",
                                         line=n)) from None
            if row["position"] not in POSITIONS:
                raise InputError(Problem(str(path), f"position {row['position']!r} must be one of "
                                         f"{', '.join(POSITIONS)}", line=n, field="position"))
            if first > last:
                raise InputError(Problem(str(path), f"from {first} is after to {last}", line=n, field="to"))
            if not row["pages"].strip() or (row["pages"].strip() == "unverified" and not row["paraphrase"].strip()):
                raise InputError(Problem(str(path), "every row needs pages, or pages 'unverified' and a paraphrase",
                                         line=n, field="pages"))
            in_sample = (row.get("in_sample") or "").strip()
            if not in_sample and row["work"] == RULES_SOURCE:
                in_sample = "cites the chapter the rules were built from"
            periods.append(Period(n, min(a, b), max(a, b), row["names"], first, last, row["position"],
                                  row["work"], row["pages"], row["paraphrase"], in_sample))
    return periods


@dataclass
class DyadValidation:
    periods: list[Period]
    inferred: list[str]
    explanations: list[str]
    agreement: Agreement
    per_position: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: agreement on the rows that test the rules independently (no ``in_sample`` reason)
    out_of_sample: Agreement | None = None

    def in_sample(self) -> Counter[str]:
        """The rows left out of :attr:`out_of_sample`, counted by reason."""
        return Counter(p.in_sample for p in self.periods if p.in_sample)

    def disagreements(self) -> list[dict[str, Any]]:
        return [{"dyad": f"{p.ccode1}-{p.ccode2}", "names": p.names, "years": f"{p.first}-{p.last}",
                 "expected": p.expected, "inferred": self.inferred[i], "classifier": self.explanations[i],
                 "source": p.source}
                for i, p in enumerate(self.periods) if p.expected != self.inferred[i]]

    def to_dict(self) -> dict[str, Any]:
        return {"periods": len(self.periods), "agreement": self.agreement.to_dict(),
                "per_position": {k: {"agreed": a, "total": t, "proportion": a / t if t else None}
                                 for k, (a, t) in self.per_position.items()},
                "out_of_sample": self.out_of_sample.to_dict() if self.out_of_sample else None,
                "in_sample": dict(self.in_sample()),
                "disagreements": self.disagreements()}

    def text(self) -> str:
        ag = self.agreement
        lines = [f"Dyad-years against validation/dyads.csv: {len(self.periods)} dyad-periods from the literature",
                 f"agreement {ag.agreed}/{ag.total} = {ag.proportion:.0%}; Cohen's kappa (linearly weighted along "
                 f"the spectrum) {ag.kappa:.2f}" if ag.kappa is not None and ag.proportion is not None
                 else f"agreement {ag.agreed}/{ag.total}"]
        out = self.out_of_sample
        if out is not None and self.in_sample():
            left = "; ".join(f"{n} {reason}" for reason, n in self.in_sample().most_common())
            lines.append(f"out of sample, without {sum(self.in_sample().values())} row(s) that do not test the rules "
                         f"independently ({left}): {out.agreed}/{out.total}"
                         + (f" = {out.proportion:.0%}; weighted kappa {out.kappa:.2f}"
                            if out.kappa is not None and out.proportion is not None else ""))
        lines += ["", "per position (expected):"]
        for position, (agreed, total) in self.per_position.items():
            lines.append(f"  {position:<20} {agreed}/{total}" + (f" = {agreed / total:.0%}" if total else ""))
        lines += ["", "confusion matrix (rows expected, columns inferred):"]
        table = ag.table()
        widths = [max(len(r[c]) for r in table) for c in range(len(table[0]))]
        lines += ["  " + "  ".join(cell.ljust(widths[c]) for c, cell in enumerate(row)) for row in table]
        lines += ["", f"disagreements ({len(self.disagreements())}):"]
        for d in self.disagreements():
            lines += [f"- {d['names']} ({d['dyad']}) {d['years']}: expected {d['expected']}, inferred {d['inferred']}",
                      f"    classifier: {d['classifier']}", f"    source: {d['source']}"]
        return "\n".join(lines) + "\n"


def _data_dir(data_dir: str | Path | None) -> Path:
    if data_dir is not None:
        return Path(data_dir)
    env = os.environ.get("COOPSEC_DATA")
    if env:
        return Path(env)
    raise UsageError("the dyad validation reads the publishers' files: give --data-dir DIR or set COOPSEC_DATA "
                     "(`coopsec datasets` lists the files and where to obtain them)")


def _explain(rows: Any) -> str:
    """The classifier's side: its deciding rules over the period (with counts) and the key indicators."""
    rules = Counter(rows["rule"])
    decided = ", ".join(f"{rule} x{n}" for rule, n in rules.most_common(3))
    defense = int(rows["atop_defense"].sum())
    disputes = rows["gml_disputes_window"].max()
    igos = rows["dyadigos"].median()
    unassessed = Counter(text for cell in rows["unassessed"].dropna() for text in cell.split("; "))
    untested = "".join(f"; {text} ({n} year{'s' if n > 1 else ''})" for text, n in sorted(unassessed.items()))
    return (f"{decided}; defence pact in {defense}/{len(rows)} years; most disputes in the rivalry window "
            f"{'none' if disputes is None or str(disputes) == '<NA>' else int(disputes)}; median shared IGOs "
            f"{'n/a' if igos != igos else int(igos)}{untested}")


def validate_dyads(store: str | None = None, data_dir: str | Path | None = None,
                   path: Path | None = None) -> DyadValidation:
    """Run the dyad-year classifier on the validation dyads and compare with the literature."""
    from ..classify.dyads import classify
    from ..export.dyads import dataframe
    from ..ingest.dyad_years import DataFiles, build, new_store

    if store is not None and data_dir is None and not os.environ.get("COOPSEC_DATA"):
        raise UsageError("the dyad validation classifies the publishers' files: give --data-dir DIR (the store "
                         f"{store!r} is not read for dyad-years)")
    periods = read_periods(path or validation_file())
    files = DataFiles(_data_dir(data_dir))
    files.check()
    first = max(1816, min(p.first for p in periods))
    last = min(2010, max(p.last for p in periods))
    kg = new_store()
    try:
        build(kg, files, first, last, only={(p.ccode1, p.ccode2) for p in periods})
        classify(kg, first, last)
        frame = dataframe(kg)
    finally:
        kg.close()
    frame["position"] = frame["position"].fillna("no-data")
    inferred: list[str] = []
    explanations: list[str] = []
    for p in periods:
        rows = frame[(frame.ccode1 == p.ccode1) & (frame.ccode2 == p.ccode2) & frame.year.between(p.first, p.last)]
        if rows.empty:
            inferred.append("no-data")
            explanations.append("no dyad-years of this pair in these years in the state system data")
            continue
        counts = Counter(rows["position"])
        top = max(counts.values())
        position = next(label for label in ORDER if counts.get(label) == top)
        inferred.append(position)
        shares = ", ".join(f"{label} {n}/{len(rows)}" for label, n in counts.most_common())
        explanations.append(f"{shares}; " + _explain(rows))
    result = agreement([(p.expected, i) for p, i in zip(periods, inferred, strict=True)], ORDER, ordered=True)
    per_position = {pos: (sum(1 for p, i in zip(periods, inferred, strict=True) if p.expected == pos and i == pos),
                          sum(1 for p in periods if p.expected == pos)) for pos in POSITIONS}
    independent = [(p.expected, i) for p, i in zip(periods, inferred, strict=True) if not p.in_sample]
    out = agreement(independent, ORDER, ordered=True) if independent else None
    return DyadValidation(periods, inferred, explanations, result, per_position, out)


__all__ = ["validate_dyads", "DyadValidation", "read_periods", "validation_file"]
