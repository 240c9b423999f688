"""How far a score can be trusted: Cronbach's alpha, item analysis and bootstrap intervals.

Pure functions over NumPy arrays; nothing here knows about the database or the web.

- **Cronbach's alpha** of one factor on one side, on the normalised answers the score
  uses (reverse-coded statements already reversed), over the respondents who answered
  every statement of the factor (complete cases), with sample variances (``ddof=1``):
  ``alpha = k/(k-1) * (1 - sum(var(item)) / var(sum))``. ``None`` below 3 complete
  respondents, below 2 statements, or when the respondents' sums do not vary.
- **Corrected item–total correlation** of a statement: the Pearson correlation, over the
  same complete cases, between the statement and the sum of the factor's *other*
  statements. A negative one is flagged ``"negative"``; on a reverse-coded statement
  the flag is ``"possibly misread"`` (respondents may have missed the reversal).
- **95 % intervals** for a side's ``S`` and for ``R`` by the percentile bootstrap over
  respondents: ``RESAMPLES`` resamples drawn with NumPy's PCG64 from ``SEED``; ``None``
  when a side has fewer than ``MIN_RESPONDENTS`` respondents.

The bootstrap works on respondent-level factor sums: per respondent and factor, the sum
of the respondent's points (``x - 1``, ``k - x`` when reverse-coded, so ``normalised *
(k - 1)``) and the number of answers. A resample draws ``n`` respondents with
replacement; its factor value is ``sum(points) / (k - 1) / sum(answers)`` over the drawn
respondents, which is the score's own answer-level mean (the respondents' factor means
weighted by their number of answers), and its ``S`` follows ``winwin.assessments.score``
(a factor nobody in the resample answered counts as 0). The draws are held as a
``(RESAMPLES, n)`` matrix of how often each respondent was drawn, so every resample of
many sides is one matrix product; the points are whole numbers, so those sums are exact
and a side's interval does not depend on which other sides it was computed with.

**Seeds.** The draws depend only on ``SEED``, on the number of respondents ``n`` and on
the side's slot in its relationship (``0`` and ``1``): ``numpy.random.default_rng((SEED,
slot, n))``. The same answers always give the same interval, and for ``R`` the two sides
are resampled independently (different streams), as the percentile bootstrap of a
statistic of two independent samples requires.

**The interval always contains its estimate.** A percentile interval of a skewed
statistic can miss the estimate; when it does, the nearer end is moved to the estimate
(``lo = min(lo, estimate)``, ``hi = max(hi, estimate)``), so the reported interval is
never narrower than the percentile interval and always holds the number it describes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from winwin.kernel.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]

RESAMPLES = 2_000
"""Bootstrap resamples per interval."""

SEED = 20_260_113
"""The fixed seed of every bootstrap draw (see the module's notes on seeds)."""

MIN_RESPONDENTS = 3
"""Fewest respondents on a side for an interval, and complete cases for an alpha."""

PERCENTILES = (2.5, 97.5)
"""The ends of a 95 % interval: these percentiles of the resamples."""

FEW_RESPONDENTS = 5
"""Up to this many respondents a side's score is shown as based on few respondents."""

Flag = Literal["negative", "possibly misread"]
Interval = tuple[float, float]

# Sums of answers on a 1..k scale differ by at least 1/(k-1) when they differ at all;
# anything this close is the same sum up to rounding.
_SAME = 1e-9


def low_n(respondents: int) -> Literal["indicative", "few"] | None:
    """How to qualify a score from this many respondents.

    ``"indicative"`` for 1–2 respondents (indicative only), ``"few"`` for 3–5
    (few respondents), ``None`` from 6 on and for 0 (nothing to qualify).
    """
    if 1 <= respondents < MIN_RESPONDENTS:
        return "indicative"
    if MIN_RESPONDENTS <= respondents <= FEW_RESPONDENTS:
        return "few"
    return None


def _matrix(answers: npt.ArrayLike) -> FloatArray:
    values = np.asarray(answers, dtype=np.float64)
    if values.ndim != 2:
        raise InvalidInput(
            f"answers must form a (respondents, statements) table, not {values.shape}"
        )
    return values


def complete_cases(answers: npt.ArrayLike) -> FloatArray:
    """The rows of ``answers`` (respondents × statements, NaN = not answered) with no NaN."""
    values = _matrix(answers)
    return values[~np.isnan(values).any(axis=1)]


def cronbach_alpha(answers: npt.ArrayLike) -> float | None:
    """Cronbach's alpha of one factor's statements.

    ``answers`` is a respondents × statements table of normalised answers (``0..1``,
    reverse-coded statements already reversed; NaN where a respondent did not answer).
    Over the complete cases, with ``k`` statements and sample variances:
    ``alpha = k/(k-1) * (1 - sum(var(item)) / var(sum))``. At most 1, unbounded below
    (negative when statements pull against each other). ``None`` with fewer than
    ``MIN_RESPONDENTS`` complete cases, fewer than 2 statements, or sums that do not
    vary.
    """
    rows = complete_cases(answers)
    n, k = rows.shape
    if n < MIN_RESPONDENTS or k < 2:
        return None
    sums = rows.sum(axis=1)
    if np.ptp(sums) <= _SAME:
        return None
    item_variance = float(rows.var(axis=0, ddof=1).sum())
    total_variance = float(sums.var(ddof=1))
    return float(k / (k - 1) * (1.0 - item_variance / total_variance))


def item_total_correlations(answers: npt.ArrayLike) -> list[float | None]:
    """The corrected item–total correlation of each statement (column) of a factor.

    For statement ``j``: the Pearson correlation, over the complete cases, between
    column ``j`` and the sum of the other columns; in ``-1..1``. ``None`` for every
    statement with fewer than ``MIN_RESPONDENTS`` complete cases or fewer than 2
    statements, and for a statement when it or the rest does not vary.
    """
    values = _matrix(answers)
    rows = complete_cases(values)
    n, k = rows.shape
    if n < MIN_RESPONDENTS or k < 2:
        return [None] * values.shape[1]
    rest = rows.sum(axis=1, keepdims=True) - rows
    out: list[float | None] = []
    for j in range(k):
        x, y = rows[:, j], rest[:, j]
        if np.ptp(x) <= _SAME or np.ptp(y) <= _SAME:
            out.append(None)
            continue
        dx, dy = x - x.mean(), y - y.mean()
        r = float((dx @ dy) / np.sqrt((dx @ dx) * (dy @ dy)))
        out.append(min(1.0, max(-1.0, r)))
    return out


def item_flag(correlation: float | None, *, reverse: bool) -> Flag | None:
    """``"negative"`` for a negative item–total correlation, ``"possibly misread"`` when
    the statement is reverse-coded, ``None`` otherwise (also when there is none)."""
    if correlation is None or correlation >= 0:
        return None
    return "possibly misread" if reverse else "negative"


@dataclass(frozen=True)
class SidePoints:
    """One side's answers in one round, summed per respondent and factor.

    ``points[r, f]`` is respondent ``r``'s sum of points on factor ``f`` (order A, E, I,
    T), a point being ``x - 1`` (``k - x`` when reverse-coded), so a whole number;
    ``answers[r, f]`` counts those answers. ``steps`` is ``k - 1``.
    """

    points: FloatArray  # (n, 4)
    answers: FloatArray  # (n, 4)
    steps: int

    def __post_init__(self) -> None:
        if self.points.ndim != 2 or self.points.shape[1] != 4:
            raise InvalidInput(f"points must form an (n, 4) array, not {self.points.shape}")
        if self.answers.shape != self.points.shape:
            raise InvalidInput("points and answers must have the same shape")
        if self.steps < 1:
            raise InvalidInput(f"a scale has at least 2 points, not {self.steps + 1}")

    @classmethod
    def of(cls, points: npt.ArrayLike, answers: npt.ArrayLike, *, steps: int) -> SidePoints:
        return cls(
            np.asarray(points, dtype=np.float64).reshape(-1, 4),
            np.asarray(answers, dtype=np.float64).reshape(-1, 4),
            int(steps),
        )

    @property
    def respondents(self) -> int:
        return int(self.points.shape[0])


def _scores(points: FloatArray, answers: FloatArray, steps: int) -> FloatArray:
    """``S`` from summed points and answer counts of sides: factors on the *first* axis.

    ``points`` and ``answers`` are ``(4, ...)`` arrays (A, E, I, T); a factor's value is
    ``points / steps / answers``, 0 where nobody answered it, and
    ``S = 50 * (A*E + I*T)`` has the shape of the remaining axes.
    """
    means = np.zeros(points.shape, dtype=np.float64)
    np.divide(points / steps, answers, out=means, where=answers > 0)
    return np.asarray(50.0 * (means[0] * means[1] + means[2] * means[3]), dtype=np.float64)


def side_estimate(side: SidePoints) -> float:
    """The side's ``S`` from its respondents' points, as ``winwin.assessments.score`` gives it."""
    return float(_scores(side.points.sum(axis=0), side.answers.sum(axis=0), side.steps)[()])


@lru_cache(maxsize=256)
def resample_counts(n: int, slot: int) -> FloatArray:
    """How often each of ``n`` respondents is drawn in each resample: ``(RESAMPLES, n)``.

    Each row draws ``n`` respondents with replacement from ``default_rng((SEED, slot,
    n))``; rows sum to ``n``. Cached and read-only: the same ``(n, slot)`` always gives
    the same draws.
    """
    if n < 1:
        raise InvalidInput(f"a resample needs at least one respondent, not {n}")
    drawn = np.random.default_rng((SEED, slot, n)).integers(0, n, size=(RESAMPLES, n))
    flat = drawn + (np.arange(RESAMPLES) * n)[:, None]
    counts = np.bincount(flat.ravel(), minlength=RESAMPLES * n).reshape(RESAMPLES, n)
    matrix = counts.astype(np.float64)
    matrix.setflags(write=False)
    return matrix


def resampled_scores(sides: Sequence[SidePoints], *, slot: int) -> FloatArray:
    """``S`` of every resample of each side: a ``(len(sides), RESAMPLES)`` array.

    All sides must have the same number of respondents and scale steps; they share the
    draws of ``resample_counts(n, slot)``, and the resampled sums of all of them come
    from one matrix product.
    """
    if not sides:
        return np.zeros((0, RESAMPLES))
    n, steps = sides[0].respondents, sides[0].steps
    if any(s.respondents != n or s.steps != steps for s in sides):
        raise InvalidInput("sides resampled together need the same respondents and scale")
    weights = resample_counts(n, slot)
    # (n, 8, m): the points, then the answers, of factor f of side j at [:, f, j] (and
    # [:, 4 + f, j]); one product gives every resampled sum, laid out (RESAMPLES, 8, m)
    # so that each factor's sums are one contiguous block.
    stacked = np.concatenate(
        [np.stack([s.points for s in sides], axis=2), np.stack([s.answers for s in sides], axis=2)],
        axis=1,
    )
    sums = (weights @ stacked.reshape(n, -1)).reshape(RESAMPLES, 8, len(sides))
    scores = _scores(sums[:, :4].transpose(1, 0, 2), sums[:, 4:].transpose(1, 0, 2), steps)
    return np.ascontiguousarray(scores.T)


def percentile_interval(samples: npt.ArrayLike, estimate: float) -> Interval:
    """The 95 % percentile interval of ``samples``, widened to hold ``estimate``.

    The ends are NumPy's linear-interpolation percentiles ``PERCENTILES``.
    """
    lo, hi = np.percentile(np.asarray(samples, dtype=np.float64), PERCENTILES)
    return (min(float(lo), estimate), max(float(hi), estimate))


@dataclass(frozen=True)
class RoundIntervals:
    """The intervals of one round: ``S`` of each side (``a``, ``b``) and ``R``."""

    a: Interval | None
    b: Interval | None
    relationship: Interval | None


def round_intervals(
    rounds: Sequence[tuple[SidePoints | None, SidePoints | None]],
) -> list[RoundIntervals]:
    """The 95 % intervals of many rounds at once; see the module's notes.

    Each round gives its two sides' points (``None`` for a side that has not answered).
    A side with fewer than ``MIN_RESPONDENTS`` respondents gets no interval, nor does
    ``R`` then. ``R``'s resamples are ``sqrt(S_a* * S_b*)`` of the two sides' resamples,
    side a drawn from slot 0 and side b from slot 1. Sides with the same number of
    respondents and scale are resampled in one matrix product, so the result for a
    round is the same whatever other rounds are passed with it.
    """
    out: list[RoundIntervals] = []
    for start in range(0, len(rounds), _BLOCK):
        out += _block_intervals(rounds[start : start + _BLOCK])
    return out


def _interval_rows(samples: FloatArray, estimates: FloatArray) -> list[Interval]:
    """``percentile_interval`` of each row of ``samples`` with its estimate, at once."""
    lo, hi = np.percentile(samples, PERCENTILES, axis=1)
    return list(
        zip(np.minimum(lo, estimates).tolist(), np.maximum(hi, estimates).tolist(), strict=True)
    )


def _block_intervals(
    rounds: Sequence[tuple[SidePoints | None, SidePoints | None]],
) -> list[RoundIntervals]:
    samples: list[list[FloatArray | None]] = [[None, None] for _ in rounds]
    estimates: list[list[float]] = [[0.0, 0.0] for _ in rounds]
    intervals: list[list[Interval | None]] = [[None, None] for _ in rounds]
    groups: dict[tuple[int, int, int], list[tuple[int, SidePoints]]] = {}
    for at, pair in enumerate(rounds):
        for slot, side in enumerate(pair):
            if side is not None and side.respondents >= MIN_RESPONDENTS:
                groups.setdefault((slot, side.respondents, side.steps), []).append((at, side))
    for (slot, _, steps), members in groups.items():
        for start in range(0, len(members), _GROUP):
            part = members[start : start + _GROUP]
            sides = [side for _, side in part]
            scores = resampled_scores(sides, slot=slot)
            found = _scores(
                np.stack([s.points.sum(axis=0) for s in sides], axis=1),
                np.stack([s.answers.sum(axis=0) for s in sides], axis=1),
                steps,
            )
            for (at, _), row, estimate, interval in zip(
                part, scores, found.tolist(), _interval_rows(scores, found), strict=True
            ):
                samples[at][slot] = row
                estimates[at][slot] = estimate
                intervals[at][slot] = interval
    both = [(at, a, b) for at, (a, b) in enumerate(samples) if a is not None and b is not None]
    r_intervals: dict[int, Interval] = {}
    if both:
        drawn = np.sqrt(np.stack([a for _, a, _ in both]) * np.stack([b for _, _, b in both]))
        r_estimates = np.array(
            [math.sqrt(estimates[at][0] * estimates[at][1]) for at, _, _ in both],
            dtype=np.float64,
        )
        r_intervals = dict(
            zip([at for at, _, _ in both], _interval_rows(drawn, r_estimates), strict=True)
        )
    return [RoundIntervals(a, b, r_intervals.get(at)) for at, (a, b) in enumerate(intervals)]


# Rounds computed together: bounds the resamples held at once to ~64 MB.
_BLOCK = 2_000


# Sides per matrix product: bounds the (RESAMPLES, sides * 8) result to ~64 MB.
_GROUP = 512
