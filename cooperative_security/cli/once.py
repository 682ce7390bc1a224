"""Refuse an option that takes one value given twice with two values (``classify --at 1964 --at 1965``):
click keeps the last one without a word, and the command answers a question that was not asked.

``--param`` and the other options that take several values are left to their commands (``query`` refuses a
parameter given twice). A flag given twice says the same thing twice and passes; a flag and its opposite
(``--classify --no-classify``) are refused as two values are.
"""

from __future__ import annotations

from typing import Any

from ..errors import UsageError


def refuse_repeated(root: Any, argv: list[str]) -> None:
    """A usage error when ``argv`` gives a single-valued option of its command two different values.

    ``root`` is the click group of the command line; a command it does not know is left to click to refuse."""
    command, path, rest = _command(root, argv)
    if command is None:
        return
    options: dict[str, Any] = {}
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", "") != "option":
            continue
        for name in (*param.opts, *param.secondary_opts):
            options[name] = param
    seen: dict[str, list[tuple[str, str]]] = {}  # the parameter's name -> (the option as written, its value)
    tokens = iter(rest)
    for token in tokens:
        if token == "--":
            break
        name, value = _split(token, options)
        if name is None or (param := options.get(name)) is None:
            continue
        if getattr(param, "is_flag", False):
            value = "off" if name in param.secondary_opts else "on"
        elif value is None:
            value = next(tokens, "")
        if getattr(param, "multiple", False) or getattr(param, "count", False):
            continue
        seen.setdefault(param.name, []).append((name, value))
    for given in seen.values():
        values = list(dict.fromkeys(value for _, value in given))
        if len(values) < 2:
            continue
        written = list(dict.fromkeys(name for name, _ in given))
        if getattr(options[written[0]], "is_flag", False):
            raise UsageError(f"{' and '.join(written)} are both given to `{path}`; they say opposite things: "
                             "keep one")
        times = "twice" if len(given) == 2 else f"{len(given)} times"
        raise UsageError(f"{'/'.join(written)} is given {times} to `{path}` ({', '.join(repr(v) for v in values)}), "
                         "and it takes one value (the last one would be used without a word): give it once, "
                         "or run the command once for each value")


def _command(root: Any, argv: list[str]) -> tuple[Any, str, list[str]]:
    """The command ``argv`` runs, its path (``coopsec datasets check``) and the arguments after its name."""
    command, path, rest = root, "coopsec", list(argv)
    try:
        ctx = root.make_context("coopsec", [], resilient_parsing=True)
    except Exception:  # noqa: BLE001 - click says what is wrong when it runs the command line
        return None, path, rest
    while hasattr(command, "get_command"):  # a group: its subcommand is the first word that is not an option
        index = next((i for i, token in enumerate(rest) if not token.startswith("-")), None)
        if index is None:
            return None, path, rest
        sub = command.get_command(ctx, rest[index])
        if sub is None:
            return None, path, rest
        command, path, rest = sub, f"{path} {rest[index]}", rest[index + 1:]
    return command, path, rest


def _split(token: str, options: dict[str, Any]) -> tuple[str | None, str | None]:
    """``--at=1964`` -> (``--at``, ``1964``); ``-fjson`` -> (``-f``, ``json``); ``--at`` -> (``--at``, None)."""
    if token.startswith("--"):
        name, sep, value = token.partition("=")
        return name, (value if sep else None)
    if token.startswith("-") and len(token) > 1:
        name = token[:2]
        param = options.get(name)
        if len(token) > 2 and param is not None and not getattr(param, "is_flag", False):
            return name, token[2:]
        return name, None
    return None, None
