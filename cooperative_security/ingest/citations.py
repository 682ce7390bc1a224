"""``data/citations.yaml``: the chapter's footnotes, what each cites where and why (CiTO)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError, Problem
from ..namespaces import CITO, RDF_TYPE, RDFS, instance
from .base import Batch, cs, integer, is_slug, key_line, line_of, load_yaml, plain, text
from .naming import BIBLIOGRAPHY_GRAPH

FUNCTIONS = {
    "citesAsAuthority", "citesForInformation", "citesAsEvidence", "usesMethodIn", "agreesWith",
    "disputes", "extends", "critiques", "discusses", "obtainsSupportFrom", "quotes", "qualifies",
    "citesAsRelated", "citesAsDataSource", "supports", "usesConclusionsFrom", "includesQuotationFrom",
}
#: a function written otherwise than its CiTO property: CiTO has no ``quotes``; a note that quotes the work
#: it cites includes a quotation from it
CITO_PROPERTY = {"quotes": "includesQuotationFrom"}
POSITION_RELATIONS = {"agreesWith", "disputes", "extends", "critiques", "qualifies", "supports"}


#: the source chapter, whose notes are ``id/footnote/<n>`` (docs/modelling.md); another work's notes are
#: ``id/footnote/<work>/<n>``, so that a citations file for another work never adds to the chapter's notes
SOURCE_CHAPTER = "keating-wheeler-2013"


def footnote_iri(chapter_key: str, number: object) -> ox.NamedNode:
    """The IRI of note ``number`` of the work ``chapter_key``."""
    return instance("footnote", str(number) if chapter_key == SOURCE_CHAPTER else f"{chapter_key}/{number}")


def parse_citations(path: Path, bundled: bool = False) -> Batch:
    """A citations file: the footnotes of one work. Only the bundled file (``bundled``) describes the source
    chapter's own notes: another file for them would give a note a second section and claim."""
    data = load_yaml(path)
    src = str(path)
    batch = Batch(src, kind="citations", shacl=True)
    problems: list[Problem] = []
    if not isinstance(data, dict) or not isinstance(data.get("footnotes"), list):
        given = data.get("footnotes") if isinstance(data, dict) else None
        found = "" if given is None else f", not {given!r}" if len(repr(given)) <= 60 else ", not a list"
        raise InputError(Problem(src, f"expected `chapter: KEY` and a `footnotes:` list{found}",
                                 line=key_line(data, "footnotes") if isinstance(data, dict) and "footnotes" in data
                                 else None))
    chapter_key = data.get("chapter")
    if not is_slug(chapter_key):
        raise InputError(Problem(src, "`chapter` must be the bibliography key of the citing work",
                                 line=line_of(data), field="chapter"))
    if chapter_key == SOURCE_CHAPTER and not bundled:
        raise InputError(Problem(
            src, f"`chapter: {SOURCE_CHAPTER}`: the source chapter's footnotes are bundled (data/citations.yaml) "
                 "and already in the store, and a second file for them would give a note a second section and "
                 "claim; a citations file describes the notes of another work: give that work's bibliography "
                 "key (ingest its BibTeX entry first if coopsec does not know it). To correct a bundled note, "
                 "edit data/citations.yaml in a source checkout and run `coopsec init`",
            line=line_of(data), field="chapter"))
    chapter = instance("work", chapter_key)
    batch.references.append(("work", chapter_key, Problem(src, f"unknown work {chapter_key!r}",
                                                            line=line_of(data), field="chapter")))
    t: list[ox.Triple] = []
    seen: set[int] = set()
    for note in data["footnotes"]:
        line = line_of(note)
        if not isinstance(note, dict) or not isinstance(note.get("footnote"), int):
            problems.append(Problem(src, "each footnote needs `footnote: N`", line=line))
            continue
        number = note["footnote"]
        record = f"footnote {number}"
        if number < 1:
            problems.append(Problem(src, f"footnote {number}: footnotes are numbered from 1", line=line,
                                    field="footnote", record=record))
            continue
        if number in seen:
            problems.append(Problem(src, f"footnote {number} appears twice", line=line, record=record))
        seen.add(number)
        fn = footnote_iri(chapter_key, number)
        t += [
            ox.Triple(fn, RDF_TYPE, cs("Footnote")),
            ox.Triple(fn, cs("number"), integer(number)),
            ox.Triple(fn, cs("inWork"), chapter),
            ox.Triple(fn, ox.NamedNode(RDFS + "label"), text(f"note {number}")),
        ]
        if note.get("section"):
            t.append(ox.Triple(fn, cs("section"), plain(note["section"])))
        else:
            problems.append(Problem(src, "missing section", line=line, field="section", record=record))
        if note.get("claim"):
            t.append(ox.Triple(fn, cs("claim"), text(note["claim"])))
        else:
            problems.append(Problem(src, "missing claim (what the note supports, in own words)", line=line,
                                    field="claim", record=record))
        if note.get("note"):
            t.append(ox.Triple(fn, cs("noteContent"), text(note["note"])))
        for concept in _listed(note, "concepts", "concept names, such as [SecurityDilemma]", src, record, problems):
            t.append(ox.Triple(fn, cs("about"), cs(concept)))
            batch.references.append(("concept", concept, Problem(
                src, f"unknown concept {concept!r}", line=line, field="concepts", record=record)))
        cites = _listed(note, "cites", "citations, each {work: KEY, pages: ..., function: ...}", src, record,
                        problems, "write each as a mapping in a list: cites: [{work: KEY, pages: '12'}]")
        if not note.get("cites") and not note.get("note"):
            problems.append(Problem(src, "a note that cites nothing needs `note:` with its content",
                                    line=line, field="note", record=record))
        for index, cite in enumerate(cites, 1):
            t += _citation(cite, index, number, chapter_key, batch, problems, line_of(cite, line))
    expected = set(range(1, max(seen, default=0) + 1))
    if seen and seen != expected:
        problems.append(Problem(src, f"footnotes missing from the sequence: {_runs(sorted(expected - seen))}"))
    positions = _listed(data, "positions", "positions, each {subject, relation, object, about, claim}", src, None,
                        problems)
    # two records on the same pair and relation (about different concepts) must stay two positions
    pairs = Counter(_pair(p) for p in positions)
    for index, position in enumerate(positions, 1):
        t += _position(position, index, batch, problems, pairs[_pair(position)] > 1, chapter_key)
    inferences = _listed(data, "inferences", "inferences, each {work: KEY, field: ...}", src, None, problems)
    for index, inference in enumerate(inferences, 1):
        t += _inference(inference, index, batch, problems)
    if problems:
        raise InputError(problems)
    batch.add(BIBLIOGRAPHY_GRAPH, t)
    return batch


