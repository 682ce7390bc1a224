"""Small HTML helpers shared by the static site and the server: every value goes through escape."""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 1.5rem auto; padding: 0 1rem; color: #222;
       line-height: 1.45; }
nav { margin-bottom: 1rem; font-size: .95rem; } nav a { margin-right: 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } .iri { color: #666; font-size: .85rem; word-break: break-all; }
table { border-collapse: collapse; margin: .5rem 0 1.2rem; width: 100%; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f3f7; } td.num { text-align: right; }
.definition { font-size: 1.05rem; background: #f7f7f2; padding: .6rem .8rem; border-left: 4px solid #b9a; }
figure img { max-width: 100%; border: 1px solid #ddd; } .muted { color: #777; }
textarea { width: 100%; font-family: ui-monospace, monospace; font-size: .9rem; }
.error { color: #a00; white-space: pre-wrap; } pre { background: #f6f6f6; padding: .5rem; overflow-x: auto; }
"""


def esc(value: Any) -> str:
    """The text of any value, escaped for HTML text and attribute values."""
    return escape("" if value is None else str(value), quote=True)


def link(href: str | None, text: Any, title: str | None = None) -> str:
    if not href:
        return f'<span title="{esc(title)}">{esc(text)}</span>' if title else esc(text)
    extra = f' title="{esc(title)}"' if title else ""
    return f'<a href="{esc(href)}"{extra}>{esc(text)}</a>'


def page(title: str, body: str, nav: str = "", css: str | None = None, head: str = "") -> str:
    """A whole page; ``css`` is a stylesheet link (the site) or None for the inline style (the server)."""
    style = f'<link rel="stylesheet" href="{esc(css)}">' if css else f"<style>{STYLE}</style>"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(title)}</title><link rel=\"icon\" href=\"data:,\">{style}{head}</head>\n<body>\n"
            f"<nav>{nav}</nav>\n{body}\n</body></html>\n")


def table(headers: list[str], rows: list[list[str]], empty: str = "none") -> str:
    """A table of cells that are already HTML (escape them with :func:`esc` or :func:`link`)."""
    if not rows:
        return f'<p class="muted">{esc(empty)}</p>'
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>"
