"""A generational suffix written where BibTeX (or CSL) takes it for another part of the name is refused.

BibTeX reads ``Martin Luther King, Jr.`` as ``Last, First``: family "Martin Luther King", given "Jr.". It reads
``Lee Jr., Robert`` as family "Lee Jr.". Both were stored so, silently. They are refused, at the file, line,
entry and field, with the name in BibTeX's ``von Last, Jr, First`` form as the fix; CSL-JSON's ``"given":
"Jr."`` is refused with the fix of moving it to ``"suffix"``. A refusal runs the real command line on an
on-disk store: exit 1 and the store exactly as it was. The forms BibTeX reads rightly are still read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.cli import main
from cooperative_security.export.bibtex import names
from cooperative_security.ingest.bibtex import read_names
from cooperative_security.ingest.works import Person
from cooperative_security.namespaces import FOAF, instance
from cooperative_security.store import open_store

Run = Callable[..., str]

#: a first entry that reads well: the refusal is at the second entry's line, and the first is not written either
FIRST = "@book{suffix-first-2001,\n  author = {Doe, Jane},\n  title = {Written First},\n  year = {2001}\n}\n\n"


@pytest.fixture(scope="module")
def spec(initialised_spec: str) -> str:
    return initialised_spec


def _entry(field: str, names: str, first: str = FIRST) -> str:
    return first + f"@book{{suffix-second-1963,\n  {field} = {{{names}}},\n  title = {{Strength}},\n  year = {{1963}}\n}}\n"


@pytest.mark.parametrize(("name", "fix"), [
    ("Martin Luther King, Jr.", "King, Jr., Martin Luther"),
    ("Henry Louis Gates, jr", "Gates, jr, Henry Louis"),
    ("Ludwig van Beethoven, Sr.", "van Beethoven, Sr., Ludwig"),
    ("Lee Jr., Robert", "Lee, Jr., Robert"),
    ("Gause III, F. Gregory", "Gause, III, F. Gregory"),
    ("van Lee SR., Robert", "van Lee, SR., Robert"),
    ("Louis, II", "Louis, II, {}"),  # a suffix and no given name: BibTeX's empty part is {}
    ("Smith, 3rd", "Smith, 3rd, {}"),
])
@pytest.mark.parametrize("field", ["author", "editor"])
def test_a_bibtex_suffix_read_as_a_given_or_family_name_is_refused(refused: Run, name: str, fix: str,
                                                                   field: str) -> None:
    refused("suffix.bib", _entry(field, f"Roe, Richard and {name}"),
            f"suffix.bib:7: record suffix-second-1963: field '{field}': the name \"{name}\"",
            f"write it as \"{fix}\"", "von Last, Jr, First")


def test_every_refused_name_of_a_file_is_told(refused: Run) -> None:
    err = refused("two.bib", _entry("author", "Clemens, Jr.", FIRST.replace("Doe, Jane", "Lee Jr., Maurice")),
                  "two.bib:1: record suffix-first-2001: field 'author'", "\"Lee, Jr., Maurice\"",
                  "two.bib:7: record suffix-second-1963: field 'author'", "\"Clemens, Jr., {}\"")
    assert err.count("von Last, Jr, First") == 2 and "duplicate" not in err, err


@pytest.mark.parametrize(("name", "fix"), [
    ({"family": "King", "given": "Jr."}, '"given": "Jr." is a suffix, not a given name'),
    ({"family": "Louis", "given": "II"}, '"given": "II" is a suffix, not a given name'),
    ({"family": "Lee Jr.", "given": "Robert"},
     '"family": "Lee Jr." ends in a suffix: move it to "suffix" ("family": "Lee", "suffix": "Jr.")'),
])
def test_a_csl_suffix_as_the_given_name_or_in_the_family_name_is_refused(refused: Run, name: dict[str, str],
                                                                         fix: str) -> None:
    items = [{"id": "suffix-first-2001", "type": "book", "title": "Written First", "author": [{"family": "Doe"}],
              "issued": {"date-parts": [[2001]]}},
             {"id": "suffix-csl-1963", "type": "book", "title": "Strength", "author": [{"family": "Roe"}, name],
              "issued": {"date-parts": [[1963]]}}]
    refused("suffix.json", json.dumps(items), "suffix.json: record item 2 (suffix-csl-1963): field 'author': name 2:",
            fix, "move it to \"suffix\"")


@pytest.mark.parametrize(("name", "person"), [
    ("King, Jr., Martin Luther", Person("King", "Martin Luther", "Jr.")),
    ("Lee, Jr., {}", Person("Lee", "", "Jr.")),
    ("{Lee Jr.}, Robert", Person("Lee Jr.", "Robert")),  # braced: taken as written, as BibTeX takes it
    ("King, {Jr.}", Person("King", "Jr.")),
    ("Henry VIII", Person("VIII", "Henry")),  # no comma: BibTeX's First Last, as ever
    ("Ivanov, Ivan", Person("Ivanov", "Ivan")),
    ("Wang, Jun", Person("Wang", "Jun")),  # a given name, not jun.
    ("Xu, Sen", Person("Xu", "Sen")),
    ("Nassau Senior, William", Person("Nassau Senior", "William")),
    ("Doe, V.", Person("Doe", "V.")),
    ("Sr{\\'i}nivasan, Ravi", Person("Srínivasan", "Ravi")),
    ("Jr, Iva", Person("Jr", "Iva")),  # a one-word family name is not a suffix after some other word
])
def test_the_forms_bibtex_reads_rightly_are_read(name: str, person: Person) -> None:
    assert read_names(name, "x.bib", 1, "k", "author") == ([person], False)


def test_the_three_part_form_is_ingested_with_its_suffix(spec: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kept.bib"
    path.write_text("@book{suffix-kept-1963,\n  author = {King, Jr., Martin Luther and {Lee Jr.}, Robert},\n"
                    "  title = {Strength to Love},\n  year = {1963}\n}\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["ingest", str(path), "--store", spec]) == 0, capsys.readouterr().err
    store = open_store(spec)
    try:
        def objects(person: str, predicate: str) -> set[str]:
            subject, wanted = instance("person", person), ox.NamedNode(FOAF + predicate)
            return {q.object.value for q in store.quads() if q.subject == subject and q.predicate == wanted}

        assert objects("king-ml", "name") == {"Martin Luther King Jr."}
        assert objects("king-ml", "givenName") == {"Martin Luther"}
        assert objects("king-ml", "familyName") == {"King"}
    finally:
        store.close()


@pytest.mark.parametrize("person", [Person("Lee Jr.", "Robert"), Person("King", "Jr."), Person("Louis", "II"),
                                    Person("Lee", "", "Jr."), Person("Gause", "F. Gregory", "III")])
def test_the_bibtex_export_writes_a_name_so_that_it_is_read_back(person: Person) -> None:
    """A person stored before suffixes were refused (family "Lee Jr.", given "Jr.") is written braced, so that the
    exported file can be ingested again as the same person."""
    assert read_names(names([person]), "x.bib", 1, "k", "author") == ([person], False)
