"""The static site a server serves under ``/site/`` (``--site DIR``, a folder built by ``coopsec site``):
one file of it, never one outside it."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from .httperror import HttpError, shown


def site_file(root: Path | None, rest: str) -> tuple[str, bytes]:
    """The media type and bytes of ``/site<rest>`` under ``root``; a folder is its ``index.html``. Raises
    :class:`HttpError` (404, or 400 for a NUL) for anything else."""
    if root is None:
        raise HttpError(404, "no site is served: start the server with --site DIR (a folder from `coopsec site`)")
    if "\x00" in rest:
        raise HttpError(400, f"/site{shown(rest)}: a path cannot hold a NUL character (%00)")
    try:
        target = (root / rest.lstrip("/")).resolve()
        if not target.is_relative_to(root):
            raise HttpError(404, "outside the site")
        if target.is_dir():
            target = target / "index.html"
        data = target.read_bytes() if target.is_file() else None
    except OSError as exc:  # a name too long for the file system, a folder that cannot be read
        raise HttpError(404, f"no page /site{shown(rest)} ({exc.strerror or 'cannot be read'})") from None
    if data is None:
        raise HttpError(404, f"no page /site{shown(rest)}")
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith(("xml", "json", "javascript")):
        kind += "; charset=utf-8"
    return kind, data


__all__ = ["site_file"]
