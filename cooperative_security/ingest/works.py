"""Works and people as BIBO/FOAF triples, from a format-neutral record.

BibTeX and CSL-JSON both become :class:`Work` first, so the same work gives the same triples
whichever format it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import InputError, Problem
from ..namespaces import BIBO, DCTERMS, FOAF, RDF, RDF_TYPE, XSD, instance
from ..queries import load_query
from .base import Batch, cs, fold, plain, slugify, text
from .keys import from_record
from .naming import BIBLIOGRAPHY_GRAPH, Claim, claims
from .source_files import source_key

if TYPE_CHECKING:
    from ..store import Store


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

#: a work's fields stored as plain literals, and their properties (the exporters read them back by these)
LITERAL_FIELDS = {
    "publisher": ox.NamedNode(DCTERMS + "publisher"),
    "place": cs("placeOfPublication"),
    "volume": ox.NamedNode(BIBO + "volume"),
    "issue": ox.NamedNode(BIBO + "issue"),
    "pages": ox.NamedNode(BIBO + "pages"),
    "month": cs("month"),
    "edition": ox.NamedNode(BIBO + "edition"),
    "series": cs("series"),
    "series_number": cs("seriesNumber"),
    "translator": cs("translatorName"),
    "doi": ox.NamedNode(BIBO + "doi"),
    "note": cs("note"),
}


@dataclass(frozen=True)
class Person:
    family: str
    given: str = ""
    #: what follows the name: "Jr.", "III" (BibTeX's Jr part, CSL's ``suffix``); not part of the person's slug
    suffix: str = ""

    @property
    def slug(self) -> str:
        initials = "".join(part[0] for part in re.split(r"[\s.\-]+", fold(self.given)) if part)
        return "-".join(filter(None, [slugify(self.family), initials.lower()]))

    @property
    def name(self) -> str:
        return " ".join(filter(None, [self.given, self.family, self.suffix]))


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
    #: the work's number in its series (BibTeX ``number`` of a book or chapter, CSL ``collection-number``)
    series_number: str | None = None
    translator: str | None = None
    url: str | None = None
    doi: str | None = None
    note: str | None = None
    line: int | None = None
    #: what the record adds to what its source gives (cs:inferred): "year 1950: ..." for a circa date
    inferred: list[str] = field(default_factory=list)
    #: the authors (or editors) listed are the first of more (BibTeX ``and others``): cited "et al."
    et_al: bool = False
    #: the key was made from the authors and year (the entry gave none usable): it says nothing of the title
    made_key: bool = False


def short_citation(work: Work) -> str:
    """``Booth and Wheeler 2008``, ``Deutsch et al. 1957``."""
    people = work.authors or work.editors
    names = [p.family for p in people]
    if not names:
        who = work.title
    elif len(names) > 2 or work.et_al:
        who = f"{names[0]} et al."
    elif len(names) == 1:
        who = names[0]
    else:
        who = f"{names[0]} and {names[1]}"
    return f"{who} {work.year or 'n.d.'}"



def names_text(people: list[Person]) -> str | None:
    """A list of names as one text, as BibTeX writes it (``Family, Given and Family, Given``): how a CSL name
    list is stored where the work keeps the names as text (its translators)."""
    return " and ".join(", ".join(filter(None, [p.family, p.given])) for p in people) or None

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
    for name, prop in LITERAL_FIELDS.items():
        value = getattr(work, name)
        if value:
            add(prop, plain(" ".join(str(value).split())))
    if work.url:
        add(ox.NamedNode(BIBO + "uri"), plain(work.url))
    for inference in work.inferred:
        add(cs("inferred"), text(inference))
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
    batch.works = works  # type: ignore[attr-defined]  # for stored_collisions, once the store is at hand
    for work in works:
        batch.add(BIBLIOGRAPHY_GRAPH, work_triples(work))
        if work.container_key:
            batch.references.append(("work", work.container_key, Problem(
                str(path), f"{work.container_key!r} (the book holding this chapter) is not in the bibliography",
                line=work.line, field="crossref", record=work.key)))
    return batch


def another_work(mine: tuple[str | None, str | None], theirs: tuple[str | None, str | None]) -> bool:
    """Whether two descriptions under one key are two works: (first author's or editor's family name, year)
    differ in the family name (accents and case aside) or the year, where both give it."""
    (my_family, my_year), (their_family, their_year) = mine, theirs
    other_person = bool(my_family and their_family and slugify(my_family) != slugify(their_family))
    other_year = bool(my_year and their_year and my_year[:4] != their_year[:4])
    return other_person or other_year


def other_title(work: Work, theirs: str | None, made: bool = False) -> bool:
    """Whether, under a key made from the authors and year (``work``'s, or, with ``made``, the other's), the
    title ``theirs`` is another work's: neither title begins the other (a subtitle left out is the same work),
    case, accents and punctuation aside. A key the user gave says the work is the same, whatever its title."""
    if not (work.made_key or made) or not theirs:
        return False
    mine, other = slugify(work.title).split("-"), slugify(theirs).split("-")
    shorter = min(len(mine), len(other))
    return mine[:shorter] != other[:shorter]


def collision_problem(work: Work, src: str, record: str | None, line: int | None, theirs: str, cited_by: str,
                      undo: str = "", title: str | None = None) -> Problem:
    """The refusal of ``work``'s key, which ``theirs`` (a short citation and where it is) already has: what
    ``cited_by`` cites under the key would cite this entry. One message for the bundled works and the stored.
    ``title``: the other work's title, when the titles are what tells the two works apart (:func:`other_title`)."""
    new_key = from_record(work.authors or work.editors, work.year, work.title, work.et_al)
    if new_key == work.key:
        new_key += "-b"
    this = short_citation(work)
    made = ""
    if title is not None:
        theirs, this = f"{theirs}, titled {title!r}", f"{this}, titled {work.title!r}"
        made = (" (coopsec made this entry's key from its authors and year, as it gives no key of its own)"
                if work.made_key else " (coopsec made the other work's key from its authors and year)")
    return Problem(src, f"the key {work.key!r}{made} is {theirs}, and this entry is {this}, another work: what "
                        f"{cited_by} cites as {work.key!r} would cite this entry. Give it another key, such as "
                        f"{new_key!r} (in Zotero, its Citation Key){undo}", line=line, record=record)


