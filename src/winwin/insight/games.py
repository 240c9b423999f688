"""Sharing the cost or gain of a joint investment: cooperative games and their solutions.

A game has players ``0..n-1`` (named by ``players``, in sorted order) and a
characteristic function over coalitions. A coalition is a bitmask: bit ``i`` set means
player ``i`` is in it. There are two kinds of game:

- a **value game** ``v`` (``kind == "value"``): ``v(S)`` is what coalition ``S`` gains
  together; ``v(∅) = 0``;
- a **cost game** ``c`` (``kind == "cost"``): ``c(S)`` is what ``S`` must pay together.

Every solution here is linear in the game, so a cost game is solved as the value game
``v = -c`` and the answer negated back: allocations of a cost game are cost shares.

Solutions (``x`` is the allocation, ``N`` the grand coalition):

- **Shapley value** ``φ_i = Σ_{S ∌ i} |S|! (n-|S|-1)! / n! · (v(S ∪ i) - v(S))``,
  the mean marginal contribution of ``i`` over all orders of arrival. Efficient
  (``Σ φ_i = v(N)``), symmetric, zero for a null player, additive.
- **Proportional**: ``x_i = v(N) · v({i}) / Σ_j v({j})`` (equal shares when the
  standalone values sum to zero).
- **Nucleolus**: the efficient allocation that lexicographically minimises the sorted
  vector of excesses ``e(S, x) = v(S) - x(S)`` over proper non-empty coalitions,
  restricted to imputations (``x_i ≥ v({i})``) when there are any (otherwise the
  pre-nucleolus). It lies in the core whenever the core is non-empty.
- **Core**: ``x`` is in the core when ``x(N) = v(N)`` and ``x(S) ≥ v(S)`` for every ``S``
  (for a cost game: ``x(S) ≤ c(S)``).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from winwin.insight.nucleolus import nucleolus_of_table
from winwin.kernel.errors import InvalidInput, Problem, RuleBroken

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Kind = Literal["value", "cost"]
Method = Literal["shapley", "proportional", "nucleolus"]

METHODS: tuple[Method, ...] = ("shapley", "proportional", "nucleolus")
EXACT_LIMIT = 20
"""Largest number of players for which whole coalition tables are built (2**20 entries)."""
NUCLEOLUS_LIMIT = 12
"""Largest number of players for the nucleolus (its LPs have 2**n - 2 constraints)."""
DEFAULT_SAMPLES = 10_000
"""Permutations drawn when a Shapley value cannot be computed exactly."""


class Game(ABC):
    """A cooperative game over ``players`` (sorted names; player ``i`` is bit ``i``)."""

    players: tuple[str, ...]
    kind: Kind

    @property
    def n(self) -> int:
        return len(self.players)

    @abstractmethod
    def table(self) -> FloatArray:
        """``f[mask]`` for every coalition (``2**n`` entries), in the game's own units."""

    @abstractmethod
    def marginals(self, order: IntArray) -> FloatArray:
        """``m[i] = f(P_i ∪ {i}) - f(P_i)`` where ``P_i`` are the players before ``i``."""

    @abstractmethod
    def standalone(self) -> FloatArray:
        """``f({i})`` for each player."""

    @abstractmethod
    def grand(self) -> float:
        """``f(N)``."""

    def shapley_closed_form(self) -> FloatArray | None:
        """The Shapley value by a closed formula, when the game type has one."""
        return None

    @property
    def sign(self) -> float:
        """``+1`` for a value game, ``-1`` for a cost game (``v = sign · f``)."""
        return 1.0 if self.kind == "value" else -1.0


@dataclass(frozen=True, eq=False)
class TableGame(Game):
    """A value game given coalition by coalition: ``values[mask] = v(S)``."""

    players: tuple[str, ...]
    values: FloatArray
    kind: Kind = "value"

    def table(self) -> FloatArray:
        return self.values

    def marginals(self, order: IntArray) -> FloatArray:
        out = np.zeros(self.n)
        mask = 0
        for i in order.tolist():
            out[i] = self.values[mask | (1 << i)] - self.values[mask]
            mask |= 1 << i
        return out

    def standalone(self) -> FloatArray:
        return np.array([self.values[1 << i] for i in range(self.n)], dtype=np.float64)

    def grand(self) -> float:
        return float(self.values[(1 << self.n) - 1])


