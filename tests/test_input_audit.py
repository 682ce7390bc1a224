"""What an attacker's probes of the ingest met on 2 December 2026: each is now a located error that names
the file and says what to do, and the store is left as it was. (An empty RDF file stays accepted: it is a
valid document, a W3C positive syntax test that tests/test_w3c.py runs.)"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.catalogue import list_works
from cooperative_security.errors import InputError
from cooperative_security.ingest import ingest_paths
from cooperative_security.ingest.actors import parse_actors
from cooperative_security.ingest.base import cs, load_yaml
from cooperative_security.ingest.cases import parse_case
from cooperative_security.ingest.csl import read_csl_text
from cooperative_security.namespaces import DCTERMS, RDFS
from cooperative_security.resources import data_dir
from cooperative_security.store import open_store

LONG = "9" * 5000
RDFS_LABEL = ox.NamedNode(RDFS + "label")
DESCRIPTION = ox.NamedNode(DCTERMS + "description")


def _refused(path: Path) -> str:
    """The message of the InputError an ingest of ``path`` raises, the store checked unchanged."""
    store = open_store("memory:")
    try:
        before = sorted(str(g) for g in store.graph_names())
        with pytest.raises(InputError) as caught:
            ingest_paths(store, [path])
        assert sorted(str(g) for g in store.graph_names()) == before
        return str(caught.value)
    finally:
        store.close()


def test_a_yaml_number_too_long_for_python_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(f"id: x\nvalue: {LONG}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    assert f"{path}:2" in str(caught.value) and "too long to read" in str(caught.value)
    assert "internal error" not in str(caught.value)


@pytest.mark.parametrize("name, text, said", [
    ("refs.json", '[{"id": "a-2001", "type": "book", "title": "T", "author": [{"family": "A"}], '
                  f'"issued": {{"date-parts": [[{LONG}]]}}}}]', "more than 4,300 digits"),
    ("refs2.json", '[{"id": "a-2001", "type": "book", "title": "T", "author": [{"family": "A"}], '
                   f'"issued": {{"date-parts": [["{LONG}"]]}}}}]', "must be a whole number"),
])
def test_bad_files_are_refused_and_the_store_left_as_it_was(tmp_path: Path, name: str, text: str,
                                                            said: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    message = _refused(path)
    assert str(path) in message and said in message
    assert "coopsec cannot read this" not in message  # the readers' fallback for the unforeseen


BOOK = """@book{{audit-2001,
  author = {{Auditor, Ann}},
{fields}
}}
"""


@pytest.mark.parametrize("fields, said", [
    ("  title = {An Audit}},\n  publisher = {Press},\n  year = {2001},",
     "the fields 'publisher', 'year' could not be read"),
    ("  title = {An Audit},\n  year = {2001},\n  year = {2002},", "the field 'year' is given twice"),
])
def test_bibtex_fields_the_parser_would_drop_are_refused(tmp_path: Path, fields: str, said: str) -> None:
    """bibtexparser keeps one of two fields of the same name, and a stray brace ends an entry before the
    fields after it, both without a word: the work was stored without its year."""
    path = tmp_path / "refs.bib"
    path.write_text(BOOK.format(fields=fields), encoding="utf-8")
    message = _refused(path)
    assert f"{path}:1" in message and said in message


def test_a_csl_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "refs.json"
    path.write_text('[{"id": "audit-2001", "id": "other-1999", "type": "book", "title": "T", '
                    '"author": [{"family": "A"}], "issued": {"date-parts": [[2001]]}}]', encoding="utf-8")
    assert "the key 'id' twice" in _refused(path)


def test_ingest_dataset_given_a_folder_says_so(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("ingest-dataset", "mid", str(tmp_path))
    assert result.code == 2  # a usage problem, as `ingest` and `--data-dir` given a path that is not there
    assert "that is a folder" in result.err and "no such file" not in result.err


def _csl(tmp_path: Path, issued: str, name: str = "refs.json", **fields: str) -> Path:
    """A one-item CSL-JSON file, the item ``audit-2001``, with ``issued`` (JSON) and other fields (JSON values)."""
    extra = "".join(f', "{key}": {value}' for key, value in fields.items())
    path = tmp_path / name
    path.write_text('[{"id": "audit-2001", "type": "book", "title": "T", "author": [{"family": "Auditor"}], '
                    f'"issued": {issued}{extra}}}]', encoding="utf-8")
    return path


@pytest.mark.parametrize("issued, said", [
    ('{"date-parts": [[2001, 17]]}', "the month 17 in date-parts [2001, 17] is no month"),
    ('{"date-parts": [[2001, 1, 32]]}', "the day 32 in date-parts [2001, 1, 32] is no day: days are 1 to 31"),
    ('{"date-parts": [[2001, 2, 30]]}', "the date-parts [2001, 2, 30] are no date (day is out of range"),
    ('{"date-parts": [["2001", "2", "29"]]}', 'the date-parts ["2001", "2", "29"] are no date'),
    ('{"date-parts": [[2001, 5], [2002, 13, 2]]}', "give a day in a season (month 13)"),
    ('{"raw": "Spring 2001"}', "raw: 'Spring 2001' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD; or give the "
                               "date as date-parts"),
    ('{"raw": "2001-13-45"}', "raw: '2001-13-45' is not a valid date"),
    ('{"date-parts": [[2001, 2, 99999999999999999999]]}', "the day 99999999999999999999 in date-parts [2001, 2, 99999999999999999999] is no day"),
    # a literal was cut to its first four-digit number: 2001/2002 became 2001 without a word
    ('{"literal": "2001/2002"}', "literal: '2001/2002' is not read as a year: coopsec reads a literal date only "
                                 'when it is exactly a year, such as "1950" (and keeps one with no number, such as '
                                 '"forthcoming", as text); give the date as {"date-parts": [[2001], [2002]]} (a '
                                 "range: coopsec reads its first year, 2001)"),
    ('{"literal": "circa 1950"}', 'give the date as {"date-parts": [[1950]], "circa": true}'),
    ('{"literal": "Spring 1998"}', 'give the date as {"date-parts": [[1998, 13]]} (months 13 to 16 are spring to '
                                   "winter)"),
    ('{"literal": "the 1950s"}', 'give the date as {"date-parts": [[1950], [1959]]}'),
    ('{"literal": "May 1998"}', 'give the date as {"date-parts": [[1998, 5]]} (with the day as a third part'),
    # a month was matched by its first three letters or its full name only: "Sept." got the year-only advice
    ('{"literal": "Sept. 2001"}', 'give the date as {"date-parts": [[2001, 9]]} (with the day as a third part'),
    ('{"literal": "3 Febr. 1950"}', 'give the date as {"date-parts": [[1950, 2]]} (with the day as a third part'),
    ('{"literal": "1950-02-30"}', "literal: '1950-02-30' is not read as a year"),
])
def test_an_impossible_csl_date_is_refused_not_cut_to_its_year(tmp_path: Path, issued: str, said: str) -> None:
    """A month 17, a day 32 or a raw date no reader of ours reads for sure was stored as the bare year."""
    path = _csl(tmp_path, issued)
    message = _refused(path)
    assert "record item 1 (audit-2001): field 'issued'" in message and said in message, message


def test_a_csl_season_and_an_iso_raw_date_give_their_year(tmp_path: Path) -> None:
    """Months 13 to 16 are spring to winter, as citeproc-js reads them; a raw YYYY-MM is read; a month 17 is not."""
    years = [read_csl_text(_csl(tmp_path, issued).read_text(encoding="utf-8"), "x")[0][0].year
             for issued in ('{"date-parts": [[2001, 13]]}', '{"raw": "1999-05"}', '{"literal": "1950-05-09"}')]
    assert years == ["2001", "1999", "1950"]  # an ISO literal was refused, with advice that dropped its day
    with pytest.raises(InputError, match="no month"):
        read_csl_text(_csl(tmp_path, '{"date-parts": [[2001, 17]]}').read_text(encoding="utf-8"), "x")


@pytest.mark.parametrize("circa", ["true", "1", '"1"'])
def test_a_csl_circa_year_is_kept_and_said_to_be_approximate(tmp_path: Path, circa: str) -> None:
    """`"circa": true`, the date-parts the refusal of a literal "circa 1950" advises, was dropped without a word:
    the work was stored as of 1950. The year is kept, and `coopsec works` says it is approximate (cs:inferred)."""
    path = _csl(tmp_path, f'{{"date-parts": [[1950]], "circa": {circa}}}')
    store = open_store("memory:")
    try:
        ingest_paths(store, [path])
        (work,) = [w for w in list_works(store) if w.key == "audit-2001"]
    finally:
        store.close()
    assert work.year == "1950"
    assert work.inferred == ['year 1950: the item gives the date as circa 1950 ("circa" in issued); coopsec keeps '
                             "the year, which is approximate"]


@pytest.mark.parametrize("circa", ["false", "0", '"0"'])
def test_a_csl_date_not_circa_says_nothing_of_it(tmp_path: Path, circa: str) -> None:
    text = _csl(tmp_path, f'{{"date-parts": [[1950]], "circa": {circa}}}').read_text(encoding="utf-8")
    ((work,), _) = read_csl_text(text, "x")
    assert (work.year, work.inferred) == ("1950", [])


def test_a_csl_circa_that_is_no_flag_is_refused(tmp_path: Path) -> None:
    message = _refused(_csl(tmp_path, '{"date-parts": [[1950]], "circa": [1950]}'))
    assert "record item 1 (audit-2001): field 'issued': circa must be true or false, not a list" in message


def test_a_number_given_as_a_csl_title_is_refused(tmp_path: Path) -> None:
    path = _csl(tmp_path, '{"date-parts": [[2001]]}', publisher="1999")
    text = path.read_text(encoding="utf-8").replace('"title": "T"', '"title": 1999')
    path.write_text(text, encoding="utf-8")
    message = _refused(path)
    assert "record item 1 (audit-2001): field 'title': must be text (a JSON string), not the number 1999: quote it " \
           '("title": "1999")' in message
    assert "field 'publisher'" in message and "quote it" in message
    path.write_text(text.replace('"title": 1999', '"title": true'), encoding="utf-8")
    message = _refused(path)  # no advice to write "True", Python's spelling of it
    assert "field 'title': must be text (a JSON string), not true/false\n" in message + "\n", message


def test_a_csl_title_of_spaces_is_refused(tmp_path: Path) -> None:
    # a title of spaces made a work with no title, which every citation then showed as blank
    path = _csl(tmp_path, '{"date-parts": [[2001]]}')
    path.write_text(path.read_text(encoding="utf-8").replace('"title": "T"', '"title": "   "'), encoding="utf-8")
    assert "record item 1 (audit-2001): field 'title': title is empty (only spaces): give the work's title" in \
        _refused(path)
    # any other text field of spaces only is none, as an empty one is (a publisher "   " was stored as such)
    blank = _csl(tmp_path, '{"date-parts": [[2001]]}', publisher='"   "', volume='"  "')
    [work] = read_csl_text(blank.read_text(encoding="utf-8"), "x")[0]
    assert (work.title, work.publisher, work.volume) == ("T", None, None)


def test_a_number_given_as_an_actor_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text("states:\n  - id: audit-land\n    iso3: null\n    name: 1999\n", encoding="utf-8")
    message = _refused(path)
    assert f"{path}:4: record audit-land: field 'name': name `1999` (YAML reads it as a number) must be text: " \
           'quote it (name: "1999")' in message



@pytest.mark.parametrize("written, read_as", [("false", "a boolean"), ("0", "a number")])
def test_a_false_actor_name_is_one_error_not_two(tmp_path: Path, written: str, read_as: str) -> None:
    """`name: false` was told twice: "every actor needs a name" and "must be text", for one mistake."""
    path = tmp_path / "actors.yaml"
    path.write_text(f"states:\n  - id: audit-land\n    iso3: null\n    name: {written}\n", encoding="utf-8")
    message = _refused(path)
    assert message == (f"{path}:4: record audit-land: field 'name': name `{written}` (YAML reads it as {read_as}) "
                       f'must be text: quote it (name: "{written}")'), message

@pytest.mark.parametrize("field, written, said", [
    ("iso3", "NO", "iso3 False is not a code of three capital letters, such as FRA"),  # YAML reads NO as false
    ("iso3", '"   "', "iso3 '   ' is not a code of three capital letters"),
    ("iso3", "fra", "iso3 'fra' is not a code of three capital letters"),
    ("cow_abb", "123", "cow_abb 123 is not a code of three capital letters, such as FRN"),
    ("cow", "true", "cow True is not a whole number"),  # int() read it as 1
    ("cow", "2.5", "cow 2.5 is not a whole number"),  # int() read it as 2, the United States
])
def test_an_ill_formed_state_code_is_refused(tmp_path: Path, field: str, written: str, said: str) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text(f"states:\n  - id: audit-land\n    name: Audit Land\n    {field}: {written}\n", encoding="utf-8")
    message = _refused(path)
    assert f"{path}:4: record audit-land: field '{field}': {said}" in message, message


@pytest.mark.parametrize("written", ['""', '"   "'])
def test_a_blank_actor_name_is_refused(tmp_path: Path, written: str) -> None:
    """`name: "   "` was accepted: the actor got a blank label, and every output named it with nothing."""
    path = tmp_path / "actors.yaml"
    path.write_text(f"states:\n  - id: audit-land\n    iso3: null\n    name: {written}\n", encoding="utf-8")
    message = _refused(path)
    assert message == f"{path}:4: record audit-land: field 'name': name is empty: give the actor's name", message


def test_a_blank_actor_note_or_role_is_none(tmp_path: Path) -> None:
    """A blank note or role is no note, as an empty one is: it was stored as an empty text."""
    path = tmp_path / "actors.yaml"
    path.write_text('people:\n  - id: audit-person\n    name: Ann\n    role: "  "\n    note: " "\n',
                    encoding="utf-8")
    batch, _ = parse_actors(path)
    stored = [t for ts in batch.graphs.values() for t in ts]
    assert stored and not {cs("role"), cs("note")} & {t.predicate for t in stored}, stored


ITEM = '{"id": "audit-2001", "type": "book", "title": "T", "author": [{"family": "Auditor"}], ' \
       '"issued": {"date-parts": [[2001]]}}'


@pytest.mark.parametrize("second, said", [
    (ITEM, "record item 2 (audit-2001): field 'id': repeats item 1 exactly, key 'audit-2001' and all"),
    (ITEM.replace('"T"', '"Another Title"'), "record item 2 (audit-2001): field 'id': the key 'audit-2001' is item "
                                             "1's too, and the two items differ"),
    (ITEM.replace('"id": "audit-2001"', '"id": "other", "citation-key": "audit-2001"'),
     "record item 2 (other): field 'citation-key': the key 'audit-2001' is item 1's too"),
    # a key read from the note was reported as field 'citation-key', which the item does not have
    (ITEM.replace('"id": "audit-2001"', '"id": "other", "note": "Read twice.\\nCitation Key: audit-2001"'),
     "record item 2 (other): field 'note': the key 'audit-2001', which this item's note gives on its line "
     '"Citation Key: audit-2001", is item 1\'s too, and the two items differ: a case citing \'audit-2001\' would '
     "mean either. Edit that line of the note (in Zotero, the item's Extra field)"),
    (ITEM.replace('"id": "audit-2001"', '"id": "other", "citationKey": "audit-2001"'),
     "record item 2 (other): field 'citationKey': the key 'audit-2001' is item 1's too"),
])
def test_a_csl_key_given_to_two_items_is_refused_not_suffixed(tmp_path: Path, second: str, said: str) -> None:
    """An export pasted twice became a phantom second work, audit-2001-b, as did another item under the same id."""
    path = tmp_path / "refs.json"
    path.write_text(f"[{ITEM},\n{second}]", encoding="utf-8")
    message = _refused(path)
    assert said in message and "audit-2001-b" not in message, message


CASE = """id: audit
label: An audit
kind: dyad

