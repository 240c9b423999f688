"""Natural pairs: a stable many-to-many matching of suppliers and customers.

**The game.** Each supplier and each customer has a ``capacity`` (how many partners it
can take) and a strict preference list over the other side. A pair ``(s, c)`` is
*acceptable* only when ``s`` lists ``c`` and ``c`` lists ``s``. Preferences over sets of
partners are *responsive*: a set is better when it swaps a partner for one ranked
higher, or adds an acceptable partner while there is room.

**Stability (pairwise).** A matching ``μ`` (a set of acceptable pairs, each side within
its capacity) is stable when no acceptable pair ``(s, c) ∉ μ`` *blocks* it, that is
where both ``s`` and ``c`` *want* the other: an agent wants ``x`` when it has a free slot
or ranks ``x`` above its worst current partner.

**Deferred acceptance.** The proposing side proposes down its list while it has free
slots; each receiver holds its best ``capacity`` proposers so far and rejects the rest
for good. The outcome is the stable matching that the proposing side likes best
(Roth 1984): for every proposer ``p`` and every stable ``μ``, ``p``'s best ``capacity``
partners among ``μ_DA(p) ∪ μ(p)`` are exactly ``μ_DA(p)``.

**Predicted mutual win** (pairs drawn from the network; tokens compare case-blind):

``win(s, c) = fit(s → c) + fit(c → s) + values(s, c) + reach(s, c)`` where

- ``fit(s → c) = |capabilities(s) ∩ needs(c)| / |needs(c)|`` (0 without needs): how much
  of the customer's need the supplier meets (the customer's win);
- ``fit(c → s) = |capabilities(c) ∩ needs(s)| / |needs(s)|``: the supplier's win;
- ``values(s, c) = |values(s) ∩ values(c)| / |values(s) ∪ values(c)|`` (Jaccard, 0 when
  both are empty): meeting on values (accessibility);
- ``reach(s, c) = |customers(c) \\ (customers(s) ∪ {s})| / (1 + |customers(c)|)``: the
  share of the customer's own customers that the supplier does not reach yet, the third
  parties the pair can win together (the ``(+win)``).

Each term lies in ``[0, 1]``, so ``0 ≤ win ≤ 4``. A pair is a candidate only when the
first three terms are not all zero (reach alone makes no pair), the two are different
organisations, not already tied in either direction, and not competitors. Two
organisations that could pair both ways (each is a supplier and a customer) are one
candidate, in the direction with the greater win (on a tie, the first key supplies).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse

from winwin.domain.errors import InvalidInput, Problem

Side = Literal["suppliers", "customers"]
SIDES: tuple[Side, ...] = ("suppliers", "customers")
Pair = tuple[str, str]
"""``(supplier, customer)``."""

DEFAULT_CAPACITY = 3
DEFAULT_CANDIDATES = 10
BLOCK_CELLS = 4_000_000
"""Largest score block (rows × columns) held in memory at once."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Agent:
    """One side's player: how many partners it takes and whom it prefers, best first."""

    capacity: int
    prefers: tuple[str, ...]


@dataclass(frozen=True)
class MatchingGame:
    suppliers: Mapping[str, Agent]
    customers: Mapping[str, Agent]

    def acceptable(self) -> set[Pair]:
        """Pairs ``(s, c)`` where each lists the other."""
        listed = {(s, c) for c, agent in self.customers.items() for s in agent.prefers}
        return {
            (s, c)
            for s, agent in self.suppliers.items()
            for c in agent.prefers
            if (s, c) in listed and c in self.customers
        }


def _ranks(agents: Mapping[str, Agent]) -> dict[str, dict[str, int]]:
    return {key: {x: r for r, x in enumerate(a.prefers)} for key, a in agents.items()}


