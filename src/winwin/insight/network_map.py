"""The network map's geometry: where each organisation is drawn, and the outlines.

Pure (igraph and the standard library). Organisations are indices ``0..n-1``; ties are
index pairs, read as an undirected simple graph.

- **Layout**: Fruchterman-Reingold (igraph's C implementation), seeded, so one graph
  and one seed always give one picture; coordinates are scaled into the unit square
  ``[MARGIN, 1 - MARGIN]²`` keeping the aspect ratio.
- **Outlines** of declared clusters: the convex hull of the members' positions
  (Andrew's monotone chain), counter-clockwise; two members give a segment, one a point.
- **Nearest first**: when a map must leave organisations out, it keeps those fewest tie
  steps from the viewer (breadth first, ties broken by index), so the viewer's own part
  of the network is always drawn.
- **Edges and roles** are computed on arrays of ties (``a``, ``b``, ``kind`` codes), one
  row per tie, never one object per tie: a map of 20,000 ties is built in milliseconds.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import igraph
import numpy as np
import numpy.typing as npt

from winwin.insight.clusters import _RNG_LOCK, Edge

Point = tuple[float, float]
Indices = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
Role = Literal["self", "tie", "reach", "other"]

MARGIN = 0.04

ROLES: tuple[Role, ...] = ("self", "tie", "reach", "other")
"""Role codes (``roles_of``) index this tuple."""


def layout(n: int, edges: Sequence[Edge], *, seed: int = 0) -> list[Point]:
    """Positions in the unit square (see the module docstring); ``[]`` for ``n = 0``."""
    if n == 0:
        return []
    if n == 1:
        return [(0.5, 0.5)]
    graph = igraph.Graph(n=n, edges=list(edges), directed=False)
    graph.simplify(multiple=True, loops=True)
    with _RNG_LOCK:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            found = graph.layout_fruchterman_reingold(niter=500, grid="auto")
        finally:
            igraph.set_random_number_generator(random)
    coords = [(float(x), float(y)) for x, y in found.coords]
    xs, ys = [x for x, _ in coords], [y for _, y in coords]
    low_x, low_y = min(xs), min(ys)
    wide, high = max(xs) - low_x, max(ys) - low_y
    span = max(wide, high) or 1.0
    inner = 1 - 2 * MARGIN
    dx = MARGIN + (1 - wide / span) * inner / 2
    dy = MARGIN + (1 - high / span) * inner / 2
    return [(dx + (x - low_x) / span * inner, dy + (y - low_y) / span * inner) for x, y in coords]


def _cross(o: Point, a: Point, b: Point) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def hull(points: Sequence[Point]) -> list[Point]:
    """The convex hull, counter-clockwise, without repeated or collinear points."""
    unique = sorted(set(points))
    if len(unique) <= 2:
        return unique
    lower: list[Point] = []
    for p in unique:
        while len(lower) >= 2 and _cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(unique):
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def nearest_first(n: int, edges: Sequence[Edge], start: int | None) -> list[int]:
    """Every index, ordered by tie steps from ``start`` (unreached ones last, by index);
    with ``start`` None, from the organisation with the most ties."""
    if n == 0:
        return []
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        if a != b:
            neighbours[a].append(b)
            neighbours[b].append(a)
    if start is None:
        start = max(range(n), key=lambda i: (len(neighbours[i]), -i))
    seen = [False] * n
    order: list[int] = []
    queue = deque([start])
    seen[start] = True
    while queue:
        here = queue.popleft()
        order.append(here)
        for there in sorted(neighbours[here]):
            if not seen[there]:
                seen[there] = True
                queue.append(there)
    order.extend(i for i in range(n) if not seen[i])
    return order


@dataclass(frozen=True)
class MapEdge:
    """One drawn edge: organisations ``a < b`` (indices), the kind it is drawn as, and
    whether it is one of the reader's own ties."""

    a: int
    b: int
    kind: str
    own: bool


@dataclass(frozen=True)
class MapEdges:
    """Every drawn edge as parallel arrays, sorted by ``(a, b)``: one edge per tied pair
    (loops kept as zero-length edges), ``a < b`` or ``a == b``.

    A pair tied several ways is drawn as one kind: the reader's own pair as the last of
    its kinds in code-point order, any other pair as the first."""

    a: Indices
    b: Indices
    kind: Indices
    """Positions in ``kinds``."""
    own: Flags
    kinds: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.a)

    def __iter__(self) -> Iterator[MapEdge]:
        for a, b, kind, own in zip(
            self.a.tolist(), self.b.tolist(), self.kind.tolist(), self.own.tolist(), strict=True
        ):
            yield MapEdge(a, b, self.kinds[kind], own)

    @classmethod
    def empty(cls) -> MapEdges:
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none, none, np.zeros(0, dtype=np.bool_), ())


