"""Checks a request's SPARQL text passes before any parser sees it: nesting depth, SERVICE and LOAD.

The SPARQL parser recurses once per level of nesting, so a query of a few kilobytes with thousands of
nested braces overflows its stack. The text is scanned here, in one linear pass that skips strings,
IRIs and comments, and refused with a 400 above :data:`MAX_DEPTH` levels.

``SERVICE`` makes the server send a request to any host the query names (server-side request
forgery), and ``LOAD`` makes a writable server fetch a URL. Both are refused unless the target's host
is on the server's ``--allow-service`` list. The scan is conservative: the keyword anywhere outside a
string, an IRI or a comment counts, and a SERVICE whose target is a variable or a prefixed name is
refused even for an allowed host (write the full IRI).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urlsplit

from .httperror import HttpError

#: the deepest nesting of ``{`` ``(`` ``[`` a query may have; 2,000 levels already took the parser
#: close to its stack's end, 5,000 overflowed it
MAX_DEPTH = 100

# \uXXXX and \UXXXXXXXX escapes are decoded before SPARQL is parsed (SPARQL 1.1 section 19.2), so
# ``SERVIC\u0045`` is SERVICE: decode them before scanning.
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n\r]*)
      | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
      | (?P<string>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][\w]+)
      | (?P<name>[A-Za-z_][\w.-]*:[\w.:%-]*|[A-Za-z_][\w-]*(?::[\w.:%-]*)?)
      | (?P<open>[{(\[])
      | (?P<close>[})\]])
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_FETCHING = {"SERVICE", "LOAD"}


def _decode_escapes(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _ESCAPE.sub(one, text)


def check_sparql(text: str, allowed_hosts: Collection[str] = (), max_depth: int = MAX_DEPTH,
                 what: str = "query") -> None:
    """Raise :class:`HttpError` (400 or 403) for text too deeply nested, or fetching from a host not allowed."""
    text = _decode_escapes(text)
    depth = deepest = 0
    pending: str | None = None  # SERVICE or LOAD, waiting for its target
    allowed = {h.lower().strip("[]") for h in allowed_hosts}
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        token = match.group()
        if kind == "open":
            depth += 1
            if depth > max_depth:
                line = text.count("\n", 0, match.start()) + 1
                raise HttpError(400, f"the {what} nests more than {max_depth} levels of brackets and braces "
                                     f"(line {line}): the server refuses deeper nesting before parsing; "
                                     "flatten it (a VALUES block or UNION instead of nested groups)")
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "comment" or (kind == "other" and token.isspace()):
            continue
        elif pending is not None:
            if kind == "name" and token.upper() == "SILENT":
                continue
            _check_target(pending, token if kind == "iri" else None, token, allowed)
            pending = None
        elif kind == "name" and token.upper() in _FETCHING:
            pending = token.upper()
    if pending is not None:
        _check_target(pending, None, "(nothing)", allowed)


def _check_target(keyword: str, iri: str | None, token: str, allowed: set[str]) -> None:
    how = ("start the server with --allow-service HOST to let queries reach that host"
           if keyword == "SERVICE" else "start the server with --allow-service HOST to let LOAD fetch from it")
    if iri is None:
        raise HttpError(403, f"{keyword} {token}: this server sends no request to other hosts unless they are "
                             f"allowed, and the target must be written as a full <IRI>; {how}")
    host = (urlsplit(iri[1:-1]).hostname or "").lower()
    if not allowed or host not in allowed:
        listed = f" (allowed: {', '.join(sorted(allowed))})" if allowed else ""
        raise HttpError(403, f"{keyword} {iri}: federation is off, this server sends no request to "
                             f"{host or 'that target'}{listed}; {how}")


__all__ = ["MAX_DEPTH", "check_sparql"]
