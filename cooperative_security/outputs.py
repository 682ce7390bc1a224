"""Writing output files and folders whole: a crash or Ctrl-C never leaves a half-written one.

Each output is written to a hidden temporary sibling (``.NAME.PID.XXXX.partial``, on the same file system)
and renamed into place only once it is complete. What a killed build left beside the same target (its
process is gone) is removed by the next build. A folder is replaced whole only when it is empty or coopsec
built it (it holds :data:`MARKER`); a folder holding anything else is refused with a message, never
overwritten. A file named with ``-o`` is replaced (the command says so), as ``cp`` and ``curl -o`` do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import EnvironmentProblem, UsageError

#: The file that marks a folder as built by coopsec (and so replaceable by the next build).
MARKER = ".coopsec-output"


def _prefix(target: Path) -> str:
    """The temporary siblings' prefix: the target's name and this process's id (see :func:`_sweep`)."""
    return f".{target.name}.{os.getpid()}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep(target: Path) -> None:
    """Remove the temporary siblings of ``target`` that a build killed before it could clean up left behind
    (``.NAME.PID.XXXX.partial`` or ``.old`` whose process PID no longer runs); a live build's are kept."""
    for leftover in target.parent.glob(f".{target.name}.*"):
        parts = leftover.name[len(target.name) + 2:].split(".")
        if len(parts) < 3 or not parts[0].isdigit() or not ({"partial", "old"} & set(parts[2:])):
            continue
        if int(parts[0]) == os.getpid() or _alive(int(parts[0])):
            continue
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                leftover.unlink()


def check_folder(out: Path, command: str) -> bool:
    """Whether ``out`` holds an earlier build (that the new one will replace); a usage error when it is a file
    or holds files that coopsec did not write. A missing or empty ``out`` is fine. Call it before the slow
    work, so that a refusal comes at once."""
    if not out.exists():
        if out.is_symlink():
            raise UsageError(f"{out} is a broken symbolic link: give -o a folder that exists or can be created")
        return False
    if not out.is_dir():
        raise UsageError(f"-o {out}: a file of that name exists; `coopsec {command}` writes a folder: give another "
                         "name")
    resolved = out.resolve()
    if Path.cwd().resolve().is_relative_to(resolved):
        raise UsageError(f"-o {out}: that is the folder you are in (or holds it); give a new folder, such as "
                         f"-o build/{command}")
    entries = sorted(p.name for p in out.iterdir())
    if entries and MARKER not in entries:
        shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
        raise UsageError(f"-o {out}: the folder exists and holds files that coopsec did not write ({shown}); it is "
                         f"left alone. Give a new or empty folder, or remove this one first (coopsec replaces a "
                         f"folder only when it built it: a folder holding {MARKER})")
    return bool(entries)


@contextlib.contextmanager
def replace_folder(out: Path, command: str) -> Iterator[Path]:
    """Yield a fresh temporary folder beside ``out`` to build into; on success it becomes ``out`` (replacing
    the previous build), on any failure it is removed and ``out`` is as it was."""
    check_folder(out, command)
    target = out.resolve() if out.exists() else out.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep(target)
    work = Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=".partial", dir=target.parent))
    try:
        yield work
        (work / MARKER).write_text(f"Built by `coopsec {command}`. The next `coopsec {command} -o` into this folder "
                                   "replaces it whole; remove this file to keep the folder from being replaced.\n",
                                   encoding="utf-8")
        os.chmod(work, 0o777 & ~_umask())  # mkdtemp makes it private; a site or release is for reading
        _swap(work, target, command)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _swap(new: Path, target: Path, command: str) -> None:
    """``new`` becomes ``target``; a previous ``target`` (checked replaceable) is moved aside, then removed."""
    if not target.exists():
        os.rename(new, target)
        return
    check_folder(target, command)  # still replaceable: nothing was put there while the build ran
    old = Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=".old", dir=target.parent))
    os.rename(target, old / "previous")
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old / "previous", target)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def check_output(path: Path, example: str = "") -> None:
    """Refuse an ``-o`` that cannot be written, at once (before the slow part of a command): a folder, a
    folder that does not exist, one the user may not write in. ``example``: a file name to suggest."""
    if path.is_dir():
        raise UsageError(f"-o {path}: that is a folder; give a file name" + (f", such as -o {path / example}"
                                                                             if example else ""))
    if not path.parent.is_dir():
        raise UsageError(f"-o {path}: no folder {path.parent} to write it in; create it first")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise UsageError(f"-o {path}: the folder {path.parent} is not writable for you; choose another")


@contextlib.contextmanager
def replace_file(path: Path) -> Iterator[BinaryIO]:
    """An open binary file that becomes ``path`` when the block ends without an error (flushed to disk
    first); on an error the temporary file is removed and ``path`` is as it was."""
    with replace_path(path, ".partial") as name, open(name, "wb") as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())


@contextlib.contextmanager
def replace_path(path: Path, suffix: str | None = None) -> Iterator[Path]:
    """A temporary path beside ``path`` (ending in ``suffix``, by default ``.partial`` and ``path``'s own
    suffix, for libraries that write by file name, such as matplotlib): it becomes ``path`` when the block
    ends without an error; on an error it is removed and ``path`` is as it was."""
    check_output(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else file_mode()
    _sweep(path)
    try:
        fd, name = tempfile.mkstemp(prefix=_prefix(path), suffix=suffix or f".partial{path.suffix}", dir=path.parent)
    except OSError as exc:  # a folder whose permissions say writable but that is not (/sys, a read-only mount)
        raise EnvironmentProblem(f"-o {path}: cannot create a file in {path.parent} ({exc.strerror or exc}); "
                                 "choose a folder you can write to") from exc
    os.close(fd)
    try:
        yield Path(name)
        os.chmod(name, mode)
        os.replace(name, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(name)
        # about the file being written (a file object's write, flush or fsync names no file: a full disk, a
        # quota, an I/O error): say so by the name the user gave
        if exc.filename in (name, str(path)) or (exc.filename is None and exc.errno in _WRITE_ERRORS):
            raise EnvironmentProblem(f"-o {path}: could not be written ({exc.strerror or exc}); nothing was "
                                     "changed there") from exc
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


#: what a write to a file object fails with, without a file name
_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EROFS}


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def file_mode() -> int:
    """The permissions a new file gets under the user's umask (a temporary file is private until renamed)."""
    return 0o666 & ~_umask()


__all__ = ["MARKER", "check_folder", "check_output", "file_mode", "replace_folder", "replace_file", "replace_path"]
