"""Scenarios for the visibility policy and the item rules (CONTRACT.md, item audiences)."""

from __future__ import annotations

import pytest

from winwin.kernel.errors import InvalidInput, NotFound
from winwin.sharing.audience import (
    LEVELS,
    Audience,
    Exclusion,
    ItemPolicy,
    Level,
    Network,
    Org,
    can_see,
    describe_reach,
    held_by_agreement,
    hub_and_spoke_warnings,
    openness,
    reach,
    validate_item,
    visible_items,
)

ORGS = [
    Org("kuusi", "FI", "forest"),
    Org("lab", "FI", "research"),
    Org("pakkaus", "FI", "forest"),
    Org("gran", "SE", "forest"),
    Org("sven", "SE", "food"),
    Org("kemi", "FI", "chemicals"),
    Org("far", "DE", None),
    Org("metsa", None, None),
]
TIES = [
    ("supplies", "kemi", "kuusi"),
    ("partners", "kuusi", "lab"),
    ("partners", "kuusi", "pakkaus"),
    ("supplies", "kuusi", "gran"),
    ("partners", "sven", "kuusi"),
    ("partners", "lab", "far"),
    ("supplies", "gran", "metsa"),
    ("supplies", "sven", "metsa"),
]


def item(
    key: str,
    owner: str = "kuusi",
    level: Level = "partners",
    *,
    orgs: tuple[str, ...] = (),
    circle: str | None = None,
    topics: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    reshare_of: str | None = None,
) -> ItemPolicy:
    return ItemPolicy(
        key=key,
        owner=owner,
        audience=Audience(level, frozenset(orgs), circle),
        topics=frozenset(topics),
        exclude=tuple(Exclusion.parse(e) for e in exclude),
        reshare_of=reshare_of,
    )


def network(*items: ItemPolicy) -> Network:
    return Network.build(
        orgs=ORGS,
        ties=TIES,
        competitors=[("kuusi", "gran"), ("gran", "sven")],
        circles={"board-lab": ["kuusi", "lab", "pakkaus"]},
        agreements=[(("kuusi", "pakkaus"), ["recipe"])],
        sensitive_topics=["pricing", "capacity", "bids"],
        items=items,
    )


def messages(net: Network, policy: ItemPolicy) -> list[str]:
    return [str(p) for p in validate_item(net, policy)]


def test_a_partners_partner_cannot_see_a_partners_item() -> None:
    net = network(item("i1"))
    assert can_see(net, "lab", "i1").visible
    decision = can_see(net, "far", "i1")
    assert not decision.visible
    assert decision.reason == "far is not a partner of kuusi."
    assert reach(net, "i1") == {"kuusi", "kemi", "lab", "pakkaus", "gran", "sven"}


def test_a_reshare_that_widens_to_the_network_stays_within_the_originals_audience() -> None:
    original = item("i1", exclude=("country:SE",))
    reshare = item("i2", owner="lab", level="network", reshare_of="i1")
    net = network(original, reshare)
    assert messages(net, reshare) == []
    assert reach(net, "i2") == reach(net, "i1") == {"kuusi", "kemi", "lab", "pakkaus"}
    decision = can_see(net, "far", "i2")
    assert not decision.visible
    assert decision.reason == "The original item i1 is not visible to far."
    assert can_see(net, "kemi", "i2").reason == ("It reshares i1, and kemi belongs to the network.")


def test_a_partner_who_is_also_a_competitor_is_excluded_by_competitors() -> None:
    net = network(item("i1", exclude=("competitors",)))
    decision = can_see(net, "gran", "i1")
    assert can_see(network(item("i1")), "gran", "i1").visible  # a partner, until excluded
    assert not decision.visible
    assert decision.reason == "gran is excluded as a competitor of kuusi."
    assert can_see(net, "sven", "i1").visible  # gran's competitor, not kuusi's


def test_a_partner_in_an_excluded_country_does_not_see_the_item() -> None:
    net = network(item("i1", exclude=("country:se",)))
    decision = can_see(net, "sven", "i1")
    assert not decision.visible
    assert decision.reason == "sven is excluded by country SE."
    assert not can_see(net, "gran", "i1").visible
    assert can_see(net, "lab", "i1").visible


def test_an_organisation_with_no_country_is_not_excluded_by_a_country() -> None:
    net = network(item("i1", "gran", exclude=("country:SE",)))
    assert can_see(net, "metsa", "i1").visible
    assert not can_see(net, "sven", "i1").visible


