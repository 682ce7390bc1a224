"""A smaller validation folder cut from the shipped one, for tests of `coopsec validate --set`."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def validation_subset(dest: Path, cases: list[str]) -> Path:
    """A validation folder at ``dest`` holding only ``cases`` of the shipped set, for `validate --set`.

    The works and states are copied whole; expected.yaml keeps the judgments (and out-of-sample marks) of
    those cases only. Tests of the command's wiring and formats run on it in seconds, where the whole set
    takes over a minute; the figures of the whole set are tested once, on one run."""
    source = ROOT / "validation"
    (dest / "cases").mkdir(parents=True)
    for name in ("actors.yaml", "bibliography.bib"):
        shutil.copy(source / name, dest / name)
    for case in cases:
        shutil.copy(source / "cases" / f"{case}.yaml", dest / "cases" / f"{case}.yaml")
    raw = yaml.safe_load((source / "expected.yaml").read_text(encoding="utf-8"))
    kept = {"cases": {c: raw["cases"][c] for c in cases}}
    marks = {c: m for c, m in (raw.get("out_of_sample") or {}).items() if c in cases}
    if marks:
        kept["out_of_sample"] = marks
    (dest / "expected.yaml").write_text(yaml.safe_dump(kept, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return dest
