"""The validation set: relationships from scholarship outside the chapter, and what scholars say of them.

``validation/`` (shipped with the package) holds ``cases/*.yaml`` (the case-file format of
``data/cases/``), ``actors.yaml`` (states the bundled list lacks), ``bibliography.bib`` (the works
cited) and ``expected.yaml`` (the scholars' judgments, period by period). This module loads the set
into a store, runs the classifier and compares its answer with the scholars'::

    from cooperative_security.kb import open_knowledge_graph
    from cooperative_security.validation import validate
    report = validate(open_knowledge_graph("memory:"))
    report.agreement["position"].proportion

How the answers are compared (docs/guide/validation.md): each expected period ``[from, to)`` is read
at two dates, its midpoint and its last day; at each, the classifier period covering that date gives
the inferred position, and (where the scholars give one) stage and trust. Strategies are compared
once per expected period: the kinds of strategy the classifier found with a first move inside the
period against the kinds the scholars name there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from ..classify import Period, classify
from ..errors import InputError, Problem, UsageError
from ..ingest import expand_paths, ingest_id, own_graphs, parse_all, write_batches
from ..ingest.actors import ACTORS_GRAPH
from ..ingest.naming import name_graphs, roots
from ..queries import load_query
from ..store import Store
from .expected import HELD_OUT, ExpectedPeriod, load_expected, validation_dir
from .expected import POSITION_LABELS as POSITION_LABELS  # re-exported: tests read it from here
from .readings import Reading, compare, days_in_agreement
from .report import ValidationReport, summarise
from .sample import SampleMark, load_sample_marks, split_by_sample


def validation_files(root: Path | None = None) -> list[Path]:
    """What is ingested: the actors, the bibliography and the case files (not expected.yaml)."""
    base = root or validation_dir()
    if not (base / "cases").is_dir():
        raise UsageError(f"no validation set at {base}: it needs a cases/ folder (and expected.yaml)")
    return [p for p in (base / "actors.yaml", base / "bibliography.bib", base / "cases") if p.exists()]


def load_validation(store: Store, root: Path | None = None) -> list[str]:
    """Ingest the validation set into ``store`` (all or nothing); returns the ids of its cases.

    An actor the store already knows keeps its bundled entry: the validation list only adds states.
    Ingesting the same set twice writes nothing the second time.
    """
    from ..ingest.validate import shacl_problems

    files = expand_paths(validation_files(root))
    batches = parse_all(store, files, actors_once=False)  # a second set's states: the first's are kept (below)
    actor_lists = [batch for batch in batches if ACTORS_GRAPH in batch.graphs]
    own_graphs(batches)
    # a case whose id is a bundled case's would take the chapter's case's place: refused, as an ingest
    # refuses it; a second set's own states and works (an unseen round) get a hash of their path
    name_graphs(store, batches, roots(p for _, p in files),
                remedy="a validation case needs an id no bundled or ingested case has (rename the file and its "
                       "id, e.g. india-pakistan-1947)")
    # known: the states held by graphs this set does not write (a second load of the same set keeps its own)
    ours = {g.value for batch in batches for g in batch.graphs}
    rows = store.select(load_query("ingest/actors"))
    known = {str(getattr(r["actor"], "value", "")) for r in rows if getattr(r["g"], "value", None) not in ours}
    for batch in actor_lists:
        for g, triples in batch.graphs.items():
            batch.graphs[g] = [t for t in triples
                               if not (isinstance(t.subject, ox.NamedNode) and t.subject.value in known)]
    problems = shacl_problems(store, [b for b in batches if b.shacl])
    if problems:
        raise InputError(problems)
    write_batches(store, batches, ingest_id(files), [str(p) for _, p in files], roots([root or validation_dir()]),
                  [p for _, p in files])
    return sorted(p.stem for kind, p in files if kind == "case")


def validate(store: Store, root: Path | None = None,
             progress: Callable[[str], None] | None = None,
             periods: Sequence[Period] | None = None) -> ValidationReport:
    """Load the validation set into ``store``, classify, and compare with the expected answers;
    ``progress`` is told each step as it starts. ``periods``: a classifier run already made on a store
    holding the same data and set (its periods of the set's relationships are compared; classifying again
    would give the same), so that a caller who has one does not wait minutes for it twice."""
    say = progress or (lambda _: None)
    expected = load_expected((root or validation_dir()) / "expected.yaml")
    marks = load_sample_marks((root or validation_dir()) / "expected.yaml")  # refused before any store write
    say("loading the validation set")
    cases = load_validation(store, root)
    unknown = sorted({e.case for e in expected} - set(cases))
    if unknown:
        raise InputError(Problem(str((root or validation_dir()) / "expected.yaml"),
                                 f"expected answers for case(s) with no case file: {', '.join(unknown)}"))
    if periods is None:
        say(f"classifying {len(cases)} relationships (a few minutes)")
        periods = classify(store, cases)
    else:
        wanted = set(cases)
        periods = [p for p in periods if p.relationship in wanted]
    say("comparing with the expected answers")
    report = summarise(cases, compare(expected, periods), days_in_agreement(expected, periods))
    _mark_samples(report, marks)
    return report


def _mark_samples(report: ValidationReport, marks: dict[str, SampleMark]) -> None:
    """Agreement on the relationships ``expected.yaml`` marks out of sample, apart from the rest."""
    report.samples = split_by_sample(report, marks)
    report.sample_marks = {case: mark.to_dict() for case, mark in sorted(marks.items())}


__all__ = ["ExpectedPeriod", "HELD_OUT", "Reading", "SampleMark", "ValidationReport", "compare", "load_expected",
           "load_sample_marks", "load_validation", "split_by_sample", "summarise", "validate", "validation_dir",
           "validation_files"]
