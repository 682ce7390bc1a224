"""mkdocs hooks (named in ``mkdocs.yml``): the reference pages are generated from the sources at build
time, and pages that exist under a section's folder join its navigation even when ``mkdocs.yml`` does
not list them, so the site builds strictly whichever pages other work has added."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

# `mkdocs build` loads this file by path: document the package of this source tree, not another install.
_TREE = str(Path(__file__).resolve().parents[2])
if "cooperative_security" not in sys.modules and _TREE not in sys.path:
    sys.path.insert(0, _TREE)

from cooperative_security.docs.reference import GENERATED  # noqa: E402

#: section title in the navigation -> folder under docs/ whose pages join it
SECTIONS = {
    "User guide": "guide",
    "Operations": "operations",
    "Development": "development",
    "Notebooks": "notebooks",
}
#: the order pages take inside a section when they exist (others follow, alphabetically)
PREFERRED = [
    "guide/index.md", "guide/concepts.md", "modelling.md", "guide/event-types.md", "guide/actors.md",
    "guide/ingest.md", "guide/classification.md", "guide/explanations.md", "guide/robustness.md",
    "guide/validation.md", "guide/fidelity.md", "guide/dyad-years.md", "guide/datasets.md",
    "guide/field-data.md", "guide/linked-data.md", "guide/server.md", "guide/site.md", "guide/cli.md",
    "guide/python-api.md", "guide/zotero.md",
    "operations/stores.md", "operations/remote.md", "operations/limits.md", "operations/ingest-safety.md",
    "operations/reliability.md",
]


#: pages other work is writing: until one exists, a link to it is shown as its text (logged), so the site
#: builds strictly with or without it; any other broken link still fails the build
EXPECTED = {
    "guide/validation.md", "guide/robustness.md", "guide/actors.md", "guide/dyad-years.md", "guide/datasets.md",
    "operations/limits.md", "operations/ingest-safety.md", "guide/python-api.md", "guide/zotero.md",
    "guide/cli.md", "guide/fidelity.md", "guide/classification.md", "guide/event-types.md",
}
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)#\s]+\.md)(#[^)\s]*)?\)")


def _title(path: Path) -> str:
    if path.suffix == ".md":
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("# "):
                return re.sub(r"[`*]", "", line[2:]).strip()
    return path.stem.replace("-", " ").replace("_", " ").capitalize()


def _listed(nav: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(nav, str):
        found.add(nav)
    elif isinstance(nav, list):
        for item in nav:
            found |= _listed(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            found |= _listed(value)
    return found


def _order(rel: str) -> tuple[int, str]:
    return (PREFERRED.index(rel) if rel in PREFERRED else len(PREFERRED), rel)


def on_config(config: Any) -> Any:
    docs = Path(config["docs_dir"])
    nav = config["nav"]
    if nav is None:
        return config
    listed = _listed(nav)
    for title, folder in SECTIONS.items():
        here = docs / folder
        if not here.is_dir():
            continue
        pages = sorted((p.relative_to(docs).as_posix() for p in here.rglob("*.md")), key=_order)
        if folder == "notebooks" and not (here / "index.md").exists():
            pages.insert(0, "notebooks/index.md")  # generated in on_files
        extra = [p for p in pages if p not in listed]
        if not extra:
            continue
        section = next((item for item in nav if isinstance(item, dict) and title in item), None)
        if section is None:
            section = {title: []}
            nav.append(section)
        entries = section[title]
        for rel in extra:
            entries.append({_title(docs / rel): rel} if (docs / rel).exists() else {"Notebooks": rel})
        entries.sort(key=lambda e: _order(next(iter(e.values())) if isinstance(e, dict) else e))
    return config


#: where the site ships the vendored Web Worker shim that ``mkdocs.yml`` names among its polyfills: with it
#: (and the offline plugin's inlined index) the search runs when the built site is opened from file://
SEARCH_SHIM = "assets/vendor/iframe-worker/shim.js"
_VENDOR = Path(__file__).resolve().parents[1] / "site" / "vendor" / "iframe-worker"


def on_files(files: Files, config: Any) -> Files:
    for path, make in GENERATED.items():
        if files.get_file_from_path(path) is None:
            files.append(File.generated(config, path, content=make()))
    if files.get_file_from_path(SEARCH_SHIM) is None:
        files.append(File.generated(config, SEARCH_SHIM, abs_src_path=str(_VENDOR / "shim.js")))
        files.append(File.generated(config, SEARCH_SHIM.replace("shim.js", "LICENSE"),
                                    abs_src_path=str(_VENDOR / "LICENSE")))
    notebooks = Path(config["docs_dir"]) / "notebooks"
    if notebooks.is_dir() and files.get_file_from_path("notebooks/index.md") is None:
        lines = ["# Notebooks", "", "Jupyter notebooks that use the Python API; download one and open it with "
                 "`jupyter lab`.", ""]
        for nb in sorted(notebooks.rglob("*.ipynb")):
            rel = nb.relative_to(notebooks).as_posix()
            lines.append(f"- [{_title(nb)}]({rel})")
        for page in sorted(notebooks.rglob("*.md")):
            rel = page.relative_to(notebooks).as_posix()
            lines.append(f"- [{_title(page)}]({rel})")
        files.append(File.generated(config, "notebooks/index.md", content="\n".join(lines) + "\n"))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """A link to an expected page that does not exist yet becomes its text (and an INFO line)."""
    import logging
    import posixpath

    here = posixpath.dirname(page.file.src_uri)

    def unlink(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(here, match[2]))
        if target in EXPECTED and files.get_file_from_path(target) is None:
            logging.getLogger("mkdocs.hooks").info("%s: %s is not written yet; its link shows as text",
                                                   page.file.src_uri, target)
            return match[1]
        return match[0]

    return _LINK.sub(unlink, markdown)