@dataclass(frozen=True, eq=False)
class AirportGame(Game):
    """A cost game ``c(S) = max_{i ∈ S} costs[i]`` (``c(∅) = 0``): a runway long enough
    for the most demanding member serves all of them."""

    players: tuple[str, ...]
    costs: FloatArray
    kind: Kind = "cost"

    def table(self) -> FloatArray:
        out = np.zeros(1, dtype=np.float64)
        for c in self.costs.tolist():
            out = np.concatenate([out, np.maximum(out, c)])
        return out

    def marginals(self, order: IntArray) -> FloatArray:
        ordered = self.costs[order]
        before = np.concatenate([[0.0], np.maximum.accumulate(ordered)[:-1]])
        out = np.zeros(self.n)
        out[order] = np.maximum(ordered - before, 0.0)
        return out

    def standalone(self) -> FloatArray:
        return self.costs.copy()

    def grand(self) -> float:
        return float(self.costs.max()) if self.n else 0.0

    def shapley_closed_form(self) -> FloatArray:
        return airport_shapley(self.costs)


@dataclass(frozen=True, eq=False)
class SynergyGame(Game):
    """A value game ``v(S) = Σ_{i ∈ S} standalone[i] + Σ_{{i,j} ⊆ S} s_ij``, the pair
    synergies given as parallel arrays ``first``, ``second``, ``synergy``."""

    players: tuple[str, ...]
    standalone_values: FloatArray
    first: IntArray
    second: IntArray
    synergy: FloatArray
    kind: Kind = "value"

    def table(self) -> FloatArray:
        n = self.n
        weights = np.zeros((n, n))
        np.add.at(weights, (self.first, self.second), self.synergy)
        np.add.at(weights, (self.second, self.first), self.synergy)
        out = np.zeros(1, dtype=np.float64)
        for i in range(n):
            # v(S ∪ i) = v(S) + standalone_i + Σ_{j ∈ S} s_ij for S ⊆ {0..i-1}
            gain = _subset_sums(weights[i, :i]) + self.standalone_values[i]
            out = np.concatenate([out, out + gain])
        return out

    def marginals(self, order: IntArray) -> FloatArray:
        position = np.empty(self.n, dtype=np.int64)
        position[order] = np.arange(self.n)
        later = np.where(position[self.first] > position[self.second], self.first, self.second)
        out = self.standalone_values.copy()
        np.add.at(out, later, self.synergy)
        return out

    def standalone(self) -> FloatArray:
        return self.standalone_values.copy()

    def grand(self) -> float:
        return float(self.standalone_values.sum() + self.synergy.sum())

    def shapley_closed_form(self) -> FloatArray:
        """``φ_i = standalone_i + ½ Σ_j s_ij``: each synergy is split equally."""
        out = self.standalone_values.copy()
        np.add.at(out, self.first, self.synergy / 2)
        np.add.at(out, self.second, self.synergy / 2)
        return out


def _subset_sums(x: FloatArray) -> FloatArray:
    """``out[mask] = Σ_{i ∈ mask} x[i]`` for every mask over ``len(x)`` players."""
    out = np.zeros(1, dtype=np.float64)
    for value in x.tolist():
        out = np.concatenate([out, out + value])
    return out


def _popcounts(n: int) -> IntArray:
    out = np.zeros(1, dtype=np.int64)
    for _ in range(n):
        out = np.concatenate([out, out + 1])
    return out


# --- Shapley ------------------------------------------------------------------------------


