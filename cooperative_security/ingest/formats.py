"""The kinds of file ``coopsec ingest`` reads: how a file's kind is told, the order kinds are read in, and
the reader of each.

A kind is one entry in :data:`READERS` (its reader, in reading order) and, to be recognised, one in
:data:`SUFFIXES` (by the file's suffix) or :data:`YAML_KEYS` (a YAML file, by its top-level keys); RDF is
told by :func:`.rdf.rdf_format`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem, UsageError
from ..store import BulkLoading, Store
from .actors import Registry, parse_actors
from .base import Batch, load_yaml, read_text
from .bibtex import parse_bibtex, read_bibtex_text
from .cases import parse_case
from .citations import parse_citations
from .csl import parse_csl, read_csl_text
from .events_csv import EventIds, parse_event_csv
from .keys import KeyChange
from .naming import Claim
from .rdf import parse_rdf, rdf_format, stream_batch, streamable
from .record import Skipped
from .retyping import warn_retypings
from .source_files import source_key
from .spans import CaseSpans
from .works import checked_against_store


@dataclass
class ReadContext:
    """What the readers of one batch of files share (:func:`.parse.parse_all` makes it): they read it, and
    a case or actors file adds to it what the files after it may name."""

    store: Store
    registry: Registry  # the actors known so far
    cases: set[str]  # the case ids known so far
    owners: dict[str, Claim]  # who wrote each graph (read once)
    ids: EventIds | None  # the event ids taken, when an events file is among the files
    bundled: bool  # the project's own data files (only they may describe the source chapter's footnotes)
    #: the actors declared in an actors file of this batch that was refused: id -> the file
    refused: dict[str, str] = field(default_factory=dict)
    #: the spans of the cases the files touch, and their events, to check each file's against
    spans: CaseSpans | None = None
    #: the cases of a case file of this batch that was refused: id -> the file
    refused_cases: dict[str, str] = field(default_factory=dict)
    #: an actor id that another actors file declares is refused (``coopsec ingest``); the validation sets
    #: declare the same states again, and keep the first
    actors_once: bool = True


def _actors(path: Path, ctx: ReadContext) -> Batch:
    # the graphs an earlier ingest of this file wrote: this one replaces them
    source = source_key(path)
    try:
        batch, more = parse_actors(path, ctx.registry, {g for g, c in ctx.owners.items() if c.source == source},
                                   {g: c.name for g, c in ctx.owners.items() if c.name} if ctx.actors_once
                                   else None)
    except InputError:
        # the files after it that name its actors are told why they are unknown (parse.parse_all)
        data = load_yaml(path)
        for entries in (data.values() if isinstance(data, dict) else ()):
            for entry in (entries if isinstance(entries, list) else ()):
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    ctx.refused.setdefault(entry["id"], str(path))
        raise
    ctx.registry.update(more)
    return batch


def _case(path: Path, ctx: ReadContext) -> Batch:
    try:
        batch = parse_case(path, ctx.registry)
    except InputError:
        # an events CSV after it that adds to its case is told why the case is unknown (parse.parse_all)
        data = load_yaml(path)
        named = data.get("id") if isinstance(data, dict) else None
        for case in {path.stem, *([named] if isinstance(named, str) else [])}:
            ctx.refused_cases.setdefault(case, str(path))
        raise
    ctx.cases.add(path.stem)
    if ctx.ids is not None:  # an events CSV read later may not reuse this file's event ids
        ctx.ids.case_file(batch)
    return _within_spans(batch, ctx)  # its span may leave out events another file gave the case


def _rdf(path: Path, ctx: ReadContext) -> Batch:
    if can_stream(ctx.store) and streamable(path):
        return stream_batch(path)  # (not checked for events outside their case's span: never in memory)
    batch = parse_rdf(path)
    warn_retypings(ctx.store, batch, ctx.owners)  # a type given to what another source defines
    return _within_spans(batch, ctx)


def _within_spans(batch: Batch, ctx: ReadContext) -> Batch:
    """The batch, unless it puts an event outside its case's span or sets a span that leaves one outside."""
    problems = ctx.spans.check(batch) if ctx.spans is not None else []
    if problems:
        raise InputError(problems)
    return batch


