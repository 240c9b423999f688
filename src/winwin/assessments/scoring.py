"""Scores of stored relationships, computed exactly as "The score, exactly" in MISSION.md.

For every selected round of a relationship:

- each answer ``x`` on an item of scale ``k`` normalises to ``n = (x - 1) / (k - 1)``
  (``1 - n`` when the item is reverse-coded);
- a side's factor value is the unweighted mean of the normalised answers of that side's
  respondents on that factor's items in the round (``None`` when nobody answered them);
- a side's score ``S = 50 * (A*E + I*T)``, its lever and gain come from
  ``winwin.assessments.score``; a side with no responses is ``None``;
- ``R = sqrt(S_a * S_b)``, ``None`` when either side is ``None``;
- third-party answers (impact and attraction only) form the outside view, beside the
  sides' scores and never inside them;
- a side below its round's minimum of respondents is *withheld* from a reader the
  anonymity rule does not trust with it (``winwin.assessments.anonymity``): it reads
  as ``None``, its key is in ``withheld``, and ``R``, its alpha, interval and item
  analysis are gone too. Every function here takes the ``reader``; the command line
  passes ``OPERATOR``.

**Which round.** Without ``round``, each relationship is scored in its latest round.
Rounds are compared as strings, character by character by code point (so
``"2026-Q2" > "2026-Q1"`` and ``"2026-10" > "2026-09"``, but ``"9" > "10"``); the
greatest is the latest. Name rounds so that they sort: ``2026-Q1``, ``2026-03``.

The whole network is scored in one pass without reading a single answer: the store keeps
each round's sum and count of normalised answers per side and factor (``score_sums``,
refreshed after every write of answers), the database hands back one row of factor means
per round, and those go through the vectorised functions of ``winwin.assessments.score``
into a ``NetworkScores`` table.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from winwin.assessments import refusals as refuse
from winwin.assessments.anonymity import Reader, shown_outside, shown_sides
from winwin.assessments.measures import ItemStat, item_analysis
from winwin.assessments.repository import AssessmentRepository, ScoreInputs
from winwin.assessments.score import (
    FACTOR_INDEX,
    FACTORS,
    THIRD_PARTY,
    Factor,
    OutsideView,
    SideScore,
    side_scores_array,
)
from winwin.db.engine import without_gc_pauses
from winwin.kernel.errors import InvalidInput, NotFound
from winwin.kernel.spreadsheets import SafeWriter
from winwin.network.repository import NetworkRepository

#: What a reader sees instead of a withheld side's factors (pages translate it).
WITHHELD_NOTE = "too few respondents to show without identifying them"
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


class NetworkScores(Sequence[RelationshipScore]):
    """The scores of many relationships, computed for all of them at once and kept as columns.

    Every number is worked out when the table is made, in one vectorised pass over the
    rounds' factor means: both sides' ``S``, lever and gain through
    ``winwin.assessments.score.side_scores_array``, ``R`` and the outside view. Rows are in the
    order of the pair of keys, then round. A ``RelationshipScore`` is made for a row when
    it is read (by index, slice or iteration; iterating makes them all once and keeps
    them), so a caller that only needs the columns, or a few rows, does not pay for tens
    of thousands of Python objects.
    """

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, inputs: ScoreInputs, reader: Reader) -> None:
        n = len(inputs)
        self._inputs = inputs
        means = inputs.means
        counts = inputs.respondents
        #: ``(n, 2)``: sides that answered but that this reader may not see.
        self.withheld = (counts[:, :_OUTSIDE] > 0) & ~shown_sides(
            counts[:, :_OUTSIDE], inputs.minimums, inputs.side_ids, reader
        )
        flat_s, flat_lever, flat_gain = side_scores_array(
            means[:, :_OUTSIDE, :].reshape(-1, len(FACTORS))
        )
        #: ``S`` of sides a and b (the pair's ``a_id`` and ``b_id``), their lever as a
        #: column index into ``FACTORS`` and its gain: ``(n, 2)`` each.
        self.side_scores = np.where(self.withheld, np.nan, flat_s.reshape(n, 2))
        self.levers = flat_lever.reshape(n, 2)
        self.gains = np.where(self.withheld, np.nan, flat_gain.reshape(n, 2))
        both = (counts[:, _A] > 0) & (counts[:, _B] > 0) & ~self.withheld.any(axis=1)
        # R = sqrt(S_a * S_b) as relationship_score computes it (IEEE sqrt is exact-rounded).
        #: ``R`` of every row, NaN where a side has not answered.
        self.scores = np.where(
            both, np.sqrt(self.side_scores[:, 0] * self.side_scores[:, 1]), np.nan
        )
        # The stored intervals, each widened to hold the estimate read with it, so that
        # an interval always contains its number however the two were rounded.
        ci = inputs.ci
        estimates = np.concatenate([self.side_scores, self.scores[:, None]], axis=1)
        #: ``(n, 3, 2)``: low and high ends for S_a, S_b and R, NaN where there is none.
        self.intervals = np.stack(
            [np.minimum(ci[:, :, 0], estimates), np.maximum(ci[:, :, 1], estimates)], axis=2
        )
        hidden = np.concatenate([self.withheld, ~both[:, None]], axis=1)
        self.intervals[hidden] = np.nan
        self._alpha = np.where(self.withheld[:, :, None], np.nan, inputs.alpha)
        outside = means[:, _OUTSIDE, FACTOR_INDEX["impact"] :]
        #: ``(n,)``: rounds whose third parties answered but whose outside view this
        #: reader may not see (fewer third parties than the round's minimum).
        self.outside_withheld = (counts[:, _OUTSIDE] > 0) & ~shown_outside(
            counts[:, _OUTSIDE], inputs.minimums, inputs.side_ids, reader
        )
        self._outside_measured = np.asarray(
            ~np.isnan(outside).all(axis=1) & ~self.outside_withheld, dtype=bool
        )
        a_keys = np.array(inputs.a_keys, dtype=str)
        b_keys = np.array(inputs.b_keys, dtype=str)
        a_first = a_keys <= b_keys
        first = np.where(a_first, a_keys, b_keys)
        second = np.where(a_first, b_keys, a_keys)
        # NumPy compares these strings by code point, as Python does.
        self._order = np.lexsort((np.array(inputs.rounds, dtype=str), second, first))
        self._made: list[RelationshipScore] | None = None

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> RelationshipScore: ...

    @overload
    def __getitem__(self, index: slice) -> list[RelationshipScore]: ...

    def __getitem__(self, index: int | slice) -> RelationshipScore | list[RelationshipScore]:
        if self._made is not None:
            return self._made[index]
        if isinstance(index, slice):
            return self._make(self._order[index])
        if not -len(self) <= index < len(self):
            raise IndexError("score index out of range")
        return self._make(self._order[[index]])[0]

    def __iter__(self) -> Iterator[RelationshipScore]:
        if self._made is None:
            self._made = self._make(self._order)
        return iter(self._made)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, NetworkScores | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"<NetworkScores of {len(self)} relationship rounds>"

    def _make(self, rows: npt.NDArray[np.intp]) -> list[RelationshipScore]:
        """``RelationshipScore`` objects for these rows, in this order."""
        inputs = self._inputs
        means = inputs.means[rows]
        # Plain Python numbers once, for all the rows, rather than cell by cell: per row
        # and side (a, e, i, t, S, gain), then the outside view's (i, t), then R.
        side_list = np.concatenate(
            [means[:, :_OUTSIDE], self.side_scores[rows, :, None], self.gains[rows, :, None]],
            axis=2,
        ).tolist()
        outside_list = means[:, _OUTSIDE, FACTOR_INDEX["impact"] :].tolist()
        r_list = self.scores[rows].tolist()
        lever_list = np.array(FACTORS, dtype=object)[self.levers[rows]].tolist()
        count_list = inputs.respondents[rows].tolist()
        answered_list = self._outside_measured[rows].tolist()
        interval_list = self.intervals[rows].tolist()
        alpha_list = self._alpha[rows].tolist()
        withheld_list = self.withheld[rows].tolist()
        outside_withheld_list = self.outside_withheld[rows].tolist()
        minimum_list = inputs.minimums[rows].tolist()
        ids = inputs.ids.tolist()
        rounds, a_keys, b_keys = inputs.rounds, inputs.a_keys, inputs.b_keys
        instruments, statuses = inputs.instruments, inputs.statuses
        new = object.__new__
        made: list[RelationshipScore] = []
        with without_gc_pauses():
            for (
                at,
                side_row,
                levers,
                (n_a, n_b, n_outside),
                answered,
                outside_row,
                r,
                (ci_a, ci_b, ci_r),
                (alpha_a, alpha_b),
                (hide_a, hide_b),
                hide_outside,
                minimum,
            ) in zip(
                rows.tolist(),
                side_list,
                lever_list,
                count_list,
                answered_list,
                outside_list,
                r_list,
                interval_list,
                alpha_list,
                withheld_list,
                outside_withheld_list,
                minimum_list,
                strict=True,
            ):
                a_key, b_key = a_keys[at], b_keys[at]
                pair: list[SideScore | None] = [None, None]
                for column, responded, hidden in ((_A, n_a, hide_a), (_B, n_b, hide_b)):
                    if responded and not hidden:
                        a, e, i, t, score, gain = side_row[column]
                        side = pair[column] = new(SideScore)
                        # NaN (x != x) is a factor nobody answered: None in the result.
                        side.__dict__.update(
                            accessibility=a if a == a else None,
                            energy=e if e == e else None,
                            impact=i if i == i else None,
                            attraction=t if t == t else None,
                            score=score,
                            lever=levers[column],
                            gain=gain,
                        )
                outside = None
                if answered:
                    impact, attraction = outside_row
                    outside = new(OutsideView)
                    outside.__dict__.update(
                        impact=impact if impact == impact else None,
                        attraction=attraction if attraction == attraction else None,
                    )
                if a_key <= b_key:
                    between, sides = (a_key, b_key), {a_key: pair[0], b_key: pair[1]}
                else:
                    between, sides = (b_key, a_key), {b_key: pair[1], a_key: pair[0]}
                score_of = new(RelationshipScore)
                # NaN (x != x) is a measure that does not exist: None in the result.
                score_of.__dict__.update(
                    alpha={
                        a_key: dict(
                            zip(FACTORS, (x if x == x else None for x in alpha_a), strict=True)
                        ),
                        b_key: dict(
                            zip(FACTORS, (x if x == x else None for x in alpha_b), strict=True)
                        ),
                    },
                    intervals={
                        a_key: tuple(ci_a) if ci_a[0] == ci_a[0] else None,
                        b_key: tuple(ci_b) if ci_b[0] == ci_b[0] else None,
                    },
                    ci=tuple(ci_r) if ci_r[0] == ci_r[0] else None,
                    stored_order=(a_key, b_key),
                    minimum=minimum,
                    withheld=frozenset(
                        key
                        for key, hidden in (
                            (a_key, hide_a),
                            (b_key, hide_b),
                            (THIRD_PARTY, hide_outside),
                        )
                        if hidden
                    ),
                )
                score_of.__dict__.update(
                    between=between,
                    round=rounds[at],
                    score=r if r == r else None,
                    sides=sides,
                    outside_view=outside,
                    respondents={a_key: n_a, b_key: n_b, THIRD_PARTY: n_outside},
                    instrument=instruments[at],
                    status=statuses[at],
                    assessment_id=ids[at],
                )
                made.append(score_of)
        return made


def score_relationships(
    session: Session,
    *,
    reader: Reader,
    round: str | None = None,
    org_ids: Sequence[int] | None = None,
) -> NetworkScores:
    """Score every relationship: in ``round`` when given, else in its latest round.

    With ``round``, only relationships assessed in that round appear; with ``org_ids``,
    only relationships that one of these organisations is in. The list is sorted by the
    pair of keys, then by round. Sides the ``reader`` may not see are withheld.
    """
    if round is not None and not round.strip():
        raise InvalidInput(refuse.EMPTY("round"))
    if round is not None and "\x00" in round:
        raise InvalidInput(refuse.NUL("round"))
    if org_ids is not None and not org_ids:
        return NetworkScores(ScoreInputs.empty(), reader)
    inputs = AssessmentRepository(session).score_inputs(
        round=round, latest=round is None, org_ids=org_ids
    )
    return NetworkScores(inputs, reader)


ItemsByRound = dict[int, dict[str, list[ItemStat]]]
"""Item analysis by round id and slot (``a``, ``b``: the pair's ``a_id`` and ``b_id``)."""


def items_of(session: Session, scores: Sequence[RelationshipScore]) -> ItemsByRound:
    """The item analysis of both sides of these scores' rounds, from their answers.

    Computed on demand (not stored): each statement's corrected item–total correlation
    on each side, and its flag (``winwin.assessments.reliability``).
    """
    return item_analysis(session, [s.assessment_id for s in scores])


def with_items(score: RelationshipScore, items: ItemsByRound) -> dict[str, Any]:
    """``score.as_dict()`` with each answered SIDE's ``items``: per statement ``{"id",
    "factor", "reverse", "item_total", "flag"}`` in the instrument's order."""
    document = score.as_dict()
    by_key = _side_items(score, items)
    for key, side in document["sides"].items():
        if side is not None:
            side["items"] = [stat.as_dict() for stat in by_key.get(key, [])]
    return document


def _side_items(score: RelationshipScore, items: ItemsByRound) -> dict[str, list[ItemStat]]:
    found = items.get(score.assessment_id, {})
    a_key, b_key = score.stored_order
    return {
        key: ([] if key in score.withheld else found.get(slot, []))
        for key, slot in ((a_key, "a"), (b_key, "b"))
    }


def items_by_side(score: RelationshipScore, items: ItemsByRound) -> dict[str, list[ItemStat]]:
    """One round's item analysis by side key, from ``items_of``; a withheld side's is
    empty."""
    return _side_items(score, items)


def side_items(session: Session, score: RelationshipScore) -> dict[str, list[ItemStat]]:
    """The item analysis of one round's two sides, by side key."""
    return _side_items(score, items_of(session, [score]))


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
    "withheld",
)


