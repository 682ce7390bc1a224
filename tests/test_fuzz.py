"""Property-based hostile input: every ingest path, malformed inputs -> a located InputError or
acceptance, never another exception, and the store unchanged when refused.

Default run: ``FUZZ_EXAMPLES`` (40) examples per format and strategy, a few hundred in all.
Long run: ``--run-slow`` runs 10,000 per format (``COOPSEC_FUZZ_EXAMPLES`` overrides both).
"""

from __future__ import annotations

import json
import os
import string
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from snapshots import snapshot

from cooperative_security.errors import InputError
from cooperative_security.ingest import ingest_paths
from cooperative_security.kb import load_bundled
from cooperative_security.store import Store, open_store

FUZZ_EXAMPLES = int(os.environ.get("COOPSEC_FUZZ_EXAMPLES", "40"))
LONG_EXAMPLES = int(os.environ.get("COOPSEC_FUZZ_EXAMPLES", "10000"))

SEEDS: dict[str, tuple[str, str]] = {
    "case": ("fuzz-case.yaml", """\
id: fuzz-case
label: A test dyad
kind: dyad
members: [frn, gfr]
from: 1950
to: 1960
events:
  - id: first-move
    date: 1951-04
    type: TreatySigned
    by: [frn, gfr]
    towards: [gfr]
    level: elite
    label: A treaty
    outcome: reciprocated
    evidence:
      - {work: milward-2006, pages: "397", footnote: 3, kind: documents}
    characterised_as:
      - {concept: SecurityRegime, work: milward-2006, pages: "398", disputed_by: [keating-wheeler-2013]}
"""),
    "events": ("fuzz-events.csv", """\
case,id,date,type,by,towards,level,label,work,pages,section
france-germany,extra-visit,1962-09,LeadershipVisit,de-gaulle-c,gfr,elite,De Gaulle tours,keating-wheeler-2013,,Conclusion
france-germany,extra-two,1963,TreatySigned,frn;gfr,,elite,A treaty,milward-2006,12,
"""),
    "bibtex": ("fuzz.bib", """\
@book{fuzz-book-2001,
  author = {Smith, Jane and von Neumann, John},
  title = {A {Book} on Trust},
  year = {2001},
  publisher = {Press},
  address = {Oxford},
}

@incollection{fuzz-chapter-2002,
  author = {Doe, J.},
  title = {A Chapter},
  booktitle = {Collected},
  crossref = {fuzz-book-2001},
  pages = {1--20},
  year = {2002},
}
"""),
    "csl": ("fuzz.json", json.dumps([
        {"id": "fuzz-article-2003", "type": "article-journal", "title": "An Article",
         "author": [{"family": "Smith", "given": "Jane"}, {"literal": "A Committee"}],
         "container-title": "Journal", "issued": {"date-parts": [[2003, 4]]}, "page": "1--9"},
        {"id": "fuzz-book-2004", "type": "book", "title": "A Book", "editor": [{"family": "Roe"}],
         "issued": {"literal": "2004"}},
    ], indent=1)),
    "actors": ("fuzz-actors.yaml", """\
states:
  - {id: fuzzland, name: Fuzzland, iso3: FZL, cow: 999, from: 1900, cow_abb: FZL}
people:
  - {id: fuzz-leader, name: A Leader, state: fuzzland, role: president, from: 1950-01, to: 1960}
organisations:
  - {id: fuzz-org, name: An Organisation, states: [fuzzland], from: 1950}
"""),
    "citations": ("fuzz-citations.yaml", """\
chapter: booth-wheeler-2008
footnotes:
  - footnote: 1
    section: Introduction
    claim: Something.
    concepts: [SecurityRegime]
    cites:
      - {work: milward-2006, pages: "397", function: citesAsAuthority}
  - footnote: 2
    section: Introduction
    claim: Something else.
    note: Only a note.
positions:
  - {subject: milward-2006, relation: disputes, object: keating-wheeler-2013, about: SecurityRegime,
     claim: x, evidence: {footnote: 1}}
"""),
}

