"""Natural pairs drawn from the network: the candidate search and its matching game.

The win of a pair is :func:`winwin.insight.wins.predicted_win`. The two searches that
find each organisation's best counterparts live in :mod:`winwin.insight.dense` and
:mod:`winwin.insight.sparse`; they give the same pairs and wins to the last bit.

The candidates feed the stable many-to-many matching of ``winwin.insight.matching``
(``network_game``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
from scipy import sparse

from winwin.insight.dense import dense_candidates
from winwin.insight.features import BLOCK_CELLS, Features, FloatArray, Found
from winwin.insight.matching import DEFAULT_CAPACITY, Agent, MatchingGame
from winwin.insight.sparse import (
    SPARSE_COST_PER_ORG,
    SPARSE_COST_PER_PAIR,
    SPARSE_MAX_PAIRS,
    Kinds,
    Reach,
    affinities,
    sparse_candidates,
)
from winwin.insight.wins import Profile

DEFAULT_CANDIDATES = 10

__all__ = [
    "BLOCK_CELLS",
    "DEFAULT_CANDIDATES",
    "Counterparts",
    "Search",
    "candidate_pairs",
    "network_game",
    "rank_counterparts",
]


def _one_per_pair(found: Found) -> dict[tuple[int, int], float]:
    """The found pairs once each (a pair found from both sides has the same win twice);
    of ``(a, b)`` and ``(b, a)`` only the one with the greater win, or on a tie the one
    where the lower organisation supplies."""
    s, c, w = found
    if s.size == 0:
        return {}
    n = int(max(s.max(), c.max())) + 1
    code = s * n + c
    order = np.argsort(code)
    code, s, c, w = code[order], s[order], c[order], w[order]
    first = np.concatenate([[True], code[1:] != code[:-1]])
    code, s, c, w = code[first], s[first], c[first], w[first]
    back = np.minimum(np.searchsorted(code, c * n + s), code.size - 1)
    both = code[back] == c * n + s
    keep = ~(both & ((w < w[back]) | ((w == w[back]) & (s > c))))
    pairs = zip(s[keep].tolist(), c[keep].tolist(), strict=True)
    return dict(zip(pairs, w[keep].tolist(), strict=True))


Search = Literal["auto", "dense", "sparse"]


def candidate_pairs(
    profiles: Sequence[Profile],
    *,
    supplies: Sequence[tuple[int, int]],
    forbidden: Sequence[tuple[int, int]],
    per_org: int = DEFAULT_CANDIDATES,
    search: Search = "auto",
) -> dict[tuple[int, int], float]:
    """Candidate ``(supplier index, customer index) → win`` pairs: for each organisation
    with the supplier role its ``per_org`` best customers, and for each with the customer
    role its ``per_org`` best suppliers (ties broken by key order), all with ``win > 0``;
    of ``(a, b)`` and ``(b, a)`` only the one with the greater win stays (on a tie, the
    one where the first key supplies).

    ``supplies`` are ``(from, to)`` index pairs; ``forbidden`` are unordered index pairs
    that may not be paired (ties of any kind, competitors). Wins follow
    :func:`predicted_win` exactly. Two searches give the same pairs and the same wins to
    the last bit: ``"sparse"`` scores only pairs that share a token, and of those only a
    few per organisation (see :mod:`winwin.insight.sparse`); ``"dense"`` scores every
    supplier × customer pair in blocks of at most :data:`BLOCK_CELLS` cells. ``"auto"``
    takes the one :data:`SPARSE_COST_PER_ORG` predicts to be faster."""
    features = Features(profiles, supplies, forbidden)
    sup = np.array([i for i, p in enumerate(profiles) if "supplier" in p.roles], dtype=np.int64)
    cus = np.array([i for i, p in enumerate(profiles) if "customer" in p.roles], dtype=np.int64)
    if sup.size == 0 or cus.size == 0 or per_org <= 0:
        return {}
    suppliers, customers = Kinds.group(profiles, sup), Kinds.group(profiles, cus)
    if search == "auto":
        search = "dense" if _dense_is_cheaper(features, suppliers, customers) else "sparse"
    if search == "dense":
        found = dense_candidates(features, sup, cus, per_org)
    elif search == "sparse":
        found = sparse_candidates(features, sup, cus, suppliers, customers, per_org)
    else:
        raise ValueError(f"unknown search {search!r}")
    return _one_per_pair(found)


def _dense_is_cheaper(features: Features, suppliers: Kinds, customers: Kinds) -> bool:
    """The cost model of :data:`SPARSE_COST_PER_ORG`. The pairs of kinds that share a
    token are bounded by counting, for each token, the kinds on each side that hold it."""

    def holders(matrix: Any, kinds: Kinds) -> FloatArray:
        return np.asarray(matrix[kinds.first].sum(axis=0), dtype=np.float64).ravel()

    f = features
    pairs = float(
        holders(f.caps, suppliers) @ holders(f.needs, customers)
        + holders(f.needs, suppliers) @ holders(f.caps, customers)
        + holders(f.values, suppliers) @ holders(f.values, customers)
    )
    n_sup, n_cus = suppliers.of.size, customers.of.size
    sparse_cost = SPARSE_COST_PER_ORG * (n_sup + n_cus) + SPARSE_COST_PER_PAIR * pairs
    return pairs > SPARSE_MAX_PAIRS or sparse_cost >= n_sup * n_cus


class Counterparts:
    """The network prepared for recommendations (:meth:`rank`): its incidence matrices and
    the organisations of each side, built once for any number of organisations. Only
    read after it is built, so threads may share one."""

    def __init__(
        self,
        profiles: Sequence[Profile],
        *,
        supplies: Sequence[tuple[int, int]],
        forbidden: Sequence[tuple[int, int]],
    ) -> None:
        self.profiles = profiles
        self.features = Features(profiles, supplies, forbidden)
        self.look = Reach(self.features)
        self.suppliers = np.array(
            [i for i, p in enumerate(profiles) if "supplier" in p.roles], dtype=np.int64
        )
        self.customers = np.array(
            [i for i, p in enumerate(profiles) if "customer" in p.roles], dtype=np.int64
        )

    def rank(self, me: int, *, limit: int = DEFAULT_CANDIDATES) -> list[tuple[int, int, float]]:
        """Recommendations for organisation ``me`` (see :func:`rank_counterparts`)."""
        mine = np.array([me], dtype=np.int64)
        found: list[tuple[float, int, int, int]] = []
        if "supplier" in self.profiles[me].roles:
            cus = self.customers
            row = sparse.csr_matrix(affinities(self.features, mine, cus))
            c = cus[row.indices]
            win = self.look.wins(np.full(c.size, me, dtype=np.int64), c, row.data)
            found += [
                (-w, o, me, o) for w, o in zip(win.tolist(), c.tolist(), strict=True) if w > 0
            ]
        if "customer" in self.profiles[me].roles:
            sup = self.suppliers
            column = sparse.csr_matrix(affinities(self.features, sup, mine).T)
            s = sup[column.indices]
            win = self.look.wins(s, np.full(s.size, me, dtype=np.int64), column.data)
            found += [
                (-w, o, o, me) for w, o in zip(win.tolist(), s.tolist(), strict=True) if w > 0
            ]
        found.sort()
        out: list[tuple[int, int, float]] = []
        seen: set[int] = set()
        for w, other, s_, c_ in found:
            if other not in seen and len(out) < limit:
                seen.add(other)
                out.append((s_, c_, -w))
        return out


def rank_counterparts(
    profiles: Sequence[Profile],
    me: int,
    *,
    supplies: Sequence[tuple[int, int]],
    forbidden: Sequence[tuple[int, int]],
    limit: int = DEFAULT_CANDIDATES,
) -> list[tuple[int, int, float]]:
    """Recommendations for organisation ``me``: the ``limit`` best ``(supplier,
    customer, win)`` pairs it could form on either side (as a supplier with customers,
    as a customer with suppliers), by descending ``win``, then by the counterpart's
    position; only candidates (``win > 0``, not tied, not competitors). A counterpart
    that fits both ways appears once, in its better direction. Only counterparts that
    share a token with ``me`` are scored, with the sparse search's exact arithmetic.
    (:class:`Counterparts` prepares the network once for many organisations.)"""
    return Counterparts(profiles, supplies=supplies, forbidden=forbidden).rank(me, limit=limit)


def network_game(
    profiles: Sequence[Profile],
    candidates: Mapping[tuple[int, int], float],
    *,
    capacity: int = DEFAULT_CAPACITY,
) -> MatchingGame:
    """The matching game of the candidates: every organisation with a candidate takes
    ``capacity`` partners and prefers higher ``win`` (ties by key); both sides list every
    candidate pair, so exactly the candidates are acceptable."""
    by_supplier: dict[str, list[tuple[float, str]]] = {}
    by_customer: dict[str, list[tuple[float, str]]] = {}
    for (s, c), win in candidates.items():
        by_supplier.setdefault(profiles[s].key, []).append((-win, profiles[c].key))
        by_customer.setdefault(profiles[c].key, []).append((-win, profiles[s].key))

    def agents(lists: dict[str, list[tuple[float, str]]]) -> dict[str, Agent]:
        return {
            key: Agent(capacity=capacity, prefers=tuple(k for _, k in sorted(items)))
            for key, items in sorted(lists.items())
        }

    return MatchingGame(suppliers=agents(by_supplier), customers=agents(by_customer))