def test_a_cluster_exclusion_removes_the_clusters_members() -> None:
    net = network(item("i1", level="network", exclude=("cluster:forest",)))
    assert reach(net, "i1") == {"kuusi", "lab", "sven", "kemi", "far", "metsa"}
    assert can_see(net, "pakkaus", "i1").reason == "pakkaus is excluded by cluster forest."


def test_an_excluded_organisation_is_named_in_the_reason() -> None:
    net = network(item("i1", exclude=("org:lab",)))
    assert can_see(network(item("i1")), "lab", "i1").visible  # a partner, until excluded
    assert not can_see(net, "lab", "i1").visible
    assert can_see(net, "lab", "i1").reason == "lab is excluded by name."


def test_a_circle_non_member_does_not_see_a_circle_item() -> None:
    net = network(item("i1", level="circle", circle="board-lab"))
    assert messages(net, net.items["i1"]) == []
    assert reach(net, "i1") == {"kuusi", "lab", "pakkaus"}
    decision = can_see(net, "kemi", "i1")
    assert not decision.visible
    assert decision.reason == "kemi is not a member of circle board-lab."


def test_an_owner_who_excludes_itself_still_sees_its_item() -> None:
    net = network(item("i1", exclude=("org:kuusi", "country:FI", "cluster:forest", "country:SE")))
    decision = can_see(net, "kuusi", "i1")
    assert decision.visible
    assert decision.reason == "kuusi owns the item."
    assert reach(net, "i1") == {"kuusi"}


def test_a_public_item_with_exclusions_is_refused() -> None:
    policy = item("i1", level="public", exclude=("competitors",))
    assert messages(network(), policy) == ["exclude: a public item may have no exclusions"]


def test_an_agreement_topic_keeps_the_item_inside_the_pair() -> None:
    inside = item("i1", level="direct", orgs=("pakkaus",), topics=("recipe",))
    net = network(inside)
    assert messages(net, inside) == []
    assert held_by_agreement(net, inside)
    assert reach(net, "i1") == {"kuusi", "pakkaus"}


def test_an_agreement_topic_whose_audience_reaches_outside_the_pair_is_refused() -> None:
    wide = item("i1", topics=("recipe", "barrier"))
    net = network(wide)
    assert messages(net, wide) == [
        "topics: topic 'recipe' is secret between kuusi and pakkaus under their agreement, "
        "and the audience reaches gran, outside that pair"
    ]
    # Defence in depth: even if stored, the hold keeps the item inside the pair.
    assert reach(net, "i1") == {"kuusi", "pakkaus"}
    assert can_see(net, "lab", "i1").reason == (
        "Topic 'recipe' is secret between kuusi and pakkaus under their agreement, "
        "and lab is outside that pair."
    )


def test_an_agreement_topic_on_a_network_item_is_refused_even_when_exclusions_empty_it() -> None:
    policy = item("i1", level="network", topics=("recipe",), exclude=("country:FI",))
    net = Network.build(
        orgs=[Org("kuusi", "SE"), Org("pakkaus", "SE"), Org("lab", "FI")],
        agreements=[(("kuusi", "pakkaus"), ["recipe"])],
    )
    assert messages(net, policy) == [
        "topics: topic 'recipe' is secret between kuusi and pakkaus under their agreement, "
        "and the audience reaches any organisation that joins the network, outside that pair"
    ]


def test_an_agreement_topic_does_not_hold_an_item_of_someone_outside_the_pair() -> None:
    net = network(item("i1", "lab", topics=("recipe",)))
    assert not held_by_agreement(net, net.items["i1"])
    assert reach(net, "i1") == {"lab", "kuusi", "far"}


def test_a_competition_sensitive_topic_is_refused_when_a_competitor_is_reachable() -> None:
    policy = item("i1", topics=("pricing",))
    assert messages(network(), policy) == [
        "topics: topic 'pricing' is competition-sensitive and the audience reaches gran, "
        "a competitor of kuusi"
    ]


def test_a_competition_sensitive_topic_is_allowed_when_competitors_are_excluded() -> None:
    policy = item("i1", topics=("pricing",), exclude=("competitors",))
    assert messages(network(), policy) == []


