"""Clusters as a reader may see them: the report scoped by the tie checkpoint, the
network map, and the whole-graph report as a job when the network is large.

Communities, brokers and outside reach are computed once for the whole graph
(:func:`winwin.insight.service.find_clusters`, cached per version of the graph); what a
reader gets of them is decided here, from :func:`winwin.network.tie_sharing.sight_for`:

- a platform admin, and a facilitator acting for a client granted to them, read the
  whole report and the whole map (the read is audited as ``clusters`` or ``map``);
- anyone else acting for an organisation reads its own community with the names it may
  see (itself and the ends of the ties the checkpoint shows it) and only the sizes of
  the others, its own outside reach, brokers and declared clusters only by the names it
  may see, and the map of the part of the graph it may see.

Services here take a session and never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, own_org_ids, require_access
from winwin.insight import network_map, stamped_jobs
from winwin.insight import service as insight
from winwin.insight.cluster_report import ClusterReport
from winwin.insight.memo import Memo
from winwin.insight.network_map import MapEdges
from winwin.insight.repository import InsightRepository, read_one_version
from winwin.insight.stamped_jobs import Pending as Pending
from winwin.jobs import service as jobs
from winwin.kernel.errors import NotFound, Problem
from winwin.network import graph_stamp, tie_sharing
from winwin.network.tie_sharing import Sight

CLUSTER_JOB = "insight.clusters"
DEFAULT_JOB_ABOVE = 20_000


def job_above() -> int:
    """Organisations plus ties above which the whole-graph report is made as a job
    (``WINWIN_CLUSTERS_JOB_ABOVE``, default 20,000)."""
    return stamped_jobs.job_above("WINWIN_CLUSTERS_JOB_ABOVE", DEFAULT_JOB_ABOVE)


# --- the whole report, inline or as a job ------------------------------------------------


def whole_report(
    session: Session, *, seed: int, brokers: int, as_job: bool = True, retry: bool = False
) -> ClusterReport | Pending:
    """The whole graph's report: cached for this version of the graph, else made here
    when the graph is small (or ``as_job`` is False), else made by a job (one job per
    version, seed and broker count: a job already waiting or running is reused).

    A job that failed for good for this version is not started again silently: its
    ``Pending`` (status failed, with its error) is answered until someone asks to
    ``retry`` or the graph changes."""
    insight.check_cluster_options(seed=seed, brokers=brokers)
    stamp = graph_stamp.current(session)
    options = {"seed": seed, "brokers": brokers}
    found = insight.cached_clusters(stamp, seed=seed, brokers=brokers)
    if found is None:
        stored = stamped_jobs.stored_result(session, kind=CLUSTER_JOB, stamp=stamp, options=options)
        if stored is not None:
            found = insight.report_from_dict(stored["report"])
            insight.keep_clusters(stamp, seed=seed, brokers=brokers, report=found)
    if found is not None:
        return found
    if not as_job or InsightRepository(session).size() <= job_above():
        return insight.find_clusters(session, seed=seed, brokers=brokers)
    return stamped_jobs.join_or_start(
        session, kind=CLUSTER_JOB, stamp=stamp, options=options, retry=retry
    )


def make_report(
    session: Session, *, seed: int, brokers: int, on_step: Callable[[int], None]
) -> dict[str, Any]:
    """What the job computes and keeps: the report and the graph version it is of, read
    in one snapshot (``session`` must be fresh), so that a write committed while the job
    reads or computes is neither in the report nor in its stamp: the report is kept for
    the version it was made from, and the next reader of the new version starts another."""
    read_one_version(session)
    stamp = graph_stamp.current(session)
    report = insight.find_clusters(session, seed=seed, brokers=brokers, on_step=on_step)
    return {"stamp": stamp, "report": report.as_dict()}


def job_progress(session: Session, *, job_id: int) -> jobs.JobView:
    """The progress of a clusters job (never its result, which names the whole graph)."""
    return stamped_jobs.job_progress(session, kind=CLUSTER_JOB, job_id=job_id)


# --- what a reader sees --------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterView:
    """The report as one reader may see it (see the module docstring)."""

    scope: Literal["everything", "own"]
    viewer: str | None
    communities: list[list[str]]
    """Everything: every community. Own: one list, the named members of its community."""
    sizes: list[int]
    """The size of every community, largest first (the order of the whole report)."""
    own_community: int | None
    """The position of the viewer's community in ``sizes``."""
    unnamed: int
    """Members of the viewer's community that it may not name."""
    modularity: float
    agreement: float
    outside_reach: dict[str, float]
    declared: dict[str, list[str]]
    """Declared cluster → the members the reader may name."""
    declared_sizes: dict[str, int]
    brokers: list[tuple[str, float]]
    community_of: dict[str, int] = field(default_factory=dict, repr=False)
    """Position in ``sizes`` of the community of each organisation the reader may name."""

    def names(self) -> set[str]:
        """Every organisation key this view names (the consistency suite reads it)."""
        named = {k for c in self.communities for k in c} | set(self.outside_reach)
        named |= {k for members in self.declared.values() for k in members}
        named |= {k for k, _ in self.brokers} | set(self.community_of)
        return named

    def as_dict(self) -> dict[str, Any]:
        """The REST shape (docs/api.md): the command's keys, then the reader's scope."""
        out: dict[str, Any] = {
            "communities": self.communities,
            "modularity": self.modularity,
            "outside_reach": self.outside_reach,
            "declared": self.declared,
            "agreement": self.agreement,
            "brokers": [{"org": k, "betweenness": b} for k, b in self.brokers],
            "scope": self.scope,
            "org": self.viewer,
            "sizes": self.sizes,
            "own_community": self.own_community,
            "unnamed": self.unnamed,
            "declared_sizes": self.declared_sizes,
        }
        return out