def stored_collisions(store: Store, batch: Batch, owners: Mapping[str, Claim] | None = None) -> list[Problem]:
    """A problem for each work of ``batch`` whose key a file ingested earlier gave another work (another first
    author or year): both would describe one IRI, and what cites the key would cite both. The bundled
    bibliography (checked from its files: ``bibtex.bundled_collision``) and the file's own earlier version
    (replaced by this ingest) are not checked here."""
    problems: list[Problem] = []
    source = source_key(batch.source)
    known: Mapping[str, Claim] | None = owners or None
    written = _written_keys(batch)
    for work in getattr(batch, "works", []):
        mine = ((work.authors or work.editors or [Person("")])[0].family or None, work.year)
        for row in store.select(load_query("ingest/work-by-key"), {"key": plain(work.key)}):
            where = row["g"]
            if where is None or where == BIBLIOGRAPHY_GRAPH:
                continue
            if known is None:
                known = claims(store)  # read once, and only when a key is in the store
            claim = known.get(where.value)
            if claim is not None and claim.source == source:
                continue
            family, year = row["family"] or row["editor"], row["year"]
            title = row["title"].value if row["title"] is not None else None
            by_title = other_title(work, title)
            if not another_work(mine, (family.value if family else None, year.value if year else None)) \
                    and not by_title:
                continue
            citation = row["citation"].value if row["citation"] is not None else work.key
            origin = claim.name if claim is not None and claim.name else None
            undo = f", or remove that file first (coopsec remove {origin})" if origin else ""
            problems.append(collision_problem(
                work, batch.source, written.get(work.key, work.key), work.line,
                f"the work {citation} ingested earlier ({origin or where.value})", "the data in the store", undo,
                title if by_title else None))
            break
    return problems


def _written_keys(batch: Batch) -> dict[str, str]:
    """A key made readable, named as the file wrote it (Milward_2006), or by its place when it had none."""
    return {c.key: c.original if c.original != "(no id)" else c.record for c in getattr(batch, "key_changes", [])}


def batch_collisions(batches: Iterable[Batch]) -> list[Problem]:
    """A problem for each work whose key an earlier file of the same ingest gave another work (another first
    author or year): both would describe one IRI, and what cites the key would cite both. The first file
    keeps the key; each later one is named, with its line."""
    problems: list[Problem] = []
    first: dict[str, tuple[Work, str]] = {}
    for batch in batches:
        for work in getattr(batch, "works", []):
            if work.key not in first:
                first[work.key] = (work, batch.source)
                continue
            theirs, source = first[work.key]
            if source == batch.source:
                continue  # a file's own duplicates are its reader's to report
            mine = ((work.authors or work.editors or [Person("")])[0].family or None, work.year)
            other = ((theirs.authors or theirs.editors or [Person("")])[0].family or None, theirs.year)
            by_title = other_title(work, theirs.title, theirs.made_key)
            if another_work(mine, other) or by_title:
                problems.append(collision_problem(
                    work, batch.source, _written_keys(batch).get(work.key, work.key), work.line,
                    f"the work {short_citation(theirs)} in {source}, ingested with it", "either file",
                    title=theirs.title if by_title else None))
    return problems


def checked_against_store(store: Store, batch: Batch, owners: Mapping[str, Claim] | None = None) -> Batch:
    """``batch``, unless a key of it is another work's in the store (an InputError naming each)."""
    problems = stored_collisions(store, batch, owners)
    if problems:
        raise InputError(problems)
    return batch