def shapley_from_table(values: FloatArray) -> FloatArray:
    """The exact Shapley value of the game ``values[mask]`` (length ``2**n``).

    ``φ_i = Σ_{S ∌ i} w(|S|) (v(S ∪ i) - v(S))`` with ``w(s) = s!(n-s-1)!/n!
    = 1 / (n · C(n-1, s))``. Runs in ``O(n 2**n)``.
    """
    n = int(values.size).bit_length() - 1
    if values.size != 1 << n:
        raise ValueError("a coalition table has 2**n entries")
    weights = np.array([1.0 / (n * math.comb(n - 1, s)) for s in range(n)])
    counts = _popcounts(n)
    out = np.zeros(n)
    for i in range(n):
        # Coalitions viewed as (high bits, bit i, low bits): [:, 0, :] lack i, [:, 1, :] hold it.
        v = values.reshape(-1, 2, 1 << i)
        size = counts.reshape(-1, 2, 1 << i)[:, 0, :]
        out[i] = float(np.sum(weights[size] * (v[:, 1, :] - v[:, 0, :])))
    return out


def airport_shapley(costs: FloatArray) -> FloatArray:
    """The airport rule (Littlechild and Owen): the Shapley value of ``c(S) = max c_i``.

    Sort the costs ``c_(1) ≤ … ≤ c_(n)`` (``c_(0) = 0``); each increment
    ``c_(k) - c_(k-1)`` is split equally among the ``n - k + 1`` players whose cost is at
    least ``c_(k)``: ``φ_(k) = Σ_{j ≤ k} (c_(j) - c_(j-1)) / (n - j + 1)``.
    """
    n = costs.size
    order = np.argsort(costs, kind="stable")
    ordered = costs[order]
    increments = np.diff(np.concatenate([[0.0], ordered]))
    shares = np.cumsum(increments / (n - np.arange(n)))
    out = np.empty(n)
    out[order] = shares
    return out


@dataclass(frozen=True)
class AirportLayer:
    """One layer of an airport cost, from ``low`` to ``high`` (currency units): needed by
    ``players``, those whose own cost reaches ``high``, who split it equally."""

    low: float
    high: float
    players: tuple[str, ...]

    @property
    def each(self) -> float:
        """What each of ``players`` pays for this layer: ``(high - low) / |players|``."""
        return (self.high - self.low) / len(self.players)


def airport_layers(costs: Mapping[str, float]) -> list[AirportLayer]:
    """The airport rule told layer by layer: the distinct positive costs
    ``0 < l_1 < … < l_m`` cut the largest cost into layers ``[l_(k-1), l_k]``, each split
    equally among the players whose own cost is at least ``l_k``. A player's share is the
    sum of its layers' ``each``, which is :func:`airport_shapley`; the layers sum to the
    largest cost."""
    levels = sorted({float(c) for c in costs.values() if c > 0})
    layers = []
    low = 0.0
    for high in levels:
        needing = tuple(sorted(p for p, c in costs.items() if c >= high))
        layers.append(AirportLayer(low=low, high=high, players=needing))
        low = high
    return layers


def shapley_sampled(game: Game, *, samples: int, seed: int = 0) -> FloatArray:
    """An estimate of the Shapley value: the mean marginal contribution over ``samples``
    random orders of arrival (a seeded ``numpy`` generator, so the same seed gives the same
    estimate). Each order's marginals sum to ``f(N)``, so the estimate is efficient."""
    if samples < 1:
        raise InvalidInput(Problem("samples", "must be at least 1"))
    rng = np.random.default_rng(seed)
    total = np.zeros(game.n)
    for _ in range(samples):
        total += game.marginals(rng.permutation(game.n).astype(np.int64))
    return total / samples


def shapley(game: Game) -> FloatArray:
    """The exact Shapley value: by closed form when the game type has one, else from the
    coalition table (up to :data:`EXACT_LIMIT` players)."""
    closed = game.shapley_closed_form()
    if closed is not None:
        return closed
    if game.n > EXACT_LIMIT:
        raise RuleBroken(
            Problem("players", f"an exact Shapley value needs at most {EXACT_LIMIT} players")
        )
    return shapley_from_table(game.table())


# --- proportional, nucleolus, core --------------------------------------------------------


