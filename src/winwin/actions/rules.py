"""The pure rules of joint action plans: statuses, overdue, and what moved between rounds.

Nothing here knows the database or the doors; the service asks and stores.

**Statuses.** An action is ``planned``, ``doing``, ``done`` or ``dropped``. It moves

- from ``planned`` to ``doing``, ``done`` or ``dropped``;
- from ``doing`` to ``planned``, ``done`` or ``dropped``;
- from ``done`` back to ``doing`` (reopened);
- from ``dropped`` back to ``planned`` (taken up again).

``dropped`` needs a reason (what was decided instead); any other status has none, so
leaving ``dropped`` forgets it (the history keeps it). Planned and doing are *open*.

**Overdue.** An open action whose due date is before today. Done and dropped actions
are never overdue; an action without a due date never is.

**What moved.** Between two rounds a number (a factor value 0..1, a side's ``S`` or
``R`` 0..100) changes by ``to - from``. Whether the change is beyond the round-to-round
noise is read from the two rounds' 95 % intervals: with half-widths ``h1`` and ``h2``,
the change is beyond noise when ``|to - from| > sqrt(h1² + h2²)`` (the 95 % half-width
of a difference of two independent estimates, each interval taken as ±1.96 standard
errors). ``None`` — "too few respondents to tell" — when either round has no interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from winwin.actions import refusals
from winwin.kernel.errors import Problem

Status = Literal["planned", "doing", "done", "dropped"]
STATUSES: tuple[Status, ...] = ("planned", "doing", "done", "dropped")
OPEN: frozenset[str] = frozenset({"planned", "doing"})

TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"doing", "done", "dropped"}),
    "doing": frozenset({"planned", "done", "dropped"}),
    "done": frozenset({"doing"}),
    "dropped": frozenset({"planned"}),
}

MAX_TITLE = 200
MAX_DESCRIPTION = 20_000
MAX_REASON = 1_000


class TransitionRefused(ValueError):
    """A status change the rules do not allow; ``problem`` names what to fix (its path is
    the field) and carries the refusal's code."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem
        self.field = problem.path
        self.message = problem.message


def check_transition(current: str, new: str, reason: str | None) -> str | None:
    """The reason to store after moving ``current`` to ``new``, or ``TransitionRefused``.

    The reason is stripped; it is required for ``dropped`` and refused for any other
    status.
    """
    if new not in STATUSES:
        raise TransitionRefused(
            refusals.UNKNOWN_STATUS("status", status=new, statuses=", ".join(STATUSES))
        )
    if new == current:
        raise TransitionRefused(refusals.ALREADY("status", status=current))
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current]))
        raise TransitionRefused(refusals.CANNOT_BECOME("status", status=current, allowed=allowed))
    cleaned = (reason or "").strip()
    if new == "dropped":
        if not cleaned:
            raise TransitionRefused(refusals.SAY_WHY_DROPPED("reason"))
        if len(cleaned) > MAX_REASON:
            raise TransitionRefused(refusals.TOO_LONG("reason", n=MAX_REASON))
        return cleaned
    if cleaned:
        raise TransitionRefused(refusals.REASON_ONLY_WHEN_DROPPED("reason"))
    return None


def is_open(status: str) -> bool:
    return status in OPEN


def is_overdue(status: str, due: date | None, today: date) -> bool:
    """Open, with a due date before ``today``."""
    return due is not None and status in OPEN and due < today


@dataclass(frozen=True)
class Change:
    """One number in two rounds: ``from``, ``to``, the change and whether it is beyond noise."""

    before: float | None
    after: float | None
    change: float | None
    beyond_noise: bool | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.before,
            "to": self.after,
            "change": self.change,
            "beyond_noise": self.beyond_noise,
        }


Interval = tuple[float, float]


def change_between(
    before: float | None,
    after: float | None,
    *,
    before_interval: Interval | None = None,
    after_interval: Interval | None = None,
) -> Change:
    """The change from ``before`` to ``after`` and whether it exceeds the noise (above)."""
    if before is None or after is None:
        return Change(before, after, None, None)
    change = after - before
    if before_interval is None or after_interval is None:
        return Change(before, after, change, None)
    h1 = (before_interval[1] - before_interval[0]) / 2
    h2 = (after_interval[1] - after_interval[0]) / 2
    return Change(before, after, change, abs(change) > math.hypot(h1, h2))
