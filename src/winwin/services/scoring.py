"""Scores of stored relationships, computed exactly as "The score, exactly" in MISSION.md.

For every selected round of a relationship:

- each answer ``x`` on an item of scale ``k`` normalises to ``n = (x - 1) / (k - 1)``
  (``1 - n`` when the item is reverse-coded);
- a side's factor value is the unweighted mean of the normalised answers of that side's
  respondents on that factor's items in the round (``None`` when nobody answered them);
- a side's score ``S = 50 * (A*E + I*T)``, its lever and gain come from
  ``winwin.domain.score``; a side with no responses is ``None``;
- ``R = sqrt(S_a * S_b)``, ``None`` when either side is ``None``;
- third-party answers (impact and attraction only) form the outside view, beside the
  sides' scores and never inside them.

**Which round.** Without ``round``, each relationship is scored in its latest round.
Rounds are compared as strings, character by character by code point (so
``"2026-Q2" > "2026-Q1"`` and ``"2026-10" > "2026-09"``, but ``"9" > "10"``); the
greatest is the latest. Name rounds so that they sort: ``2026-Q1``, ``2026-03``.

The whole network is scored in one pass without reading a single answer: the store keeps
each round's sum and count of normalised answers per side and factor
(``side_factor_sums``, refreshed after every write of answers), and those few rows per
round go through the vectorised functions of ``winwin.domain.score``.
"""

from __future__ import annotations

import csv
import gc
import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from winwin.domain.errors import InvalidInput, NotFound, Problem
from winwin.domain.score import (
    FACTOR_INDEX,
    FACTORS,
    Factor,
    OutsideView,
    SideScore,
    side_scores_array,
)
from winwin.store.repositories.assessments import AssessmentRepository, ScoreInputs
from winwin.store.repositories.network import NetworkRepository