def scope_report(
    report: ClusterReport,
    *,
    sight: Sight,
    reach_of: set[str] | None,
) -> ClusterView:
    """``report`` as a reader with ``sight`` may see it; outside reach only for the
    organisations ``reach_of`` (None: all)."""
    sizes = [len(c) for c in report.communities]
    position = {key: i for i, members in enumerate(report.communities) for key in members}
    reach = {k: v for k, v in report.outside_reach.items() if reach_of is None or k in reach_of}
    declared_sizes = {c: len(m) for c, m in report.declared.items()}
    if sight.everything:
        return ClusterView(
            scope="everything",
            viewer=sight.viewer,
            communities=report.communities,
            sizes=sizes,
            own_community=position.get(sight.viewer) if sight.viewer else None,
            unnamed=0,
            modularity=report.modularity,
            agreement=report.agreement,
            outside_reach=reach,
            declared=report.declared,
            declared_sizes=declared_sizes,
            brokers=report.brokers,
            community_of=position,
        )
    named = sight.orgs or frozenset()
    own = position.get(sight.viewer) if sight.viewer is not None else None
    mine = [k for k in report.communities[own] if k in named] if own is not None else []
    return ClusterView(
        scope="own",
        viewer=sight.viewer,
        communities=[mine] if own is not None else [],
        sizes=sizes,
        own_community=own,
        unnamed=(sizes[own] - len(mine)) if own is not None else 0,
        modularity=report.modularity,
        agreement=report.agreement,
        outside_reach={k: v for k, v in reach.items() if k in named},
        declared={c: [k for k in members if k in named] for c, members in report.declared.items()},
        declared_sizes=declared_sizes,
        brokers=[(k, b) for k, b in report.brokers if k in named],
        community_of={k: position[k] for k in named if k in position},
    )


def _org_id(session: Session, actor: Actor, org: str | None) -> int | None:
    """The organisation the reader acts for: ``org`` (a key) or the person's own."""
    if org is None:
        return actor.org_id
    found = InsightRepository(session).org_id(org)
    if found is None:
        raise NotFound(Problem("org", f"no organisation with key '{org}'"))
    require_access(actor, found)
    return found


