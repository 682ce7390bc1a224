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
# one label of a host name (RFC 1123, and '_' as names of local services have it)
_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")
_PORT = re.compile(r"(?::([0-9]{0,5}))?")


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
        return cls(frozenset({*LOOPBACK_NAMES, *(_canonical(h.strip("[]")) for h in (host, *extra))}), token)


def _canonical(host: str) -> str:
    """A host as :attr:`Access.hosts` holds it: an address in ipaddress's words (``0::1`` is ``::1``), a name
    in lower case."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host.lower()


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
        raise HttpError(403, f"updates are refused for Host {shown(host_header) or '(none)'}: this server answers "
                             f"updates for {', '.join(sorted(access.hosts))} on port {port} (a foreign Host "
                             "is how DNS rebinding reaches a local server); add a name with --allow-host")
    origin = headers.get("Origin")
    if origin is not None:
        try:
            parts = urlsplit(origin)
            scheme, hostname, origin_port = parts.scheme, (parts.hostname or "").lower(), parts.port or 80
        except ValueError:  # no URL (an unclosed [, a port that is no number): no page of this server
            scheme, hostname, origin_port = "", "", -1
        if scheme != "http" or hostname not in access.hosts or origin_port != port:
            raise HttpError(403, f"updates are refused from Origin {shown(origin)}: only pages of this server, or "
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
    parsed = _parse_host(header)
    if parsed is None:
        raise HttpError(400, f"the Host header {shown(header)} is not a host and an optional port (such as "
                             f"127.0.0.1:{default_port}): it may hold no user name (name@), path, query or space")
    return parsed[0], parsed[1] if parsed[1] is not None else default_port


def _parse_host(header: str) -> tuple[str, int | None] | None:
    """A Host header as (host, port or None), the host as :func:`_canonical` writes it; None unless it is a
    host name (labels of letters, digits, '-' and '_'; one ending in digits only an IPv4 address), an IPv4
    address or a bracketed IPv6 one (both read by ipaddress), and an optional port from 0 to 65535: a user
    name, a path, a query or a fragment (dropped without a word when it was read as a URL's authority) is
    none of these."""
    if header.startswith("["):
        inside, bracket, rest = header[1:].partition("]")
        try:
            address = ipaddress.IPv6Address(inside)
        except ValueError:
            return None
        if not bracket or address.scope_id:  # [fe80::1%eth0]: a zone is no part of a URL's host
            return None
        host = str(address)
    else:
        host, colon, port_text = header.partition(":")
        rest = colon + port_text
        labels = host.split(".")
        if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
            return None
        if labels[-1].isdigit():  # 1.2.3.999, 10: not a name, and no IPv4 address either
            try:
                host = str(ipaddress.IPv4Address(host))
            except ValueError:
                return None
        host = host.lower()
    port = _PORT.fullmatch(rest)
    if port is None or int(port[1] or 0) > 65535:
        return None
    return host, int(port[1]) if port[1] else None


def own_authority(access: Access, port: int, headers: Message) -> str | None:
    """The authority of this server's URLs as the request's ``Host`` names it (``localhost:8000``, a proxy's
    ``data.example.org``), if that is one of ``access.hosts`` on ``port`` (the names an update is accepted
    under); None for any other Host (a foreign name, a malformed or a doubled one, none): a foreign name is
    not repeated back as this server's."""
    values = headers.get_all("Host") or []
    parsed = _parse_host(values[0].strip()) if len(values) == 1 else None
    if parsed is None or parsed[0] not in access.hosts or (port if parsed[1] is None else parsed[1]) != port:
        return None
    host = f"[{parsed[0]}]" if ":" in parsed[0] else parsed[0]
    return host if parsed[1] is None else f"{host}:{parsed[1]}"


__all__ = ["Access", "LOOPBACK_NAMES", "authorise_update", "is_loopback", "own_authority"]