#: the reader of each kind, in the order files of each kind are read (a folder is read in this order, then by name)
READERS: dict[str, Callable[[Path, ReadContext], Batch]] = {
    "actors": _actors,
    # a key a file in the store gave another work is refused (the bundled ones are, by the readers)
    "bibtex": lambda path, ctx: checked_against_store(ctx.store, parse_bibtex(path), ctx.owners),
    "csl": lambda path, ctx: checked_against_store(ctx.store, parse_csl(path), ctx.owners),
    "citations": lambda path, ctx: parse_citations(path, ctx.bundled),
    "case": _case,
    "events": lambda path, ctx: parse_event_csv(path, ctx.registry, ctx.cases, ctx.ids, ctx.spans),
    "rdf": _rdf,
}

#: the order files of each kind are read in (a folder is read in this order, then by name)
ORDER = tuple(READERS)

#: the kinds told by the file's suffix alone
SUFFIXES = {".bib": "bibtex", ".json": "csl", ".csv": "events"}

#: a YAML file's kind, by its top-level keys: the first entry whose keys the file has
YAML_KEYS = (("citations", {"footnotes"}), ("case", {"events", "members"}),
             ("actors", {"states", "organisations", "people", "societies"}))
#: keys of a case file that no other YAML kind has at its top level: with them, a file that has neither
#: ``members`` nor ``events`` is most likely a case left unfinished, and the message says what it lacks
CASE_ONLY_KEYS = ("id", "label", "kind", "from", "to", "description", "sources", "characterised_as")


#: in a folder, the files that hold no data, by suffix, skipped and listed (``coopsec ingest`` says so on
#: stderr): documentation, notes and papers, images, and an editor's backups. A file of any other suffix that
#: coopsec does not read (.xlsx, .ris) may be data, and is refused, as a file named by itself always is.
NOT_DATA = {
    **dict.fromkeys((".md", ".markdown", ".txt", ".rst", ".pdf", ".doc", ".docx", ".odt", ".rtf", ".tex", ".html",
                     ".htm", ".log"), "documentation"),
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".gif", ".svg", ".tif", ".tiff"), "an image"),
    **dict.fromkeys((".bak", ".swp"), "a backup"),
}
#: files of no suffix (or any) that hold no data, by name (lower case)
NOT_DATA_NAMES = {**dict.fromkeys(("readme", "license", "licence", "copying", "notes", "authors", "changelog"),
                                  "documentation"),
                  **dict.fromkeys(("thumbs.db", "desktop.ini"), "a file the operating system keeps")}


def not_data(file: Path, folder: Path) -> str | None:
    """Why ``file``, found in ``folder``, holds no data to ingest, or None: hidden (a name starting with a dot,
    or inside such a folder: .DS_Store, .git/), documentation, an image or a backup (:data:`NOT_DATA`)."""
    if any(part.startswith(".") for part in file.relative_to(folder).parts):
        return "hidden"
    name = file.name.lower()
    if name in NOT_DATA_NAMES:
        return NOT_DATA_NAMES[name]
    if name.endswith("~"):
        return "a backup"
    return NOT_DATA.get(file.suffix.lower())


