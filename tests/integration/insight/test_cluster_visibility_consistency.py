"""Clusters, brokers, outside reach and the network map go through the tie checkpoint.

Random networks, random declared clusters and random sharing settings are stored
through the real importer and the settings service, on SQLite and PostgreSQL. For every
organisation, the cluster view and the map a member of it reads name only
organisations it may learn of, and draw only ties it may learn of; checked from the
generated input alone (the settings, never stored rows), no read names an
organisation's customer to anyone whose settings do not allow it. The operator (and so
the command line) reads the whole report.
"""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from integration.network.test_tie_visibility_consistency import (
    Generated,
    allowed_by_settings,
    networks,
    store,
)
from winwin.accounts import access
from winwin.accounts.access import Actor
from winwin.insight import cluster_views
from winwin.insight import service as insight
from winwin.network import tie_audience as rule
from winwin.network.tie_sharing_repository import TieSharingRepository


@st.composite
def clustered(draw: st.DrawFn) -> Generated:
    gen = draw(networks())
    names = st.sampled_from([None, "forest", "chemistry"])
    orgs = [{**o, "cluster": c} if (c := draw(names)) else o for o in gen.doc["organizations"]]
    return dataclasses.replace(gen, doc={**gen.doc, "organizations": orgs})


def member_of(org_id: int) -> Actor:
    return Actor(user_id=0, email="m@example.com", name="m", org_id=org_id, role="member")


def learnable(gen: Generated, viewer: str) -> set[str]:
    """From the input alone: the organisations ``viewer`` may learn of as part of the
    graph: itself, its own ties' other ends, and both ends of every tie its partners'
    settings reveal to it."""
    out = {viewer}
    for kind, a, b in gen.ties():
        if _reveals(gen, viewer, kind, a, b):
            out |= {a, b}
    return out


def _reveals(gen: Generated, viewer: str, kind: str, a: str, b: str) -> bool:
    if viewer in (a, b):
        return True
    if kind == "supplies":
        return allowed_by_settings(gen, viewer, a, b)
    return _shares_all(gen, a, viewer) or _shares_all(gen, b, viewer)


def _shares_all(gen: Generated, owner: str, viewer: str) -> bool:
    rivals = {frozenset(p) for p in gen.doc["competitors"]}
    partners = any({a, b} == {owner, viewer} for _, a, b in gen.ties())
    if frozenset((owner, viewer)) in rivals or not partners:
        return False
    return gen.overrides.get((owner, viewer), gen.defaults.get(owner, "counts")) == "all"


def check(session: Session, gen: Generated, seed: int) -> None:
    graph = gen.graph()
    repo = TieSharingRepository(session)
    ids = {k: repo.org_by_key(k).id for k in gen.keys}  # type: ignore[union-attr]
    whole = insight.find_clusters(session, seed=seed, brokers=len(gen.keys))
    operator = cluster_views.read_clusters(
        session, actor=access.operator(), seed=seed, brokers=len(gen.keys)
    )
    assert isinstance(operator, cluster_views.ClusterView)
    assert operator.communities == whole.communities
    assert operator.outside_reach == whole.outside_reach
    for viewer in gen.keys:
        actor = member_of(ids[viewer])
        view = cluster_views.read_clusters(
            session, actor=actor, org_id=ids[viewer], seed=seed, brokers=len(gen.keys)
        )
        assert isinstance(view, cluster_views.ClusterView)
        allowed = learnable(gen, viewer)
        assert view.names() <= allowed, (viewer, view.names() - allowed)
        assert set(view.outside_reach) <= {viewer}
        assert view.outside_reach == {k: v for k, v in whole.outside_reach.items() if k == viewer}
        assert view.sizes == [len(c) for c in whole.communities]
        # Its own community: exactly the members it may name, and the rest counted.
        own = next(c for c in whole.communities if viewer in c)
        assert view.communities == [[k for k in own if k in allowed]]
        assert view.unnamed == len(own) - len(view.communities[0])
        assert {k for k, _ in view.brokers} <= allowed
        # The command line's `clusters --by` reads exactly what a member acting for it reads.
        by = cluster_views.read_clusters_for_org(
            session, org=viewer, seed=seed, brokers=len(gen.keys)
        )
        assert isinstance(by, cluster_views.ClusterView)
        assert by.as_dict() == view.as_dict()
        drawn = cluster_views.read_map(
            session, actor=actor, org_id=ids[viewer], view=view, seed=seed
        )
        assert drawn.names() <= allowed, (viewer, drawn.names() - allowed)
        visible = rule.visible_ties(graph, viewer)
        for edge in drawn.edges:
            a, b = drawn.nodes[edge.a].key, drawn.nodes[edge.b].key
            assert any({x, y} == {a, b} and k == edge.kind for k, x, y in visible), (viewer, a, b)
            if edge.kind == "supplies":
                assert any(
                    allowed_by_settings(gen, viewer, s, c)
                    for k, s, c in visible
                    if k == "supplies" and {s, c} == {a, b}
                ), (viewer, a, b)
        for node in drawn.nodes:
            if node.role == "reach":
                # A customer's customer it could reach: told by a customer sharing `all`.
                assert any(
                    ("supplies", viewer, c) in gen.ties()
                    and ("supplies", c, node.key) in gen.ties()
                    and allowed_by_settings(gen, viewer, c, node.key)
                    for c in gen.keys
                ), (viewer, node.key)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(gen=clustered(), seed=st.integers(0, 3))
def test_no_cluster_read_names_what_the_settings_keep_from_the_reader(
    session: Session, gen: Generated, seed: int
) -> None:
    # Each example runs inside a savepoint that is rolled back, so examples never meet.
    nested = session.begin_nested()
    try:
        store(session, gen)
        check(session, gen, seed)
    finally:
        nested.rollback()
