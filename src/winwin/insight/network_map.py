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
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence

import igraph

from winwin.insight.clusters import _RNG_LOCK, Edge

Point = tuple[float, float]

MARGIN = 0.04


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
