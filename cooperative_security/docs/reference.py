"""Reference pages generated from the sources at build time, so that they cannot drift from the tree.

Each function returns one Markdown page:

- :func:`cli_reference`: every command of ``coopsec``, from the typer/click application itself;
- :func:`queries_reference`: every ``queries/**.rq`` file, from its comment header;
- :func:`rules_reference`: every rule of ``data/rules.ttl`` with its parameters and sources;
- :func:`ontology_reference`: every term of the ontology (pyLODE's layout: namespaces, classes,
  properties with domains and ranges, each with its definition and sources);
- :func:`python_api_reference`: mkdocstrings directives for the public modules.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_PIPE = re.compile(r"\|")


def _cell(text: object) -> str:
    """A value made safe for one Markdown table cell."""
    return _PIPE.sub(r"\\|", " ".join(str(text if text is not None else "").split()))


def _anchor(text: str) -> str:
    """A stable, case-preserving HTML id (given explicitly to each generated heading)."""
    return re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-")


def _h(level: int, text: str, anchor: str) -> str:
    return f"{'#' * level} {text} {{ #{_anchor(anchor)} }}"


def _text(text: object) -> str:
    """Free text made safe for one cell of :func:`_term_table` (a bare ``<`` would open an HTML tag there)."""
    return _cell(text).replace("<", "&lt;")


def _term_table(rows: Iterable[list[str]]) -> str:
    """One term's (or the ontology's) facts as pyLODE lays them out: a name per row, no header row.

    Markdown tables must have a header, which would be an empty row here; this is HTML whose cells are read
    as Markdown (``md_in_html``), so their links are still checked by the strict build."""
    out = ['<table class="coopsec-term" markdown="1">']
    for name, value in rows:
        out += ['<tr markdown="1">', f"<th>{name}</th>", f'<td markdown="span">{value}</td>', "</tr>"]
    return "\n".join([*out, "</table>"]) + "\n"


def _table(headers: list[str], rows: Iterable[list[str]]) -> str:
    rows = list(rows)
    if not rows:
        return "*none*\n"
    out = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------- CLI

def _commands(group: Any, ctx: Any, prefix: str) -> Iterable[tuple[str, Any, Any]]:
    """Every command below a group (click's, or the copy of click that typer vendors: duck-typed)."""
    for name in sorted(group.list_commands(ctx)):
        cmd = group.get_command(ctx, name)
        if cmd is None or getattr(cmd, "hidden", False):
            continue
        sub = cmd.context_class(cmd, info_name=name, parent=ctx)
        yield f"{prefix} {name}", cmd, sub
        if hasattr(cmd, "list_commands"):
            yield from _commands(cmd, sub, f"{prefix} {name}")


def _type_name(param: Any, ctx: Any) -> str:
    """The value a parameter takes, as its help shows it (``<table|json|csv>``), without brackets."""
    if callable(getattr(param, "display_type", None)):
        return str(param.display_type(ctx)).strip("<>")
    kind = getattr(param, "type", None)
    return str(getattr(kind, "name", kind or "text"))


def cli_reference() -> str:
    """Every command with its usage, help and options, read from the application."""
    import typer

    from ..cli import app

    root = typer.main.get_command(app)
    ctx = root.context_class(root, info_name="coopsec")
    parts = ["# Command reference", "",
             "Generated from the command-line application when the site is built; `coopsec COMMAND --help` "
             "prints the same text.", "", (root.help or "").strip(), "",
             "Exit codes: 0 ok, 1 findings or rejected input, 2 usage or environment problem.", ""]
    commands = list(_commands(root, ctx, "coopsec")) if hasattr(root, "list_commands") else []
    parts += [_table(["command", "what it does"],
                     [[f"[`{full}`](#{_anchor(full)})", _cell((cmd.short_help or cmd.help or "").split("\n\n")[0])]
                      for full, cmd, _ in commands]), ""]
    for full, cmd, sub in commands:
        parts += [_h(2, f"`{full}`", full), "", "```text", cmd.get_usage(sub).strip(), "```", "",
                  (cmd.help or "").strip().replace("\b\n", ""), ""]
        rows = []
        for param in cmd.get_params(sub):
            if param.name == "help":
                continue
            if param.param_type_name == "argument":
                names = f"`{(param.metavar or param.name or '').upper()}`"
                kind = "argument" + ("" if param.required else ", optional") + (", repeatable" if param.nargs == -1
                                                                                  else "")
                doc = getattr(param, "help", None) or ""
            else:
                names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
                kind = "flag" if param.is_flag else _type_name(param, sub)
                if param.multiple:
                    kind += ", repeatable"
                doc = param.help or ""
                default = param.default
                if default not in (None, False, (), []) and not callable(default) and not param.is_flag:
                    doc += f" (default: `{default}`)"
            rows.append([names, _cell(kind), _cell(doc)])
        if rows:
            parts += [_table(["parameter", "kind", "what"], rows), ""]
    return "\n".join(parts)


# ----------------------------------------------------------------------------------------- queries

def queries_reference(root: Path | None = None) -> str:
    """Every named query, folder by folder, with what it answers and its parameters."""
    from ..queries import list_queries
    from ..resources import queries_dir

    base = root or queries_dir()
    by_folder: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    for q in list_queries(root=base):
        by_folder[q.name.rpartition("/")[0] or "(top)"].append(q)
    parts = ["# Query reference", "",
             f"Every SPARQL query of the project ({sum(len(v) for v in by_folder.values())} files in "
             f"{len(by_folder)} folders), read from the header of each `queries/**.rq` file when the site is "
             "built. Run one with `coopsec query NAME --param name=value`; the store binds the parameters as "
             "RDF terms, never pasting them into the text.", ""]
    readme = base / "README.md"
    parts += [_table(["folder", "queries"], [[f"[`{f}/`](#{_anchor(f)})", str(len(qs))]
                                             for f, qs in sorted(by_folder.items())]), ""]
    if readme.is_file():
        parts += ["The folders are described in `queries/README.md`.", ""]
    for folder, queries in sorted(by_folder.items()):
        parts += [_h(2, folder, folder), ""]
        for q in queries:
            parts += [_h(3, f"`{q.name}`", q.name), "", f"**{q.title}**", ""]
            if q.answers:
                parts += [f"Answers: {q.answers}", ""]
            if q.parameters:
                parts += [_table(["parameter", "kind", "what"],
                                 [[f"`?{p.name}`", p.kind + (", optional" if p.optional else ""), _cell(p.doc)]
                                  for p in q.parameters]), ""]
            parts += [f"??? note \"The query ({q.path.name})\"", "", "    ```sparql"]
            parts += ["    " + line if line else "" for line in q.text.rstrip().splitlines()]
            parts += ["    ```", ""]
    return "\n".join(parts)


# ------------------------------------------------------------------------------------ RDF helpers

_CS = "https://w3id.org/coopsec/ontology#"
_PREFIXES = {
    "cs": _CS, "rule": "https://w3id.org/coopsec/id/rule/", "work": "https://w3id.org/coopsec/id/work/",
    "person": "https://w3id.org/coopsec/id/person/", "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/", "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/", "bibo": "http://purl.org/ontology/bibo/",
    "cito": "http://purl.org/spar/cito/", "time": "http://www.w3.org/2006/time#",
}


def _short(iri: object) -> str:
    text = str(iri)
    for prefix, ns in _PREFIXES.items():
        if text.startswith(ns) and text != ns:
            return f"{prefix}:{text[len(ns):]}"
    return f"<{text}>"


def _sources(graph, subject) -> list[str]:  # type: ignore[no-untyped-def]
    from rdflib import DCTERMS, URIRef

    out = []
    for node in graph.objects(subject, DCTERMS.source):
        if isinstance(node, URIRef):
            out.append(_short(node))
            continue
        work = graph.value(node, URIRef(_CS + "work"))
        pages = graph.value(node, URIRef(_CS + "pages"))
        where = [(f"pp. {pages}" if any(c in str(pages) for c in "-,–") else f"p. {pages}") if pages else "",
                 f"section \u201c{graph.value(node, URIRef(_CS + 'section'))}\u201d"
                 if graph.value(node, URIRef(_CS + "section")) else "",
                 f"note {graph.value(node, URIRef(_CS + 'footnote'))}"
                 if graph.value(node, URIRef(_CS + "footnote")) else ""]
        text = (_short(work).removeprefix("work:") if work else "?") + ", " + ", ".join(w for w in where if w)
        out.append(text.rstrip(", "))
    return sorted(out)


# ------------------------------------------------------------------------------------------- rules

def rules_reference(path: Path | None = None) -> str:
    """Every rule of the classifier's operationalisation, in the order they run."""
    from rdflib import DCTERMS, RDF, RDFS, Graph, Literal, URIRef

    from ..resources import data_dir

    path = path or data_dir() / "rules.ttl"
    g = Graph()
    g.parse(path, format="turtle")
    rule_class = URIRef(_CS + "Rule")
    shown = {RDF.type, RDFS.label, DCTERMS.description, DCTERMS.source, URIRef(_CS + "order")}

    def order(rule):  # type: ignore[no-untyped-def]
        value = g.value(rule, URIRef(_CS + "order"))
        return (int(value) if value is not None else 10_000, str(rule))

    rules = sorted(set(g.subjects(RDF.type, rule_class)), key=order)
    parts = ["# Rule reference", "",
             f"The {len(rules)} rules of the classifier, read from `data/rules.ttl` when the site is built: the "
             "order they run in, what each says, its parameters (windows, thresholds, the event types and "
             "concepts it counts) and the work and pages it operationalises. Change a value in the file and "
             "`coopsec classify` changes, with no code touched.", "",
             _table(["order", "rule", "label", "for position"],
                    [[str(g.value(r, URIRef(_CS + "order")) or ""), f"[`{_short(r)}`](#{_anchor(_short(r))})",
                      _cell(g.value(r, RDFS.label)), _cell(", ".join(sorted(_short(o) for o in g.objects(
                          r, URIRef(_CS + "forPosition")))))] for r in rules]), ""]
    for r in rules:
        parts += [_h(2, f"`{_short(r)}`", _short(r)), "", f"**{g.value(r, RDFS.label) or ''}** "
                  f"(order {g.value(r, URIRef(_CS + 'order')) or '-'}). {g.value(r, DCTERMS.description) or ''}", ""]
        params: dict[str, list[str]] = defaultdict(list)
        for p, o in g.predicate_objects(r):
            if p in shown:
                continue
            params[_short(p)].append(f"`{o}`" if isinstance(o, Literal) else f"`{_short(o)}`")
        if params:
            parts += [_table(["parameter", "value"], [[f"`{p}`", ", ".join(sorted(v))]
                                                     for p, v in sorted(params.items())]), ""]
        sources = _sources(g, r)
        parts += ["Sources: " + ("; ".join(sources) if sources else "none recorded"), ""]
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------- ontology

def ontology_reference(files: list[Path] | None = None) -> str:
    """The ontology in pyLODE's layout: metadata, namespaces, then classes and each kind of property."""
    from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, Graph, URIRef

    from ..ontology import ontology_files

    files = files or ontology_files()
    g = Graph()
    module_of: dict[object, str] = {}
    namespaces: dict[str, str] = {}
    for path in files:
        part = Graph(bind_namespaces="none")  # the prefixes the files declare, not rdflib's own thirty
        part.parse(path, format="turtle")
        for prefix, ns in part.namespaces():
            if prefix and not prefix.startswith("ns"):
                namespaces.setdefault(prefix, str(ns))
        for s in part.subjects(RDF.type, None):
            if isinstance(s, URIRef):
                module_of.setdefault(s, path.stem if path.parent.name == "modules" else "hub")
        g += part
    used = {str(n) for triple in g for n in triple if isinstance(n, URIRef)}
    for prefix, base in _PREFIXES.items():  # the prefixes this page writes terms with
        if any(iri.startswith(base) for iri in used):
            namespaces.setdefault(prefix, base)
    ontology = next(iter(g.subjects(RDF.type, OWL.Ontology)), None)
    kinds = [("Classes", OWL.Class), ("Object properties", OWL.ObjectProperty),
             ("Datatype properties", OWL.DatatypeProperty), ("Annotation properties", OWL.AnnotationProperty)]

    def label(term) -> str:  # type: ignore[no-untyped-def]
        return str(g.value(term, RDFS.label) or _short(term).removeprefix("cs:"))

    def terms(kind):  # type: ignore[no-untyped-def]
        return sorted((s for s in set(g.subjects(RDF.type, kind)) if isinstance(s, URIRef)
                       and str(s).startswith(_CS)), key=lambda s: (label(s).lower(), str(s)))

    def ref(node) -> str:  # type: ignore[no-untyped-def]
        if isinstance(node, URIRef) and str(node).startswith(_CS) and (node, RDF.type, None) in g:
            return f"[{_short(node)}](#{_anchor(_short(node))})"
        return f"`{_short(node)}`" if isinstance(node, URIRef) else "(an OWL expression)"

    parts = ["# Ontology reference", ""]
    if ontology is not None:
        parts += [f"**{g.value(ontology, DCTERMS.title) or 'coopsec'}**", "",
                  _term_table([["IRI", f"`{ontology}`"],
                               ["version IRI", f"`{g.value(ontology, OWL.versionIRI) or ''}`"],
                               ["version", _text(g.value(ontology, OWL.versionInfo))],
                               ["licence", f"<{g.value(ontology, DCTERMS.license)}>"],
                               ["modules", ", ".join(sorted({m for m in module_of.values()}))]]), "",
                  str(g.value(ontology, DCTERMS.description) or ""), ""]
    parts += ["Generated from the Turtle files of `ontology/` when the site is built. Each term gives its IRI, "
              "the module that declares it, its definition (in the project's own words) and the works and "
              "pages it rests on.", "", "## Namespaces", "",
              _table(["prefix", "namespace"], [[f"`{p}`", f"`{ns}`"] for p, ns in sorted(namespaces.items())]), ""]
    index = []
    for title, kind in kinds:
        index.append(f"**{title}** ({len(terms(kind))}): " + ", ".join(
            f"[{_cell(label(t))}](#{_anchor(_short(t))})" for t in terms(kind)))
    parts += ["## Index", "", *[line + "\n" for line in index]]
    for title, kind in kinds:
        parts += [f"## {title}", ""]
        for t in terms(kind):
            parts += [_h(3, _cell(label(t)), _short(t)), ""]
            rows = [["IRI", f"`{_short(t)}` = `{t}`"], ["module", module_of.get(t, "hub")]]
            definition = g.value(t, SKOS.definition) or g.value(t, RDFS.comment)
            if definition:
                rows.append(["definition", _text(definition)])
            alt = sorted(str(a) for a in g.objects(t, SKOS.altLabel))
            if alt:
                rows.append(["also called", _text(", ".join(alt))])
            for name, pred in (("superclasses", RDFS.subClassOf), ("superproperties", RDFS.subPropertyOf),
                               ("domain", RDFS.domain), ("range", RDFS.range),
                               ("disjoint with", OWL.disjointWith), ("inverse of", OWL.inverseOf)):
                values = [ref(o) for o in g.objects(t, pred)]
                if values:
                    rows.append([name, ", ".join(sorted(values))])
            subs = [ref(s) for s in g.subjects(RDFS.subClassOf, t)]
            if subs:
                rows.append(["subclasses", ", ".join(sorted(subs))])
            if kind != OWL.Class:
                used_by = sorted({ref(s) for s in g.subjects(t, None) if isinstance(s, URIRef)
                                  and str(s).startswith(_CS)})
                if used_by:
                    rows.append([f"used on ({len(used_by)})", ", ".join(used_by[:25]) +
                                 (" ..." if len(used_by) > 25 else "")])
            sources = _sources(g, t)
            rows.append(["sources", _text("; ".join(sources)) if sources else "none recorded"])
            parts += [_term_table(rows), ""]
    return "\n".join(parts)


# -------------------------------------------------------------------------------------- Python API

PUBLIC_MODULES = (
    "cooperative_security.kb", "cooperative_security.concepts", "cooperative_security.catalogue",
    "cooperative_security.queries", "cooperative_security.classify", "cooperative_security.classify.timeline",
    "cooperative_security.store", "cooperative_security.analysis", "cooperative_security.export",
    "cooperative_security.serve", "cooperative_security.site", "cooperative_security.errors",
)


def python_api_reference(modules: Iterable[str] = PUBLIC_MODULES) -> str:
    """mkdocstrings directives for each public module (rendered by the mkdocstrings plugin)."""
    import importlib

    parts = ["# Python API reference", "",
             "Generated by mkdocstrings from the docstrings and signatures of the package when the site is "
             "built. A first session:", "", "```python",
             "from cooperative_security.kb import open_knowledge_graph",
             "from cooperative_security.concepts import list_concepts, describe",
             "from cooperative_security.catalogue import list_cases, list_works",
             "from cooperative_security.classify import classify, to_dataframe", "",
             'kg = open_knowledge_graph("memory:")',
             "[c.label for c in list_concepts(kg)][:5]",
             'describe(kg, "security dilemma").outgoing',
             'periods = classify(kg, cases=["france-germany"])',
             "to_dataframe(periods, kg)  # the store too, for the sources column", "```", ""]
    for name in modules:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        parts += [f"## `{name}`", "", f"::: {name}", "    options:", "      show_root_heading: false",
                  "      heading_level: 3", ""]
    return "\n".join(parts)


GENERATED = {
    "reference/cli.md": cli_reference,
    "reference/queries.md": queries_reference,
    "reference/rules.md": rules_reference,
    "reference/ontology.md": ontology_reference,
    "reference/python.md": python_api_reference,
}
