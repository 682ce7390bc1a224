"""Load a SPARQL query from ``queries/`` by name and describe its parameters.

Every ``.rq`` file starts with a comment header::

    # Subtypes of a concept
    #
    # Answers: every class below the concept, directly or not.
    # Parameters:
    #   ?concept iri  the concept, e.g. cs:SecurityRegime

Parameters are never pasted into the query text: the store binds them (see
:meth:`cooperative_security.store.Store.select`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from .errors import UsageError
from .namespaces import XSD, expand
from .resources import queries_dir

#: ``#   ?name kind  what it is``, or ``#   ?name kind optional  what it is`` for one the query may run without
_PARAM = re.compile(r"^#\s+\?(?P<name>\w+)\s+(?P<kind>iri|string|folded|integer|date|decimal)"
                    r"(?:\s+(?P<optional>optional)\b)?\s+(?P<doc>.*)$")
#: a column that joins several values with a separator (a GROUP_CONCAT), and how its items are ordered
_LIST = re.compile(r'^#\s+\?(?P<name>\w+)\s+(?P<order>text|pages)\s+"(?P<separator>[^"]+)"')
_NUMBER = re.compile(r"\d+")
#: pyoxigraph's syntax error: ``error at LINE:COLUMN: expected one of ITEM, ITEM...``
_SYNTAX = re.compile(r"error at (?P<line>\d+):(?P<column>\d+)(?:-\d+:\d+)?: (?P<what>.*)", re.DOTALL)
#: an item of its list: a quoted token, a character class, or a keyword or message
_ITEM = re.compile(r'"[^"]*"|\[[^\]]*\]|[^,\["]+')


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    doc: str
    #: the query answers without it too (``store-graph-counts``: every graph, or the one ``?g`` names)
    optional: bool = False

    def to_term(self, value: str) -> ox.NamedNode | ox.Literal:
        """Turn a command-line value into an RDF term of the declared kind."""
        try:
            if self.kind == "iri":
                return ox.NamedNode(expand(value))
            if self.kind == "integer":
                return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
            if self.kind == "decimal":
                return ox.Literal(str(float(value)), datatype=ox.NamedNode(XSD + "decimal"))
            if self.kind == "date":
                return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
            if self.kind == "folded":  # compared with a LCASE() of the data: any case matches
                return ox.Literal(" ".join(value.lower().split()))
            return ox.Literal(value)
        except ValueError as exc:
            raise UsageError(f"parameter {self.name}: {value!r} is not a valid {self.kind}: {exc}") from exc


@dataclass(frozen=True)
class ListColumn:
    """A column whose cells join several values with ``separator``. SPARQL leaves the order of the values in a
    GROUP_CONCAT open (engines differ, and an ordered subquery promises nothing), so coopsec orders them:
    ``text`` as text, ``pages`` by the first number in them wherever it stands (``5`` before ``10``, ``p. 5``
    before ``157``), then those without a number (``unverified``) as text."""

    name: str
    order: str
    separator: str

    def arrange(self, cell: str) -> str:
        """``cell``'s items, each once, in order, joined with the separator again."""
        items = {item.strip() for item in cell.split(self.separator)} - {""}

        def page(item: str) -> tuple[int, int, str]:
            number = _NUMBER.search(item)
            return (0, int(number.group(0)), item) if number else (1, 0, item)

        return self.separator.join(sorted(items, key=page if self.order == "pages" else None))