def tie_arrays(
    ties: Sequence[tuple[str, int, int]],
) -> tuple[Indices, Indices, Indices, tuple[str, ...]]:
    """``(kind, a, b)`` rows as the arrays ``a``, ``b``, ``kind`` (positions in the
    returned kinds, which are sorted in code-point order)."""
    if not ties:
        return kind_arrays({})
    kind, a, b = zip(*ties, strict=True)
    kinds = tuple(sorted(set(kind)))
    code = {k: i for i, k in enumerate(kinds)}
    return (
        np.array(a, dtype=np.int64),
        np.array(b, dtype=np.int64),
        np.fromiter(map(code.__getitem__, kind), dtype=np.int64, count=len(kind)),
        kinds,
    )


def kind_arrays(
    ties: Mapping[str, npt.NDArray[np.int64]],
) -> tuple[Indices, Indices, Indices, tuple[str, ...]]:
    """Kind → ``(a, b)`` rows as the arrays of :func:`tie_arrays`."""
    kinds = tuple(sorted(ties))
    rows = [ties[k].reshape(-1, 2) for k in kinds]
    if not rows:
        none = np.zeros(0, dtype=np.int64)
        return none, none, none, ()
    both = np.concatenate(rows).astype(np.int64)
    kind = np.repeat(np.arange(len(kinds), dtype=np.int64), [len(r) for r in rows])
    return both[:, 0], both[:, 1], kind, kinds


def renumber(ids: Indices, positions: dict[int, int]) -> Indices:
    """``ids`` replaced by their ``positions`` (every id must have one)."""
    if not positions:
        return np.zeros(0, dtype=np.int64)
    table = np.full(max(positions) + 1, -1, dtype=np.int64)
    table[np.fromiter(positions, dtype=np.int64)] = np.fromiter(positions.values(), dtype=np.int64)
    found = table[ids]
    if (found < 0).any():
        raise KeyError("a tie names an organisation that is not on the map")
    return found


def map_edges(
    n: int, a: Indices, b: Indices, kind: Indices, kinds: tuple[str, ...], viewer: int | None
) -> MapEdges:
    """The edges drawn for the ties ``a[i] — b[i]`` of ``n`` organisations (see
    :class:`MapEdges`); own: ``viewer`` is one of the pair."""
    if len(a) == 0:
        return MapEdges.empty()
    low, high = np.minimum(a, b), np.maximum(a, b)
    pairs, where = np.unique(low * n + high, return_inverse=True)
    where = where.reshape(-1)
    own = np.zeros(len(pairs), dtype=np.bool_)
    if viewer is not None:
        own[where[(a == viewer) | (b == viewer)]] = True
    first = np.full(len(pairs), len(kinds), dtype=np.int64)
    last = np.full(len(pairs), -1, dtype=np.int64)
    np.minimum.at(first, where, kind)
    np.maximum.at(last, where, kind)
    return MapEdges(
        a=pairs // n, b=pairs % n, kind=np.where(own, last, first), own=own, kinds=kinds
    )


def roles_of(n: int, a: Indices, b: Indices, supplies: Flags, viewer: int | None) -> Indices:
    """Each organisation's role on ``viewer``'s map as a position in :data:`ROLES`:
    the viewer; one of its ties (either direction); a customer's customer it could reach
    (``viewer → c → x`` along ``supplies`` ties, neither the viewer nor one of its
    ties); else other. ``supplies[i]`` says the tie ``a[i] → b[i]`` is a supply."""
    role = np.full(n, ROLES.index("other"), dtype=np.int64)
    if viewer is None:
        return role
    mine_out, mine_in = a == viewer, b == viewer
    direct = np.zeros(n, dtype=np.bool_)
    direct[b[mine_out]] = True
    direct[a[mine_in]] = True
    customers = np.zeros(n, dtype=np.bool_)
    customers[b[supplies & mine_out]] = True
    reach = np.zeros(n, dtype=np.bool_)
    reach[b[supplies & customers[a]]] = True
    role[reach & ~direct] = ROLES.index("reach")
    role[direct] = ROLES.index("tie")
    role[viewer] = ROLES.index("self")
    return role


def trails(a: Indices, b: Indices) -> list[list[int]]:
    """The edges ``a[i] — b[i]`` as trails: walks that use each edge exactly once, so a
    drawing can write a run of edges as one line through its points instead of one
    line per edge. Starts at organisations of odd degree first (every trail that is
    not closed ends at two of them), then at any with an edge left; from each, the
    lowest-numbered unused edge next. Deterministic for given arrays."""
    n = int(max(a.max(initial=-1), b.max(initial=-1))) + 1
    around: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for edge, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        around[x].append((y, edge))
        if x != y:
            around[y].append((x, edge))
    for ends in around:
        ends.sort(reverse=True)  # popped from the end: lowest first
    used = [False] * len(a)
    odd = [v for v in range(n) if len(around[v]) % 2]
    found: list[list[int]] = []
    for start in odd + list(range(n)):
        while around[start]:
            walk = [start]
            here = start
            while around[here]:
                there, edge = around[here].pop()
                if used[edge]:
                    continue
                used[edge] = True
                walk.append(there)
                here = there
            if len(walk) > 1:
                found.append(walk)
    return found
