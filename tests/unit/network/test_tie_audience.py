"""The tie visibility rule (network.tie_audience), scenario by scenario."""

from __future__ import annotations

from winwin.network import tie_audience as rule
from winwin.network.tie_audience import TieGraph

TIES = [
    ("supplies", "kuusi", "pakkaus"),
    ("supplies", "kuusi", "kemi"),
    ("supplies", "lab", "pakkaus"),
    ("supplies", "lab", "gran"),
    ("partners", "kuusi", "lab"),
    ("supplies", "nord", "kemi"),
]


def graph(**settings: object) -> TieGraph:
    return TieGraph.build(ties=TIES, **settings)  # type: ignore[arg-type]


def test_a_partner_gets_counts_by_default_and_sees_no_customer_of_the_other() -> None:
    g = graph()
    assert rule.level(g, owner="lab", viewer="kuusi") == "counts"
    assert not rule.can_see_tie(g, viewer="kuusi", kind="supplies", a="lab", b="pakkaus")
    found = rule.overlap(g, org="kuusi", other="lab")
    assert (found.common_count, found.common, found.their_other_customers) == (1, None, None)


def test_an_organisation_that_is_not_a_partner_gets_hidden_whatever_the_default() -> None:
    g = graph(defaults={"nord": "all"})
    assert rule.level(g, owner="nord", viewer="kuusi") == "hidden"
    assert not rule.can_see_tie(g, viewer="kuusi", kind="supplies", a="nord", b="kemi")
    assert rule.overlap(g, org="kuusi", other="nord").common_count is None


def test_a_competitor_never_gets_more_than_hidden() -> None:
    g = graph(competitors=[("lab", "kuusi")], overrides={("lab", "kuusi"): "all"})
    assert rule.level(g, owner="lab", viewer="kuusi") == "hidden"
    assert rule.visible_ties(g, "kuusi") == {t for t in TIES if "kuusi" in t[1:]}


def test_overlap_names_only_the_common_customers() -> None:
    g = graph(overrides={("lab", "kuusi"): "overlap"})
    assert rule.can_see_tie(g, viewer="kuusi", kind="supplies", a="lab", b="pakkaus")
    assert not rule.can_see_tie(g, viewer="kuusi", kind="supplies", a="lab", b="gran")
    found = rule.overlap(g, org="kuusi", other="lab")
    assert found.common == ["pakkaus"]
    assert found.ours_not_theirs == ["kemi"]
    assert found.their_other_customers is None


def test_all_shares_the_whole_customer_list_and_the_partner_ties() -> None:
    g = graph(defaults={"lab": "all"})
    assert rule.overlap(g, org="kuusi", other="lab").their_other_customers == ["gran"]
    # lab's own partner tie with kuusi is visible to kuusi as its end anyway.
    assert ("supplies", "lab", "gran") in rule.visible_ties(g, "kuusi")
    # pakkaus is lab's customer, not its partner-by-tie with kuusi: kuusi shares counts.
    assert ("supplies", "kuusi", "kemi") not in rule.visible_ties(g, "lab")


def test_a_tie_is_visible_to_both_its_ends_even_when_everything_is_hidden() -> None:
    g = graph(defaults={k: "hidden" for k in ("kuusi", "lab", "nord")})
    assert rule.visible_ties(g, "kemi") == {
        ("supplies", "kuusi", "kemi"),
        ("supplies", "nord", "kemi"),
    }


def test_an_unknown_level_is_refused_by_name() -> None:
    try:
        rule.parse_level("most")
    except ValueError as exc:
        assert "hidden, counts, overlap, all" in str(exc)
    else:
        raise AssertionError("'most' was accepted")