def deferred_acceptance(game: MatchingGame, *, optimal: Side = "suppliers") -> list[Pair]:
    """The stable matching best for side ``optimal``, as sorted ``(supplier, customer)``
    pairs. Every pair is acceptable; nobody exceeds its capacity; no pair blocks it."""
    if optimal == "suppliers":
        proposers, receivers = game.suppliers, game.customers
    else:
        proposers, receivers = game.customers, game.suppliers
    receiver_rank = _ranks(receivers)
    lists = {
        p: [r for r in a.prefers if r in receiver_rank and p in receiver_rank[r]]
        for p, a in proposers.items()
    }
    held: dict[str, list[tuple[int, str]]] = {r: [] for r in receivers}  # heap of (-rank, p)
    count = dict.fromkeys(proposers, 0)
    cursor = dict.fromkeys(proposers, 0)
    queue = sorted(proposers)
    while queue:
        p = queue.pop()
        while count[p] < proposers[p].capacity and cursor[p] < len(lists[p]):
            r = lists[p][cursor[p]]
            cursor[p] += 1
            heap, rank = held[r], receiver_rank[r][p]
            if len(heap) < receivers[r].capacity:
                heapq.heappush(heap, (-rank, p))
                count[p] += 1
            elif heap and -heap[0][0] > rank:
                _, evicted = heapq.heapreplace(heap, (-rank, p))
                count[p] += 1
                count[evicted] -= 1
                queue.append(evicted)
    pairs = [(p, r) for r, heap in held.items() for _, p in heap]
    if optimal == "customers":
        pairs = [(s, c) for c, s in pairs]
    return sorted(pairs)


def blocking_pairs(game: MatchingGame, pairs: Iterable[Pair]) -> list[Pair]:
    """Acceptable pairs outside ``pairs`` whose two members both want each other."""
    matched = set(pairs)
    rank = {"s": _ranks(game.suppliers), "c": _ranks(game.customers)}
    partners: dict[tuple[str, str], list[str]] = {}
    for s, c in matched:
        partners.setdefault(("s", s), []).append(c)
        partners.setdefault(("c", c), []).append(s)

    # Rank of each agent's worst partner; a partner it does not even list ranks last.
    worst = {
        (side, who): max(rank[side][who].get(x, len(rank[side][who])) for x in mine)
        for (side, who), mine in partners.items()
    }

    def wants(side: str, who: str, other: str, capacity: int) -> bool:
        mine = partners.get((side, who), [])
        if len(mine) < capacity:
            return True
        return bool(mine) and rank[side][who][other] < worst[(side, who)]

    return sorted(
        (s, c)
        for s, c in game.acceptable() - matched
        if wants("s", s, c, game.suppliers[s].capacity)
        and wants("c", c, s, game.customers[c].capacity)
    )


def is_stable(game: MatchingGame, pairs: Sequence[Pair]) -> bool:
    """True when ``pairs`` is a matching of ``game`` (no repeated pair, only acceptable
    pairs, capacities kept) and no pair blocks it. Independent of deferred acceptance."""
    if len(set(pairs)) != len(pairs) or not set(pairs) <= game.acceptable():
        return False
    load_s: dict[str, int] = {}
    load_c: dict[str, int] = {}
    for s, c in pairs:
        load_s[s] = load_s.get(s, 0) + 1
        load_c[c] = load_c.get(c, 0) + 1
    if any(n > game.suppliers[s].capacity for s, n in load_s.items()):
        return False
    if any(n > game.customers[c].capacity for c, n in load_c.items()):
        return False
    return not blocking_pairs(game, pairs)


# --- reading a game document --------------------------------------------------------------


