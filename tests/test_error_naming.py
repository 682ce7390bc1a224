"""A case file and an events CSV name a bad event the same way: `FILE:LINE: record CASE/EVENT: field F: ...`.

The two readers share the event checks, but the CSV's problems came out in the case file's terms or
without the case: a row of an unknown case was `record e4` where every other row's problem says
`record nocase/e4`; a row's work, pages or kind were `field 'evidence.work'`, `'evidence'`, `'evidence.kind'`,
columns the CSV does not have; an empty work was `work None is not a bibliography key` in both formats
(Python's None shown to the user); an empty date cell was `'' is not a date` where a case file without a date
says `missing date`. Each test runs `coopsec ingest` on one bad file of each format.
"""

from __future__ import annotations

from pathlib import Path

from small_cases import ONE_TREATY_CASE

HEADER = "case,id,date,type,by,level,label,work,pages\n"


def _errors(cli, path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    result = cli("ingest", str(path))
    assert result.code == 1 and "internal error" not in result.err, result.err
    return [" ".join(line.split()) for line in result.err.removeprefix("coopsec: error: ").splitlines()]


def test_a_work_left_out_is_named_alike_in_a_case_file_and_an_events_csv(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = tmp_path / "mine.yaml"
    case.write_text(ONE_TREATY_CASE.format(id="mine", work="milward-2006").replace(
        "{work: milward-2006, pages", "{pages"), encoding="utf-8")
    rows = tmp_path / "more.csv"
    rows.write_text(HEADER + "france-germany,extra,1960,LeadershipVisit,frn;gfr,elite,A visit,,5\n", encoding="utf-8")
    assert _errors(cli, case) == [
        f"{case}:15: record mine/first-move: field 'evidence.work': missing work: every source names one, "
        "a bibliography key like booth-wheeler-2008"]
    assert _errors(cli, rows) == [
        f"{rows}:2: record france-germany/extra: field 'work': missing work: every source names one, "
        "a bibliography key like booth-wheeler-2008"]


def test_an_events_csv_names_each_row_by_case_and_event_and_each_field_by_its_column(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = tmp_path / "more.csv"
    rows.write_text(HEADER + "nocase,e1,1960,LeadershipVisit,frn;gfr,elite,A visit,milward-2006,5\n"
                    "france-germany,e2,1960,LeadershipVisit,frn;gfr,elite,A visit,nobody-2000,5\n"
                    "france-germany,e3,1960,LeadershipVisit,frn;gfr,elite,A visit,milward-2006,\n"
                    "france-germany,e4,,LeadershipVisit,frn;gfr,elite,A visit,milward-2006,5\n", encoding="utf-8")
    assert _errors(cli, rows) == [
        f"{rows}:2: record nocase/e1: field 'case': unknown case 'nocase': ingest its case file first",
        f"{rows}:3: record france-germany/e2: field 'work': unknown work 'nobody-2000': add it to the bibliography "
        "first",
        f"{rows}:4: record france-germany/e3: field 'pages': a source needs pages (for a work; `pages: unverified` "
        "with a `note` if they cannot be checked), a section (for the chapter) or a record (for a data set)",
        f"{rows}:5: record france-germany/e4: field 'date': missing date: write YYYY, YYYY-MM or YYYY-MM-DD"]


def test_a_case_file_names_its_event_by_case_and_event_at_the_fields_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = tmp_path / "mine.yaml"
    case.write_text(ONE_TREATY_CASE.format(id="mine", work="nobody-2000").replace("date: 1951-04", 'date: ""'),
                    encoding="utf-8")
    assert _errors(cli, case) == [
        f"{case}:9: record mine/first-move: field 'date': missing date: write YYYY, YYYY-MM or YYYY-MM-DD",
        f"{case}:15: record mine/first-move: field 'evidence.work': unknown work 'nobody-2000': add it to the "
        "bibliography first"]


def test_an_event_without_a_level_is_refused_alike_in_a_case_file_and_an_events_csv(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # the level says whose trust an event shows (leaders' or societies'): a case file once took `elite` when
    # the key was left out, where the CSV refuses an empty cell and SHACL asks for one level
    without = tmp_path / "mine.yaml"
    without.write_text(ONE_TREATY_CASE.format(id="mine", work="milward-2006").replace("    level: elite\n", ""),
                       encoding="utf-8")
    empty = tmp_path / "empty" / "mine.yaml"
    empty.parent.mkdir()
    empty.write_text(ONE_TREATY_CASE.format(id="mine", work="milward-2006").replace("level: elite", 'level: ""'),
                     encoding="utf-8")
    rows = tmp_path / "more.csv"
    rows.write_text(HEADER + "france-germany,extra,1960,LeadershipVisit,frn;gfr,,A visit,milward-2006,5\n",
                    encoding="utf-8")
    needs = "every event needs a level: elite (leaders, officials) or societal (publics, societies)"
    assert _errors(cli, without) == [f"{without}:8: record mine/first-move: field 'level': {needs}"]
    assert _errors(cli, empty) == [f"{empty}:12: record mine/first-move: field 'level': {needs}"]
    assert _errors(cli, rows) == [f"{rows}:2: record france-germany/extra: field 'level': {needs}"]
