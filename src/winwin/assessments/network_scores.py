"""The scores of many relationships at once (``NetworkScores``): one vectorised pass over
the rounds' stored factor means (``ScoreRepository.score_inputs``) through
``winwin.assessments.score.side_scores_array``, kept as columns, with the anonymity rule
applied for the reader; a ``RelationshipScore`` is made for a row only when it is read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np
import numpy.typing as npt

from winwin.assessments.anonymity import Reader, shown_outside, shown_sides
from winwin.assessments.relationship_score import RelationshipScore
from winwin.assessments.score import (
    FACTOR_INDEX,
    FACTORS,
    THIRD_PARTY,
    OutsideView,
    SideScore,
    side_scores_array,
)
from winwin.assessments.score_repository import ScoreInputs
from winwin.db.engine import without_gc_pauses

# Slots of the per-round arrays: the two sides, then third parties.
_A, _B, _OUTSIDE = 0, 1, 2


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