def parse_matching_game(data: object) -> MatchingGame:
    """Read ``{"suppliers": {KEY: {"capacity": n, "prefers": [KEY, …]}}, "customers": …}``.

    Raises ``InvalidInput`` naming the JSON path of every problem: unknown keys, a
    capacity that is not a whole number ``≥ 0``, a preference naming no player of the
    other side, a player listed twice."""
    if not isinstance(data, dict):
        raise InvalidInput(Problem("", "a matching game is a JSON object"))
    problems: list[Problem] = []
    for key in data:
        if key not in SIDES:
            problems.append(Problem(str(key), "unknown key (expected suppliers, customers)"))
    raw_sides: dict[str, dict[str, Any]] = {}
    for side in SIDES:
        raw = data.get(side)
        if not isinstance(raw, dict):
            problems.append(Problem(side, "must be an object from player key to player"))
            raw_sides[side] = {}
        else:
            raw_sides[side] = raw
    sides: dict[str, dict[str, Agent]] = {"suppliers": {}, "customers": {}}
    for side, other in (("suppliers", "customers"), ("customers", "suppliers")):
        for key, raw in raw_sides[side].items():
            path = f"{side}.{key}"
            if not key:
                problems.append(Problem(path, "a player key may not be empty"))
            if not isinstance(raw, dict):
                problems.append(Problem(path, "must be an object with capacity and prefers"))
                continue
            for field in raw:
                if field not in ("capacity", "prefers"):
                    problems.append(
                        Problem(f"{path}.{field}", "unknown key (expected capacity, prefers)")
                    )
            capacity = raw.get("capacity")
            if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
                problems.append(
                    Problem(f"{path}.capacity", f"must be a whole number ≥ 0, not {capacity!r}")
                )
                capacity = 0
            prefers = raw.get("prefers")
            if not isinstance(prefers, list):
                problems.append(Problem(f"{path}.prefers", "must be a list of player keys"))
                prefers = []
            listed: dict[str, int] = {}
            for index, name in enumerate(prefers):
                at = f"{path}.prefers[{index}]"
                if not isinstance(name, str) or name not in raw_sides[other]:
                    problems.append(Problem(at, f"names no player among the {other}: {name!r}"))
                elif name in listed:
                    problems.append(
                        Problem(at, f"'{name}' is listed twice (also [{listed[name]}])")
                    )
                else:
                    listed[name] = index
            sides[side][key] = Agent(capacity=capacity, prefers=tuple(listed))
    if problems:
        raise InvalidInput(problems)
    return MatchingGame(suppliers=sides["suppliers"], customers=sides["customers"])


# --- pairs drawn from the network ---------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What the predicted mutual win reads of one organisation."""

    key: str
    roles: frozenset[str]
    capabilities: frozenset[str]
    needs: frozenset[str]
    values: frozenset[str]


def token(text: str) -> str:
    """Capabilities, needs and values compare case-blind, with spaces collapsed."""
    return " ".join(text.casefold().split())


def profile(
    key: str,
    *,
    roles: Iterable[str] = (),
    capabilities: Iterable[str] = (),
    needs: Iterable[str] = (),
    values: Iterable[str] = (),
) -> Profile:
    return Profile(
        key=key,
        roles=frozenset(roles),
        capabilities=frozenset(token(x) for x in capabilities),
        needs=frozenset(token(x) for x in needs),
        values=frozenset(token(x) for x in values),
    )


@dataclass(frozen=True)
class WinBreakdown:
    """The four terms of ``win(s, c)`` and the words and organisations behind them."""

    customer_fit: float
    supplier_fit: float
    shared_values: float
    reach: float
    meets_customer: tuple[str, ...]
    """The customer's needs that the supplier's capabilities meet."""
    meets_supplier: tuple[str, ...]
    """The supplier's needs that the customer's capabilities meet."""
    values: tuple[str, ...]
    new_reach: tuple[str, ...]
    """The customer's customers that the supplier does not reach yet."""

    @property
    def win(self) -> float:
        """``win(s, c)``: the sum of the terms, or 0 when only reach joins the pair."""
        affinity = self.customer_fit + self.supplier_fit + self.shared_values
        return affinity + self.reach if affinity > 0 else 0.0


def explain_win(
    supplier: Profile,
    customer: Profile,
    *,
    supplier_customers: frozenset[str],
    customer_customers: frozenset[str],
) -> WinBreakdown:
    """Each term of ``win(s, c)`` (module docstring) with what produced it."""
    meets_customer = supplier.capabilities & customer.needs
    meets_supplier = customer.capabilities & supplier.needs
    shared = supplier.values & customer.values
    union = supplier.values | customer.values
    new = customer_customers - supplier_customers - {supplier.key}
    return WinBreakdown(
        customer_fit=len(meets_customer) / len(customer.needs) if customer.needs else 0.0,
        supplier_fit=len(meets_supplier) / len(supplier.needs) if supplier.needs else 0.0,
        shared_values=len(shared) / len(union) if union else 0.0,
        reach=len(new) / (1 + len(customer_customers)),
        meets_customer=tuple(sorted(meets_customer)),
        meets_supplier=tuple(sorted(meets_supplier)),
        values=tuple(sorted(shared)),
        new_reach=tuple(sorted(new)),
    )