THIRD_PARTY = "third-party"
# Slots of the per-round arrays: the two sides, then third parties.
_A, _B, _OUTSIDE = 0, 1, 2


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

    def as_dict(self) -> dict[str, Any]:
        """The contract's relationship object of ``winwin score --json``."""
        return {
            "between": list(self.between),
            "round": self.round,
            "score": self.score,
            "sides": {
                key: (side.as_dict() if side is not None else None)
                for key, side in self.sides.items()
            },
            "outside_view": self.outside_view.as_dict() if self.outside_view else None,
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
            side, other = self.sides[key], self.sides[self._other(key)]
            if side is None or other is None:  # pragma: no cover - R exists, so both do
                return None
            rise = math.sqrt((side.score + side.gain) * other.score) - self.score
            if best is None or rise > best[2]:
                best = (key, side.lever, rise)
        return best

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


def _scores_from_inputs(inputs: ScoreInputs) -> list[RelationshipScore]:
    rounds = inputs.rounds
    if not rounds:
        return []
    # The factor value is the mean of the normalised answers, exactly as
    # winwin.domain.score.factor_values defines it: total / count, NaN when unmeasured.
    measured = inputs.answers > 0
    values = np.full(inputs.totals.shape, np.nan)
    values[measured] = inputs.totals[measured] / inputs.answers[measured]
    side_values = values[:, :_OUTSIDE, :].reshape(-1, len(FACTORS))
    flat_s, flat_lever, flat_gain = side_scores_array(side_values)
    s = flat_s.reshape(len(rounds), 2)
    lever = flat_lever.reshape(len(rounds), 2)
    gain = flat_gain.reshape(len(rounds), 2)
    # Respondents per round and slot: every response counts, answered items or not.
    counts = inputs.respondents
    outside_answered = np.asarray(measured[:, _OUTSIDE].any(axis=1), dtype=bool)

    # Plain Python numbers once, for the whole network, rather than cell by cell: per
    # round and side (a, e, i, t, S, gain), then the outside view's (i, t), then R.
    both = (counts[:, _A] > 0) & (counts[:, _B] > 0)
    # R = sqrt(S_a * S_b) as relationship_score computes it (IEEE sqrt is exact-rounded).
    r_values = np.where(both, np.sqrt(s[:, 0] * s[:, 1]), np.nan)
    side_list = _plain(np.concatenate([values[:, :_OUTSIDE], s[..., None], gain[..., None]], 2))
    outside_list = _plain(values[:, _OUTSIDE, FACTOR_INDEX["impact"] :])
    r_list = _plain(r_values)
    lever_list = np.array(FACTORS, dtype=object)[lever].tolist()
    count_list = counts.tolist()
    answered_list = [bool(x) for x in outside_answered.tolist()]
    new = object.__new__
    result: list[RelationshipScore] = []
    with _without_gc_pauses():
        for row, side_row, levers, (n_a, n_b, n_outside), answered, outside_row, r_value in zip(
            rounds,
            side_list,
            lever_list,
            count_list,
            answered_list,
            outside_list,
            r_list,
            strict=True,
        ):
            a_key, b_key = row.a_key, row.b_key
            pair: list[SideScore | None] = [None, None]
            for column, responded in ((_A, n_a), (_B, n_b)):
                if responded:
                    a, e, i, t, score, gain_value = side_row[column]
                    side = pair[column] = new(SideScore)
                    side.__dict__.update(
                        accessibility=a,
                        energy=e,
                        impact=i,
                        attraction=t,
                        score=score,
                        lever=levers[column],
                        gain=gain_value,
                    )
            outside = None
            if answered:
                outside = new(OutsideView)
                outside.__dict__.update(impact=outside_row[0], attraction=outside_row[1])
            between = (a_key, b_key) if a_key <= b_key else (b_key, a_key)
            sides = {a_key: pair[0], b_key: pair[1]}
            made = new(RelationshipScore)
            made.__dict__.update(
                between=between,
                round=row.round,
                score=r_value,
                sides={between[0]: sides[between[0]], between[1]: sides[between[1]]},
                outside_view=outside,
                respondents={a_key: n_a, b_key: n_b, THIRD_PARTY: n_outside},
                instrument=row.instrument,
                status=row.status,
                assessment_id=row.id,
            )
            result.append(made)
    result.sort(key=lambda x: (x.between, x.round))
    return result


def _plain(array: npt.NDArray[np.float64]) -> list[Any]:
    """The array as nested lists of Python floats, NaN as ``None``."""
    objects = array.astype(object)
    objects[np.isnan(array)] = None
    return list(objects.tolist())


@contextmanager
def _without_gc_pauses() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a network's scores are built.

    Building tens of thousands of small objects at once triggers collections that walk
    every live object, again and again; the objects built here hold no reference
    cycles, so those passes find nothing. The collector is switched back on afterwards
    (unless it was off already), and the objects are freed by reference counting as
    usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def score_relationships(
    session: Session, *, round: str | None = None, org_ids: Sequence[int] | None = None
) -> list[RelationshipScore]:
    """Score every relationship: in ``round`` when given, else in its latest round.

    With ``round``, only relationships assessed in that round appear; with ``org_ids``,
    only relationships that one of these organisations is in. The list is sorted by the
    pair of keys, then by round.
    """
    if round is not None and not round.strip():
        raise InvalidInput(Problem("round", "must not be empty"))
    if round is not None and "\x00" in round:
        raise InvalidInput(Problem("round", "must not contain NUL characters"))
    if org_ids is not None and not org_ids:
        return []
    inputs = AssessmentRepository(session).score_inputs(
        round=round, latest=round is None, org_ids=org_ids
    )
    return _scores_from_inputs(inputs)


CSV_COLUMNS = (
    "a",
    "b",
    "round",
    "instrument",
    "status",
    "score",
    "side",
    "respondents",
    "accessibility",
    "energy",
    "impact",
    "attraction",
    "side_score",
    "lever",
    "gain",
)


def results_csv(scores: Sequence[RelationshipScore]) -> str:
    """Scores as CSV: one row per side and one for the outside view (side ``third-party``).

    Numbers are unrounded; an empty cell is a value that does not exist.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)

    def cell(value: float | int | str | None) -> str:
        return "" if value is None else (repr(value) if isinstance(value, float) else str(value))

    for score in scores:
        head = [*score.between, score.round, score.instrument, score.status, cell(score.score)]
        for key in score.between:
            side = score.sides[key]
            values: list[float | str | None] = (
                [None] * 7
                if side is None
                else [*(side.value(f) for f in FACTORS), side.score, side.lever, side.gain]
            )
            writer.writerow([*head, key, score.respondents.get(key, 0), *map(cell, values)])
        if score.respondents.get(THIRD_PARTY) or score.outside_view:
            outside = score.outside_view
            writer.writerow(
                [
                    *head,
                    THIRD_PARTY,
                    score.respondents.get(THIRD_PARTY, 0),
                    "",
                    "",
                    cell(outside.impact if outside else None),
                    cell(outside.attraction if outside else None),
                    "",
                    "",
                    "",
                ]
            )
    return buffer.getvalue()


def scores_of_orgs(session: Session, *, org_ids: list[int]) -> list[RelationshipScore]:
    """Every round of every relationship that one of these organisations is in."""
    if not org_ids:
        return []
    return _scores_from_inputs(AssessmentRepository(session).score_inputs(org_ids=org_ids))


@dataclass(frozen=True)
class RelationshipDetail:
    """One relationship across its rounds, oldest first (by the round order above)."""

    between: tuple[str, str]
    names: dict[str, str]
    history: list[RelationshipScore]

    @property
    def latest(self) -> RelationshipScore | None:
        return self.history[-1] if self.history else None

    @property
    def latest_scored(self) -> RelationshipScore | None:
        """The latest round in which both sides have answered."""
        for score in reversed(self.history):
            if score.score is not None:
                return score
        return None


def relationship_detail(session: Session, *, between: tuple[str, str]) -> RelationshipDetail:
    """The scores of one relationship in every round, for trends and the relationship page.

    Raises ``NotFound`` for an unknown organisation or a pair that has never been
    assessed.
    """
    net = NetworkRepository(session)
    first, second = sorted(between)
    if "\x00" in first + second:
        raise NotFound(f"no assessment round between '{first}' and '{second}'")
    orgs = [net.get_or_raise(first), net.get_or_raise(second)]
    inputs = AssessmentRepository(session).score_inputs(pair=(orgs[0].id, orgs[1].id))
    history = _scores_from_inputs(inputs)
    if not history:
        raise NotFound(f"no assessment round between '{first}' and '{second}'")
    return RelationshipDetail(
        between=(first, second),
        names={org.key: org.name for org in orgs},
        history=history,
    )