def results_csv(scores: Sequence[RelationshipScore]) -> str:
    """Scores as CSV: one row per side and one for the outside view (side ``third-party``).

    Numbers are unrounded; an empty cell is a value that does not exist. ``withheld``
    is ``too few respondents to show without identifying them`` on a side whose
    factors the reader may not see, else empty.
    """
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\n")
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
            note = WITHHELD_NOTE if key in score.withheld else ""
            writer.writerow([*head, key, score.respondents.get(key, 0), *map(cell, values), note])
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
                    WITHHELD_NOTE if THIRD_PARTY in score.withheld else "",
                ]
            )
    return buffer.getvalue()


def scores_of_orgs(session: Session, *, reader: Reader, org_ids: list[int]) -> NetworkScores:
    """Every round of every relationship that one of these organisations is in."""
    if not org_ids:
        return NetworkScores(ScoreInputs.empty(), reader)
    return NetworkScores(AssessmentRepository(session).score_inputs(org_ids=org_ids), reader)


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


def relationship_detail(
    session: Session, *, between: tuple[str, str], reader: Reader
) -> RelationshipDetail:
    """The scores of one relationship in every round, for trends and the relationship page.

    Raises ``NotFound`` for an unknown organisation or a pair that has never been
    assessed.
    """
    net = NetworkRepository(session)
    first, second = sorted(between)
    if "\x00" in first + second:
        raise NotFound(refuse.NO_ROUND_BETWEEN(first=first, second=second))
    orgs = [net.get_or_raise(first), net.get_or_raise(second)]
    inputs = AssessmentRepository(session).score_inputs(pair=(orgs[0].id, orgs[1].id))
    history = list(NetworkScores(inputs, reader))
    if not history:
        raise NotFound(refuse.NO_ROUND_BETWEEN(first=first, second=second))
    return RelationshipDetail(
        between=(first, second),
        names={org.key: org.name for org in orgs},
        history=history,
    )
