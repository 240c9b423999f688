"""Communities: ``insight.clusters.detect_communities`` on planted-partition networks.

Each network has groups of 100 organisations and 5 ties per organisation, 90 % of them
inside the group (numpy, seeded). Both timings start from the same list of ties.

1. At 100,000 organisations (scaled), the product's path (simple graph, seeded Leiden
   with two iterations, communities ordered) as a ratio to igraph's
   ``Graph.community_leiden(objective_function="modularity")`` called directly on a graph
   built from the same ties; goal ≤ 1.5×, and modularity ≥ 99 % of the direct call's.
2. At 20,000 organisations, the speed-up over networkx's Louvain
   (``networkx.community.louvain_communities``, seeded); goal ≥ 10×.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bench.common import Report, result, timed

GROUP = 100
TIES_PER_ORG = 5
MIXING = 0.1
SEED = 7


def planted_partition(n: int, seed: int = SEED) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    m = n * TIES_PER_ORG
    a = rng.integers(0, n, m)
    inside = np.minimum((a // GROUP) * GROUP + rng.integers(0, GROUP, m), n - 1)
    b = np.where(rng.random(m) >= MIXING, inside, rng.integers(0, n, m))
    return list(zip(a.tolist(), b.tolist(), strict=True))


def _best(fn: Any, repeat: int) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(repeat):
        seconds, value = timed(fn)
        best = min(best, seconds)
    return best, value


def _direct(n: int, edges: list[tuple[int, int]]) -> float:
    import igraph

    graph = igraph.Graph(n=n, edges=edges, directed=False)
    graph.simplify()
    return float(graph.community_leiden(objective_function="modularity").modularity)


def _product(keys: list[str], edges: list[tuple[int, int]]) -> float:
    from winwin.insight.clusters import detect_communities

    return detect_communities(keys, edges, seed=SEED).modularity


def _against_igraph(report: Report, n: int) -> dict[str, Any]:
    edges = planted_partition(n)
    keys = [f"o{i:06d}" for i in range(n)]
    report.log(f"{n:,} organisations, {len(edges):,} ties: igraph community_leiden …")
    base, q_base = _best(lambda: _direct(n, edges), 2)
    report.log(f"direct {base:.2f} s (Q {q_base:.4f}); detect_communities …")
    ours, q_ours = _best(lambda: _product(keys, edges), 2)
    ratio = ours / base
    return result(
        f"clusters: detect_communities vs igraph community_leiden, {n:,} orgs",
        ratio,
        "≤ 1.5×, modularity ≥ 99 %",
        f"{len(edges):,} ties; detect_communities {ours:.2f} s, Q {q_ours:.4f}; "
        f"community_leiden {base:.2f} s, Q {q_base:.4f} ({q_ours / q_base:.2%})",
        met=ratio <= 1.5 and q_ours >= 0.99 * q_base,
    )


def _against_networkx(report: Report, n: int) -> dict[str, Any]:
    import networkx as nx

    edges = planted_partition(n)
    keys = [f"o{i:06d}" for i in range(n)]
    ours, q_ours = _best(lambda: _product(keys, edges), 2)
    report.log(f"{n:,} organisations: detect_communities {ours:.2f} s; networkx Louvain …")

    def louvain() -> float:
        graph = nx.Graph()
        graph.add_nodes_from(range(n))
        graph.add_edges_from((a, b) for a, b in edges if a != b)
        found = nx.community.louvain_communities(graph, seed=SEED)
        return float(nx.community.modularity(graph, found))

    theirs, q_theirs = timed(louvain)
    speedup = theirs / ours
    return result(
        f"clusters: speed-up over networkx Louvain, {n:,} orgs",
        speedup,
        "≥ 10×",
        f"detect_communities {ours:.2f} s, Q {q_ours:.4f}; "
        f"networkx louvain_communities {theirs:.2f} s, Q {q_theirs:.4f}",
        met=speedup >= 10,
    )


def run(report: Report) -> list[dict[str, Any]]:
    return [
        _against_igraph(report, report.scaled(100_000, minimum=1_000)),
        _against_networkx(report, report.scaled(20_000, minimum=1_000)),
    ]