def _listed(where: Any, key: str, what: str, src: str, record: str | None, problems: list[Problem],
            fix: str = "put it in [ ]") -> list[Any]:
    """The list under ``key`` (empty when absent); another value is a problem at the key's line (with ``fix``,
    how to write it), not read as a list of its characters."""
    value = where.get(key)
    if value is None or value == "" or isinstance(value, list):
        return value or []
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:56] + "..."
    problems.append(Problem(src, f"`{key}` must be a list of {what}, not {shown}: {fix}",
                            line=key_line(where, key), field=key, record=record))
    return []


def _citation(cite: Any, index: int, number: int, chapter_key: str, batch: Batch,
              problems: list[Problem], line: int | None) -> list[ox.Triple]:
    record = f"footnote {number}"
    if not isinstance(cite, dict) or not is_slug(cite.get("work")):
        problems.append(Problem(batch.source, "a citation is {work: KEY, pages: ..., function: ...}",
                                line=line, field="cites", record=record))
        return []
    function = cite.get("function", "citesForInformation")
    if function not in FUNCTIONS:
        problems.append(Problem(batch.source, f"function {function!r} is not a CiTO property we know; "
                                              f"use one of {sorted(FUNCTIONS)}", line=line,
                                field="cites.function", record=record))
        return []
    cited = instance("work", cite["work"])
    batch.references.append(("work", cite["work"], Problem(
        batch.source, f"unknown work {cite['work']!r}: add it to data/bibliography.bib", line=line,
        field="cites.work", record=record)))
    node = instance("citation", f"fn{number}-{index}" if chapter_key == SOURCE_CHAPTER
                    else f"{chapter_key}-fn{number}-{index}")
    chapter = instance("work", chapter_key)
    characterisation = ox.NamedNode(CITO + CITO_PROPERTY.get(function, str(function)))
    out = [
        ox.Triple(node, RDF_TYPE, ox.NamedNode(CITO + "Citation")),
        ox.Triple(node, ox.NamedNode(CITO + "hasCitingEntity"), chapter),
        ox.Triple(node, ox.NamedNode(CITO + "hasCitedEntity"), cited),
        ox.Triple(node, ox.NamedNode(CITO + "hasCitationCharacterization"), characterisation),
        ox.Triple(node, cs("inFootnote"), footnote_iri(chapter_key, number)),
        ox.Triple(chapter, characterisation, cited),
    ]
    if cite.get("pages") is not None:
        out.append(ox.Triple(node, cs("pages"), plain(str(cite["pages"]))))
    if cite.get("inferred"):
        out.append(ox.Triple(node, cs("inferred"), text(str(cite["inferred"]))))
    return out


