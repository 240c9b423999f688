"""Cluster insight: communities, modularity, outside reach and brokers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from winwin.insight import clusters as c


@st.composite
def networks(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 12))
    keys = [f"o{i:02d}" for i in range(n)]
    cluster_names = draw(
        st.lists(st.sampled_from([None, "forest", "food", "metal"]), min_size=n, max_size=n)
    )
    edge = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    supplies = draw(st.lists(edge, max_size=30).map(lambda es: [e for e in es if e[0] != e[1]]))
    partners = draw(st.lists(edge, max_size=10).map(lambda es: [e for e in es if e[0] != e[1]]))
    return keys, cluster_names, supplies, partners


def _outside_reach_by_hand(keys, clusters, supplies):  # type: ignore[no-untyped-def]
    out = {}
    for o, key in enumerate(keys):
        if clusters[o] is None:
            continue
        customers = {b for a, b in supplies if a == o}
        reach = {z for y in customers for a, z in supplies if a == y} - {o}
        if reach:
            outside = [z for z in reach if clusters[z] != clusters[o]]
            out[key] = len(outside) / len(reach)
    return out


def _modularity_by_hand(n, edges, membership):  # type: ignore[no-untyped-def]
    pairs = {(min(a, b), max(a, b)) for a, b in edges if a != b}
    m = len(pairs)
    degree = [0] * n
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    inside = sum(1 for a, b in pairs if membership[a] == membership[b])
    by_group: dict[int, int] = {}
    for i, g in enumerate(membership):
        by_group[g] = by_group.get(g, 0) + degree[i]
    return inside / m - sum(d * d for d in by_group.values()) / (4 * m * m)


@given(networks())
def test_outside_reach_is_a_share_of_customers_customers_outside_the_cluster(net) -> None:  # type: ignore[no-untyped-def]
    keys, clusters, supplies, _ = net
    reach = c.outside_reach(keys, clusters, supplies)
    assert reach == pytest.approx(_outside_reach_by_hand(keys, clusters, supplies))
    assert all(0.0 <= x <= 1.0 for x in reach.values())


@settings(deadline=None)
@given(networks(), st.integers(0, 1000))
def test_communities_partition_the_network_in_the_documented_order(net, seed) -> None:  # type: ignore[no-untyped-def]
    keys, _, supplies, partners = net
    found = c.detect_communities(keys, supplies + partners, seed=seed)
    listed = [k for group in found.communities for k in group]
    assert sorted(listed) == keys
    assert all(group == sorted(group) for group in found.communities)
    order = [(-len(group), group[0]) for group in found.communities]
    assert order == sorted(order)
    for i, key in enumerate(keys):
        assert key in found.communities[found.membership[i]]
    if supplies or partners:
        expected = _modularity_by_hand(len(keys), supplies + partners, found.membership)
        assert found.modularity == pytest.approx(expected)
    else:
        assert found.modularity == 0.0
    again = c.detect_communities(keys, supplies + partners, seed=seed)
    assert again == found


def test_two_triangles_joined_by_one_tie_are_two_communities() -> None:
    keys = ["a", "b", "c", "d", "e", "f", "lone"]
    edges = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3), (1, 0)]
    found = c.detect_communities(keys, edges, seed=3)
    assert found.communities == [["a", "b", "c"], ["d", "e", "f"], ["lone"]]
    # m = 7: Q = 6/7 - 2 * (7 / 14) ** 2
    assert found.modularity == pytest.approx(6 / 7 - 0.5)


def test_an_organisation_without_customers_customers_or_cluster_is_left_out() -> None:
    keys = ["mill", "converter", "retailer", "lab"]
    clusters = ["forest", "forest", None, None]
    supplies = [(0, 1), (1, 2), (3, 0), (0, 3)]
    # mill → converter → retailer (no cluster: outside); mill → lab → mill is itself.
    assert c.outside_reach(keys, clusters, supplies) == {"mill": 1.0}


def test_the_middle_of_a_chain_is_its_only_broker() -> None:
    keys = ["a", "b", "c"]
    assert c.brokers(keys, [(0, 1), (1, 2)]) == [("b", 1.0)]
    assert c.brokers(keys, [(0, 1), (1, 2), (0, 2)]) == []


def test_brokers_are_listed_highest_first_and_cut_at_the_limit() -> None:
    keys = ["a", "b", "c", "d", "e"]
    chain = [(0, 1), (1, 2), (2, 3), (3, 4)]
    top = c.brokers(keys, chain, limit=2)
    assert [k for k, _ in top] == ["c", "b"]
    assert top[0][1] == pytest.approx(4 / 6)


def test_declared_clusters_that_match_the_communities_agree_fully() -> None:
    assert c.agreement(["x", "x", "y", "y"], [0, 0, 1, 1]) == pytest.approx(1.0)
    assert c.agreement(["x", "y", "x", "y"], [0, 0, 1, 1]) == pytest.approx(0.0)


def test_sampled_brokers_still_find_the_hub_of_a_star() -> None:
    keys = [f"o{i:02d}" for i in range(40)]
    star = [(0, i) for i in range(1, 40)] + [(1, 2)]
    exact = c.brokers(keys, star, limit=1)
    sampled = c.brokers(keys, star, limit=1, sources=10, seed=5)
    assert exact[0][0] == sampled[0][0] == "o00"
    assert c.brokers(keys, star, sources=40) == c.brokers(keys, star)