def read_clusters(
    session: Session,
    *,
    actor: Actor,
    org_id: int | None = None,
    org: str | None = None,
    seed: int = 0,
    brokers: int = 10,
    as_job: bool = True,
    retry: bool = False,
) -> ClusterView | Pending:
    """The clusters as ``actor`` acting for the organisation ``org_id`` (or the key
    ``org``; else the person's own) may see them; the operator (``accounts.access.operator``)
    reads everything. A :class:`Pending` job when the whole report is being made (or its
    job failed: ``retry`` starts another)."""
    report = whole_report(session, seed=seed, brokers=brokers, as_job=as_job, retry=retry)
    if isinstance(report, Pending):
        return report
    if actor.is_operator:
        return scope_report(report, sight=tie_sharing.EVERYTHING, reach_of=None)
    acting = org_id if org_id is not None else _org_id(session, actor, org)
    sight = tie_sharing.sight_for(session, actor=actor, org_id=acting, what="clusters")
    repo = InsightRepository(session)
    if sight.everything:
        # A platform admin reads every organisation's reach; a facilitator its own
        # organisations' and the client's it acts for.
        reach_of: set[str] | None = None
        if not actor.is_platform_admin:
            reach_of = repo.keys_of(own_org_ids(actor) | ({acting} if acting else set()))
        if acting is not None:
            sight = Sight(ties=None, viewer=next(iter(repo.keys_of({acting})), None))
        return scope_report(report, sight=sight, reach_of=reach_of)
    return scope_report(report, sight=sight, reach_of=repo.keys_of(own_org_ids(actor)))


def org_id_or_raise(session: Session, org: str) -> int:
    """The id of the organisation ``org`` (a key); ``NotFound`` naming ``by``."""
    org_id = InsightRepository(session).org_id(org)
    if org_id is None:
        raise NotFound(Problem("by", f"no organisation with key '{org}'"))
    return org_id


def scope_for_org(session: Session, report: ClusterReport, *, org: str) -> ClusterView:
    """``report`` as the organisation ``org`` itself may see it (the command line's
    ``--by``): its sight through the tie checkpoint (``tie_sharing.sight_of``) and its
    own outside reach, exactly what a member acting for it reads."""
    sight = tie_sharing.sight_of(session, viewer_id=org_id_or_raise(session, org))
    return scope_report(report, sight=sight, reach_of={org})


def read_clusters_for_org(
    session: Session, *, org: str, seed: int = 0, brokers: int = 10, as_job: bool = True
) -> ClusterView | Pending:
    """The clusters as the organisation ``org`` may see them; a :class:`Pending` job
    when the whole report is being made."""
    report = whole_report(session, seed=seed, brokers=brokers, as_job=as_job)
    if isinstance(report, Pending):
        return report
    return scope_for_org(session, report, org=org)


# --- the map ---------------------------------------------------------------------------------

MAP_LIMIT = 2500
"""At most this many organisations on one map: those fewest tie steps from the reader."""

MapKey = tuple[str, bool, str | None, int, int]
"""(graph version, whole graph, reader, seed, limit): everything a map depends on."""


@dataclass(frozen=True)
class MapNode:
    key: str
    name: str
    x: float
    y: float
    community: int | None
    cluster: str | None
    role: network_map.Role
    """The reader itself, one of its own ties, a customer's customer it could reach."""


@dataclass(frozen=True)
class NetworkMap:
    nodes: list[MapNode]
    edges: MapEdges
    """Arrays of the drawn edges (iterating gives one :class:`MapEdge` each)."""
    outlines: list[tuple[str, list[network_map.Point]]]
    """Declared cluster → the hull of its members on the map."""
    left_out: int
    """Organisations the reader may see that the map leaves out (over ``MAP_LIMIT``)."""
    scope: Literal["everything", "own"]
    key: MapKey
    """What the map was made from: a drawing of it may be cached under this key."""
    outline_members: dict[str, int] = field(default_factory=dict)
    """Declared cluster → how many of its members the map draws."""

    def names(self) -> set[str]:
        return {n.key for n in self.nodes}


_MAPS: Memo[MapKey, NetworkMap] = Memo(32)


