"""Works and people as BIBO/FOAF triples, from a format-neutral record.

BibTeX and CSL-JSON both become :class:`Work` first, so the same work gives the same triples
whichever format it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, Problem
from ..namespaces import BIBO, DCTERMS, FOAF, RDF, RDF_TYPE, XSD, graph, instance
from .base import Batch, cs, plain, text

BIBLIOGRAPHY_GRAPH = graph("bibliography")

#: our work kinds -> BIBO class
BIBO_CLASS = {
    "article": "AcademicArticle",
    "book": "Book",
    "chapter": "BookSection",
    "edited-book": "EditedBook",
    "report": "Report",
    "thesis": "Thesis",
    "document": "Document",
}


@dataclass(frozen=True)
class Person:
    family: str
    given: str = ""

    @property
    def slug(self) -> str:
        initials = "".join(part[0] for part in re.split(r"[\s.\-]+", fold(self.given)) if part)
        return "-".join(filter(None, [slugify(self.family), initials.lower()]))

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}".strip()


@dataclass
class Work:
    key: str
    kind: str
    title: str
    year: str | None = None
    authors: list[Person] = field(default_factory=list)
    editors: list[Person] = field(default_factory=list)
    container: str | None = None  # journal or book title
    container_key: str | None = None  # crossref to an edited volume in the bibliography
    publisher: str | None = None
    place: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    month: str | None = None
    edition: str | None = None
    series: str | None = None
    translator: str | None = None
    url: str | None = None
    doi: str | None = None
    note: str | None = None
    line: int | None = None


def fold(value: str) -> str:
    replaced = value.replace("æ", "ae").replace("Æ", "Ae").replace("ø", "o").replace("ß", "ss")
    return unicodedata.normalize("NFKD", replaced).encode("ascii", "ignore").decode()


def slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(value).lower()).strip("-")


def short_citation(work: Work) -> str:
    """``Booth and Wheeler 2008``, ``Deutsch et al. 1957``."""
    people = work.authors or work.editors
    names = [p.family for p in people]
    if not names:
        who = work.title
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who} {work.year or 'n.d.'}"


def work_triples(work: Work) -> list[ox.Triple]:
    iri = instance("work", work.key)
    t: list[ox.Triple] = []

    def add(p: ox.NamedNode, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        t.append(ox.Triple(iri, p, o))

    add(RDF_TYPE, ox.NamedNode(BIBO + BIBO_CLASS.get(work.kind, "Document")))
    add(cs("bibKey"), plain(work.key))
    add(cs("shortCitation"), plain(short_citation(work)))
    add(ox.NamedNode(DCTERMS + "title"), text(work.title, None))
    if work.year:
        year = work.year[:4]
        add(ox.NamedNode(DCTERMS + "issued"),
            ox.Literal(year, datatype=ox.NamedNode(XSD + "gYear")) if year.isdigit() else plain(work.year))
    for role, people in (("creator", work.authors), ("editor", work.editors)):
        prop = ox.NamedNode(DCTERMS + "creator") if role == "creator" else ox.NamedNode(BIBO + "editor")
        list_prop = ox.NamedNode(BIBO + ("authorList" if role == "creator" else "editorList"))
        previous: ox.BlankNode | None = None
        for person in people:
            p_iri = instance("person", person.slug)
            add(prop, p_iri)
            t.extend(person_triples(person))
            cell = ox.BlankNode()
            if previous is None:
                add(list_prop, cell)
            else:
                t.append(ox.Triple(previous, ox.NamedNode(RDF + "rest"), cell))
            t.append(ox.Triple(cell, ox.NamedNode(RDF + "first"), p_iri))
            previous = cell
        if previous is not None:
            t.append(ox.Triple(previous, ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")))
    if work.container_key:
        add(ox.NamedNode(DCTERMS + "isPartOf"), instance("work", work.container_key))
    if work.container:
        if work.kind == "article":
            journal = instance("journal", slugify(work.container))
            add(ox.NamedNode(DCTERMS + "isPartOf"), journal)
            t.append(ox.Triple(journal, RDF_TYPE, ox.NamedNode(BIBO + "Journal")))
            t.append(ox.Triple(journal, ox.NamedNode(DCTERMS + "title"), text(work.container, None)))
        else:
            add(cs("containerTitle"), text(work.container, None))
    literal_fields = {
        "publisher": ox.NamedNode(DCTERMS + "publisher"),
        "place": cs("placeOfPublication"),
        "volume": ox.NamedNode(BIBO + "volume"),
        "issue": ox.NamedNode(BIBO + "issue"),
        "pages": ox.NamedNode(BIBO + "pages"),
        "month": cs("month"),
        "edition": ox.NamedNode(BIBO + "edition"),
        "series": cs("series"),
        "translator": cs("translatorName"),
        "doi": ox.NamedNode(BIBO + "doi"),
        "note": cs("note"),
    }
    for name, prop in literal_fields.items():
        value = getattr(work, name)
        if value:
            add(prop, plain(" ".join(str(value).split())))
    if work.url:
        add(ox.NamedNode(BIBO + "uri"), plain(work.url))
    return t


def person_triples(person: Person) -> list[ox.Triple]:
    iri = instance("person", person.slug)
    out = [
        ox.Triple(iri, RDF_TYPE, ox.NamedNode(FOAF + "Person")),
        ox.Triple(iri, ox.NamedNode(FOAF + "name"), plain(person.name)),
        ox.Triple(iri, ox.NamedNode(FOAF + "familyName"), plain(person.family)),
    ]
    if person.given:
        out.append(ox.Triple(iri, ox.NamedNode(FOAF + "givenName"), plain(person.given)))
    return out


def works_batch(path: Path, works: list[Work], what: str) -> Batch:
    """The bibliography graph for parsed works; crossrefs must resolve."""
    if not works:
        raise InputError(Problem(str(path), f"no {what} found"))
    batch = Batch(str(path), kind="bibliography")
    for work in works:
        batch.add(BIBLIOGRAPHY_GRAPH, work_triples(work))
        if work.container_key:
            batch.references.append(("work", work.container_key, Problem(
                str(path), f"{work.container_key!r} (the book holding this chapter) is not in the bibliography",
                line=work.line, field="crossref", record=work.key)))
    return batch
