"""One exception hierarchy for the product; the doors map it to statuses and exit codes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a JSON path) and what.

    A problem made from a ``Refusal`` also carries the refusal's ``code`` and the values
    its message was filled with, so that a door can say it in another language without
    reading the English words.
    """

    path: str
    message: str
    code: str | None = None
    params: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass(frozen=True)
class Refusal:
    """One kind of refusal a service gives: a stable ``code`` and its English message id
    with ``%(name)s`` placeholders (the id the translation catalogs use).

    ``CLOSED("challenge", stage="closed")`` is the ``Problem`` to raise. Codes are unique
    across the product; ``Refusal.known`` finds the refusal of a code.
    """

    code: str
    msgid: str
    _known: ClassVar[dict[str, Refusal]] = {}

    def __post_init__(self) -> None:
        if self._known.setdefault(self.code, self) is not self:
            raise ValueError(f"refusal code {self.code!r} is defined twice")

    def __call__(self, path: str = "", **params: object) -> Problem:
        message = self.msgid % params if params else self.msgid
        return Problem(path, message, code=self.code, params=params)

    @classmethod
    def known(cls, code: str | None) -> Refusal | None:
        return cls._known.get(code) if code else None


class WinwinError(Exception):
    """Base class for every error the product raises on purpose.

    It takes its message as text or as a ``Problem`` (made by a ``Refusal``, so that it
    keeps its code); ``problem`` is that message as a ``Problem`` with no path.
    """

    def __init__(self, message: str | Problem = "") -> None:
        self.problem = message if isinstance(message, Problem) else Problem("", message)
        super().__init__(self.problem.message)


class InvalidInput(WinwinError):
    """The input is malformed or breaks a rule; nothing was stored."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = problems
        self.problem = problems[0] if len(problems) == 1 else Problem("", "")
        Exception.__init__(self, "; ".join(str(p) for p in problems))


class RuleBroken(InvalidInput):
    """The input is well formed but a business rule refuses it."""


class NotFound(WinwinError):
    """The named thing does not exist, or the caller may not know that it does."""


class PermissionDenied(WinwinError):
    """The caller is known but may not do this."""


class Conflict(WinwinError):
    """The operation clashes with the current state (for example, a closed round)."""
