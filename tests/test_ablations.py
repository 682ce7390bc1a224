"""The ablations that measure each rule change (scripts/ablations.yaml) still apply to the current rules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("ablate_rules", ROOT / "scripts" / "ablate_rules.py")
assert _spec and _spec.loader
ablate = importlib.util.module_from_spec(_spec)
sys.modules["ablate_rules"] = ablate  # dataclasses look their module up
_spec.loader.exec_module(ablate)
ABLATIONS = ablate.load_ablations()


@pytest.mark.parametrize("ablation", ABLATIONS, ids=[a.name for a in ABLATIONS])
def test_each_ablation_applies_and_changes_the_rules(ablation, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = ablate.resources_copy(tmp_path)
    before = {p: (root / p).read_text(encoding="utf-8") for p in {patch["file"] for patch in ablation.patches}}
    ablate.apply(ablation, root)
    assert all((root / p).read_text(encoding="utf-8") != text for p, text in before.items())


def test_a_patch_that_no_longer_matches_is_refused(tmp_path: Path) -> None:
    root = ablate.resources_copy(tmp_path)
    stale = ablate.Ablation("stale", "-", [{"file": "data/rules.ttl", "old": "text the rules never held", "new": ""}])
    with pytest.raises(ValueError, match="0 times, not 1"):
        ablate.apply(stale, root)


def test_the_docs_report_every_ablation() -> None:
    doc = (ROOT / "docs" / "guide" / "validation.md").read_text(encoding="utf-8")
    for ablation in ABLATIONS:
        assert f"| `{ablation.name}` |" in doc, f"docs/guide/validation.md lacks the row of {ablation.name}"


def test_the_script_refuses_an_unknown_entry_before_running_anything(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        ablate.main(["no-such-change"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "no entry named no-such-change" in err and "ceasefire-founds-a-regime" in err
