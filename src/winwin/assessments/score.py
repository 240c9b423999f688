"""The win*win(+win) score: ``S = 50 * (A*E + I*T)`` per side, ``R = sqrt(S_a * S_b)``.

Units throughout: a factor value runs from 0 to 1, a score and a gain from 0 to 100.
The factors, in their fixed order, are accessibility (A), energy (E), impact (I) and
attraction (T). Every rule here is part of the public contract ("The score, exactly").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt

from winwin.kernel.errors import InvalidInput

Factor = Literal["accessibility", "energy", "impact", "attraction"]

FACTORS: tuple[Factor, ...] = ("accessibility", "energy", "impact", "attraction")
"""The four factors in the contract's order A, E, I, T; ties between levers follow it."""

OUTSIDE_FACTORS: tuple[Factor, ...] = ("impact", "attraction")
"""The factors a third party may rate."""

THIRD_PARTY = "third-party"
"""The side of a respondent who answers for neither organisation (the outside view), in
documents, read models and exports."""

FACTOR_INDEX: dict[Factor, int] = {f: i for i, f in enumerate(FACTORS)}
"""Column of each factor in the arrays of the vectorised path."""

DEFAULT_SCALE = 5


def is_factor(name: object) -> bool:
    """True when ``name`` is one of the four factor names."""
    return name in FACTOR_INDEX


def normalise(answer: int, *, scale: int, reverse: bool = False) -> float:
    """Map an answer on a ``1..scale`` item to ``0..1``.

    ``n = (x - 1) / (k - 1)``; a reverse-coded item gives ``1 - n``. So ``1`` maps to 0
    and ``k`` to 1 (the other way round when reversed).

    Raises ``InvalidInput`` when ``scale`` is not a whole number of at least 2, or the
    answer is not a whole number in ``1..scale`` (``True`` and ``2.0`` are not answers).
    """
    if isinstance(scale, bool) or not isinstance(scale, Integral) or scale < 2:
        raise InvalidInput(f"the scale must be a whole number of at least 2, not {scale!r}")
    if isinstance(answer, bool) or not isinstance(answer, Integral):
        raise InvalidInput(f"an answer must be a whole number from 1 to {scale}, not {answer!r}")
    x, k = int(answer), int(scale)
    if not 1 <= x <= k:
        raise InvalidInput(f"an answer must be a whole number from 1 to {k}, not {x}")
    n = (x - 1) / (k - 1)
    return 1.0 - n if reverse else n


def _check_value(factor: object, value: float) -> Factor:
    if not is_factor(factor):
        raise InvalidInput(f"unknown factor {factor!r}; expected one of {', '.join(FACTORS)}")
    if isinstance(value, bool) or not (isinstance(value, Real) and 0.0 <= value <= 1.0):
        raise InvalidInput(f"a normalised answer must lie in 0..1, not {value!r}")
    return cast(Factor, factor)


def factor_values(answers: Iterable[tuple[Factor, float]]) -> dict[Factor, float | None]:
    """The factor values of one side in one round.

    ``answers`` are ``(factor, n)`` pairs of normalised answers (``0 <= n <= 1``), one per
    answered item per respondent. Each factor's value is the unweighted mean of its
    answers, ``f = sum(n) / count``, so it lies in ``0..1``; a factor with no answers is
    ``None`` (not measured). The result always has all four factors, in order.
    """
    sums: dict[Factor, list[float]] = {f: [] for f in FACTORS}
    for factor, value in answers:
        sums[_check_value(factor, value)].append(float(value))
    return {f: (math.fsum(v) / len(v) if v else None) for f, v in sums.items()}


def _zero(value: float | None) -> float:
    return 0.0 if value is None else value


def _gains(a: float, e: float, i: float, t: float) -> tuple[float, float, float, float]:
    # The expressions are written exactly as in side_scores_array so that ties, which
    # are decided by exact comparison, come out the same on both paths.
    return (50.0 * e * (1.0 - a), 50.0 * a * (1.0 - e), 50.0 * t * (1.0 - i), 50.0 * i * (1.0 - t))