def predicted_win(
    supplier: Profile,
    customer: Profile,
    *,
    supplier_customers: frozenset[str],
    customer_customers: frozenset[str],
) -> float:
    """``win(s, c)`` of the module docstring for one pair (0 when the pair has no
    affinity); the reference the vectorised :func:`candidate_pairs` must agree with."""
    return explain_win(
        supplier,
        customer,
        supplier_customers=supplier_customers,
        customer_customers=customer_customers,
    ).win


class _Features:
    """Sparse incidence matrices of the network, rows in the order of ``profiles``."""

    def __init__(
        self,
        profiles: Sequence[Profile],
        supplies: Sequence[tuple[int, int]],
        forbidden: Sequence[tuple[int, int]],
    ) -> None:
        n = len(profiles)
        vocab: dict[str, int] = {}  # one vocabulary, so that capabilities meet needs
        entries: dict[str, tuple[list[int], list[int]]] = {}
        for attr in ("capabilities", "needs", "values"):
            rows: list[int] = []
            cols: list[int] = []
            for i, p in enumerate(profiles):
                for t in sorted(getattr(p, attr)):
                    rows.append(i)
                    cols.append(vocab.setdefault(t, len(vocab)))
            entries[attr] = (rows, cols)
        width = max(len(vocab), 1)

        def incidence(attr: str) -> sparse.csr_matrix:
            rows, cols = entries[attr]
            return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, width))

        self.caps = incidence("capabilities")
        self.needs = incidence("needs")
        self.values = incidence("values")
        self.n_needs = np.asarray(self.needs.sum(axis=1), dtype=np.float64).ravel()
        self.n_values = np.asarray(self.values.sum(axis=1), dtype=np.float64).ravel()
        src = [a for a, _ in supplies]
        dst = [b for _, b in supplies]
        self.supplies = sparse.csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
        self.supplies.data[:] = 1.0  # repeated edges count once
        self.supplied_by = self.supplies.T.tocsr()
        self.n_customers = np.asarray(self.supplies.sum(axis=1), dtype=np.float64).ravel()
        fa = [a for a, b in forbidden] + [b for a, b in forbidden] + list(range(n))
        fb = [b for a, b in forbidden] + [a for a, b in forbidden] + list(range(n))
        self.forbidden = sparse.csr_matrix((np.ones(len(fa)), (fa, fb)), shape=(n, n))

    def block(self, s: IntArray, c: IntArray) -> FloatArray:
        """``win(s_i, c_j)`` for every row ``i`` and column ``j`` (0 where not a candidate).

        Computed in place on one dense block to keep temporaries few."""

        def dense(m: Any) -> FloatArray:
            return np.asarray(m.toarray(), dtype=np.float64)

        win = dense(self.caps[s] @ self.needs[c].T)
        win /= np.maximum(self.n_needs[c], 1)[None, :]
        part = dense(self.needs[s] @ self.caps[c].T)
        part /= np.maximum(self.n_needs[s], 1)[:, None]
        win += part
        inter = dense(self.values[s] @ self.values[c].T)
        np.add(self.n_values[s][:, None], self.n_values[c][None, :], out=part)
        part -= inter
        np.maximum(part, 1, out=part)
        inter /= part
        win += inter
        without = win <= 0
        # reach = (|customers(c)| - |common customers| - [c supplies s]) / (1 + |customers(c)|)
        deg = self.n_customers[c][None, :]
        common = self.supplies[s] @ self.supplies[c].T
        np.subtract(deg, dense(common), out=part)
        back = self.supplied_by[s][:, c].tocoo()
        part[back.row, back.col] -= 1.0
        part /= 1 + deg
        win += part
        win[without] = 0.0
        banned = self.forbidden[s][:, c].tocoo()
        win[banned.row, banned.col] = 0.0
        return win


