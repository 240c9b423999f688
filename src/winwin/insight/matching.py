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

Which pairs the network offers, and how much each would win, is
``winwin.insight.candidates``.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from winwin.kernel.errors import InvalidInput, Problem

Side = Literal["suppliers", "customers"]
SIDES: tuple[Side, ...] = ("suppliers", "customers")
Pair = tuple[str, str]
"""``(supplier, customer)``."""

DEFAULT_CAPACITY = 3


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