@dataclass(frozen=True)
class SideScore:
    """One side's factor values (0..1, ``None`` when not measured), score, lever and gain.

    ``score`` is ``S`` (0..100); ``lever`` is the factor worth most to raise and ``gain``
    (0..100) is how much ``S`` would grow if that factor rose to 1.
    """

    accessibility: float | None
    energy: float | None
    impact: float | None
    attraction: float | None
    score: float
    lever: Factor
    gain: float

    def value(self, factor: Factor) -> float | None:
        """The value of one factor, ``None`` when it was not measured."""
        return cast("float | None", getattr(self, factor))

    def as_dict(self) -> dict[str, Any]:
        """The contract's SIDE object."""
        return {
            "accessibility": self.accessibility,
            "energy": self.energy,
            "impact": self.impact,
            "attraction": self.attraction,
            "score": self.score,
            "lever": self.lever,
            "gain": self.gain,
        }


def side_score(values: Mapping[Factor, float | None]) -> SideScore:
    """Score one side from its factor values.

    ``S = 50 * (A*E + I*T)``, in ``0..100`` when every factor is in ``0..1``.

    The lever is the factor with the greatest gain from raising it to 1:
    ``gain(A) = 50*E*(1-A)``, ``gain(E) = 50*A*(1-E)``, ``gain(I) = 50*T*(1-I)``,
    ``gain(T) = 50*I*(1-T)``. Gains are compared exactly, scanning A, E, I, T and keeping
    the first strictly greatest, so ties go to the earlier factor.

    A factor that was not measured (missing or ``None``) counts as 0 in ``S`` and in the
    gains, but stays ``None`` in the result so that it is reported as unmeasured.
    Raises ``InvalidInput`` for a value outside ``0..1``.
    """
    reported: dict[Factor, float | None] = {}
    for factor in FACTORS:
        raw = values.get(factor)
        if raw is not None:
            _check_value(factor, raw)
        reported[factor] = None if raw is None else float(raw)
    a, e, i, t = (_zero(reported[f]) for f in FACTORS)
    score = 50.0 * (a * e + i * t)
    gains = _gains(a, e, i, t)
    best = 0
    for k in range(1, len(FACTORS)):
        if gains[k] > gains[best]:
            best = k
    return SideScore(
        accessibility=reported["accessibility"],
        energy=reported["energy"],
        impact=reported["impact"],
        attraction=reported["attraction"],
        score=score,
        lever=FACTORS[best],
        gain=gains[best],
    )


def relationship_score(a: SideScore | None, b: SideScore | None) -> float | None:
    """The score of a relationship: ``R = sqrt(S_a * S_b)``, in ``0..100``.

    The geometric mean of the two sides' scores, so it lies between them and a side that
    does not win (``S = 0``) pulls the relationship to 0. ``None`` when either side has
    not answered.
    """
    if a is None or b is None:
        return None
    return math.sqrt(a.score * b.score)


@dataclass(frozen=True)
class OutsideView:
    """Third parties' view of a relationship: impact and attraction in ``0..1``.

    Reported beside the sides' scores, never inside them. ``None`` for a factor no third
    party rated.
    """

    impact: float | None
    attraction: float | None

    def as_dict(self) -> dict[str, float | None]:
        """The contract's ``outside_view`` object."""
        return {"impact": self.impact, "attraction": self.attraction}


def outside_view(answers: Iterable[tuple[Factor, float]]) -> OutsideView | None:
    """The outside view from third parties' normalised answers ``(factor, n)``.

    Each factor is the unweighted mean of its answers (``0..1``), as in
    ``factor_values``. ``None`` when there are no third-party answers at all. Raises
    ``InvalidInput`` for an answer on accessibility or energy, which third parties do
    not rate.
    """
    listed = list(answers)
    if not listed:
        return None
    for factor, _ in listed:
        if is_factor(factor) and factor not in OUTSIDE_FACTORS:
            raise InvalidInput(f"third parties rate only impact and attraction, not {factor}")
    values = factor_values(listed)
    return OutsideView(impact=values["impact"], attraction=values["attraction"])


FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def score_side_arrays(
    side_index: npt.ArrayLike,
    factor_index: npt.ArrayLike,
    normalised: npt.ArrayLike,
    n_sides: int,
) -> FloatArray:
    """Factor values of many sides at once: the vectorised ``factor_values``.

    Answer ``j`` belongs to side ``side_index[j]`` (``0..n_sides-1``), measures factor
    ``factor_index[j]`` (0..3 in the order A, E, I, T) and has the normalised value
    ``normalised[j]`` (``0..1``). Returns an ``(n_sides, 4)`` array whose cell
    ``[s, f]`` is the unweighted mean of side ``s``'s answers on factor ``f``
    (``0..1``), or NaN when there are none. Raises ``InvalidInput`` on mismatched
    lengths or indices or values out of range.
    """
    sides = np.asarray(side_index)
    factors = np.asarray(factor_index)
    values = np.asarray(normalised, dtype=np.float64)
    if n_sides < 0:
        raise InvalidInput(f"the number of sides cannot be negative, not {n_sides}")
    if not (sides.ndim == factors.ndim == values.ndim == 1) or not (
        sides.shape == factors.shape == values.shape
    ):
        raise InvalidInput("side, factor and value arrays must be one-dimensional and equal")
    if values.size:
        if not (
            np.issubdtype(sides.dtype, np.integer) and np.issubdtype(factors.dtype, np.integer)
        ):
            raise InvalidInput("side and factor indices must be whole numbers")
        if sides.min() < 0 or sides.max() >= n_sides:
            raise InvalidInput(f"a side index lies outside 0..{n_sides - 1}")
        if factors.min() < 0 or factors.max() >= len(FACTORS):
            raise InvalidInput("a factor index lies outside 0..3")
        if not (np.all(values >= 0.0) and np.all(values <= 1.0)):
            raise InvalidInput("a normalised answer lies outside 0..1")
    cells = sides.astype(np.intp) * len(FACTORS) + factors.astype(np.intp)
    size = n_sides * len(FACTORS)
    totals = np.bincount(cells, weights=values, minlength=size).astype(np.float64)
    counts = np.bincount(cells, minlength=size)
    means = np.full(size, np.nan, dtype=np.float64)
    measured = counts > 0
    means[measured] = totals[measured] / counts[measured]
    return means.reshape(n_sides, len(FACTORS))


def side_scores_array(values: npt.ArrayLike) -> tuple[FloatArray, IntArray, FloatArray]:
    """Scores, levers and gains of many sides at once: the vectorised ``side_score``.

    ``values`` is an ``(n, 4)`` array of factor values (``0..1``, NaN when not measured)
    in the order A, E, I, T. Returns ``(S, lever, gain)``: ``S = 50 * (A*E + I*T)``
    (``0..100``), the lever as a column index 0..3 into ``FACTORS`` and its gain
    (``0..100``). The rules are ``side_score``'s: NaN counts as 0, gains are compared
    exactly and ties go to the first factor in the order A, E, I, T.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] != len(FACTORS):
        raise InvalidInput(f"factor values must form an (n, 4) array, not {v.shape}")
    v = np.where(np.isnan(v), 0.0, v)
    a, e, i, t = v[:, 0], v[:, 1], v[:, 2], v[:, 3]
    score = 50.0 * (a * e + i * t)
    gains = np.stack(
        [50.0 * e * (1.0 - a), 50.0 * a * (1.0 - e), 50.0 * t * (1.0 - i), 50.0 * i * (1.0 - t)],
        axis=1,
    )
    # np.argmax returns the first index of the maximum: the A, E, I, T tie order.
    lever = np.argmax(gains, axis=1).astype(np.intp)
    gain = gains[np.arange(len(v)), lever]
    return score, lever, gain
