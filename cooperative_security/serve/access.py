"""Who may change the store of a ``--writable`` server: the Host, the Origin and the token an update needs.

A local server's store is changed only by a request naming one of the server's own hosts (a DNS-rebound
name is refused), from no page or the server's own (another site's page cannot post one), and with the
token when there is one; anything else is refused before the update is read.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from collections.abc import Collection
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

from .httperror import HttpError, shown

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
# a Host header: a name, an IPv4 address or a bracketed IPv6 one, and an optional port; nothing else (read as a
# URL's authority, a user name, a path, a query or a fragment were dropped without a word)
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::([0-9]{0,5}))?")


@dataclass(frozen=True)
class Access:
    """Who may change the store of a ``--writable`` server.

    An update needs a ``Host`` header naming one of ``hosts`` (so a DNS-rebound name is refused), an
    ``Origin`` that is absent or the server's own (so another site's page cannot post one), and, when
    ``token`` is set (``--token-file``), ``Authorization: Bearer TOKEN``.
    """

    hosts: frozenset[str] = frozenset(LOOPBACK_NAMES)
    token: str | None = None

    @classmethod
    def for_host(cls, host: str, extra: Collection[str] = (), token: str | None = None) -> Access:
        return cls(frozenset({*LOOPBACK_NAMES, host.lower().strip("[]"), *(h.lower().strip("[]") for h in extra)}),
                   token)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def authorise_update(access: Access, port: int, headers: Message) -> None:
    """Refuse an update from another site's page, through a rebound DNS name, or without the token
    (``headers``: the request's; ``port``: the one the server listens on)."""
    host_header = headers.get("Host") or ""
    host, host_port = _host_and_port(headers, port)
    if host not in access.hosts or host_port != port:
        raise HttpError(403, f"updates are refused for Host {host_header or '(none)'}: this server answers "
                             f"updates for {', '.join(sorted(access.hosts))} on port {port} (a foreign Host "
                             "is how DNS rebinding reaches a local server); add a name with --allow-host")
    origin = headers.get("Origin")
    if origin is not None:
        parts = urlsplit(origin)
        default = 443 if parts.scheme == "https" else 80
        try:
            origin_port = parts.port or default
        except ValueError:
            origin_port = -1
        if parts.scheme != "http" or (parts.hostname or "").lower() not in access.hosts or origin_port != port:
            raise HttpError(403, f"updates are refused from Origin {origin}: only pages of this server, or "
                                 "clients that send no Origin, may change the store (cross-site request "
                                 "forgery)")
    if access.token is not None:
        given = headers.get("Authorization") or ""
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), access.token.encode()):
            raise HttpError(401, "updates need the header Authorization: Bearer TOKEN, with the token in "
                                 "the server's --token-file")


def _host_and_port(headers: Message, default_port: int) -> tuple[str, int]:
    """``[::1]:8000`` -> ('::1', 8000); a missing port is the server's own, a missing Host ('', the port);
    several Host headers, or one that is not a host and an optional port, are a 400."""
    values = headers.get_all("Host") or []
    if len(values) > 1:
        raise HttpError(400, f"the request has {len(values)} Host headers: send one")
    header = values[0].strip() if values else ""
    if not header:
        return "", default_port
    match = _HOST.fullmatch(header)
    if match is None or int(match[2] or 0) > 65535:
        raise HttpError(400, f"the Host header {shown(header)} is not a host and an optional port (such as "
                             f"127.0.0.1:{default_port}): it may hold no user name (name@), path, query or space")
    return match[1].lower().strip("[]"), int(match[2]) if match[2] else default_port


__all__ = ["Access", "LOOPBACK_NAMES", "authorise_update", "is_loopback"]
