"""The whole graph's cluster report: communities, outside reach, declared clusters and
brokers, as the operator reads it, kept per version of the graph
(``insight.cluster_views`` scopes it to a reader)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from winwin.insight import clusters as cluster_domain
from winwin.insight.memo import Memo
from winwin.insight.repository import InsightRepository, OrgRow
from winwin.kernel.errors import InvalidInput, Problem
from winwin.network import graph_stamp

MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class ClusterReport:
    communities: list[list[str]]
    modularity: float
    outside_reach: dict[str, float]
    declared: dict[str, list[str]]
    """Declared cluster → its members (sorted)."""
    agreement: float
    brokers: list[tuple[str, float]]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "communities": self.communities,
            "modularity": self.modularity,
            "outside_reach": self.outside_reach,
            "declared": self.declared,
            "agreement": self.agreement,
        }
        if self.brokers:
            out["brokers"] = [{"org": k, "betweenness": b} for k, b in self.brokers]
        return out


BROKER_SOURCES = 500
"""Betweenness counts shortest paths from at most this many (seeded, sampled) sources."""

CLUSTER_STEPS = 4
"""The steps of a whole-graph cluster report (a job's progress counts them)."""


def report_from_dict(document: dict[str, Any]) -> ClusterReport:
    """The report back from :meth:`ClusterReport.as_dict` (a job keeps it as its result)."""
    return ClusterReport(
        communities=[list(c) for c in document["communities"]],
        modularity=float(document["modularity"]),
        outside_reach={k: float(v) for k, v in document["outside_reach"].items()},
        declared={k: list(v) for k, v in document["declared"].items()},
        agreement=float(document["agreement"]),
        brokers=[(b["org"], float(b["betweenness"])) for b in document.get("brokers", [])],
    )


def check_cluster_options(*, seed: int, brokers: int) -> None:
    if brokers < 0:
        raise InvalidInput(Problem("brokers", "must be at least 0"))
    if not 0 <= seed <= MAX_SEED:
        raise InvalidInput(Problem("seed", f"must be a whole number from 0 to {MAX_SEED}"))


def cached_clusters(stamp: str, *, seed: int, brokers: int) -> ClusterReport | None:
    """The report of the graph version ``stamp`` if this process has it."""
    return _CLUSTERS.get((stamp, seed, brokers))


def keep_clusters(stamp: str, *, seed: int, brokers: int, report: ClusterReport) -> None:
    _CLUSTERS.put((stamp, seed, brokers), report)


def find_clusters(
    session: Session,
    *,
    seed: int = 0,
    brokers: int = 0,
    reach_of: Collection[int] | None = None,
    on_step: Callable[[int], None] | None = None,
) -> ClusterReport:
    """Communities of the tie graph, outside reach per organisation, the declared
    clusters beside them, and (when ``brokers > 0``) that many top brokers: the whole
    graph, as the operator reads it (``winwin.insight.cluster_views`` scopes it to a
    reader). With ``reach_of`` (organisation ids) outside reach is reported only for
    those. Cached per version of the graph (``network.graph_stamp``); ``on_step`` is
    told each of the :data:`CLUSTER_STEPS` steps done when it is computed."""
    check_cluster_options(seed=seed, brokers=brokers)
    repo = InsightRepository(session)
    stamp = graph_stamp.current(session)
    report = _CLUSTERS.get((stamp, seed, brokers))
    orgs: list[OrgRow] | None = None
    if report is None:
        orgs = repo.organizations()
        index = {o.id: i for i, o in enumerate(orgs)}
        keys = [o.key for o in orgs]
        clusters = [o.cluster or None for o in orgs]
        ties = [(kind, index[a], index[b]) for kind, a, b in repo.ties()]
        # Kept only when no write committed while the graph was read.
        cached = graph_stamp.still(session, stamp)
        if on_step is not None:
            on_step(1)
        report = _cluster_report(keys, clusters, ties, seed=seed, brokers=brokers, on_step=on_step)
        if cached:
            _CLUSTERS.put((stamp, seed, brokers), report)
    if reach_of is not None:
        wanted = set(reach_of)
        allowed = repo.keys_of(wanted) if orgs is None else {o.key for o in orgs if o.id in wanted}
        reach = {k: v for k, v in report.outside_reach.items() if k in allowed}
        report = dataclasses.replace(report, outside_reach=reach)
    return report


_CLUSTERS: Memo[tuple[str, int, int], ClusterReport] = Memo(8)


def _cluster_report(
    keys: list[str],
    clusters: list[str | None],
    ties: list[tuple[str, int, int]],
    *,
    seed: int,
    brokers: int,
    on_step: Callable[[int], None] | None = None,
) -> ClusterReport:
    def step(done: int) -> None:
        if on_step is not None:
            on_step(done)

    edges = [(a, b) for _, a, b in ties]
    supplies = [(a, b) for kind, a, b in ties if kind == "supplies"]
    found = cluster_domain.detect_communities(keys, edges, seed=seed)
    step(2)
    declared: dict[str, list[str]] = {}
    for key, cluster in zip(keys, clusters, strict=True):
        if cluster is not None:
            declared.setdefault(cluster, []).append(key)
    top: list[tuple[str, float]] = []
    if brokers:
        top = cluster_domain.brokers(keys, edges, limit=brokers, sources=BROKER_SOURCES, seed=seed)
    step(3)
    report = ClusterReport(
        communities=found.communities,
        modularity=found.modularity,
        outside_reach=cluster_domain.outside_reach(keys, clusters, supplies),
        declared={k: sorted(v) for k, v in sorted(declared.items())},
        agreement=cluster_domain.agreement(clusters, found.membership),
        brokers=top,
    )
    step(CLUSTER_STEPS)
    return report
