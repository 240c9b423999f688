"""Invariants of the visibility policy on random small networks (hypothesis)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from winwin.sharing.audience import (
    LEVELS,
    Audience,
    Exclusion,
    ItemPolicy,
    Network,
    Org,
    can_see,
    effective_topics,
    reach,
    validate_item,
)

COUNTRIES = ["FI", "SE", None]
CLUSTERS = ["forest", "food", None]
TOPICS = ["recipe", "pricing", "barrier"]


def exclusions(keys: list[str]) -> st.SearchStrategy[Exclusion]:
    return st.one_of(
        st.just(Exclusion("competitors")),
        st.sampled_from(keys).map(lambda k: Exclusion("org", k)),
        st.sampled_from(["FI", "SE"]).map(lambda c: Exclusion("country", c)),
        st.sampled_from(["forest", "food"]).map(lambda c: Exclusion("cluster", c)),
    )


@st.composite
def networks(draw: st.DrawFn) -> Network:
    n = draw(st.integers(1, 8))
    keys = [f"o{i}" for i in range(n)]
    orgs = [Org(k, draw(st.sampled_from(COUNTRIES)), draw(st.sampled_from(CLUSTERS))) for k in keys]
    pairs = st.tuples(st.sampled_from(keys), st.sampled_from(keys))
    ties = [
        (kind, a, b)
        for kind, (a, b) in draw(
            st.lists(st.tuples(st.sampled_from(["supplies", "partners"]), pairs), max_size=12)
        )
    ]
    competitors = draw(st.lists(pairs, max_size=5))
    circle_keys = ["c0", "c1"]
    circles = {c: draw(st.sets(st.sampled_from(keys))) for c in circle_keys}
    agreements = [
        (pair, draw(st.sets(st.sampled_from(TOPICS), min_size=1)))
        for pair in draw(st.lists(pairs, max_size=3))
    ]
    m = draw(st.integers(1, 8))
    item_keys = [f"i{j}" for j in range(m)]
    items = []
    for key in item_keys:
        level = draw(st.sampled_from(LEVELS))
        items.append(
            ItemPolicy(
                key=key,
                owner=draw(st.sampled_from(keys)),
                audience=Audience(
                    level,
                    frozenset(draw(st.sets(st.sampled_from(keys), max_size=3))),
                    draw(st.sampled_from([*circle_keys, "missing", None])),
                ),
                topics=frozenset(draw(st.sets(st.sampled_from(TOPICS), max_size=2))),
                exclude=tuple(draw(st.lists(exclusions(keys), max_size=3))),
                reshare_of=draw(st.one_of(st.none(), st.sampled_from([*item_keys, "missing"]))),
            )
        )
    return Network.build(
        orgs=orgs,
        ties=ties,
        competitors=competitors,
        circles=circles,
        agreements=agreements,
        sensitive_topics=["pricing"],
        items=items,
    )


def names(network: Network, org: Org, item: ItemPolicy) -> bool:
    """True if one of the item's own exclusions names ``org`` (written independently)."""
    return any(
        (e.kind == "competitors" and org.key in network.competitors.get(item.owner, ()))
        or (e.kind == "org" and e.value == org.key)
        or (e.kind == "country" and e.value == org.country)
        or (e.kind == "cluster" and e.value == org.cluster)
        for e in item.exclude
    )


def viewers(network: Network, key: str) -> frozenset[str]:
    return frozenset(o for o in network.orgs if can_see(network, o, key).visible)


PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(networks())
def test_exclusions_always_win_over_inclusion(network: Network) -> None:
    for item in network.items.values():
        for org in network.orgs.values():
            if org.key != item.owner and names(network, org, item):
                assert not can_see(network, org.key, item.key).visible


@PROPERTY
@given(networks())
def test_the_owner_of_an_item_that_is_not_a_reshare_always_sees_it(network: Network) -> None:
    for item in network.items.values():
        if item.reshare_of is None:
            assert can_see(network, item.owner, item.key).visible


@PROPERTY
@given(networks())
def test_a_reshare_is_seen_only_by_those_who_see_the_original(network: Network) -> None:
    for item in network.items.values():
        if item.reshare_of is None:
            continue
        if item.reshare_of in network.items:
            assert viewers(network, item.key) <= viewers(network, item.reshare_of)
            if can_see(network, None, item.key).visible:
                assert can_see(network, None, item.reshare_of).visible
        else:
            assert viewers(network, item.key) == frozenset()


@PROPERTY
@given(networks())
def test_reach_is_exactly_the_set_can_see_admits(network: Network) -> None:
    for key in network.items:
        assert reach(network, key) == viewers(network, key)


@PROPERTY
@given(networks(), st.data())
def test_adding_an_exclusion_never_increases_any_reach(
    network: Network, data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from(sorted(network.items)))
    extra = data.draw(exclusions(sorted(network.orgs)))
    item = network.items[target]
    narrowed = replace(
        network, items={**network.items, target: replace(item, exclude=(*item.exclude, extra))}
    )
    for key in network.items:
        assert reach(narrowed, key) <= reach(network, key)


@PROPERTY
@given(networks())
def test_a_partners_item_reaches_only_its_owner_and_the_owners_partners(
    network: Network,
) -> None:
    for item in network.items.values():
        if item.audience.level in ("partners", "direct"):
            allowed = {item.owner} | network.partners.get(item.owner, frozenset())
            assert reach(network, item.key) <= allowed
        if item.audience.level == "secret":
            assert reach(network, item.key) <= {item.owner}


@PROPERTY
@given(networks())
def test_anonymous_readers_see_only_public_items_whose_originals_are_public(
    network: Network,
) -> None:
    for item in network.items.values():
        if can_see(network, None, item.key).visible:
            current: ItemPolicy | None = item
            while current is not None:
                assert current.audience.level == "public"
                current = network.items.get(current.reshare_of or "")


@PROPERTY
@given(networks())
def test_an_agreement_hold_keeps_the_item_inside_every_holding_pair(network: Network) -> None:
    for item in network.items.values():
        for pair, secret in network.agreements.items():
            if item.owner in pair and item.topics & secret:
                assert reach(network, item.key) <= pair


@PROPERTY
@given(networks())
def test_an_accepted_sensitive_item_never_reaches_a_competitor_of_its_owner(
    network: Network,
) -> None:
    for item in network.items.values():
        if validate_item(network, item):
            continue
        if effective_topics(network, item) & network.sensitive_topics:
            assert not reach(network, item.key) & network.competitors.get(item.owner, frozenset())