def network_map_for(
    session: Session,
    *,
    view: ClusterView,
    sight: Sight,
    seed: int = 0,
    limit: int = MAP_LIMIT,
) -> NetworkMap:
    """The part of the graph ``sight`` admits, laid out, coloured by ``view``'s
    communities, the reader's ties and the customers' customers it could reach marked;
    cached per version of the graph, reader and seed."""
    key: MapKey = (graph_stamp.current(session), sight.everything, sight.viewer, seed, limit)
    cached = _MAPS.get(key)
    if cached is None:
        cached = _draw_map(session, view=view, sight=sight, seed=seed, limit=limit, key=key)
        if graph_stamp.still(session, key[0]):
            _MAPS.put(key, cached)
    return cached


def _draw_map(
    session: Session, *, view: ClusterView, sight: Sight, seed: int, limit: int, key: MapKey
) -> NetworkMap:
    repo = InsightRepository(session)
    found = {k: (i, name, cluster) for i, k, name, cluster in repo.map_organisations()}
    if sight.everything:
        keys = sorted(found)
        at = {k: i for i, k in enumerate(keys)}
        a, b, kind, kinds = network_map.kind_arrays(repo.map_ties())
        position = {found[k][0]: i for k, i in at.items()}
        a, b = network_map.renumber(a, position), network_map.renumber(b, position)
    else:
        keys = sorted(sight.orgs or ())
        at = {k: i for i, k in enumerate(keys)}
        ties = [(kind, at[a], at[b]) for kind, a, b in sight.ties or ()]
        a, b, kind, kinds = network_map.tie_arrays(ties)
    viewer = at.get(sight.viewer) if sight.viewer is not None else None
    n = len(keys)
    left_out = 0
    if n > limit:
        # Only a map too large to draw whole needs the walk from the reader.
        drawn = network_map.map_edges(n, a, b, kind, kinds, None)
        pairs = list(zip(drawn.a.tolist(), drawn.b.tolist(), strict=True))
        kept = sorted(network_map.nearest_first(n, pairs, viewer)[:limit])
        left_out = n - len(kept)
        renumber = np.full(n, -1, dtype=np.int64)
        renumber[kept] = np.arange(len(kept))
        inside = (renumber[a] >= 0) & (renumber[b] >= 0)
        a, b, kind = renumber[a[inside]], renumber[b[inside]], kind[inside]
        viewer = None if viewer is None else int(renumber[viewer])
        keys = [keys[i] for i in kept]
        n = len(keys)
    edges = network_map.map_edges(n, a, b, kind, kinds, viewer)
    positions = network_map.layout(
        n, list(zip(edges.a.tolist(), edges.b.tolist(), strict=True)), seed=seed
    )
    supplies = kind == kinds.index("supplies") if "supplies" in kinds else np.zeros_like(a, bool)
    roles = network_map.roles_of(n, a, b, supplies, viewer).tolist()
    nodes = []
    for i, k in enumerate(keys):
        _, name, cluster = found.get(k, (0, k, None))
        x, y = positions[i]
        nodes.append(
            MapNode(k, name, x, y, view.community_of.get(k), cluster, network_map.ROLES[roles[i]])
        )
    members: dict[str, list[network_map.Point]] = {}
    for node in nodes:
        if node.cluster:
            members.setdefault(node.cluster, []).append((node.x, node.y))
    outlines = [(c, network_map.hull(points)) for c, points in sorted(members.items())]
    return NetworkMap(
        nodes=nodes,
        edges=edges,
        outlines=outlines,
        left_out=left_out,
        scope="everything" if sight.everything else "own",
        key=key,
        outline_members={c: len(points) for c, points in members.items()},
    )


def read_map(
    session: Session,
    *,
    actor: Actor,
    org_id: int | None,
    view: ClusterView,
    seed: int = 0,
) -> NetworkMap:
    """The map for ``actor`` acting for ``org_id`` (the checkpoint decides its part)."""
    sight = tie_sharing.sight_for(session, actor=actor, org_id=org_id, what="map")
    if sight.everything and org_id is not None:
        keys = InsightRepository(session).keys_of({org_id})
        sight = Sight(ties=None, viewer=next(iter(keys), None))
    return network_map_for(session, view=view, sight=sight, seed=seed)