@dataclass(frozen=True)
class Query:
    name: str
    path: Path
    text: str
    title: str
    answers: str
    parameters: tuple[Parameter, ...] = field(default=())
    #: the columns that list values (header lines such as ``#   ?pages pages ", "``), ordered by :meth:`arrange`
    lists: tuple[ListColumn, ...] = field(default=())

    def arrange(self, row: dict[str, str | None]) -> dict[str, str | None]:
        """A row of plain values with the items of each list column in order, whatever order the engine gave."""
        columns = {c.name: c for c in self.lists}
        return {key: (columns[key].arrange(value) if key in columns and value is not None else value)
                for key, value in row.items()}

    def syntax_error(self, exc: SyntaxError) -> UsageError:
        """What pyoxigraph's ``exc`` says about this query's text, as ``FILE:LINE: ...``: its lines are the
        file's (the header is part of the text sent, and bound parameters follow the last line)."""
        said = " ".join(str(exc).split())
        match = _SYNTAX.fullmatch(said)
        if not match:
            return UsageError(f"{self.path}: query {self.name} does not parse: {said}; correct the file")
        line, column = int(match["line"]), int(match["column"])
        where = f"line {line}, column {column}"
        if line > len(self.text.splitlines()):
            line, where = len(self.text.splitlines()), "the end of the file (a bracket, brace or quote left open?)"
        what = match["what"]
        if what.startswith("expected "):
            items = [i.strip() for i in _ITEM.findall(what.removeprefix("expected ").removeprefix("one of "))]
            causes = [i for i in items if " " in i and i[:1].isupper()]  # "Prefix not found", "IRI parsing failed"
            tokens = [i for i in items if i and i not in causes and not i.startswith("[")]
            what = ("; ".join(causes) if causes else
                    "expected " + (" or ".join(tokens[:8]) + (" or ..." if len(tokens) > 8 else "") if tokens
                                   else "something else"))
        return UsageError(f"{self.path}:{line}: query {self.name} does not parse, at {where}: {what} "
                          "(the SPARQL parser's words); correct the file and run it again")

    def bind(self, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        """Check command-line ``name=value`` pairs against the header and make terms."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            close = [m for name in unknown for m in difflib.get_close_matches(name, list(known), n=1)]
            raise UsageError(
                f"query {self.name} has no parameter {', '.join(unknown)}"
                + (f" (did you mean {' or '.join(close)}?)" if close else "")
                + f"; its parameters: {', '.join(known) or 'none'}"
            )
        missing = sorted(set(known) - set(values) - {p.name for p in self.parameters if p.optional})
        if missing:
            raise UsageError(f"query {self.name} needs --param {missing[0]}=VALUE ({known[missing[0]].doc})")
        return {name: known[name].to_term(value) for name, value in values.items()}


def _parse(name: str, path: Path) -> Query:
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    if not header:
        raise ValueError(f"{path}: a query file must start with a comment header")
    title = header[0].lstrip("# ").strip()
    answers: list[str] = []
    params: list[Parameter] = []
    lists: list[ListColumn] = []
    in_answers = False  # the answer may run over several comment lines, up to a blank one or "Parameters:"
    for line in header[1:]:
        body = line.lstrip("#").strip()
        match = _PARAM.match(line)
        if body.lower().startswith("answers:"):
            answers, in_answers = [body.split(":", 1)[1].strip()], True
        elif in_answers and body and not match and not body.lower().startswith("parameters:"):
            answers.append(body)
        else:
            in_answers = False
        if match:
            params.append(Parameter(match["name"], match["kind"], match["doc"].strip(), bool(match["optional"])))
        listed = _LIST.match(line)
        if listed:
            lists.append(ListColumn(listed["name"], listed["order"], listed["separator"]))
    return Query(name, path, text, title, " ".join(a for a in answers if a), tuple(params), tuple(lists))


def load_query(name: str, root: Path | None = None) -> Query:
    """``load_query("concepts/subtypes")`` reads ``queries/concepts/subtypes.rq``."""
    return _load(name, root or queries_dir())


@cache
def _load(name: str, base: Path) -> Query:
    path = base / f"{name}.rq"
    if ".." in Path(name).parts or not path.is_file():
        raise UsageError(f"no query named {name!r}; try `coopsec query --list`")
    return _parse(name, path)


def query_for_text(text: str, root: Path | None = None) -> Query | None:
    """The named query whose text ``text`` is, as the server's query page sends it (line endings and the blank
    lines around it aside), or None. The server puts the items of that query's lists in order with
    :meth:`Query.arrange`, as ``coopsec query`` does, so both give the same answer."""
    return _by_text(root or queries_dir()).get(_plain_text(text))


def _plain_text(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


@cache
def _by_text(base: Path) -> dict[str, Query]:
    return {_plain_text(q.text): q for q in list_queries(root=base)}


def list_queries(folder: str | None = None, root: Path | None = None) -> list[Query]:
    base = root or queries_dir()
    start = base / folder if folder else base
    return [
        load_query(str(p.relative_to(base).with_suffix("")), root)
        for p in sorted(start.rglob("*.rq"))
    ]


#: query folders the rules, checks, export and server use: not a scholar's questions (`coopsec query --list`)
INTERNAL_FOLDERS = ("checks", "classify", "ingest", "export", "serve", "site", "terms", "dyads")


def is_internal(q: Query) -> bool:
    """A query the code runs (rules, checks, export, server, or a ``Read:`` query), listed only with --all."""
    return q.name.split("/", 1)[0] in INTERNAL_FOLDERS or q.title.startswith("Read:")
