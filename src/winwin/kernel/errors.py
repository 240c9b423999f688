"""One exception hierarchy for the product; the doors map it to statuses and exit codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a JSON path) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class WinwinError(Exception):
    """Base class for every error the product raises on purpose."""


class InvalidInput(WinwinError):
    """The input is malformed or breaks a rule; nothing was stored."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = problems
        super().__init__("; ".join(str(p) for p in problems))


class RuleBroken(InvalidInput):
    """The input is well formed but a business rule refuses it."""


class NotFound(WinwinError):
    """The named thing does not exist, or the caller may not know that it does."""


class PermissionDenied(WinwinError):
    """The caller is known but may not do this."""


class Conflict(WinwinError):
    """The operation clashes with the current state (for example, a closed round)."""
