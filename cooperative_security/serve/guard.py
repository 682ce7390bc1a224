"""Checks a request's SPARQL text passes before any parser sees it: nesting depth, SERVICE and LOAD.

The SPARQL parser recurses once per level of nesting, so a query of a few kilobytes with thousands of
nested braces overflows its stack. The text is scanned here, in one linear pass that skips strings,
IRIs and comments, and refused with a 400 above :data:`MAX_DEPTH` levels. That scan is a courtesy (a
clear 400 at once): a text built to mislead it still only crashes the worker process that parses it,
which the pool replaces (:mod:`.pool`), so the server stays up either way.

``SERVICE`` makes the server send a request to any host the query names (server-side request
forgery), and ``LOAD`` makes a writable server fetch a URL. Both are refused unless the target's host
is on the server's ``--allow-service`` list. This check must never be misled, so it does not tokenize
(a scan that skips strings can be desynchronised from oxigraph's parser: ``'\\u0027'`` is one
character for oxigraph, and ``1<'a>'`` a comparison). Oxigraph matches its keywords without word
boundaries (``1SERVICE``, ``SERVICEs:x`` and ``LOADSILENT<...>`` all fetch; checked on pyoxigraph
0.5.13), so every place where the letters ``service`` or ``load`` occur, in any case, inside strings,
IRIs and comments too, is read as a keyword, with what follows it (spaces, comments, an optional
``SILENT``) read as its target:

- a full ``<IRI>`` (escapes decoded) passes only if it is http(s) and its host is allowed;
- a variable or a prefixed name (possible targets whose value the scan cannot know) is refused;
- anything else cannot be a target, so those letters are no keyword (``services are``, ``download``).

The price is a refusal, never a fetch, for a query whose text holds such a word before a variable, a
prefixed name or an IRI (``"customer service ?"``, ``?service ?p``): the message says how to reword it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection
from urllib.parse import urlsplit

from ..store.dataset import COMMENT, IRI, LONG_STRING, STRING
from .httperror import HttpError, shown

#: the deepest nesting of ``{`` ``(`` ``[`` a query may have; 2,000 levels already took the parser
#: close to its stack's end, 5,000 overflowed it
MAX_DEPTH = 100

# \uXXXX and \UXXXXXXXX escapes (SPARQL 1.1 section 19.2 decodes them before parsing; oxigraph only in
# strings and IRIs): the keyword scan reads the text both as written and decoded
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# the text the nesting check skips (comments, strings, IRIs: store/dataset.py, linear on any text), and brackets
_TOKEN = re.compile(f"(?P<skipped>{COMMENT}|{LONG_STRING}|{STRING}|{IRI})"
                    r"|(?P<open>[{(\[])|(?P<close>[})\]])|(?P<other>.)", re.DOTALL)
_KEYWORD = re.compile(r"service|load", re.IGNORECASE)
_SILENT = re.compile(r"silent", re.IGNORECASE)
_IRI = re.compile(r"<((?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*)>")
_VARIABLE = re.compile(r"[?$]")
# a prefixed name: an optional prefix and a colon. SPARQL's prefix characters are ASCII letters, digits,
# '_', '-', '.' and wide ranges of other characters (oxigraph takes '€' and the zero-width joiner): every
# character outside ASCII counts, which is more than the grammar's and so refuses more, never less
_NAME_RUN = re.compile(r"[A-Za-z0-9_.\-\u0080-\U0010FFFF]+")


def _decode_escapes(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _ESCAPE.sub(one, text)


def check_sparql(text: str, allowed_hosts: Collection[str] = (), max_depth: int = MAX_DEPTH,
                 what: str = "query") -> None:
    """Raise :class:`HttpError` (400 or 403) for text too deeply nested, or fetching from a host not allowed."""
    _check_depth(text, max_depth, what)
    allowed = {h.lower().strip("[]") for h in allowed_hosts}
    decoded = _decode_escapes(text)
    for body in (text, decoded) if decoded != text else (text,):
        prefixed, gaps = _Prefixed(body), _Gaps(body)
        for match in _KEYWORD.finditer(body):
            _check_targets(body, match, allowed, prefixed, gaps)


class _Gaps:
    """Where the spaces and comments that start at a position end, each position worked out once (a text
    of many keywords, each followed by the same long run of comments, would otherwise take quadratic time:
    ``load#load#...``). Any character Python counts as a space counts here, which is more than SPARQL's:
    skipping one more character before a target still finds the target (a prefixed name's colon, an IRI)."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.known: dict[int, int] = {}
        self.newlines = [m.start() for m in re.finditer(r"[\n\r]", body)]

    def end(self, position: int) -> int:
        body, known, trail = self.body, self.known, []
        at = position
        while at < len(body) and at not in known:
            trail.append(at)
            if body[at].isspace():
                at += 1
            elif body[at] == "#":
                following = bisect.bisect_left(self.newlines, at)  # a comment runs to the end of its line
                at = self.newlines[following] if following < len(self.newlines) else len(body)
            else:
                break
        result = known.get(at, at)
        for p in trail:
            known[p] = result
        return result


class _Prefixed:
    """Whether a prefixed name starts at a position: in one pass over the text, not one per keyword (a
    text of many keywords before one long name would otherwise take quadratic time)."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.colon_after: dict[int, bool] = {}  # start of each run of name characters -> a colon ends it
        self.run_of = [-1] * (len(body) + 1)  # position -> start of the run it is in, or -1
        for run in _NAME_RUN.finditer(body):
            self.colon_after[run.start()] = body.startswith(":", run.end())
            self.run_of[run.start():run.end()] = [run.start()] * (run.end() - run.start())

    def at(self, position: int) -> bool:
        if self.body.startswith(":", position):
            return True
        start = self.run_of[position]
        return start >= 0 and self.colon_after[start]


def _check_depth(text: str, max_depth: int, what: str) -> None:
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > max_depth:
                line = text.count("\n", 0, match.start()) + 1
                raise HttpError(400, f"the {what} nests more than {max_depth} levels of brackets and braces "
                                     f"(line {line}): the server refuses deeper nesting before parsing; "
                                     "flatten it (a VALUES block or UNION instead of nested groups)")
        elif kind == "close":
            depth = max(0, depth - 1)


def _check_targets(body: str, keyword: re.Match[str], allowed: set[str], prefixed: _Prefixed,
                   gaps: _Gaps) -> None:
    """Check what could follow ``keyword`` as its target, with and without a SILENT between."""
    name = keyword.group().upper()
    after = gaps.end(keyword.end())
    starts = [after]
    silent = _SILENT.match(body, after)
    if silent:
        starts.append(gaps.end(silent.end()))
    for at in starts:
        iri = _IRI.match(body, at)
        if iri:
            _check_iri(name, _decode_escapes(iri.group(1)), iri.group(), allowed)
        elif body.startswith("<", at) or _VARIABLE.match(body, at) or prefixed.at(at):
            line = body.count("\n", 0, keyword.start()) + 1
            quoted = shown(repr(body[keyword.start():at + 20].split("\n")[0]))
            raise HttpError(403, f"{quoted} (line {line}): this server sends no request to other hosts, and "
                                 f"the letters {keyword.group()!r} followed by a variable, a prefixed name or an "
                                 f"IRI read as {name}, even inside a string, an IRI or a comment. Write a "
                                 f"{name} target as a full <IRI> of a host started with --allow-service HOST; "
                                 "elsewhere, reword the text (another variable name, or the word split in "
                                 "a string with CONCAT)")


def _check_iri(keyword: str, iri: str, written: str, allowed: set[str]) -> None:
    how = ("start the server with --allow-service HOST to let queries reach that host"
           if keyword == "SERVICE" else "start the server with --allow-service HOST to let LOAD fetch from it")
    try:
        parts = urlsplit(iri)
        host = (parts.hostname or "").lower() if parts.scheme.lower() in ("http", "https") else ""
    except ValueError:  # not a URL (an unclosed [ of an IPv6 host, a bad port): not an allowed host either
        host = ""
    if not allowed or host not in allowed:
        listed = f" (allowed: {', '.join(sorted(allowed))})" if allowed else ""
        raise HttpError(403, f"{keyword} {shown(written)}: federation is off, this server sends no request to "
                             f"{shown(host) or 'that target'}{listed}; {how} (the letters "
                             f"{keyword.lower()!r} before an IRI read as {keyword}, even inside a string, an "
                             "IRI or a comment)")


__all__ = ["MAX_DEPTH", "check_sparql"]