def _inference(inference: Any, index: int, batch: Batch, problems: list[Problem]) -> list[ox.Triple]:
    """What the bibliography adds to what the chapter prints: ``{work, field, value, note}``."""
    line = line_of(inference)
    record = f"inference {index}"
    if not isinstance(inference, dict) or not is_slug(inference.get("work")) or not inference.get("field") \
            or not inference.get("note"):
        problems.append(Problem(batch.source, "an inference is {work: KEY, field: author|editor|year|..., "
                                              "value: ..., note: what was added and from where}",
                                line=line, field="inferences", record=record))
        return []
    batch.references.append(("work", inference["work"], Problem(
        batch.source, f"unknown work {inference['work']!r}", line=line, field="work", record=record)))
    value = f" {inference['value']}" if inference.get("value") else ""
    return [ox.Triple(instance("work", inference["work"]), cs("inferred"),
                      text(f"{inference['field']}{value}: {inference['note']}"))]


def _pair(position: Any) -> tuple[Any, ...]:
    return tuple(position.get(k) for k in ("subject", "relation", "object")) if isinstance(position, dict) else ()


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _position(position: Any, index: int, batch: Batch, problems: list[Problem], shared: bool = False,
              chapter_key: str = SOURCE_CHAPTER) -> list[ox.Triple]:
    line = line_of(position)
    record = f"position {index}"
    if not isinstance(position, dict):
        problems.append(Problem(batch.source, "a position is {subject, relation, object, about, claim}",
                                line=line, record=record))
        return []
    relation = position.get("relation")
    subject, obj = position.get("subject"), position.get("object")
    if relation not in POSITION_RELATIONS:
        problems.append(Problem(batch.source, f"relation {relation!r} must be one of {sorted(POSITION_RELATIONS)}",
                                line=line, field="relation", record=record))
        return []
    if not (is_slug(subject) and is_slug(obj)):
        problems.append(Problem(batch.source, "subject and object must be bibliography keys", line=line,
                                record=record))
        return []
    for key, field in ((subject, "subject"), (obj, "object")):
        batch.references.append(("work", key, Problem(batch.source, f"unknown work {key!r}", line=line,
                                                      field=field, record=record)))
    slug = f"{subject}-{relation.lower()}-{obj}"
    if shared and isinstance(position.get("about"), str):
        slug += f"-{_kebab(position['about'])}"
    node = instance("position", slug)
    s_iri, o_iri = instance("work", subject), instance("work", obj)
    according_to = position.get("according_to")
    out = [
        ox.Triple(node, RDF_TYPE, cs("ScholarlyPosition")),
        ox.Triple(node, cs("holder"), s_iri),
        ox.Triple(node, cs("relation"), ox.NamedNode(CITO + relation)),
        ox.Triple(node, cs("target"), o_iri),
    ]
    if according_to is None or according_to == subject:
        # the holder's own stance: it cites the target in this way
        out.append(ox.Triple(s_iri, ox.NamedNode(CITO + relation), o_iri))
    elif is_slug(according_to):
        # another work's reading (usually the chapter's): no citation from holder to target is asserted
        out.append(ox.Triple(node, cs("accordingTo"), instance("work", according_to)))
        batch.references.append(("work", according_to, Problem(
            batch.source, f"unknown work {according_to!r}", line=line, field="according_to", record=record)))
    else:
        problems.append(Problem(batch.source, f"according_to {according_to!r} must be the bibliography key of the "
                                              "work whose reading this is", line=line, field="according_to",
                                record=record))
    if position.get("about"):
        out.append(ox.Triple(node, cs("about"), cs(position["about"])))
        batch.references.append(("concept", position["about"], Problem(
            batch.source, f"unknown concept {position['about']!r}", line=line, field="about", record=record)))
    if position.get("claim"):
        out.append(ox.Triple(node, cs("claim"), text(position["claim"])))
    evidence = position.get("evidence") or {}
    if isinstance(evidence, dict) and evidence.get("footnote") is not None:
        out.append(ox.Triple(node, cs("inFootnote"), footnote_iri(chapter_key, evidence["footnote"])))
    return out


def _runs(numbers: list[int]) -> str:
    """``[1, 2, 3, 7]`` as ``1-3, 7``: a long gap said in a few words."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
