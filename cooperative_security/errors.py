"""The project's typed errors. Each says where, what is wrong and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


class CoopsecError(Exception):
    """Base class; ``exit_code`` is what the command line exits with."""

    exit_code = 1


class UsageError(CoopsecError):
    """The command was called wrongly (unknown option value, unknown case...)."""

    exit_code = 2


class UnknownTerm(UsageError):
    """A case, concept, work or parameter names nothing the store holds (exit 1, as for bad input: the
    command was well formed, its subject does not exist). A usage error still, for code that catches those."""

    exit_code = 1


class EnvironmentProblem(CoopsecError):
    """Something outside the project stops it (Java missing, store locked, server down)."""

    exit_code = 2


class StoreError(EnvironmentProblem):
    """The store cannot be opened or written."""


class ClosedStore(StoreError, AttributeError):
    """The store was closed. Also an AttributeError, so that ``hasattr`` and the runtime protocol checks
    (``isinstance(store, InProcess)``) see a closed store as lacking what it lost."""


@dataclass
class Problem:
    """One thing wrong with an input: where it is and what was expected."""

    source: str
    message: str
    line: int | None = None
    field: str | None = None
    record: str | None = None

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.record:
            parts.append(f"record {self.record}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ": ".join(parts) + ": " + self.message


class InputError(CoopsecError):
    """An input file was rejected; nothing of the batch was written."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__(self.render())

    def render(self) -> str:
        lines = [str(p) for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"... and {len(self.problems) - 50} more problems")
        return "\n".join(lines)