_RDF_SAMPLE = [
    ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
            ox.Literal("caf\u00e9 \"quoted\"\nline", language="fr"), ox.NamedNode("http://example.org/g")),
    ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/q"),
            ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            ox.DefaultGraph()),
    ox.Quad(ox.BlankNode("b0"), ox.NamedNode("http://example.org/r"), ox.NamedNode("http://example.org/o"),
            ox.DefaultGraph()),
]
for _suffix, _fmt in ((".ttl", ox.RdfFormat.TURTLE), (".nt", ox.RdfFormat.N_TRIPLES),
                      (".nq", ox.RdfFormat.N_QUADS), (".trig", ox.RdfFormat.TRIG),
                      (".rdf", ox.RdfFormat.RDF_XML), (".jsonld", ox.RdfFormat.JSON_LD)):
    _quads = _RDF_SAMPLE if _fmt.supports_datasets else [q for q in _RDF_SAMPLE
                                                           if isinstance(q.graph_name, ox.DefaultGraph)]
    _data = ox.serialize(_quads if _fmt.supports_datasets else [q.triple for q in _quads], format=_fmt,
                         prefixes={"ex": "http://example.org/"} if _fmt != ox.RdfFormat.JSON_LD else None)
    SEEDS["rdf" + _suffix] = ("fuzz" + _suffix, (_data or b"").decode())

SEEDS["rdf-star.ttl"] = ("fuzz-star.ttl", """\
@prefix ex: <http://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
ex:a rdf:type <<( ex:s ex:p "o"@en )>> ;
     ex:q ( 1 2.5 "x"^^ex:dt [ ex:r _:b1 ] ) .
_:b1 ex:says '''multi
line''' .
""")

#: characters that break parsers: structure, quoting, escapes, controls, odd Unicode
HOSTILE_TEXT = st.text(
    alphabet=st.sampled_from(list("{}[]()<>\"'`:;,.@#%&*!|\\/-=\n\r\t \x00\x0b\ufeff\u2028\ud7ff\U0001f600é安")
                             + list(string.ascii_letters[:6] + string.digits[:4])),
    max_size=12,
)
HOSTILE_TOKENS = st.sampled_from([
    '"""', "'''", "\\u0022", "\\U0010FFFF", "\\", "@prefix", "PREFIX", "<!DOCTYPE x>", "<!ENTITY e 'x'>",
    "&e;", "]]>", "<![CDATA[", "{{", "}}", "---", "...", "!!python/object:os.system", "*anchor", "&anchor",
    "? ", "- ", ": ", "\t", "@book{", "@string{x = \"", "#", "%", "null", "true", "1e999", "-0", "0x10",
    "9999-99-99", ".inf", "-.inf", ".nan", "\x85", "\u0085", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
])
PAYLOAD = st.one_of(HOSTILE_TEXT, HOSTILE_TOKENS)


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> bytes:
    """A seed file with a few random deletions, insertions, duplications and byte flips."""
    data = bytearray(seed.encode())
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "byte", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif op == "insert":
            data[at:at] = draw(PAYLOAD).encode("utf-8", "surrogatepass")
        elif op == "duplicate":
            length = draw(st.integers(1, 80))
            data[at:at] = data[at:at + length]
        elif op == "byte" and data:
            data[at] = draw(st.integers(0, 255))
        else:
            data = data[:at]
    return bytes(data)


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                    PAYLOAD, st.sampled_from(["frn", "gfr", "milward-2006", "TreatySigned", "1950", "elite"]))


def structured(keys: list[str]) -> st.SearchStrategy[object]:
    """Random YAML/JSON trees whose keys are the format's own vocabulary, with hostile values."""
    key = st.one_of(st.sampled_from(keys), HOSTILE_TEXT)
    return st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(key, inner, max_size=6)), max_leaves=25)


CASE_KEYS = ["id", "label", "kind", "members", "from", "to", "events", "sources", "characterised_as", "date",
             "type", "by", "towards", "level", "evidence", "work", "pages", "section", "footnote", "concept",
             "actor", "outcome", "negated", "disputed_by", "note", "description"]
