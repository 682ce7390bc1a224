"""The dates of CSL-JSON items: whether date-parts make a real date, and what year a ``literal`` date gives.

A ``literal`` is text a citation processor shows as written (citeproc-py prints it so and sorts it as
text, reading no year from it). coopsec needs the year, so it reads one only where the literal
is exactly a year (``"1950"``) or an ISO date (``"1950-05-09"``, as a ``raw`` date is read), keeps a
literal with no number as text (``"forthcoming"``), and refuses any other (``"circa 1950"``,
``"Spring 1998"``, ``"2001/2002"``), as it refuses a ``raw`` date it cannot read for sure, saying which
``date-parts`` to write instead. It never cuts such a literal to its first year.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from .base import parse_date

#: months that name seasons, as citeproc-js reads them: 13 to 16 (and EDTF's 21 to 24) are spring to winter
SEASONS = frozenset((13, 14, 15, 16, 21, 22, 23, 24))


def quote(key: str, value: object) -> str:
    """The advice for a number where text belongs (``1999`` -> ``"1999"``); none for true or false."""
    if isinstance(value, float) and not math.isfinite(value):
        return f': leave "{key}" out where there is none, or give it as text'
    plain_number = isinstance(value, int | float) and not isinstance(value, bool)
    return f': quote it ("{key}": "{value}")' if plain_number else ""


def shape(value: Any) -> str:
    """What a JSON value is, for a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float) and math.isnan(value):
        return "NaN, which is no number (some exporters, such as pandas, write it where a value is missing)"
    if isinstance(value, float) and math.isinf(value):
        return f"{'-' if value < 0 else ''}Infinity, which is no number a bibliography holds"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    text = value if len(value) <= 60 else value[:57] + "..."
    return f"the text {text!r}"


def part(value: Any) -> int | None | str:
    """A month or day of date-parts as a number, None when absent, or what is wrong with it."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 4:
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be a whole number, not {shape(value)}"
    return value


def impossible(date: list[Any]) -> str | None:
    """What is impossible in one [year, month, day] of date-parts (a month 13 or a day 32), or None."""
    if len(date) > 3:
        return f"a date in date-parts is [year, month, day], and {json.dumps(date)} has {len(date)} parts"
    month, day = (part(v) for v in (*date[1:], None, None)[:2])
    for name, value in (("month", month), ("day", day)):
        if isinstance(value, str):
            return f"the {name} in date-parts {value}"
    if all(v in (0, None, "") for v in date):  # an open end of a range, as citeproc reads it
        return None
    year = part(date[0]) if isinstance(date[0], str) and len(date[0].strip()) == 4 else date[0]
    year = year if isinstance(year, int) and 1 <= year <= 9999 else 2000  # a leap year: a day is not refused for it
    fix = "; correct it (or give only the year, such as [[2001]])"
    if month is None:
        return None if day is None else f"the date-parts {json.dumps(date)} give a day but no month{fix}"
    assert isinstance(month, int) and not isinstance(day, str)
    if month in SEASONS:
        return None if day is None else f"the date-parts {json.dumps(date)} give a day in a season (month {month}){fix}"
    if not 1 <= month <= 12:
        return (f"the month {month} in date-parts {json.dumps(date)} is no month: months are 1 to 12 (13 to 16 and "
                f"21 to 24 are spring to winter){fix}")
    if day is not None and not 1 <= day <= 31:
        return f"the day {day} in date-parts {json.dumps(date)} is no day: days are 1 to 31{fix}"
    try:
        dt.date(year, month, 1 if day is None else day)
    except ValueError as exc:
        return f"the date-parts {json.dumps(date)} are no date ({exc}){fix}"
    return None


_YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
_CIRCA = re.compile(r"\b(?:circa|ca|c|about|approx(?:imately)?)\b\.?", re.IGNORECASE)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
#: season words -> the month citeproc-js reads as that season
_SEASON_MONTH = {"spring": 13, "summer": 14, "autumn": 15, "fall": 15, "winter": 16}


def literal_year(value: str) -> str:
    """The year of a ``literal`` date that is exactly one (``"1950"``), or the literal as it is when it holds no
    number (``"forthcoming"``); ValueError, saying which date-parts to give, for any other."""
    text = value.strip()
    if re.fullmatch(r"[0-9]{4}", text):
        if text == "0000":
            raise ValueError(f"the year 0000 in {value!r} is outside 1 to 9999")
        return text
    if not re.search(r"\d", text):
        return value
    try:  # 1950-05 or 1950-05-09: a date in the form coopsec reads everywhere, as a raw date is read
        return parse_date(text).earliest.strftime("%Y")
    except ValueError:
        pass
    years = _YEAR.findall(text)
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text) if len(w) >= 3}  # a month's name or its abbreviation
    months = [n for n, name in enumerate(_MONTHS, 1) if any(name.startswith(w) for w in words)]
    seasons = [month for word, month in _SEASON_MONTH.items() if re.search(rf"\b{word}\b", text, re.IGNORECASE)]
    if len(years) == 1 and len(seasons) == 1:
        fix, read = f'{{"date-parts": [[{years[0]}, {seasons[0]}]]}}', " (months 13 to 16 are spring to winter)"
    elif len(years) == 1 and re.search(rf"{years[0][:3]}0'?s\b", text):  # the 1950s
        fix = f'{{"date-parts": [[{years[0]}], [{years[0][:3]}9]]}}'
        read = f" (a range: coopsec reads its first year, {years[0]})"
    elif len(years) == 1 and len(months) == 1:
        fix, read = f'{{"date-parts": [[{years[0]}, {months[0]}]]}}', " (with the day as a third part if it has one)"
    elif len(years) == 1 and _CIRCA.search(text):
        fix, read = f'{{"date-parts": [[{years[0]}]], "circa": true}}', ""
    elif len(years) == 1:
        fix, read = f'{{"date-parts": [[{years[0]}]]}}', ""
    elif len(years) == 2:
        fix = f'{{"date-parts": [[{years[0]}], [{years[1]}]]}}'
        read = f" (a range: coopsec reads its first year, {years[0]})"
    else:
        fix, read = '{"date-parts": [[2001, 5, 9]]}', ""
    raise ValueError(f"literal: {value!r} is not read as a year: coopsec reads a literal date only when it is "
                     "exactly a year, such as \"1950\" (and keeps one with no number, such as \"forthcoming\", as "
                     f"text); give the date as {fix}{read}")