def test_anonymous_readers_see_only_public_items() -> None:
    net = network(
        *(item(f"i-{level}", level=level) for level in LEVELS if level not in ("direct", "circle")),
        item("i-public-held", level="public", topics=("recipe",)),
    )
    assert visible_items(net, None) == ["i-public"]
    assert can_see(net, None, "i-network").reason == (
        "Only public items are visible to anonymous readers."
    )
    assert can_see(net, None, "i-public").reason == "The item is public."


def test_an_unknown_viewer_is_treated_as_an_anonymous_reader() -> None:
    net = network(item("i1", level="network"), item("i2", level="public"))
    assert can_see(net, "nobody", "i2").visible
    decision = can_see(net, "nobody", "i1")
    assert decision.reason == "nobody is not an organisation of the network."


def test_a_direct_audience_requires_partners() -> None:
    net = network()
    assert messages(net, item("i1", level="direct", orgs=("lab", "far"))) == [
        "audience.orgs: far is not a partner of kuusi"
    ]
    assert messages(net, item("i1", level="direct")) == [
        "audience.orgs: a direct audience must name at least one partner"
    ]
    stored = network(item("i1", level="direct", orgs=("lab", "far")))
    assert reach(stored, "i1") == {"kuusi", "lab"}
    assert can_see(stored, "far", "i1").reason == (
        "far is named in the audience but is not a partner of kuusi."
    )


def test_a_secret_item_cannot_be_reshared() -> None:
    net = network(item("i1", level="secret"))
    reshare = item("i2", "kuusi", reshare_of="i1")
    assert messages(net, reshare) == ["reshare_of: i1 is secret and cannot be reshared"]
    assert reach(net, "i1") == {"kuusi"}
    assert can_see(net, "lab", "i1").reason == "The item is secret to kuusi."


def test_a_reshare_chain_of_three_admits_only_who_every_link_admits() -> None:
    i1 = item("i1", level="network", exclude=("country:DE",))
    i2 = item("i2", "lab", reshare_of="i1")  # partners of lab: kuusi, far
    i3 = item("i3", "kuusi", reshare_of="i2", exclude=("org:pakkaus",))
    net = network(i1, i2, i3)
    assert [messages(net, i) for i in (i1, i2, i3)] == [[], [], []]
    assert reach(net, "i2") == {"lab", "kuusi"}
    assert reach(net, "i3") == {"kuusi", "lab"}
    assert can_see(net, "far", "i3").reason == "The original item i2 is not visible to far."
    assert can_see(net, "kemi", "i3").reason == "The original item i2 is not visible to kemi."


def test_a_reshare_inherits_its_originals_topics_when_it_gives_none() -> None:
    i1 = item("i1", level="network", topics=("pricing",), exclude=("competitors",))
    i2 = item("i2", "sven", level="network", reshare_of="i1")
    net = network(i1, i2)
    assert messages(net, i2) == []  # gran (sven's competitor) cannot see i1
    i3 = item("i3", "lab", level="network", reshare_of="i1")
    net = Network.build(
        orgs=[*ORGS, Org("rival")],
        ties=TIES,
        competitors=[("kuusi", "gran"), ("lab", "rival")],
        sensitive_topics=["pricing"],
        items=[i1, i3],
    )
    assert messages(net, i3) == [
        "topics: topic 'pricing' is competition-sensitive and the audience reaches rival, "
        "a competitor of lab"
    ]


def test_a_reshares_owner_sees_it_only_while_it_sees_the_original() -> None:
    i1 = item("i1")
    i2 = item("i2", "far", level="secret", reshare_of="i1")
    net = network(i1, i2)
    assert messages(net, i2) == ["reshare_of: far cannot see the original item i1"]
    assert can_see(net, "far", "i2").reason == "The original item i1 is not visible to far."


def test_a_reshare_of_a_missing_item_is_refused_and_seen_by_no_one() -> None:
    net = network(item("i2", "lab", reshare_of="gone"))
    assert messages(net, net.items["i2"]) == ["reshare_of: there is no item gone"]
    assert can_see(net, "lab", "i2").reason == "The original item gone does not exist."
    assert reach(net, "i2") == frozenset()


def test_a_reshare_cycle_is_refused_and_seen_by_no_one() -> None:
    i1 = item("i1", reshare_of="i2")
    i2 = item("i2", "lab", reshare_of="i1")
    net = network(i1, i2)
    assert messages(net, i1) == ["reshare_of: resharing i2 makes a reshare cycle"]
    assert can_see(net, "kuusi", "i1").reason == "The original item i2 is not visible to kuusi."
    assert reach(net, "i1") == reach(net, "i2") == frozenset()
    assert messages(net, item("i3", reshare_of="i3")) == [
        "reshare_of: resharing i3 makes a reshare cycle"
    ]