ACTOR_KEYS = ["states", "people", "organisations", "societies", "id", "name", "from", "to", "iso3", "cow",
              "cow_abb", "state", "states", "role", "note", "status", "system"]
CITATION_KEYS = ["chapter", "footnotes", "footnote", "section", "claim", "note", "concepts", "cites", "work",
                 "pages", "function", "positions", "subject", "relation", "object", "about", "evidence"]
CSL_KEYS = ["id", "type", "title", "author", "editor", "family", "given", "literal", "non-dropping-particle",
            "issued", "date-parts", "container-title", "page", "URL", "DOI", "publisher"]


@st.composite
def structured_file(draw: st.DrawFn, fmt: str) -> bytes:
    if fmt == "csl":
        return json.dumps(draw(st.lists(structured(CSL_KEYS), max_size=4)), allow_nan=True).encode()
    keys, forced = {"case": (CASE_KEYS, "events"), "actors": (ACTOR_KEYS, "states"),
                    "citations": (CITATION_KEYS, "footnotes")}[fmt]
    top = draw(st.dictionaries(st.sampled_from(keys), structured(keys), max_size=8))
    top[forced] = draw(structured(keys))
    if fmt == "case":
        top.setdefault("id", "fuzz-case")
    return yaml.safe_dump(top, allow_unicode=True).encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = open_store("memory:")
    load_bundled(s)
    yield s
    s.close()


def check_one(store: Store, path: Path, data: bytes, before: set[ox.Quad], raw_before: list[ox.Quad]) -> None:
    """Accepted, or refused with a located InputError and the store exactly as it was: as ``before``
    (its snapshot), which ``raw_before`` (its quads) restores after an accepted input."""
    path.write_bytes(data)
    try:
        ingest_paths(store, [path])
        # accepted: put the store back, so that (say) a fuzzed actors file does not replace the
        # actors every later example refers to
        store.raw.clear()  # type: ignore[attr-defined]
        store.raw.extend(raw_before)  # type: ignore[attr-defined]
    except InputError as exc:
        assert exc.problems, "an InputError must carry at least one problem"
        for problem in exc.problems:
            assert problem.source == str(path), problem
            assert problem.message.strip(), problem
        assert snapshot(store) == before, f"a refused input changed the store: {exc}"


def _fuzz(fmt: str, examples: int, tmp_path: Path, store: Store, how: str) -> None:
    name, seed = SEEDS[fmt]
    strategy = mutated(seed) if how == "mutated" else structured_file(fmt)

    # every example leaves the store as it found it (checked, or restored), so one snapshot serves all
    before, raw_before = snapshot(store), list(store.quads())

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(strategy)
    def run(data: bytes) -> None:
        check_one(store, tmp_path / name, data, before, raw_before)

    run()


STRUCTURED = ["case", "actors", "citations", "csl"]


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_mutated_files_give_located_errors_or_load(fmt: str, tmp_path: Path, store: Store) -> None:
    _fuzz(fmt, FUZZ_EXAMPLES, tmp_path, store, "mutated")


@pytest.mark.parametrize("fmt", STRUCTURED)
def test_random_structures_give_located_errors_or_load(fmt: str, tmp_path: Path, store: Store) -> None:
    _fuzz(fmt, FUZZ_EXAMPLES, tmp_path, store, "structured")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_long_run_mutated(fmt: str, tmp_path: Path, store: Store) -> None:
    _fuzz(fmt, LONG_EXAMPLES, tmp_path, store, "mutated")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", STRUCTURED)
def test_long_run_structured(fmt: str, tmp_path: Path, store: Store) -> None:
    _fuzz(fmt, LONG_EXAMPLES, tmp_path, store, "structured")


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_every_seed_is_accepted(fmt: str, tmp_path: Path) -> None:
    """The mutations start from valid files (else the fuzzing would only test the first check)."""
    name, seed = SEEDS[fmt]
    path = tmp_path / name
    path.write_text(seed, encoding="utf-8")
    fresh = open_store("memory:")
    load_bundled(fresh)
    report = ingest_paths(fresh, [path])
    assert report.triples > 5

