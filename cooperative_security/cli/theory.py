"""Commands about the typology: check, concepts, describe, query, path."""

from __future__ import annotations

import difflib
from enum import StrEnum
from typing import Annotated

import typer

from ..check import run_checks
from ..concepts import concept_path, describe, list_concepts
from ..errors import UsageError
from ..namespaces import compact
from ..queries import is_internal, list_queries, load_query
from ..terms import bind as bind_terms
from .common import Format, FormatOption, StoreOption, console, emit, err_console, knowledge_graph


def check(
    store: StoreOption = "memory:",
    no_reasoner: Annotated[bool, typer.Option("--no-reasoner", help="Skip HermiT (no Java needed).")] = False,
    fmt: FormatOption = Format.table,
    fidelity: Annotated[bool, typer.Option(
        "--fidelity", help="Instead of the checks, report per case how far the events rest on documenting "
                           "sources, the characterisations by source, and classifications beyond them.")] = False,
) -> None:
    """Check the ontology (HermiT) and the data (integrity queries, SHACL). Exit 1 on findings."""
    if fidelity:
        from .fidelity import print_fidelity

        with knowledge_graph(store) as kg:
            print_fidelity(kg, fmt)
        return
    with knowledge_graph(store) as kg:
        report = run_checks(kg, reasoner=not no_reasoner)
    if fmt is Format.json or fmt is Format.csv:
        emit(fmt, [{"check": f.check, "term": f.term, "problem": f.problem} for f in report.findings],
             [("check", "check"), ("term", "term"), ("problem", "problem")])
    else:
        for finding in report.findings:
            console.print(f"[red]✗[/red] {finding}", highlight=False)
        summary = f"{len(report.checks_run)} checks"
        if report.classes:
            summary += f", {report.classes} classes reasoned over"
        if report.clean:
            console.print(f"[green]✓[/green] clean: {summary}", highlight=False)
        else:
            err_console.print(f"{len(report.findings)} problem(s) found by {summary}", highlight=False)
    raise typer.Exit(0 if report.clean else 1)


def concepts(store: StoreOption = "memory:", fmt: FormatOption = Format.table) -> None:
    """List every concept of the typology with its definition and sources."""
    with knowledge_graph(store) as kg:
        items = list_concepts(kg)
    records = [c.to_json() for c in items]

    def cell(key: str, value: object) -> str:
        if key == "sources":
            return "; ".join(
                f"{s['citation'] or compact(s['work'])}" + (f": {s['pages']}" if s["pages"] else "")
                + (f" ({s['section']})" if s["section"] and not s["pages"] else "")
                for s in value  # type: ignore[attr-defined]
            )
        if key == "broader":
            return ", ".join(compact(v) for v in value)  # type: ignore[attr-defined]
        if key == "alt_labels":
            return "; ".join(value)  # type: ignore[arg-type]
        return "" if value is None else str(value)

    emit(fmt, records, [("label", "concept"), ("broader", "subclass of"), ("definition", "definition"),
                        ("sources", "sources")], title=f"{len(records)} concepts", cell=cell,
         csv_keys=["iri", "label", "alt_labels", "broader", "definition", "sources"])


class DescribeFormat(StrEnum):
    """A description is text or one JSON record, not rows: `-f csv` is refused rather than printing text."""

    table = "table"
    json = "json"


def describe_cmd(
    term: Annotated[str, typer.Argument(help="A label, alternative label, CURIE (cs:Trust) or IRI.")],
    store: StoreOption = "memory:",
    fmt: Annotated[DescribeFormat, typer.Option("--format", "-f", help="Output format.")] = DescribeFormat.table,
) -> None:
    """Describe one concept: definition, sources, and every relation in and out."""
    with knowledge_graph(store) as kg:
        d = describe(kg, term)
    if fmt is DescribeFormat.json:
        import json

        data = d.concept.to_json()
        data["relations_out"] = {k: [{"iri": i, "label": lab} for i, lab in v] for k, v in d.outgoing.items()}
        data["relations_in"] = {k: [{"iri": i, "label": lab} for i, lab in v] for k, v in d.incoming.items()}
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    c = d.concept
    console.print(f"[bold]{c.label}[/bold]  {compact(c.iri)}", highlight=False)
    if c.alt_labels:
        console.print(f"also: {', '.join(c.alt_labels)}", highlight=False)
    console.print(f"\n{c.definition}\n", highlight=False)
    console.print("[bold]sources[/bold]")
    for s in c.sources:
        where = (f"pp. {s.pages}" if "-" in s.pages else f"p. {s.pages}") if s.pages else f"section “{s.section}”"
        console.print(f"  {s.citation or compact(s.work)}, {where}", highlight=False)
    for title, groups in (("relations", d.outgoing),
                          ("relations other concepts draw to this one (read from this one)", d.incoming)):
        if groups:
            console.print(f"\n[bold]{title}[/bold]")
            for relation, others in sorted(groups.items()):
                names = ", ".join(label for _, label in others)
                console.print(f"  {relation}: {names}", highlight=False)


