"""The score of one relationship in one round, as every door reads it: both sides'
``SideScore``, ``R``, the outside view, the measures of their reliability, and the lever
to name first (``Lever``: what one side could raise, and what it would bring to its own
``S`` and to ``R``). Pure: it is made by ``assessments.network_scores`` from the stored
sums, and read by the pages, the REST API, the command line and the reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from winwin.assessments.score import (
    FACTORS,
    Factor,
    OutsideView,
    SideScore,
)


@dataclass(frozen=True)
class RelationshipScore:
    """The score of one relationship in one round.

    ``between`` holds the two organisations' keys in order; ``sides`` maps each key to
    its ``SideScore`` (``None`` when that side has not answered). ``score`` is ``R``
    (0..100) or ``None``. ``respondents`` counts responses per side key and under
    ``"third-party"``.
    """

    between: tuple[str, str]
    round: str
    score: float | None
    sides: dict[str, SideScore | None]
    outside_view: OutsideView | None
    respondents: dict[str, int] = field(default_factory=dict)
    instrument: str = ""
    status: str = "open"
    assessment_id: int = 0
    #: Cronbach's alpha per side key and factor (``None`` where there is none).
    alpha: dict[str, dict[Factor, float | None]] = field(default_factory=dict)
    #: The 95 % interval of each side's ``S`` by side key, ``None`` below 3 respondents.
    intervals: dict[str, tuple[float, float] | None] = field(default_factory=dict)
    #: The 95 % interval of ``R``, ``None`` unless both sides have 3 respondents.
    ci: tuple[float, float] | None = None
    #: The side keys in the round's stored order (``a_id``, ``b_id``).
    stored_order: tuple[str, str] = ("", "")
    #: The round's minimum of respondents per side (1: a named round).
    minimum: int = 3
    #: Side keys whose factors this reader may not see (too few respondents), and
    #: ``"third-party"`` when the outside view is withheld the same way.
    withheld: frozenset[str] = frozenset()

    def as_dict(self) -> dict[str, Any]:
        """The contract's relationship object of ``winwin score --json``.

        Beside the contract's fields, each SIDE carries ``respondents``, ``alpha``
        (per factor, ``null`` where there is none) and ``ci`` (``[low, high]`` of ``S``
        or ``null``), and the relationship ``ci`` for ``R``.
        """
        return {
            "between": list(self.between),
            "round": self.round,
            "score": self.score,
            "sides": {
                key: (self.side_dict(key) if side is not None else None)
                for key, side in self.sides.items()
            },
            "outside_view": self.outside_view.as_dict() if self.outside_view else None,
            "ci": list(self.ci) if self.ci is not None else None,
        }

    def side_dict(self, key: str) -> dict[str, Any]:
        """One side's SIDE object (the side must have answered)."""
        side = self.sides[key]
        assert side is not None
        interval = self.intervals.get(key)
        alpha = self.alpha.get(key) or {}
        return {
            **side.as_dict(),
            "respondents": self.respondents.get(key, 0),
            "alpha": {f: alpha.get(f) for f in FACTORS},
            "ci": list(interval) if interval is not None else None,
        }

    def best_step(self) -> tuple[str, Factor, float] | None:
        """The side whose lever would raise ``R`` most: ``(side key, factor, R gain)``.

        Raising side ``x``'s lever to the top lifts ``S_x`` by its gain ``g_x``, so ``R``
        becomes ``sqrt((S_x + g_x) * S_y)``; the side with the larger rise wins (the first
        key on a tie). ``None`` when ``R`` does not exist.
        """
        if self.score is None:
            return None
        best: tuple[str, Factor, float] | None = None
        for key in self.between:
            lever = self.lever_of(key)
            if lever is None or lever.r_gain is None:  # pragma: no cover - R exists
                return None
            if best is None or lever.r_gain > best[2]:
                best = (key, lever.factor, lever.r_gain)
        return best

    def lever_of(self, key: str) -> Lever | None:
        """Side ``key``'s lever with both of its numbers, ``None`` when the side is not
        shown: the gain in that side's ``S`` (the score module's ``gain``) and the rise of
        ``R``, ``sqrt((S_x + g_x) * S_y) - R`` (``None`` when ``R`` does not exist)."""
        side = self.sides.get(key)
        if side is None:
            return None
        other = self.sides[self._other(key)]
        r_gain = None
        if self.score is not None and other is not None:
            r_gain = math.sqrt((side.score + side.gain) * other.score) - self.score
        return Lever(side=key, factor=side.lever, s_gain=side.gain, r_gain=r_gain)

    def main_lever(self) -> Lever | None:
        """The lever to name first: the side whose lever would raise ``R`` most (as
        ``best_step``); without ``R``, the lever of the one side that is shown."""
        step = self.best_step()
        if step is not None:
            return self.lever_of(step[0])
        shown = [lever for key in self.between if (lever := self.lever_of(key)) is not None]
        return max(shown, key=lambda lever: lever.s_gain) if shown else None

    def _other(self, key: str) -> str:
        return self.between[1] if key == self.between[0] else self.between[0]

    def gap(self, factor: Factor) -> float | None:
        """First side's value minus the second's (``-1..1``), ``None`` unless both exist."""
        first, second = (self.sides[k] for k in self.between)
        if first is None or second is None:
            return None
        x, y = first.value(factor), second.value(factor)
        if x is None or y is None:
            return None
        return x - y


@dataclass(frozen=True)
class Lever:
    """What one side could do: raise ``factor`` to the top.

    ``s_gain`` is how much that side's ``S`` would rise (0..100, ``SideScore.gain``);
    ``r_gain`` how much ``R`` would rise, ``None`` when ``R`` does not exist.
    """

    side: str
    factor: Factor
    s_gain: float
    r_gain: float | None
