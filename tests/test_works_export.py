"""``coopsec works --format bibtex|csl-json``: the bibliography the store holds, written so that it ingests back.

The store is the bundled data plus two scholars' files (``tests/data/works-export/``) holding what the
bundled bibliography lacks: a list ended ``and others``, a suffix, particles, organisations, a series number,
a translator, a chapter that cross-references its volume, LaTeX markup, a circa date. Each export is ingested
into a fresh store; the works' triples must be the original's, lists compared in order and graphs aside.
The only differences allowed are the ones each format cannot hold, named below (and in docs/guide/zotero.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.cli import main
from cooperative_security.export.bibtex import latex, names
from cooperative_security.ingest.bibtex import latex_text, read_names
from cooperative_security.ingest.naming import BIBLIOGRAPHY_GRAPH
from cooperative_security.ingest.works import Person
from cooperative_security.namespaces import CS, RDF, graph, instance
from cooperative_security.store import open_store

FILES = Path(__file__).parent / "data" / "works-export"
#: the scholar's works whose lists end "and others": CSL-JSON cannot say so, and their short citations name
#: the people listed
ET_AL = ("testx-van-evera-1999", "testx-smith-2005", "testx-doe-2003-ed")
#: the work whose date is circa: BibTeX cannot say so
CIRCA = "testx-de-gaulle-1954"
CIRCA_NOTE = "the item gives the date as circa"
Row = tuple[str, str, object]
#: what works say of each other (the bundled citations data: a chapter extends a book), not a bibliography's field
CITO = "http://purl.org/spar/cito/"


@pytest.fixture(scope="module")
def original(initialised_spec: str) -> str:
    """The bundled store with the scholar's BibTeX and CSL-JSON files ingested."""
    files = [FILES / "scholar.bib", FILES / "zotero.json"]
    assert all(f.stat().st_size > 500 for f in files)
    assert main(["ingest", *map(str, files), "--store", initialised_spec]) == 0
    return initialised_spec