def proportional(game: Game) -> FloatArray:
    """``x_i = f(N) · f({i}) / Σ_j f({j})``; equal shares ``f(N)/n`` when ``Σ_j f({j}) = 0``.

    For an airport game ``f({i})`` is player ``i``'s own cost."""
    alone = game.standalone()
    total = float(alone.sum())
    if total == 0.0:
        return np.full(game.n, game.grand() / game.n)
    return game.grand() * alone / total


def nucleolus(game: Game) -> FloatArray:
    """The nucleolus (see :func:`nucleolus_of_table`) of a game of at most
    :data:`NUCLEOLUS_LIMIT` players; for a cost game, of ``-c``, negated back."""
    if game.n > NUCLEOLUS_LIMIT:
        raise RuleBroken(
            Problem("players", f"the nucleolus is computed for at most {NUCLEOLUS_LIMIT} players")
        )
    return game.sign * nucleolus_of_table(game.sign * game.table())


def in_core(game: Game, allocation: FloatArray) -> bool | None:
    """Whether ``allocation`` is in the core (``None`` above :data:`EXACT_LIMIT` players).

    Value game: ``x(N) = v(N)`` and ``x(S) ≥ v(S)`` for all ``S``; cost game:
    ``x(N) = c(N)`` and ``x(S) ≤ c(S)``. Comparisons allow a relative tolerance of
    ``1e-7`` of the largest ``|f(S)|`` (at least ``1e-7``)."""
    if game.n > EXACT_LIMIT:
        return None
    f = game.sign * game.table()
    x = game.sign * _subset_sums(np.asarray(allocation, dtype=np.float64))
    tolerance = 1e-7 * max(1.0, float(np.abs(f).max()))
    return bool(abs(x[-1] - f[-1]) <= tolerance and np.all(x >= f - tolerance))


# --- sharing, explained -------------------------------------------------------------------


@dataclass(frozen=True)
class Sharing:
    """An allocation of a game's value (or cost) with how it was reached."""

    method: Method
    kind: Kind
    allocation: dict[str, float]
    total: float
    in_core: bool | None
    exact: bool
    samples: int | None
    explanation: str


_EXPLAIN: dict[Method, str] = {
    "shapley": "Each player receives its average marginal contribution over all orders "
    "in which the partners could have joined.",
    "proportional": "The total is split in proportion to what each player would have "
    "alone (for a cost game: its own cost).",
    "nucleolus": "The split makes the most dissatisfied coalition as little dissatisfied as "
    "possible, then the next, and so on.",
}


def share(
    game: Game, *, method: Method = "shapley", samples: int | None = None, seed: int = 0
) -> Sharing:
    """Share ``game`` by ``method``. A Shapley value is exact unless ``samples`` is given
    or the game has no closed form and more than :data:`EXACT_LIMIT` players, in which
    case it is estimated from ``samples`` (default :data:`DEFAULT_SAMPLES`) seeded
    permutations."""
    # Overflow shows up as a non-finite share and is refused below, not warned about.
    with np.errstate(over="ignore", invalid="ignore"):
        exact = True
        used: int | None = None
        if method == "shapley":
            if samples is None and (
                game.shapley_closed_form() is not None or game.n <= EXACT_LIMIT
            ):
                x = shapley(game)
            else:
                used = DEFAULT_SAMPLES if samples is None else samples
                x = shapley_sampled(game, samples=used, seed=seed)
                exact = False
        elif method == "proportional":
            x = proportional(game)
        elif method == "nucleolus":
            x = nucleolus(game)
        else:
            raise InvalidInput(Problem("method", f"unknown method '{method}'"))
        if not (np.all(np.isfinite(x)) and math.isfinite(game.grand())):
            raise RuleBroken(Problem("", "the amounts are too large to share in floating point"))
    noun = "cost" if game.kind == "cost" else "value"
    explanation = f"{_EXPLAIN[method]} The {noun} to share is {game.grand():g}."
    return Sharing(
        method=method,
        kind=game.kind,
        allocation={p: float(x[i]) for i, p in enumerate(game.players)},
        total=game.grand(),
        in_core=in_core(game, x),
        exact=exact,
        samples=used,
        explanation=explanation,
    )
