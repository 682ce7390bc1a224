"""Cross-origin reads, opt-in (``coopsec serve --cors ORIGIN``): which web pages may read the server's answers.

Without ``--cors`` no answer carries a CORS header, so a browser lets no other site's script read one. With
it, an answer to a request whose ``Origin`` is one of the named origins carries
``Access-Control-Allow-Origin: <that origin>``, and every answer ``Vary: Origin`` (a cache must not give one
origin's answer to another). The preflight a browser sends before a POSTed query (``OPTIONS`` with
``Origin`` and ``Access-Control-Request-Method``) is answered 204 with the methods, headers and how long
to keep them; one from another origin gets 204 with no CORS header, which the browser takes as a refusal.

Only exact origins are taken: ``*`` (or ``null``, what sandboxed pages and files send) would let any page
a researcher opens read the private cases of the server on their machine. Updates stay where
:mod:`.access` puts them: an update from another origin is refused whatever ``--cors`` says, and
``Authorization`` is not among the headers a page may send.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message

from ..errors import UsageError
from .httperror import shown

METHODS = "GET, POST, OPTIONS"
HEADERS = "Content-Type, Accept"
MAX_AGE = "600"  # seconds a browser may keep a preflight's answer
EXPOSED = "Link"  # a page reads the next page's address from it (RFC 8288)
_ORIGIN = re.compile(r"(https?)://([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?|\[[0-9a-f:.]{2,45}\])(?::([0-9]{1,5}))?")
_DEFAULT_PORT = {"http": 80, "https": 443}


def check_origin(text: str) -> str:
    """``text`` as a browser writes it in ``Origin`` (scheme and host in lower case, no default port), or a
    :class:`UsageError` naming ``--cors``.

    >>> check_origin("HTTPS://Example.org:443")
    'https://example.org'
    """
    if text.strip() in ("*", "null"):
        raise UsageError(f"--cors {text.strip()}: name each origin that may read this server (such as "
                         "https://example.org); a wildcard, or null (what sandboxed pages and local files send), "
                         "would let any web page you open read everything the server holds, private cases included")
    match = _ORIGIN.fullmatch(text.strip().lower())
    port = int(match[3]) if match and match[3] else None
    if match is None or port is not None and not 0 < port <= 65535:
        raise UsageError(f"--cors {shown(text)}: not an origin: give a scheme (http or https), a host and an "
                         "optional port, and nothing after them (not even a /), such as https://example.org or "
                         "http://localhost:3000")
    scheme, host = match[1], match[2]
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != _DEFAULT_PORT[scheme] else "")


@dataclass(frozen=True)
class Cors:
    """The origins whose pages may read the answers (none: CORS is off and no answer says a word of it)."""

    origins: frozenset[str] = frozenset()

    @classmethod
    def of(cls, origins: Iterable[str]) -> Cors:
        return cls(frozenset(check_origin(o) for o in origins))

    def _allowed(self, headers: Message | None) -> str | None:
        values = (headers.get_all("Origin") or []) if headers is not None else []
        return values[0] if len(values) == 1 and values[0] in self.origins else None

    def is_preflight(self, headers: Message) -> bool:
        """Whether an OPTIONS request is a browser's preflight on a server with ``--cors``."""
        return bool(self.origins) and headers.get("Origin") is not None \
            and headers.get("Access-Control-Request-Method") is not None

    def headers(self, request: Message | None) -> dict[str, str]:
        """The CORS headers of an answer to ``request`` (its headers; None when they could not be read)."""
        if not self.origins:
            return {}
        origin = self._allowed(request)
        if origin is None:
            return {}
        return {"Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": EXPOSED}

    def preflight(self, request: Message) -> dict[str, str]:
        """The headers of the 204 that answers a preflight: none of CORS's for an origin not named."""
        allowed = self.headers(request)
        if not allowed:
            return {}
        return {**allowed, "Access-Control-Allow-Methods": METHODS, "Access-Control-Allow-Headers": HEADERS,
                "Access-Control-Max-Age": MAX_AGE}


__all__ = ["Cors", "check_origin"]