@pytest.fixture(scope="module")
def exported(original: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exported")
    out = {"bibtex": folder / "exported-bibtex.bib", "csl-json": folder / "exported-csl.json"}
    for fmt, path in out.items():
        assert main(["works", "--store", original, "--format", fmt, "-o", str(path)]) == 0
    return out


@pytest.fixture(scope="module")
def fresh(exported: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store made by ``coopsec init``, with both exports ingested (each its own graph)."""
    spec = f"oxigraph:{tmp_path_factory.mktemp('fresh') / 'kg'}"
    assert main(["init", "--store", spec]) == 0
    for path in exported.values():
        assert main(["ingest", str(path), "--store", spec]) == 0
    return spec


def _described(spec: str, graphs: Iterable[ox.NamedNode]) -> set[Row]:
    """The statements about works, people and journals in ``graphs`` (the bundled bibliography's graph holds the
    footnotes' citations and what works say of each other too), an author or editor list as the tuple of its
    people."""
    store = open_store(spec)
    try:
        quads = [q for g in graphs for q in store.quads(g)]
    finally:
        store.close()
    first = {q.subject: q.object for q in quads if q.predicate.value == RDF + "first"}
    rest = {q.subject: q.object for q in quads if q.predicate.value == RDF + "rest"}

    def listed(cell: ox.NamedNode | ox.BlankNode | ox.Literal) -> tuple[str, ...]:
        people = []
        while cell in first:
            people.append(first[cell].value)
            cell = rest[cell]
        return tuple(people)

    described = tuple(instance(kind, "").value for kind in ("work", "person", "journal"))
    return {(q.subject.value, q.predicate.value, listed(q.object) if isinstance(q.object, ox.BlankNode) else
             str(q.object)) for q in quads if q.subject.value.startswith(described) and not q.predicate.value.startswith(CITO)}


def _original_rows(original: str) -> set[Row]:
    """The original store's works. The notes the citations data adds to works (cs:inferred, from
    data/citations.yaml) are no field of a bibliography file, and are left out; a circa date's is one."""
    own = [graph("bibliography/scholar"), graph("bibliography/zotero")]
    rows = {r for r in _described(original, [BIBLIOGRAPHY_GRAPH, *own])
            if r[1] != CS + "inferred" or CIRCA_NOTE in str(r[2])}
    assert any(CIRCA_NOTE in str(r[2]) for r in rows)
    assert len({s for s, p, _ in rows if p == CS + "bibKey"}) > 90, "the bundled works and the scholar's are there"
    return rows


def _work(key: str) -> str:
    return instance("work", key).value


def _without(rows: set[Row], key: str, prop: str) -> set[Row]:
    return {r for r in rows if not (r[0] == _work(key) and r[1] == prop)}


def test_bibtex_export_ingests_back_to_the_same_works(original: str, fresh: str) -> None:
    before = _original_rows(original)
    after = _described(fresh, [graph("bibliography/exported-bibtex")])
    # BibTeX has no circa: the year is kept, the note that it is approximate is not
    before = _without(before, CIRCA, CS + "inferred")
    assert sorted(before - after) == [] and sorted(after - before) == []


def test_csl_export_ingests_back_to_the_same_works(original: str, fresh: str) -> None:
    before = _original_rows(original)
    after = _described(fresh, [graph("bibliography/exported-csl")])
    for key in ET_AL:  # CSL cannot say a list is the first of more: the short citation names those listed
        before = _without(before, key, CS + "shortCitation")
        after = _without(after, key, CS + "shortCitation")
    assert sorted(before - after) == [] and sorted(after - before) == []


def test_fields_a_writer_drops_most_easily_are_in_both_files(exported: dict[str, Path]) -> None:
    bib = exported["bibtex"].read_text(encoding="utf-8")
    for written in ("author = {van Evera, Stephen and Lee, Jr., Maurice and others}", "number = {12}",
                    "crossref = {testx-doe-2003-ed}", "translator = {Doe, Jane}", "author = {{World Bank}}",
                    r"title = {Causes of War: Power \& the Roots of 50\% of Conflict}", "pages = {1--20}",
                    "institution = {World Bank}", "school = {Université de Genève}", "@phdthesis{testx-ozturk-2010",
                    "@book{testx-doe-2003-ed", "month = {May}", "url = {https://example.org/a?b=1&c=2%20d}"):
        assert written in bib, written
    items = {item["id"]: item for item in json.loads(exported["csl-json"].read_text(encoding="utf-8"))}
    assert items["testx-van-evera-1999"]["collection-number"] == "12"
    assert items["testx-van-evera-1999"]["author"][1] == {"family": "Lee", "given": "Maurice", "suffix": "Jr."}
    assert items["testx-roe-2003"]["container-key"] == "testx-doe-2003-ed"
    assert items[CIRCA]["issued"] == {"date-parts": [[1954]], "circa": True}
    assert items["testx-report-2012"]["number"] == "RR-77"


def test_export_is_sorted_by_key_and_the_same_each_time(original: str, exported: dict[str, Path],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    for fmt, path in exported.items():
        capsys.readouterr()
        assert main(["works", "--store", original, "--format", fmt]) == 0
        assert capsys.readouterr().out == path.read_text(encoding="utf-8")
    keys = [item["id"] for item in json.loads(exported["csl-json"].read_text(encoding="utf-8"))]
    assert keys == sorted(keys) and len(keys) > 90


def test_the_et_al_list_is_what_tells_the_short_citation(original: str) -> None:
    rows = _original_rows(original)
    citations = {s: o for s, p, o in rows if p == CS + "shortCitation"}
    assert citations[_work("testx-van-evera-1999")] == '"van Evera et al. 1999"' 


def test_a_wrong_ending_or_o_with_the_list_is_refused(original: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["works", "--store", original, "--format", "bibtex", "-o", str(tmp_path / "refs.json")]) == 2
    assert "refs.bib" in capsys.readouterr().err
    assert main(["works", "--store", original, "-o", str(tmp_path / "refs.bib")]) == 2
    assert "--format bibtex" in capsys.readouterr().err


@pytest.mark.parametrize("person", [
    Person("Lee", "Maurice", "Jr."), Person("Lee", "", "Jr."), Person("van Evera", "Stephen"),
    Person("de la Cruz", "José", "III"), Person("World Bank"), Person("Food and Agriculture Organization"),
    Person("Smith & Sons"), Person("others"), Person("O'Brien", "Mary-Ann"), Person("Rüland", "Jürgen"),
])
def test_a_name_is_written_so_that_bibtex_reads_the_same_person(person: Person) -> None:
    assert read_names(names([person]), "", 0, "", "author") == ([person], False)


@pytest.mark.parametrize("text", [
    "Arms & Influence", "50% of 100", "a_b #1 {braced} ~tilde^caret \\back", "1969–1974 -- ``quoted'' --",
    "Costs $5 and $x^2$ in $", "Rüland “quoted”", "$x^2$ verbatim",
])
def test_text_is_escaped_so_that_bibtex_reads_it_back(text: str) -> None:
    assert latex_text(latex(text)) == text
