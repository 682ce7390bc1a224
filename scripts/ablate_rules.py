"""The effect of each rule change on the golden table and the validation set, measured by ablation.

Usage (from a checkout)::

    python scripts/ablate_rules.py [NAME ...] [--markdown]

For the current rules and then for each entry of ``scripts/ablations.yaml`` (which undoes one change of
the rule rewrite), this copies ``ontology/``, ``data/``, ``queries/`` and ``validation/`` to a temporary folder, applies
the entry's patches, and runs there, through ``COOPSEC_RESOURCES``:

- the golden table: ``pytest tests/test_classify.py`` (the chapter's own judgments), passed of total;
- the validation set: ``coopsec validate -f json``, agreement and kappa per dimension.

``--markdown`` prints the table that docs/guide/validation.md carries. Each entry takes about a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ABLATIONS = ROOT / "scripts" / "ablations.yaml"
DIMENSIONS = ("position", "stage", "trust", "strategy")


@dataclass
class Ablation:
    name: str
    change: str
    patches: list[dict]


def load_ablations(path: Path = ABLATIONS) -> list[Ablation]:
    return [Ablation(e["name"], e["change"], e["patches"]) for e in yaml.safe_load(path.read_text(encoding="utf-8"))]


def apply(ablation: Ablation, root: Path) -> None:
    """Apply the patches to the resource folder ``root``; raises ValueError if one does not apply."""
    for patch in ablation.patches:
        target = root / patch["file"]
        text = target.read_text(encoding="utf-8")
        found, wanted = text.count(patch["old"]), patch.get("count", 1)
        if found != wanted:
            raise ValueError(f"{ablation.name}: {patch['file']} holds the text to replace {found} times, not "
                             f"{wanted}; update scripts/ablations.yaml to the current rules:\n{patch['old']}")
        target.write_text(text.replace(patch["old"], patch["new"]), encoding="utf-8")


def resources_copy(into: Path) -> Path:
    for folder in ("ontology", "data", "queries", "validation"):
        shutil.copytree(ROOT / folder, into / folder)
    return into


def measure(resources: Path) -> dict:
    env = {**os.environ, "COOPSEC_RESOURCES": str(resources)}
    golden = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rf",
                             str(ROOT / "tests" / "test_classify.py")], env=env, cwd=ROOT,
                            capture_output=True, text=True)
    passed = sum(int(n) for n in re.findall(r"(\d+) passed", golden.stdout))
    failed = sum(int(n) for n in re.findall(r"(\d+) failed", golden.stdout))
    failures = sorted(set(re.findall(r"FAILED tests/test_classify.py::(\S+)", golden.stdout)))
    run = subprocess.run([sys.executable, "-m", "cooperative_security.cli", "validate", "-f", "json"], env=env,
                         cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"coopsec validate exited {run.returncode}: {run.stderr.strip()[-500:]}")
    report = json.loads(run.stdout)
    agreement = {d: report["agreement"][d] for d in DIMENSIONS}
    return {"golden": (passed, passed + failed), "golden_failures": failures,
            "agreement": {d: (a["agreed"], a["total"], a["kappa"]) for d, a in agreement.items()},
            "days": report["position_over_time"].get("proportion")}


def row(name: str, change: str, result: dict) -> str:
    passed, total = result["golden"]
    cells = [f"{a}/{t}, κ {k:.2f}" for a, t, k in (result["agreement"][d] for d in DIMENSIONS)]
    days = f"{100 * result['days']:.1f}%" if result["days"] is not None else "-"
    failing = ", ".join(f.removeprefix("test_") for f in result["golden_failures"]) or "-"
    return f"| `{name}` | {change} | {passed}/{total} | {' | '.join(cells)} | {days} | {failing} |"


def main(argv: list[str]) -> int:
    known = load_ablations()
    parser = argparse.ArgumentParser(description="Undo one rule change at a time and measure the golden table "
                                     "and the validation set on the result (about a minute an entry).")
    parser.add_argument("names", nargs="*", metavar="NAME", help="entries of scripts/ablations.yaml to run "
                        "(default: all): " + ", ".join(a.name for a in known))
    parser.add_argument("--markdown", action="store_true", help="print the table docs/guide/validation.md carries")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - {a.name for a in known})
    if unknown:
        parser.error(f"no entry named {', '.join(unknown)} in scripts/ablations.yaml; the entries are "
                     + ", ".join(a.name for a in known))
    markdown, names = args.markdown, args.names
    ablations = [a for a in known if not names or a.name in names]
    header = ("| undone | the change | golden tests | position | stage | trust | strategy | position, days | "
              "golden tests failing |\n|---|---|---|---|---|---|---|---|---|")
    rows = []
    for ablation in [Ablation("none (current rules)", "-", []), *ablations]:
        with tempfile.TemporaryDirectory() as tmp:
            root = resources_copy(Path(tmp))
            apply(ablation, root)
            result = measure(root)
        line = row(ablation.name, ablation.change, result)
        rows.append(line)
        print(line if markdown else f"{ablation.name}: {json.dumps(result)}", flush=True)
    if markdown:
        print("\n" + header + "\n" + "\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
