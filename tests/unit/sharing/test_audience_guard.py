"""The read-time guards of the pure policy: competition guard, sticky exclusions,
normalised topics and whole reshare chains (docs/security.md)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from winwin.sharing.audience import (
    MAX_CHAIN,
    Audience,
    Exclusion,
    ItemPolicy,
    Network,
    Org,
    can_see,
    describe_reach,
    reach,
    validate_item,
)
from winwin.sharing.topics import normalize_topic

ORGS = [Org("own", "FI", "forest"), Org("rival", "FI", "forest"), Org("friend", "SE", "food")]


def _item(key: str = "i", **kw: object) -> ItemPolicy:
    return ItemPolicy(key=key, owner="own", audience=Audience("network"), **kw)  # type: ignore[arg-type]


def test_a_sensitive_item_never_reaches_a_competitor_declared_after_it():
    item = _item(topics=frozenset({"Pricing"}))
    before = Network.build(orgs=ORGS, sensitive_topics=["pricing"], items=[item])
    assert can_see(before, "rival", "i")
    after = Network.build(
        orgs=ORGS, competitors=[("own", "rival")], sensitive_topics=["pricing"], items=[item]
    )
    decision = can_see(after, "rival", "i")
    assert not decision and "competition-sensitive" in decision.reason
    assert can_see(after, "friend", "i") and can_see(after, "own", "i")
    assert reach(after, "i") == {"own", "friend"}
    assert describe_reach(after, item)["excluded_competitors"] == 1
    # validate_item still refuses it at publish time, as a courtesy.
    assert any(p.path == "topics" for p in validate_item(after, item))


def test_each_item_of_a_chain_is_guarded_for_its_own_owner():
    root = _item("root", topics=frozenset({"bids"}))
    share = ItemPolicy("share", "friend", Audience("network"), reshare_of="root")
    net = Network.build(
        orgs=ORGS,
        competitors=[("own", "rival")],
        sensitive_topics=["bids"],
        items=[root, share],
    )
    assert not can_see(net, "rival", "share")
    assert can_see(net, "friend", "share")


def test_anonymous_readers_lose_a_sensitive_public_item_once_the_owner_has_rivals():
    item = ItemPolicy("p", "own", Audience("public"), topics=frozenset({"prices"}))
    alone = Network.build(orgs=ORGS, sensitive_topics=["prices"], items=[item])
    assert can_see(alone, None, "p")
    rivals = Network.build(
        orgs=ORGS, competitors=[("own", "rival")], sensitive_topics=["prices"], items=[item]
    )
    assert not can_see(rivals, None, "p")


def test_exclusions_are_sticky_for_past_countries_and_clusters():
    item = _item(exclude=(Exclusion("country", "FI"), Exclusion("cluster", "food")))
    moved = [
        Org("own", "FI"),
        Org("rival", None, "metal", past_countries=frozenset({"FI"})),
        Org("friend", "DE", "metal", past_clusters=frozenset({"food"})),
        Org("new", "DE", "metal"),
    ]
    net = Network.build(orgs=moved, items=[item])
    assert not can_see(net, "rival", "i")
    assert not can_see(net, "friend", "i")
    assert can_see(net, "new", "i")


def test_topics_match_whatever_their_case_and_spacing():
    item = _item(topics=frozenset({" Recipe "}))
    net = Network.build(
        orgs=ORGS,
        ties=[("partners", "own", "friend")],
        agreements=[(("own", "friend"), ["RECIPE"])],
        items=[item],
    )
    assert not can_see(net, "rival", "i") and can_see(net, "friend", "i")


@given(st.text(max_size=30))
def test_normalising_is_idempotent_and_ignores_case_and_spacing(text):
    once = normalize_topic(text)
    assert normalize_topic(once) == once
    assert normalize_topic(f"  {text.upper()}  ") == normalize_topic(text.upper())
    assert "  " not in once and once == once.strip()


def test_a_chain_deeper_than_the_limit_is_refused_and_visible_to_nobody():
    items = [ItemPolicy("r0", "own", Audience("network"))]
    for n in range(1, MAX_CHAIN + 2):
        items.append(ItemPolicy(f"r{n}", "own", Audience("network"), reshare_of=f"r{n - 1}"))
    net = Network.build(orgs=ORGS, items=items)
    assert can_see(net, "friend", f"r{MAX_CHAIN}")
    deep = net.items[f"r{MAX_CHAIN + 1}"]
    assert not can_see(net, "friend", deep.key) and not can_see(net, "own", deep.key)
    problems = validate_item(net, deep)
    assert [p.path for p in problems] == ["reshare_of"]
    assert deep.key in problems[0].message
    assert validate_item(net, net.items[f"r{MAX_CHAIN}"]) == []