def query(
    name: Annotated[str | None, typer.Argument(help="Query name, e.g. concepts/subtypes.", metavar="NAME")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", metavar="NAME=VALUE",
        help="A parameter: a label, an id, a CURIE or an IRI (case=asean, concept=\"security regime\", "
             "concept=cs:SecurityRegime, work=herz-1950).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the scholar's questions and their parameters.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="With --list: the internal queries too (checks, rules, "
                                                     "export, server).")] = False,
    store: StoreOption = "memory:",
    fmt: FormatOption = Format.table,
) -> None:
    """Run a named query from the bundled queries, with its parameters bound (never pasted into the text)."""
    if list_ or name is None:
        rows = [{"name": q.name, "title": q.title,
                 "parameters": ", ".join(f"{p.name} ({p.doc or p.kind})" for p in q.parameters)}
                for q in list_queries() if all_ or not is_internal(q)]
        emit(fmt, rows, [("name", "query"), ("title", "answers"), ("parameters", "parameters")])
        return
    known = [q.name for q in list_queries()]
    if name not in known:
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        raise UsageError(f"no query named {name!r}" + (f" (did you mean {' or '.join(close)}?)" if close else "")
                         + "; `coopsec query --list` lists them")
    q = load_query(name)
    values: dict[str, str] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--param {item!r} must be name=value")
        if key.strip() in values:  # the last one used to win without a word
            raise UsageError(f"--param {key.strip()} is given twice ({values[key.strip()]!r} and {value!r}); a "
                             "query takes one value for each parameter: run it once for each")
        values[key.strip()] = value
    # Names first (a usage error before the knowledge graph loads); values once the store can resolve them.
    q.bind({k: ("https://w3id.org/coopsec/placeholder" if p.kind == "iri" else v) for k, v in values.items()
            for p in q.parameters if p.name == k} | {k: v for k, v in values.items()
                                                       if k not in {p.name for p in q.parameters}})
    with knowledge_graph(store) as kg:
        bindings = bind_terms(kg, q, values)
        answer = kg.select(q, bindings)
    columns = answer.columns
    records = [q.arrange({k: (None if v is None else v.value) for k, v in row.items()}) for row in answer]
    emit(fmt, records, [(c, c) for c in columns], title=q.title,
         cell=lambda _k, v: "" if v is None else compact(str(v)))


def path(
    start: Annotated[str, typer.Argument(help="The first concept.")],
    end: Annotated[str, typer.Argument(help="The second concept.")],
    via_scholars: Annotated[bool, typer.Option(
        "--via-scholars", help="Also link two concepts through a scholar who proposed both, where the "
        "concepts themselves are not linked in fewer than four hops.")] = False,
    store: StoreOption = "memory:",
    fmt: FormatOption = Format.table,
) -> None:
    """The chain of typology relations that links two concepts (stage of, precondition of, mechanism for,
    opposed to...), each hop in plain words. Only links between concepts are walked, unless --via-scholars."""
    with knowledge_graph(store) as kg:
        steps = concept_path(kg, start, end, via_scholars)
    records = steps
    emit(fmt, records, [("from", "from"), ("relation", "relation"), ("to", "to")])


def register(app: typer.Typer) -> None:
    app.command()(check)
    app.command()(concepts)
    app.command("describe")(describe_cmd)
    app.command()(query)
    app.command()(path)
