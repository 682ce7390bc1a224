"""The documentation site: mkdocs with mkdocs-material, its reference pages generated from the sources
(:mod:`cooperative_security.docs.reference`) by the hooks in :mod:`cooperative_security.docs.hooks`."""

from __future__ import annotations

import importlib.metadata
import logging
import re
from collections.abc import Callable
from pathlib import Path

from ..errors import EnvironmentProblem, UsageError


def find_config(start: Path | None = None) -> Path:
    """The ``mkdocs.yml`` of the source tree: in ``start`` or a parent, else beside this package."""
    candidates = []
    here = (start or Path.cwd()).resolve()
    candidates += [d / "mkdocs.yml" for d in (here, *here.parents)]
    candidates.append(Path(__file__).resolve().parents[2] / "mkdocs.yml")
    for path in candidates:
        if path.is_file() and (path.parent / "docs").is_dir():
            return path
    raise UsageError("no mkdocs.yml with a docs/ folder here or above, nor beside the package: the "
                     "documentation is built from a source checkout (git clone, then run coopsec docs there)")


def install_hint(package: Path | None = None) -> str:
    """How to add the docs extra, wherever the command is run from: into the checkout the package sits in
    (``pip install -e .`` installs it from there; ``"."`` is that checkout only when run inside it), else
    from the package index."""
    checkout = (package or Path(__file__).resolve().parents[1]).parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "mkdocs.yml").is_file():
        return f'pip install -e "{checkout}[docs]" (the checkout coopsec runs from)'
    try:  # an installed wheel: the extra's packages, as its metadata lists them
        listed = importlib.metadata.requires("coopsec") or []
    except importlib.metadata.PackageNotFoundError:
        listed = []
    wanted = sorted(r.split(";")[0].strip() for r in listed if re.search(r"""extra\s*==\s*['"]docs['"]""", r))
    if wanted:
        return "pip install " + " ".join(f'"{r}"' for r in wanted) + " (the docs extra of coopsec)"
    return 'pip install "coopsec[docs]"'


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_docs(out: Path, config_file: Path | None = None, strict: bool = True,
               on_warning: Callable[[str], None] | None = None) -> list[Path]:
    """Build the site into ``out``; with ``strict`` a warning (a broken link, a missing page) fails the
    build with every warning in the message. Without it, each warning goes to ``on_warning`` once the site
    is built (mkdocs itself only logs them, and nothing showed them). Returns the HTML pages written.

    mkdocs builds into a temporary folder beside ``out``, renamed into place when the build succeeds: a failed
    or interrupted build leaves ``out`` as it was. ``out`` may be new, empty or an earlier build (replaced
    whole); a folder holding anything else is refused, never emptied (mkdocs itself would empty it)."""
    from ..outputs import check_folder, replace_folder

    check_folder(out, "docs")
    try:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import Abort, ConfigurationError
    except ModuleNotFoundError as exc:
        raise EnvironmentProblem(f"building the documentation needs mkdocs ({exc.name} is missing): "
                                 f"{install_hint()}") from None
    config_file = config_file or find_config()
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        with replace_folder(out, "docs") as work:
            config = load_config(str(config_file), site_dir=str(work), strict=strict)
            build(config)
    except (Abort, ConfigurationError) as exc:
        details = "\n  ".join(collect.messages)
        raise UsageError(f"the documentation did not build ({exc})" + (f":\n  {details}" if details else "")) \
            from None
    finally:
        logger.removeHandler(collect)
    if on_warning is not None:
        for message in collect.messages:
            on_warning(message)
    return sorted(out.rglob("*.html"))


__all__ = ["build_docs", "find_config", "install_hint"]
