"""The one exception the server's parts raise for an answer other than 200, and the words of the refusals
http.server makes before the server sees a request."""

from __future__ import annotations

from http import HTTPStatus


class HttpError(Exception):
    """An answer other than 200, with the message a person reads."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def shown(text: str, limit: int = 100) -> str:
    """A client's text as an error message may quote it: control characters escaped, at most ``limit``
    characters (a name of 6,000 characters is not repeated back)."""
    text = text if len(text) <= limit else text[:limit] + "..."
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def protocol_error(status: int, detail: str | None) -> str:
    """One line for a request http.server refuses before any route sees it (``detail``: its own words)."""
    said = f" ({shown(detail)})" if detail else ""
    if status == 414:
        return ("the request line is longer than 65,536 bytes: send a long query in the body of a POST to /sparql "
                "(Content-Type application/sparql-query)")
    if status == 431:
        return (f"the request's headers are too large{said}: at most 100 headers, each under 65,536 bytes, and at "
                "most the server's --max-headers bytes in all")
    if status == 400:
        return (f"the request is malformed{said}: it must start with a line such as "
                "'GET /sparql?query=... HTTP/1.1', then headers, then an empty line")
    if status == 505:
        return f"unsupported HTTP version{said}: this server speaks HTTP/1.0 and HTTP/1.1"
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "refused"
    return f"{phrase.lower()}{said}"


__all__ = ["HttpError", "protocol_error", "shown"]
