"""Cluster insight: the communities that ties actually form, against declared clusters.

Organisations are indices ``0..n-1`` into ``keys``; ties are index pairs.

- **Communities**: Leiden (igraph's own C implementation, ``community_leiden`` with the
  modularity objective, seeded, two iterations as igraph does by default) on the
  undirected simple graph of all ties (a pair tied several ways, or both ways, is one
  edge; every organisation is a vertex, so an untied one forms a community of its own).
  Each community is sorted by key; communities are listed by size, largest first, then
  by their first key.
- **Modularity** ``Q = 1/(2m) Σ_ij (A_ij - k_i k_j / 2m) δ(c_i, c_j)`` of that partition
  (``0`` for a graph with no edge).
- **Outside reach** of an organisation ``o`` with a declared cluster: let ``D2(o)`` be
  its customers' customers (``z`` with ``o → y → z`` along ``supplies`` ties), without
  ``o`` itself; the share of ``D2(o)`` whose declared cluster is not ``o``'s (an
  organisation with no cluster lies outside every cluster). In ``[0, 1]``; organisations
  with an empty ``D2`` or no cluster are left out.
- **Brokers**: normalised betweenness ``b(v) = Σ_{s≠v≠t} σ_st(v)/σ_st / C(n-1, 2)`` on
  the same undirected graph, in ``[0, 1]`` (estimated from sampled sources on request).
- **Agreement** of declared clusters with communities: normalised mutual information in
  ``[0, 1]`` (each organisation without a cluster counted as a cluster of its own).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import igraph
import numpy as np
from scipy import sparse

Edge = tuple[int, int]

_RNG_LOCK = threading.Lock()
"""igraph has one process-wide random number generator; a seeded run holds it alone."""


@dataclass(frozen=True)
class Communities:
    communities: list[list[str]]
    modularity: float
    membership: list[int]
    """``membership[i]``: position in ``communities`` of organisation ``i``'s community."""


def tie_graph(n: int, edges: Sequence[Edge]) -> igraph.Graph:
    """The undirected simple graph of the ties (no loops, one edge per tied pair)."""
    graph = igraph.Graph(n=n, edges=edges, directed=False)
    graph.simplify(multiple=True, loops=True)
    return graph


def _leiden(graph: igraph.Graph, seed: int) -> list[int]:
    """Membership from igraph's Leiden (modularity), reproducible for a given ``seed``."""
    with _RNG_LOCK:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            found = graph.community_leiden(objective_function="modularity", n_iterations=2)
        finally:
            igraph.set_random_number_generator(random)
    return [int(m) for m in found.membership]


def detect_communities(keys: Sequence[str], edges: Sequence[Edge], *, seed: int = 0) -> Communities:
    """Leiden communities and their modularity (see the module docstring for the order)."""
    graph = tie_graph(len(keys), edges)
    if len(keys) == 0:
        return Communities(communities=[], modularity=0.0, membership=[])
    raw = _leiden(graph, seed)
    groups: dict[int, list[str]] = {}
    for index, label in enumerate(raw):
        groups.setdefault(label, []).append(keys[index])
    ordered = sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))
    position = {g[0]: i for i, g in enumerate(ordered)}
    first = {label: min(g) for label, g in groups.items()}
    membership = [position[first[label]] for label in raw]
    q = float(graph.modularity(membership)) if graph.ecount() else 0.0
    return Communities(communities=ordered, modularity=q, membership=membership)


def outside_reach(
    keys: Sequence[str], clusters: Sequence[str | None], supplies: Sequence[Edge]
) -> dict[str, float]:
    """``|{z ∈ D2(o) : cluster(z) ≠ cluster(o)}| / |D2(o)|`` for each ``o`` with a cluster
    and a non-empty ``D2(o)`` (see the module docstring)."""
    n = len(keys)
    if n == 0 or not supplies:
        return {}
    src = np.array([a for a, _ in supplies], dtype=np.int64)
    dst = np.array([b for _, b in supplies], dtype=np.int64)
    adjacency = sparse.csr_matrix((np.ones(src.size), (src, dst)), shape=(n, n))
    adjacency.data[:] = 1.0
    two = (adjacency @ adjacency).tocoo()
    rows, cols = two.row, two.col
    keep = rows != cols
    rows, cols = rows[keep], cols[keep]
    label = {c: i for i, c in enumerate(sorted({c for c in clusters if c is not None}))}
    code = np.array([label[c] if c is not None else -1 for c in clusters], dtype=np.int64)
    reached = np.bincount(rows, minlength=n)
    inside = np.bincount(rows[(code[rows] == code[cols]) & (code[rows] >= 0)], minlength=n)
    return {
        keys[i]: float((reached[i] - inside[i]) / reached[i])
        for i in range(n)
        if code[i] >= 0 and reached[i] > 0
    }


def brokers(
    keys: Sequence[str],
    edges: Sequence[Edge],
    *,
    limit: int = 10,
    sources: int | None = None,
    seed: int = 0,
) -> list[tuple[str, float]]:
    """The ``limit`` organisations with the highest normalised betweenness above zero,
    highest first (ties by key). With ``sources`` smaller than the network, shortest
    paths are counted only from that many seeded random sources and scaled by
    ``n / sources`` (an unbiased estimate, Brandes and Pich 2007)."""
    n = len(keys)
    if n < 3:
        return []
    graph = tie_graph(n, edges)
    if sources is not None and sources < n:
        rng = np.random.default_rng(seed)
        chosen = sorted(rng.choice(n, size=max(sources, 1), replace=False).tolist())
        raw = [b * n / len(chosen) for b in graph.betweenness(directed=False, sources=chosen)]
    else:
        raw = graph.betweenness(directed=False)
    scale = (n - 1) * (n - 2) / 2
    scored = [(keys[i], float(b) / scale) for i, b in enumerate(raw) if b > 0]
    return sorted(scored, key=lambda kv: (-kv[1], kv[0]))[:limit]


def agreement(clusters: Sequence[str | None], membership: Sequence[int]) -> float:
    """Normalised mutual information between declared clusters and communities."""
    n = len(membership)
    if n < 2:
        return 1.0
    names: dict[str, int] = {}
    declared: list[int] = []
    for i, c in enumerate(clusters):
        declared.append(names.setdefault(c if c is not None else f"\x00{i}", len(names)))
    if len(names) == 1 and len(set(membership)) == 1:
        return 1.0
    return float(igraph.compare_communities(declared, list(membership), method="nmi"))
