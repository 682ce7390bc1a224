"""``coopsec validate``: the classifier against what scholars outside the chapter say."""

from __future__ import annotations

import importlib
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import EnvironmentProblem, UsageError
from ..validation import validate
from .common import err_console, knowledge_graph, require_folder


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def validate_command(
    store: Annotated[str | None, typer.Option(
        "--store", help="Load the validation set into this store (oxigraph:DIR or sparql:...) instead of a "
        "fresh in-memory copy of the bundled knowledge graph.")] = None,
    fmt: Annotated[ValidateFormat, typer.Option("--format", "-f", help="Output format.")] = ValidateFormat.text,
    validation_set: Annotated[Path | None, typer.Option(
        "--set", help="Another validation folder (cases/, actors.yaml, bibliography.bib, expected.yaml); "
        "default: the one shipped with coopsec.")] = None,
    dyads: Annotated[bool, typer.Option(
        "--dyads", help="Validate the dyad-year classification against the field data sets instead.")] = False,
    data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", help="With --dyads: the folder of the field data sets.")] = None,
) -> None:
    """Agreement of the classifier with published judgments on relationships outside the chapter.

    Prints agreement per dimension (position, stage, trust, strategy) as counts, a confusion matrix and
    Cohen's kappa, and each disagreement with the classifier's explanation. Disagreement is a finding:
    the command exits 0 whenever the run completes.
    """
    if dyads and validation_set is not None:
        raise UsageError("--set names a case validation folder; --dyads validates against the field data sets "
                         "(--data-dir): give one or the other")
    if data_dir is not None and not dyads:
        raise UsageError("--data-dir is for --dyads (the folder of the field data sets): add --dyads, or leave "
                         "--data-dir out")
    if dyads:
        try:
            module = importlib.import_module("cooperative_security.analysis.dyad_validation")
        except ModuleNotFoundError as exc:
            if exc.name not in {"cooperative_security.analysis.dyad_validation"}:
                raise
            raise EnvironmentProblem(
                "coopsec validate --dyads needs cooperative_security.analysis.dyad_validation, which this "
                "installation does not have yet; run `coopsec validate` without --dyads for the case "
                "validation set") from None
        result = module.validate_dyads(store=store, data_dir=str(data_dir) if data_dir else None)
        _write(fmt, result.text(), result.to_dict())
        return
    if validation_set is not None:
        check_validation_folder(validation_set)  # before the store is opened: a bad --set leaves it untouched
    with knowledge_graph(store or "memory:") as kg:
        if err_console.is_terminal:  # the run takes minutes: say what it is doing
            with err_console.status("validating...") as status:
                report = validate(kg, validation_set, progress=lambda step: status.update(f"validate: {step}"))
        else:
            report = validate(kg, validation_set)
    if fmt is ValidateFormat.markdown:
        sys.stdout.write(report.markdown())
        return
    _write(fmt, report.text(), report.to_dict())


def check_validation_folder(folder: Path) -> None:
    """A usage error naming ``folder`` and what it lacks, unless it is a validation folder: ``cases/`` (case
    files) and ``expected.yaml`` (the scholars' judgments); ``actors.yaml`` and ``bibliography.bib`` are optional."""
    layout = ("a validation folder holds cases/ (case files, as in data/cases/) and expected.yaml (the judgments "
              "to compare with), and may hold actors.yaml and bibliography.bib")
    require_folder(folder, f"--set {folder}", layout)
    missing = [name for name, ok in (("cases/", (folder / "cases").is_dir()),
                                     ("expected.yaml", (folder / "expected.yaml").is_file())) if not ok]
    if missing:
        raise UsageError(f"--set {folder}: has no {' and no '.join(missing)}; {layout}")


def _write(fmt: ValidateFormat, text: str, data: object) -> None:
    if fmt is not ValidateFormat.text:  # the dyad report has text and JSON only
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        sys.stdout.write(text)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_command)