def test_a_circle_audience_is_checked() -> None:
    net = network()
    assert messages(net, item("i1", level="circle")) == [
        "audience.circle: a circle audience must name its circle"
    ]
    assert messages(net, item("i1", level="circle", circle="nope")) == [
        "audience.circle: there is no circle nope"
    ]
    assert messages(net, item("i1", "kemi", level="circle", circle="board-lab")) == [
        "audience.circle: kemi is not a member of circle board-lab"
    ]


def test_orgs_and_circle_are_refused_on_levels_that_do_not_use_them() -> None:
    policy = item("i1", level="network", orgs=("lab",), circle="board-lab")
    assert messages(network(), policy) == [
        "audience.orgs: a network audience names no organisations",
        "audience.circle: a network audience names no circle",
    ]


def test_an_exclusion_of_an_unknown_organisation_is_refused() -> None:
    policy = item("i1", exclude=("competitors", "org:ghost"))
    assert messages(network(), policy) == ["exclude[1]: there is no organisation ghost"]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("competitors", "competitors", ""),
        ("org:lab", "org", "lab"),
        ("country:SE", "country", "SE"),
        ("cluster:forest products", "cluster", "forest products"),
    ],
)
def test_an_exclusion_reads_and_prints_its_text(text: str, kind: str, value: str) -> None:
    exclusion = Exclusion.parse(text)
    assert (exclusion.kind, exclusion.value) == (kind, value)
    assert str(exclusion) == text


@pytest.mark.parametrize(
    "text", ["", "competitor", "org:", "org:Lab", "country:SWE", "cluster:", "swedes", "x:y"]
)
def test_an_unknown_exclusion_is_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInput):
        Exclusion.parse(text)


def test_an_unknown_item_is_not_found() -> None:
    with pytest.raises(NotFound):
        can_see(network(), "kuusi", "nothing")


def test_the_openness_report_counts_secret_and_held_items() -> None:
    items = [item(f"n{i}", level="network") for i in range(18)]
    items.append(item("s1", level="secret"))
    items.append(item("h1", level="direct", orgs=("pakkaus",), topics=("recipe",)))
    items.append(item("other", "lab", level="secret"))
    report = openness(network(*items), "kuusi")
    assert report == {
        "org": "kuusi",
        "total": 20,
        "by_level": {
            "secret": 1,
            "direct": 1,
            "partners": 0,
            "circle": 0,
            "network": 18,
            "public": 0,
        },
        "secret_share": 0.1,
        "within_rule": False,
    }
    at_the_limit = [*items[:19], item("n18", level="network")]
    assert openness(network(*at_the_limit), "kuusi")["secret_share"] == 0.05
    assert openness(network(*at_the_limit), "kuusi")["within_rule"] is True
    assert openness(network(), "kuusi")["secret_share"] == 0.0


def test_describe_reach_counts_what_each_exclusion_removed() -> None:
    policy = item("i1", exclude=("competitors", "country:SE", "org:lab"))
    assert describe_reach(network(policy), policy) == {
        "total": 3,
        "anonymous": False,
        "partners": 2,
        "limited_by_original": 0,
        "excluded_competitors": 1,
        "excluded_orgs": 1,
        "excluded_by_country": {"SE": 1},
        "excluded_by_cluster": {},
        "held_by_agreement": 0,
    }


def test_a_hub_reaching_two_competitors_with_a_sensitive_topic_is_warned() -> None:
    policy = item("i1", topics=("capacity",), exclude=("competitors",))
    net = Network.build(
        orgs=[*ORGS, Org("rival")],
        ties=[*TIES, ("supplies", "kuusi", "rival")],
        competitors=[("kuusi", "gran"), ("sven", "rival")],
        sensitive_topics=["capacity"],
    )
    assert messages(net, policy) == []
    assert hub_and_spoke_warnings(net, policy) == [
        "topic 'capacity' reaches both rival and sven, who compete with each other; "
        "kuusi would pass information between competitors"
    ]
    plain = item("i2", exclude=("competitors",))
    assert hub_and_spoke_warnings(net, plain) == []
    assert len(hub_and_spoke_warnings(net, plain, sensitive_only=False)) == 1
