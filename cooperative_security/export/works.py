"""The bibliography the store holds, read back into :class:`~cooperative_security.ingest.works.Work` records.

Each work is read from the graph that speaks for it (the first by name holding its key, as ``coopsec works``
lists it), so a work a file describes again is exported once, as the bundled bibliography describes it. What
ingest stored is what comes back: the kind from the BIBO class, the plain fields from the properties
:data:`~cooperative_security.ingest.works.LITERAL_FIELDS` names, a name's suffix from the end of its
``foaf:name``, and "et al." from the short citation where the list ended ``and others``. The writers
(:mod:`.bibtex`, :mod:`.csl_json`) turn the records into files that the readers of ingest read back to the same
triples.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..ingest.works import BIBO_CLASS, LITERAL_FIELDS, Person, Work, short_citation
from ..namespaces import BIBO, CS, DCTERMS, RDF_TYPE
from ..queries import load_query
from ..store import Store

#: BIBO class IRI -> our work kind
_KINDS = {BIBO + cls: kind for kind, cls in BIBO_CLASS.items()}
_FIELDS = {prop.value: name for name, prop in LITERAL_FIELDS.items()}
_TITLE, _ISSUED, _PART_OF = DCTERMS + "title", DCTERMS + "issued", DCTERMS + "isPartOf"


def stored_works(store: Store) -> list[Work]:
    """Every work of the store's bibliography, sorted by key."""
    statements: dict[str, list[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal, str | None]]] = defaultdict(list)
    keys: dict[str, str] = {}
    for row in store.select(load_query("works/export")):
        work, prop, value, journal = row["work"], row["property"], row["value"], row["journal"]
        if work is None or prop is None or value is None:
            continue
        statements[work.value].append((prop.value, value, journal.value if journal is not None else None))
        if prop.value == CS + "bibKey":
            keys[work.value] = min(value.value, keys.get(work.value, value.value))
    people = _people(store)
    works = [_work(keys[iri], said, keys, people.get(iri, {})) for iri, said in statements.items() if iri in keys]
    return sorted(works, key=lambda w: w.key)


def _work(key: str, said: list[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal, str | None]],
          keys: dict[str, str], people: dict[str, list[Person]]) -> Work:
    work = Work(key=key, kind="document", title="", authors=people.get("author", []),
                editors=people.get("editor", []))
    citation = None
    for prop, value, journal in sorted(said, key=lambda s: (s[0], s[1].value)):
        if prop == RDF_TYPE.value:
            work.kind = _KINDS.get(value.value, work.kind)
        elif prop == _TITLE:
            work.title = work.title or value.value
        elif prop == _ISSUED:
            work.year = work.year or value.value
        elif prop == _PART_OF and journal is not None:
            work.container = work.container or journal
        elif prop == _PART_OF:
            work.container_key = work.container_key or keys.get(value.value, value.value.rsplit("/", 1)[-1])
        elif prop == CS + "containerTitle":
            work.container = work.container or value.value
        elif prop == BIBO + "uri":
            work.url = work.url or value.value
        elif prop == CS + "inferred":
            work.inferred.append(value.value)
        elif prop == CS + "shortCitation":
            citation = value.value
        elif prop in _FIELDS and getattr(work, _FIELDS[prop]) is None:
            setattr(work, _FIELDS[prop], value.value)
    if citation is not None and citation != short_citation(work):
        # the list ended "and others": the short citation says "et al." of one or two names
        work.et_al = " et al. " in citation
    return work


def _people(store: Store) -> dict[str, dict[str, list[Person]]]:
    """Each work's authors and editors, in order, by work IRI and role."""
    found: dict[tuple[str, str, int], list[Person]] = defaultdict(list)
    for row in store.select(load_query("works/export-people")):
        work, role, position = row["work"], row["role"], row["position"]
        if work is None or role is None or position is None:
            continue
        family = row["family"].value if row["family"] is not None else ""
        given = row["given"].value if row["given"] is not None else ""
        name = row["name"].value if row["name"] is not None else ""
        found[(work.value, role.value, int(position.value))].append(Person(family, given, _suffix(name, family,
                                                                                                 given)))
    out: dict[str, dict[str, list[Person]]] = defaultdict(lambda: defaultdict(list))
    for (work_iri, listed, _), candidates in sorted(found.items()):
        # one person under one IRI named twice (another work gave a suffix): the fullest name
        out[work_iri][listed].append(max(candidates, key=lambda p: (len(p.suffix), p.family, p.given)))
    return out


def _suffix(name: str, family: str, given: str) -> str:
    """What ``foaf:name`` adds after the given and family names ("Jr.", "III"), as ingest wrote it."""
    before = " ".join(filter(None, [given, family]))
    return name[len(before):].strip() if before and name.startswith(before + " ") else ""


def bibliography(store: Store, fmt: str) -> tuple[str, int]:
    """The store's works as the text of a file of ``fmt`` (:data:`BIBLIOGRAPHY_FORMATS`), sorted by key, and
    how many works it holds."""
    from .bibtex import write_bibtex
    from .csl_json import write_csl_json

    writers = {"bibtex": write_bibtex, "csl-json": write_csl_json}
    works = stored_works(store)
    return writers[fmt](works), len(works)


#: the bibliography formats, and the ending of a file of each
BIBLIOGRAPHY_FORMATS = {"bibtex": ".bib", "csl-json": ".json"}