def folder_files(folder: Path) -> tuple[list[Path], list[Skipped]]:
    """The files of ``folder`` to read, and those skipped as holding no data (a hidden folder as one), by name."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    for path in sorted(folder.rglob("*")):
        inside = path.relative_to(folder).parts
        if any(part.startswith(".") for part in inside[:-1]):
            continue  # in a hidden folder, which is listed once
        if path.is_dir():
            if path.name.startswith("."):
                skipped.append(Skipped(path, "a hidden folder"))
            continue
        if path.is_file():
            why = not_data(path, folder)
            if why is None:
                files.append(path)
            else:
                skipped.append(Skipped(path, f"{why}, not data" if why != "hidden" else "hidden"))
    return files, skipped


def can_stream(store: Store) -> bool:
    """Whether the store bulk-loads files from disk (the embedded one; a remote store gets triples)."""
    return isinstance(store, BulkLoading)


def classify_file(path: Path) -> str:
    """Which reader a file needs, from its extension (and, for YAML, its top-level keys)."""
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    if suffix in {".yaml", ".yml"}:
        data = load_yaml(path)
        if data is None:
            raise InputError(Problem(str(path), "the file is empty (or holds only comments): a case file has `id:`, "
                                                "`label:`, `members:` and `events:`, citations have `footnotes:`, "
                                                "actors have `states:`, `organisations:`, `people:` or `societies:`; "
                                                "`coopsec schema case` and `coopsec schema actors` print the layouts"))
        if isinstance(data, dict):
            for kind, keys in YAML_KEYS:
                if keys & set(data):
                    return kind
            if looks_like := [k for k in CASE_ONLY_KEYS if k in data][:4]:  # a case missing the keys that tell one
                raise InputError(Problem(
                    str(path), f"this looks like a case file (it has {', '.join(f'`{k}:`' for k in looks_like)}) "
                    "but it has no `members:` and no `events:`: a case file needs `id:`, `label:`, `members:` "
                    "(the actors of the relationship) and `events:` (a list of dated events); "
                    "`coopsec schema case` prints the layout to copy"))
        raise InputError(Problem(str(path), "cannot tell what this YAML holds: a case has `members:` and "
                                            "`events:`, citations have `footnotes:`, actors have `states:`, "
                                            "`organisations:`, `people:` or `societies:` (`coopsec schema case` "
                                            "and `coopsec schema actors` print the layouts)"))
    if rdf_format(path) is not None:
        return "rdf"
    raise InputError(Problem(str(path), f"unknown file type {suffix!r}: coopsec reads .yaml, .bib, .json "
                                        "(CSL-JSON), .csv (events) and RDF (.ttl .nt .nq .trig .rdf .jsonld); in a "
                                        "folder it skips only documentation (.md, .txt, .pdf, ...), images, backups "
                                        "and hidden files: move any other file out of the folder"))


def expand_paths(paths: Iterable[Path], skipped: list[Skipped] | None = None) -> list[tuple[str, Path]]:
    """Files to read, with their kind, in the documented order (folders: every file inside but those that hold
    no data, :func:`folder_files`, which are added to ``skipped``).

    A file named twice (in a folder and by itself, or by two spellings of its path) is read once, as
    first named: ingesting it twice in one batch would write its triples twice.
    """
    found: list[tuple[str, Path]] = []
    named: set[Path] = set()

    def add(file: Path) -> None:
        resolved = file.resolve()
        if resolved not in named:
            named.add(resolved)
            found.append((classify_file(file), file))

    for path in paths:
        if path.is_dir():
            files, passed = folder_files(path)
            if not files:
                listed = f"; skipped: {', '.join(map(str, passed[:5]))}{', ...' if len(passed) > 5 else ''}" \
                    if passed else ""
                raise UsageError(f"the folder {path} holds no files to ingest{listed}")
            if skipped is not None:
                skipped.extend(passed)
            for file in files:
                add(file)
        elif path.is_file():
            add(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    return sorted(found, key=lambda kp: (ORDER.index(kp[0]), str(kp[1])))


def key_changes(paths: Iterable[object]) -> list[KeyChange]:
    """The key changes the bibliographies among ``paths`` (files or folders) make, for reporting."""
    changes: list[KeyChange] = []
    for kind, path in expand_paths([Path(str(p)) for p in paths]):
        reader = {"bibtex": read_bibtex_text, "csl": read_csl_text}.get(kind)
        if reader is None:
            continue
        try:
            changes.extend(reader(read_text(path), str(path))[1])
        except (InputError, OSError):
            continue
    return changes