def _top(win: FloatArray, k: int) -> tuple[IntArray, IntArray]:
    """``(row, column)`` of each row's ``k`` greatest positive entries, ties to the lower
    column: the first ``k`` of a stable sort by descending value."""
    if win.shape[1] > k:
        threshold = -np.partition(-win, k - 1, axis=1)[:, k - 1]
        keep = (win >= threshold[:, None]) & (win > 0)
    else:
        keep = win > 0
    rows, cols = np.nonzero(keep)
    order = np.lexsort((cols, -win[rows, cols], rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, rows, side="left")
    first = np.arange(rows.size) - starts < k
    return rows[first].astype(np.int64), cols[first].astype(np.int64)


def candidate_pairs(
    profiles: Sequence[Profile],
    *,
    supplies: Sequence[tuple[int, int]],
    forbidden: Sequence[tuple[int, int]],
    per_org: int = DEFAULT_CANDIDATES,
) -> dict[tuple[int, int], float]:
    """Candidate ``(supplier index, customer index) → win`` pairs: for each organisation
    with the supplier role its ``per_org`` best customers, and for each with the customer
    role its ``per_org`` best suppliers (ties broken by key order), all with ``win > 0``;
    of ``(a, b)`` and ``(b, a)`` only the one with the greater win stays.

    ``supplies`` are ``(from, to)`` index pairs; ``forbidden`` are unordered index pairs
    that may not be paired (ties of any kind, competitors). Scores follow
    :func:`predicted_win` exactly; the work runs in blocks of supplier rows of at most
    :data:`BLOCK_CELLS` cells, keeping each customer's best suppliers as it goes."""
    features = _Features(profiles, supplies, forbidden)
    sup = np.array([i for i, p in enumerate(profiles) if "supplier" in p.roles], dtype=np.int64)
    cus = np.array([i for i, p in enumerate(profiles) if "customer" in p.roles], dtype=np.int64)
    out: dict[tuple[int, int], float] = {}
    if sup.size == 0 or cus.size == 0 or per_org <= 0:
        return out
    # Each customer's best suppliers so far: scores and supplier positions, (k, customers).
    best_win = np.zeros((0, cus.size))
    best_row = np.zeros((0, cus.size), dtype=np.int64)
    step = max(1, BLOCK_CELLS // cus.size)
    for start in range(0, sup.size, step):
        rows = sup[start : start + step]
        win = features.block(rows, cus)
        r, j = _top(win, per_org)
        for a, b, w in zip(rows[r].tolist(), cus[j].tolist(), win[r, j].tolist(), strict=True):
            out[(a, b)] = w
        column_rows, column_cols = _top(np.ascontiguousarray(win.T), per_org)
        block_win = np.zeros((per_org, cus.size))
        block_row = np.zeros((per_org, cus.size), dtype=np.int64)
        slot = np.arange(column_rows.size) - np.searchsorted(column_rows, column_rows)
        block_win[slot, column_rows] = win[column_cols, column_rows]
        block_row[slot, column_rows] = start + column_cols
        merged_win = np.concatenate([best_win, block_win])
        merged_row = np.concatenate([best_row, block_row])
        order = np.lexsort((merged_row, -merged_win), axis=0)[:per_org]
        best_win = np.take_along_axis(merged_win, order, axis=0)
        best_row = np.take_along_axis(merged_row, order, axis=0)
    for k, j in zip(*np.nonzero(best_win > 0), strict=True):
        out[(int(sup[best_row[k, j]]), int(cus[j]))] = float(best_win[k, j])
    # Two organisations form one natural pair: keep the direction with the greater win.
    for a, b in [pair for pair in out if pair[0] < pair[1] and pair[::-1] in out]:
        weaker = (a, b) if out[(a, b)] < out[(b, a)] else (b, a)
        del out[weaker]
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
    that fits both ways appears once, in its better direction."""
    features = _Features(profiles, supplies, forbidden)
    found: list[tuple[float, int, int, int]] = []
    mine = np.array([me], dtype=np.int64)
    if "supplier" in profiles[me].roles:
        cus = np.array([i for i, p in enumerate(profiles) if "customer" in p.roles], dtype=np.int64)
        if cus.size:
            row = features.block(mine, cus)[0]
            found += [(-float(row[j]), int(cus[j]), me, int(cus[j])) for j in np.flatnonzero(row)]
    if "customer" in profiles[me].roles:
        sup = np.array([i for i, p in enumerate(profiles) if "supplier" in p.roles], dtype=np.int64)
        if sup.size:
            column = features.block(sup, mine)[:, 0]
            found += [
                (-float(column[i]), int(sup[i]), int(sup[i]), me) for i in np.flatnonzero(column)
            ]
    found.sort()
    out: list[tuple[int, int, float]] = []
    seen: set[int] = set()
    for w, other, s, c in found:
        if other not in seen and len(out) < limit:
            seen.add(other)
            out.append((s, c, -w))
    return out


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