members: frn
events:
  - id: talks
    date: 1971
    type: Declaration
    by: [frn]
    towards: gmy
    label: Talks
    evidence: none-yet
    level: elite
"""


@pytest.mark.parametrize("name, text, said", [
    ("audit.yaml", CASE, ":5: record audit: field 'members': a case needs a list of members"),
    ("audit.yaml", CASE, ":11: record audit/talks: field 'towards': `towards` must be a list of actor ids"),
    ("audit.yaml", CASE.replace("members: frn", "members: [frn, gmy]\ncharacterised_as: Regime"),
     ":6: record audit: field 'characterised_as': characterised_as must be a list"),
    ("actors.yaml", "people:\n  - id: audit-person\n    name: Ann\n\n    status: colony\n",
     ":5: record audit-person: field 'status': status is for states"),
    ("notes.yaml", "chapter: booth-wheeler-2008\nfootnotes:\n  - footnote: 1\n    section: S\n    claim: C\n\n"
                   "    cites: booth-wheeler-2008\n",
     ":7: record footnote 1: field 'cites': `cites` must be a list of citations"),
    ("notes.yaml", "chapter: booth-wheeler-2008\nfootnotes:\n  - footnote: 1\n    section: S\n    claim: C\n"
                   "    cites: booth-wheeler-2008\n",
     ":6: record footnote 1: field 'cites': `cites` must be a list of citations, each {work: KEY, pages: ..., "
     "function: ...}, not 'booth-wheeler-2008': write each as a mapping in a list: cites: [{work: KEY, pages: '12'}]"),
    ("notes.yaml", "chapter: booth-wheeler-2008\n\nfootnotes: none\n",
     ":3: expected `chapter: KEY` and a `footnotes:` list, not 'none'"),
    # two more that were read letter by letter (one error per letter: unknown work 't', 'e', ...)
    ("audit.yaml", CASE.replace("members: frn", "members: [frn, gmy]\ncharacterised_as:\n  - concept: SecurityRegime"
                                "\n    work: booth-wheeler-2008\n    section: S\n    disputed_by: tetlock-1994"),
     ":10: record audit: field 'characterised_as.disputed_by': `disputed_by` must be a list of work keys"),
    ("actors.yaml", "societies:\n  - id: audit-society\n    name: Ann\n\n    states: frn\n",
     ":5: record audit-society: field 'states': `states` must be a list of state ids"),
])
def test_a_yaml_value_of_the_wrong_shape_is_told_at_its_own_line(tmp_path: Path, name: str, text: str,
                                                                 said: str) -> None:
    """`members: frn`, a scalar where a list belongs, was reported at line 1 (the mapping's), not at the key."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    message = _refused(path)
    assert f"{path}{said}" in message, message
    assert "unknown work 't'" not in message and "unknown state 'f'" not in message, message


@pytest.mark.parametrize("blank", ['""', '"   "'])
def test_a_blank_case_or_event_label_is_refused(tmp_path: Path, blank: str) -> None:
    """`label: "   "` was accepted for a case and an event, and stored as a blank label."""
    path = tmp_path / "audit.yaml"
    path.write_text(CASE.replace("members: frn", "members: [frn, gmy]").replace("towards: gmy", "towards: [gmy]")
                    .replace("label: An audit", f"label: {blank}").replace("label: Talks", f"label: {blank}"),
                    encoding="utf-8")
    lines = _refused(path).splitlines()  # with the unknown actors of an empty store
    assert f"{path}:2: record audit: field 'label': label is empty: give the case's label" in lines, lines
    assert f"{path}:12: record audit/talks: field 'label': label is empty: give the event's label" in lines, lines
    assert not [line for line in lines if "needs a label" in line], lines


def test_a_blank_case_description_or_note_is_none(tmp_path: Path) -> None:
    """A blank description or note is none, as an empty one is (it was stored as an empty text); a label left
    out is still told as missing."""
    path = tmp_path / "audit.yaml"
    text = CASE.replace("members: frn", 'members: [frn, gmy]\ndescription: "  "\nnote: " "').replace(
        "towards: gmy", 'towards: [gmy]\n    description: "  "')
    path.write_text(text, encoding="utf-8")
    _, registry = parse_actors(data_dir() / "actors.yaml")
    stored = {t.predicate for ts in parse_case(path, registry).graphs.values() for t in ts}
    assert RDFS_LABEL in stored and not {DESCRIPTION, cs("note")} & stored, stored
    path.write_text(text.replace("    label: Talks\n", ""), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        parse_case(path, registry)
    assert str(caught.value) == f"{path}:9: record audit/talks: field 'label': every event needs a label"


@pytest.mark.parametrize("replace", [[], ["--replace", "https://w3id.org/coopsec/graph/*"]])
def test_two_files_of_one_ingest_with_one_case_id_are_both_named(cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                 replace: list[str]) -> None:
    """The error named the second file and called the graph 'written by coopsec itself (init)'; with --replace
    the two files were merged into one case with two labels (exit 0)."""
    paths = []
    for folder in ("one", "two"):
        path = tmp_path / folder / "audit.yaml"
        path.parent.mkdir()
        path.write_text(CASE.replace("members: frn", "members: [frn, gmy]").replace("towards: gmy", "towards: [gmy]"),
                        encoding="utf-8")
        paths.append(str(path))
    result = cli("ingest", "--store", "memory:", *replace, *paths)
    assert result.code == 1, result.out
    assert f"{paths[1]}: holds the case 'audit', and so does {paths[0]}, given in the same ingest" in result.err
    assert "coopsec itself" not in result.err


def test_ingest_dataset_tells_every_bad_row_up_to_twenty(tmp_path: Path) -> None:
    """Only the first bad row of a data set file was reported: fixing a file took a run per row."""
    import csv

    from cooperative_security.ingest.ingest_dataset import dataset_graph, ingest_dataset

    good = Path(__file__).parent / "data" / "mid-slice.csv"
    rows = list(csv.reader(good.open(encoding="utf-8", newline="")))
    header, year, level = rows[0], rows[0].index("year"), rows[0].index("hostlev")
    bad = [header, *rows[1:4], [*rows[4][:year], "1700", *rows[4][year + 1:]], rows[5][:3]]
    bad += [[*row[:level], "9", *row[level + 1:]] for row in rows[6:29]]  # lines 7 to 29
    path = tmp_path / "mid.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(bad)
    store = open_store("memory:")
    try:
        ingest_dataset(store, "mid", good)
        target = dataset_graph("mid", path)
        before = store.count(target)
        with pytest.raises(InputError) as caught:
            ingest_dataset(store, "mid", path)
        assert store.count(target) == before > 0
    finally:
        store.close()
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{path}:5: field 'year': year 1700 is outside 1800-2100"
    assert lines[1] == f"{path}:6: expected 39 fields, found 3"
    assert lines[2] == f"{path}:7: field 'hostlev': hostility level 9 must be 1 to 5"
    assert len(lines) == 21 and lines[19].startswith(f"{path}:24: field 'hostlev'")
    assert lines[20] == f"{path}: and 5 more bad rows, not listed (the first 20 are): correct these and load the file again"


@pytest.mark.parametrize("reader, header, row", [
    ("wars:read", "warnum,ccode1,ccode2,year", "1,x,200,1914"),
    ("dyadyears:read", "ccode1,ccode2,year", "x,200,1914"),
    ("relevance:read_contiguity", "ccode1,ccode2,conttype,stdate,enddate", "x,200,1,1816-01-01,2016-12-31"),
    ("relevance:read_majors", "ccode,styear,endyear", "x,1816,2016"),
    ("relevance:read_distance", "ccode1,ccode2,year,mindist", "2,200,1914,far"),
])
def test_every_reader_tells_a_short_row_and_a_bad_value_together(tmp_path: Path, reader: str, header: str,
                                                                 row: str) -> None:
    """The readers ingest-dataset does not use (the dyad-year build's) stopped at their own first bad value
    and dropped the short rows set aside before it: a 2-field row on line 3 went untold."""
    import importlib

    module, name = reader.split(":")
    read = getattr(importlib.import_module(f"cooperative_security.ingest.datasets.{module}"), name)
    good = row.replace("x", "2").replace("far", "100")
    path = tmp_path / "file.csv"
    path.write_text(f"{header}\n{good}\n1,2\n{row}\n{good}\n", encoding="utf-8")
    args = (path, 1816, 2010) if reader == "dyadyears:read" else (path,)
    with pytest.raises(InputError) as info:
        list(read(*args))
    lines = [p.line for p in info.value.problems]
    assert lines == [3, 4], str(info.value)
    assert "expected " in info.value.problems[0].message and "found 2" in info.value.problems[0].message
