"""What the SPARQL 1.1 Protocol asks of a request's parameters and body, each refusal a 400 that says what is
wrong: one operation per request, one value of a parameter, a body in UTF-8, no dataset parameter the server
would ignore."""

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
        raise HttpError(400, f"give exactly one {name} parameter (got {len(values)}; the URL and a form "
                             "body count together)")
    return values[0]


def merged(url: dict[str, list[str]], form: dict[str, list[str]]) -> dict[str, list[str]]:
    """A form POST's parameters: the body's, and any the URL gives too, counted together.

    SPARQL 1.1 Protocol (2.1.2, 2.2.1) puts every parameter of a form POST in its body and none in the URL;
    one there as well is neither dropped nor preferred: a query or update in both is two (a 400, where the
    body's silently won), and the graphs of ``default-graph-uri`` and ``named-graph-uri``, which may repeat,
    are all used."""
    return {key: [*url.get(key, []), *form.get(key, [])] for key in {*url, *form}}


def none_in_url(params: dict[str, list[str]], name: str) -> None:
    """A POST whose body is the query (or the update) itself: the URL gives no other (it was dropped without a
    word); SPARQL 1.1 Protocol (2.1.3, 2.2.2) lets its URL give only the graphs."""
    if name in params:
        raise HttpError(400, f"give exactly one {name} (got {1 + len(params[name])}: the body, and {name}= in "
                             "the URL); send the other as its own request")


def no_using(params: dict[str, list[str]]) -> None:
    """An update whose request names its dataset with ``using-graph-uri`` or ``using-named-graph-uri`` (SPARQL 1.1
    Protocol, 2.2.3), or with a query's ``default-graph-uri`` or ``named-graph-uri``: refused, as pyoxigraph's
    update takes no dataset (0.5.13) and the graphs were ignored without a word, so the update matched its WHERE
    in the default graph; the update's USING and USING NAMED say it."""
    given = [name for name in ("using-graph-uri", "using-named-graph-uri") if name in params]
    for name, using in (("default-graph-uri", "using-graph-uri"), ("named-graph-uri", "using-named-graph-uri")):
        if name in params:  # a query's dataset parameter (2.1.4) on an update: ignored as well, so refused
            raise HttpError(400, f"{name} names a query's dataset, not an update's (SPARQL 1.1 Protocol 2.2.3 calls "
                                 f"it {using}, which this server does not support either): write the graphs in the "
                                 "update, USING <graph> or USING NAMED <graph> before its WHERE")
    if given:
        raise HttpError(400, f"{' and '.join(given)} {'is' if len(given) == 1 else 'are'} not supported by this "
                             "server: write the graphs in the update instead, USING <graph> for using-graph-uri and "
                             "USING NAMED <graph> for using-named-graph-uri, after its delete and insert templates "
                             "and before its WHERE")


def utf8_text(raw: bytes) -> str:
    """A request body as text."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(400, "the request body is not UTF-8") from None


__all__ = ["merged", "no_using", "none_in_url", "one", "one_operation", "utf8_text"]
