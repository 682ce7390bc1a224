"""Whether a query names its own default graph with ``FROM``, so that the union default graph of the
embedded store and of the server does not replace it.

Their default graph is the union of all named graphs (``SELECT * { ?s ?p ?o }`` finds the data).
pyoxigraph's ``use_default_graph_as_union`` replaces the query's whole dataset, its ``FROM`` clauses
included (checked on pyoxigraph 0.5.13: ``SELECT (COUNT(*) AS ?n) FROM <g> { ?s ?p ?o }`` counted every
graph), and pyoxigraph does not show the dataset it parsed. So the text is read here: with strings, IRIs
and comments blanked out, the word ``FROM`` not followed by ``NAMED`` can only be the keyword of a
default-graph clause (SPARQL has no other use for it; ``?from``, ``ex:from``, ``from:x`` and ``"x"@from``
are names, and a subquery cannot have a dataset clause). A query with ``FROM NAMED`` only keeps the union
default graph, and the protocol's ``default-graph-uri`` wins over both, as SPARQL 1.1 Protocol says.
"""

from __future__ import annotations

import re

# The text a scan of SPARQL skips: comments, long and short strings and IRIs, whose words are no keywords
# (also the server's nesting check, serve/guard.py). A short string that does not close runs to the end of
# its line (SPARQL's cannot span lines, so the text does not parse anyway): one that failed to match would
# be scanned again from each later quote, which takes quadratic time on ``'\'\'\'...`` (a 200 KB request
# took minutes). A long string either closes or is tried once more only where no later one could close it.
COMMENT = r"\#[^\n\r]*"
LONG_STRING = r"""'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\""""
STRING = r"""'(?:[^'\\\n\r]|\\[^\n\r])*\\?(?:'|(?=[\n\r])|\Z)|"(?:[^"\\\n\r]|\\[^\n\r])*\\?(?:"|(?=[\n\r])|\Z)"""
IRI = r"""<[^<>"{}|^`\\\x00-\x20]*>"""
_HIDDEN = re.compile("|".join((COMMENT, LONG_STRING, STRING, IRI)), re.DOTALL)
# a name character of SPARQL (and a few more: '?', '$', '@', ':' before or ':' after make FROM part of a name)
_FROM = re.compile(r"(?<![\w.\-:?$@\u00b7])from(?![\w.\-:\u00b7])", re.IGNORECASE)
_NAMED = re.compile(r"\s*named(?![\w.\-:\u00b7])", re.IGNORECASE)


def names_default_graph(text: str) -> bool:
    """True when the query has a ``FROM <graph>`` clause (``FROM NAMED`` alone is not one).

    >>> names_default_graph("SELECT * FROM <urn:g> { ?s ?p ?o }")
    True
    >>> names_default_graph("SELECT ?from FROM NAMED <urn:g> { GRAPH ?g { ?s ?p 'from' } } # from")
    False
    """
    bare = _HIDDEN.sub(lambda m: " " * len(m.group()), text)
    return any(not _NAMED.match(bare, m.end()) for m in _FROM.finditer(bare))


__all__ = ["names_default_graph"]
