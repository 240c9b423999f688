"""The partner overlap (``tie_audience.overlap``) as properties on random networks.

Whatever the ties, competitor pairs and settings, what ``org`` sees of ``other``:
- carries exactly the checkpoint's level ``level(other → org)``, never more;
- lists only customers the checkpoint lets ``org`` see as ``other``'s (``can_see_tie``);
- lists ``common`` inside both customer sets, the partner's other customers inside
  theirs and outside ours, and our customers to introduce inside ours and outside theirs;
- fills each field exactly from the level that grants it, and each filled field is the
  same as at ``all`` (a lower level only leaves things out, it never says otherwise).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from winwin.network import tie_audience as rule
from winwin.network.tie_audience import LEVELS, RANK, TieGraph

KEYS = [f"o{i}" for i in range(6)]
PAIRS = [(a, b) for a in KEYS for b in KEYS if a != b]
LEVEL = st.sampled_from(LEVELS)


@st.composite
def graphs(draw: st.DrawFn) -> TieGraph:
    supplies = draw(st.sets(st.sampled_from(PAIRS), max_size=18))
    partners = draw(st.sets(st.sampled_from([(a, b) for a, b in PAIRS if a < b]), max_size=5))
    rivals = draw(st.sets(st.sampled_from([(a, b) for a, b in PAIRS if a < b]), max_size=4))
    return TieGraph.build(
        ties=[("supplies", a, b) for a, b in supplies] + [("partners", a, b) for a, b in partners],
        competitors=rivals,
        defaults=draw(st.dictionaries(st.sampled_from(KEYS), LEVEL, max_size=6)),
        overrides=draw(st.dictionaries(st.sampled_from(PAIRS), LEVEL, max_size=12)),
    )


@given(graph=graphs(), pair=st.sampled_from(PAIRS))
def test_the_overlap_never_says_more_than_the_checkpoint(
    graph: TieGraph, pair: tuple[str, str]
) -> None:
    org, other = pair
    found = rule.overlap(graph, org=org, other=other)
    assert found.level == rule.level(graph, owner=other, viewer=org)
    if frozenset(pair) in graph.competitors or other not in graph.partners_of(org):
        assert found.level == "hidden"
    for customer in (found.common or []) + (found.their_other_customers or []):
        assert rule.can_see_tie(graph, viewer=org, kind="supplies", a=other, b=customer)


@given(graph=graphs(), pair=st.sampled_from(PAIRS))
def test_each_list_lies_where_it_says(graph: TieGraph, pair: tuple[str, str]) -> None:
    org, other = pair
    mine, theirs = graph.customers_of(org), graph.customers_of(other)
    found = rule.overlap(graph, org=org, other=other)
    assert set(found.common or []) <= mine & theirs
    assert set(found.their_other_customers or []) <= theirs - mine
    assert set(found.ours_not_theirs or []) <= mine - theirs
    assert org not in (found.their_other_customers or [])
    assert other not in (found.ours_not_theirs or [])
    if found.common_count is not None:
        assert found.common_count == len(mine & theirs)


@given(
    mine=st.sets(st.sampled_from(KEYS), max_size=6),
    theirs=st.sets(st.sampled_from(KEYS), max_size=6),
    granted=LEVEL,
)
def test_a_lower_level_only_leaves_fields_out(
    mine: set[str], theirs: set[str], granted: rule.Level
) -> None:
    found = rule.overlap_of(org="me", other="you", granted=granted, mine=mine, theirs=theirs)
    full = rule.overlap_of(org="me", other="you", granted="all", mine=mine, theirs=theirs)
    rank = RANK[granted]
    assert (found.common_count is not None) == (rank >= RANK["counts"])
    assert (found.common is not None) == (rank >= RANK["overlap"])
    assert (found.ours_not_theirs is not None) == (rank >= RANK["overlap"])
    assert (found.their_other_customers is not None) == (rank >= RANK["all"])
    for name in ("common_count", "common", "their_other_customers", "ours_not_theirs"):
        value = getattr(found, name)
        assert value is None or value == getattr(full, name), name


def test_a_competitor_sharing_all_shows_nothing_and_a_partner_at_all_shows_everything() -> None:
    ties = [
        ("partners", "kuusi", "lab"),
        ("supplies", "kuusi", "pakkaus"),
        ("supplies", "kuusi", "kotelo"),
        ("supplies", "lab", "pakkaus"),
        ("supplies", "lab", "meijeri"),
    ]
    shared = TieGraph.build(ties=ties, defaults={"lab": "all"})
    found = rule.overlap(shared, org="kuusi", other="lab")
    assert (found.level, found.common_count, found.common) == ("all", 1, ["pakkaus"])
    assert found.their_other_customers == ["meijeri"]
    assert found.ours_not_theirs == ["kotelo"]
    rivals = TieGraph.build(ties=ties, defaults={"lab": "all"}, competitors=[("kuusi", "lab")])
    hidden = rule.overlap(rivals, org="kuusi", other="lab")
    assert (hidden.level, hidden.common_count, hidden.common) == ("hidden", None, None)
    assert (hidden.their_other_customers, hidden.ours_not_theirs) == (None, None)
