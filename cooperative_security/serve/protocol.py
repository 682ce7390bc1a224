"""What the SPARQL 1.1 Protocol asks of a request's parameters and body, each refusal a 400 that says what is
wrong: one operation per request, one value of a parameter, a body in UTF-8."""

from __future__ import annotations

from .httperror import HttpError


def one_operation(both: bool) -> None:
    """A request carries a query or an update, never both (one was silently dropped)."""
    if both:
        raise HttpError(400, "a request carries one operation: this one has both a query and an update (in "
                             "the body and the URL's query=/update=); send them as two requests")


def one(params: dict[str, list[str]], name: str) -> str:
    """The one value of the parameter ``name``."""
    values = params.get(name, [])
    if len(values) != 1:
        raise HttpError(400, f"give exactly one {name} parameter (got {len(values)})")
    return values[0]


def utf8_text(raw: bytes) -> str:
    """A request body as text."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(400, "the request body is not UTF-8") from None


__all__ = ["one", "one_operation", "utf8_text"]
