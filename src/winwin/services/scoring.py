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
import io
import math
from collections.abc import Sequence
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
    relationship_score,
    side_scores_array,
)
from winwin.store.repositories.assessments import AssessmentRepository, ScoreInputs
from winwin.store.repositories.network import NetworkRepository

THIRD_PARTY = "third-party"
# Columns of the per-round side arrays: the two sides, then third parties.
_A, _B, _OUTSIDE = 0, 1, 2
_SLOTS = 3


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
    ids = inputs.round_ids
    a_ids = np.array([r.a_id for r in rounds], dtype=np.int64)
    b_ids = np.array([r.b_id for r in rounds], dtype=np.int64)
    by_id = np.argsort(ids)

    def position(assessment_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
        # Row ids can be large and sparse: look them up by binary search, not by a table.
        found = np.searchsorted(ids, assessment_ids, sorter=by_id)
        return by_id[np.minimum(found, len(ids) - 1)].astype(np.intp)

    def slots(index: npt.NDArray[np.intp], side: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        a, b = a_ids[index], b_ids[index]
        return np.where(side == 0, _OUTSIDE, np.where(side == a, _A, np.where(side == b, _B, -1)))

    # Factor sums -> (round, slot, factor) cells. Sums of an organisation outside the
    # pair, and third parties' sums on accessibility or energy (the checks at every door
    # refuse such answers), never reach a score.
    index = position(inputs.sum_assessment)
    slot = slots(index, inputs.sum_side)
    factor = inputs.sum_factor
    keep = (slot >= 0) & (factor >= 0) & (inputs.sum_answers > 0)
    keep &= (slot != _OUTSIDE) | (factor >= FACTOR_INDEX["impact"])
    size = len(rounds) * _SLOTS * len(FACTORS)
    cells = (index[keep] * _SLOTS + slot[keep]) * len(FACTORS) + factor[keep]
    totals = np.bincount(cells, weights=inputs.sum_total[keep], minlength=size)
    answered = np.bincount(cells, weights=inputs.sum_answers[keep], minlength=size)
    # The factor value is the mean of the normalised answers, exactly as
    # winwin.domain.score.factor_values defines it: total / count, NaN when unmeasured.
    means = np.full(size, np.nan, dtype=np.float64)
    measured = answered > 0
    means[measured] = totals[measured] / answered[measured]
    values = means.reshape(len(rounds), _SLOTS, len(FACTORS))
    side_values = values[:, :_OUTSIDE, :].reshape(-1, len(FACTORS))
    flat_s, flat_lever, flat_gain = side_scores_array(side_values)
    s = flat_s.reshape(len(rounds), 2)
    lever = flat_lever.reshape(len(rounds), 2)
    gain = flat_gain.reshape(len(rounds), 2)

    # Respondents per round and slot: every response counts, answered items or not.
    r_index = position(inputs.response_assessment)
    r_slot = slots(r_index, inputs.response_side)
    listed = r_slot >= 0
    counts = (
        np.bincount(
            r_index[listed] * _SLOTS + r_slot[listed],
            weights=inputs.response_count[listed],
            minlength=len(rounds) * _SLOTS,
        )
        .astype(np.int64)
        .reshape(len(rounds), _SLOTS)
    )
    outside_measured = measured.reshape(len(rounds), _SLOTS, len(FACTORS))[:, _OUTSIDE]
    outside_answered = np.asarray(outside_measured.any(axis=1), dtype=bool)

    # Plain Python numbers once, for the whole network, rather than cell by cell.
    def plain(array: npt.NDArray[Any]) -> list[Any]:
        return [None if x != x else x for x in array.ravel().tolist()]  # NaN -> None

    cell_values = plain(values)
    side_s, side_lever, side_gain = s.tolist(), lever.tolist(), gain.tolist()
    count_list = counts.tolist()
    answered_list = [bool(x) for x in outside_answered.tolist()]
    width = _SLOTS * len(FACTORS)
    result: list[RelationshipScore] = []
    for r, row in enumerate(rounds):
        sides: dict[str, SideScore | None] = {}
        for column, key in ((_A, row.a_key), (_B, row.b_key)):
            if count_list[r][column] == 0:
                sides[key] = None
                continue
            base = r * width + column * len(FACTORS)
            a, e, i, t = cell_values[base : base + len(FACTORS)]
            sides[key] = SideScore(
                accessibility=a,
                energy=e,
                impact=i,
                attraction=t,
                score=side_s[r][column],
                lever=FACTORS[side_lever[r][column]],
                gain=side_gain[r][column],
            )
        between = (row.a_key, row.b_key) if row.a_key <= row.b_key else (row.b_key, row.a_key)
        outside = None
        if answered_list[r]:
            base = r * width + _OUTSIDE * len(FACTORS)
            outside = OutsideView(
                impact=cell_values[base + FACTOR_INDEX["impact"]],
                attraction=cell_values[base + FACTOR_INDEX["attraction"]],
            )
        result.append(
            RelationshipScore(
                between=between,
                round=row.round,
                score=relationship_score(sides[row.a_key], sides[row.b_key]),
                sides={key: sides[key] for key in between},
                outside_view=outside,
                respondents={
                    row.a_key: count_list[r][_A],
                    row.b_key: count_list[r][_B],
                    THIRD_PARTY: count_list[r][_OUTSIDE],
                },
                instrument=row.instrument,
                status=row.status,
                assessment_id=row.id,
            )
        )
    result.sort(key=lambda x: (x.between, x.round))
    return result


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
