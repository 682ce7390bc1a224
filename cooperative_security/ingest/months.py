"""The month of a work's date, stored by its name (``May``) whichever format gave it.

CSL-JSON gives a month as the second of its ``date-parts`` (1 to 12, and 13 to 16 or 21 to 24 for spring
to winter, as citeproc-js reads them) or in a ``raw`` date (``1999-05``); BibTeX as ``month = may`` (a
macro), ``{may}``, ``{May}`` or ``{5}``; BibLaTeX in its ``date`` (``1999-05``). Each becomes the month's
English name, so that one work gives the same ``cs:month`` from every format.

>>> month_name(5), month_name(13), bibtex_month("may"), bibtex_month("{5}"), bibtex_month("Sept."), iso_month("1999-05")
('May', 'Spring', 'May', 'May', 'September', 'May')
"""

from __future__ import annotations

import re

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
#: the months CSL gives seasons as (13 to 16, and EDTF's 21 to 24), by name
SEASONS = {13: "Spring", 14: "Summer", 15: "Autumn", 16: "Winter", 21: "Spring", 22: "Summer", 23: "Autumn",
           24: "Winter"}
_SEASON_WORDS = {"spring": "Spring", "summer": "Summer", "autumn": "Autumn", "fall": "Fall", "winter": "Winter"}
_ISO = re.compile(r"^\s*-?\d{4}-(\d{2})")


def month_name(number: int) -> str | None:
    """The name of month ``number`` (1 to 12) or of a CSL season (13 to 16, 21 to 24); None for any other."""
    if 1 <= number <= 12:
        return MONTHS[number - 1]
    return SEASONS.get(number)


def bibtex_month(value: str) -> str:
    """A BibTeX ``month`` by name: a number (``5``, ``05``), a name or its abbreviation of three letters or
    more (``may``, ``Sept.``), or a season; any other text (``May 5``, ``May-June``) is kept as written."""
    text = value.strip().strip("{}").strip().rstrip(".").strip()
    if text.isdigit():
        return month_name(int(text)) or value.strip()
    word = text.lower()
    if word in _SEASON_WORDS:
        return _SEASON_WORDS[word]
    if len(word) >= 3 and word.isalpha():
        found = [name for name in MONTHS if name.lower().startswith(word)]
        if len(found) == 1:
            return found[0]
    return value.strip()


def iso_month(date: str) -> str | None:
    """The month of an ISO date with one (``1999-05``, ``1999-05-09``, ``1999-05/1999-06``: the first); None
    for a year alone."""
    match = _ISO.match(date)
    return month_name(int(match[1])) if match else None
