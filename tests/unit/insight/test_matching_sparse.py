"""The sparse candidate search gives exactly the dense search's pairs and wins.

Both searches of :func:`winwin.insight.matching.candidate_pairs` are checked against a
brute force written out from :func:`winwin.insight.matching.predicted_win` (the
reference) and against each other, win for win to the last bit, on random profiles:
vocabularies small and large, token sets that make many fractions (and so affinities a
unit in the last place apart), organisations sharing a profile, repeated ties and bans.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unit.insight.candidates_reference import candidates_by_hand
from winwin.insight import candidates as cand
from winwin.insight import wins
from winwin.network.generate import generate_network

Net = tuple[list[wins.Profile], list[tuple[int, int]], list[tuple[int, int]]]

SMALL = ["a", "b", "c", "d", "e"]
LARGE = [f"w{i}" for i in range(60)]
SPELLINGS = {"a": ["a", "A", " a "], "b": ["b", "B"], "c": ["c", "C  "]}
PER_ORG = st.sampled_from([1, 1, 2, 3, 5, 10, 40])
_roles = st.sets(st.sampled_from(["supplier", "customer", "partner"])).map(frozenset)


@st.composite
def networks(draw: st.DrawFn, *, loops: bool = False) -> Net:
    """Random profiles and ties: each organisation draws its roles and tokens, or copies
    an earlier organisation's profile (so that kinds hold several organisations)."""
    n = draw(st.integers(1, 36))
    words = draw(st.sampled_from([SMALL, LARGE, LARGE[:12]]))
    most = draw(st.sampled_from([2, 4, 10]))
    tokens = st.lists(st.sampled_from(words), max_size=most)
    profiles: list[wins.Profile] = []
    for i in range(n):
        if profiles and draw(st.integers(0, 3)) == 0:
            like = profiles[draw(st.integers(0, len(profiles) - 1))]
            roles = like.roles if draw(st.booleans()) else draw(_roles)
            profiles.append(
                wins.Profile(f"o{i:02d}", roles, like.capabilities, like.needs, like.values)
            )
            continue
        spell = [draw(st.sampled_from(SPELLINGS.get(w, [w]))) for w in draw(tokens)]
        profiles.append(
            wins.profile(
                f"o{i:02d}",
                roles=draw(_roles),
                capabilities=spell,
                needs=draw(tokens),
                values=draw(st.lists(st.sampled_from(words[:8]), max_size=4)),
            )
        )
    edge = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    if not loops:
        edge = edge.filter(lambda e: e[0] != e[1])
    supplies = draw(st.lists(edge, max_size=4 * n))
    supplies += draw(st.lists(st.sampled_from(supplies), max_size=3)) if supplies else []
    partners = draw(st.lists(edge, max_size=n))
    competitors = draw(st.lists(edge, max_size=4))
    return profiles, supplies, supplies + partners + competitors


def _by_hand(net: Net, per_org: int) -> dict[tuple[int, int], float]:
    profiles, supplies, forbidden = net
    return candidates_by_hand(profiles, supplies, forbidden, per_org)


def _search(net: Net, per_org: int, search: cand.Search) -> dict[tuple[int, int], float]:
    profiles, supplies, forbidden = net
    return cand.candidate_pairs(
        profiles, supplies=supplies, forbidden=forbidden, per_org=per_org, search=search
    )


@settings(max_examples=300, deadline=None)
@given(networks(), PER_ORG)
def test_the_sparse_search_finds_exactly_the_pairs_and_wins_of_the_reference(net, per_org) -> None:  # type: ignore[no-untyped-def]
    expected = _by_hand(net, per_org)
    found = _search(net, per_org, "sparse")
    assert found == expected  # same keys, and wins equal to the last bit


@settings(max_examples=200, deadline=None)
@given(networks(), PER_ORG)
def test_the_dense_search_finds_exactly_the_pairs_and_wins_of_the_reference(net, per_org) -> None:  # type: ignore[no-untyped-def]
    assert _search(net, per_org, "dense") == _by_hand(net, per_org)


@settings(max_examples=200, deadline=None)
@given(networks(loops=True), PER_ORG)
def test_both_searches_agree_even_where_an_organisation_supplies_itself(net, per_org) -> None:  # type: ignore[no-untyped-def]
    sparse = _search(net, per_org, "sparse")
    assert sparse == _search(net, per_org, "dense")
    assert sparse == _search(net, per_org, "auto")


def test_affinities_a_unit_apart_tie_or_not_by_each_customers_reach() -> None:
    # Suppliers 0-3 meet 3 of the customers' 10 needs: 0.3. Suppliers 4-7 meet 1 of
    # them (0.1) and the customers meet 2 of their 10 needs (0.2): 0.1 + 0.2 is
    # 0.30000000000000004. Plus reach 1/2 (customer 8, one customer of its own) both
    # round to 0.8: a tie, which the lowest supplier, 0, wins. Plus reach 2/3 (customer
    # 9, two customers) they stay apart and supplier 4 wins. Each customer must look past
    # the first few suppliers of its list to see it. (Every supplier's own best customer
    # is 10, which needs only what they all offer.)
    needs = [f"n{i}" for i in range(10)]
    low = wins.profile("low", roles=["supplier"], capabilities=needs[:3])
    high = wins.profile(
        "high", roles=["supplier"], capabilities=needs[:1], needs=["m0", "m1", *needs[2:]]
    )
    profiles = [
        wins.Profile(f"s{i}", p.roles, p.capabilities, p.needs, p.values)
        for i, p in enumerate([low] * 4 + [high] * 4)
    ]
    profiles += [
        wins.profile("c8", roles=["customer"], capabilities=["m0", "m1"], needs=needs),
        wins.profile("c9", roles=["customer"], capabilities=["m0", "m1"], needs=needs),
        wins.profile("c10", roles=["customer"], capabilities=["m0", "m1"], needs=needs[:1]),
        wins.profile("x11"),
        wins.profile("x12"),
    ]
    supplies = [(8, 11), (9, 11), (9, 12)]
    assert 0.3 + 1 / 2 == (0.1 + 0.2) + 1 / 2
    assert 0.3 + 2 / 3 < (0.1 + 0.2) + 2 / 3
    net: Net = (profiles, supplies, supplies)
    for search in ("sparse", "dense"):
        found = _search(net, 1, search)  # type: ignore[arg-type]
        assert found == _by_hand(net, 1)
        assert {s for s, c in found if c == 8} == {0}
        assert {s for s, c in found if c == 9} == {4}


def _generated(orgs: int, seed: int) -> Net:
    """A generated network read as the services read a stored one."""
    doc = generate_network(orgs=orgs, seed=seed, items_per_org=0.0, assessments=0)
    return wins.document_inputs(doc)


@pytest.mark.parametrize(("orgs", "seed", "per_org"), [(400, 1, 10), (700, 2, 1), (700, 3, 25)])
def test_both_searches_agree_on_generated_networks_with_hubs(orgs, seed, per_org) -> None:  # type: ignore[no-untyped-def]
    net = _generated(orgs, seed)
    sparse = _search(net, per_org, "sparse")
    assert sparse and sparse == _search(net, per_org, "dense")


def test_the_sparse_search_in_small_blocks_gives_the_same_answer(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    net = _generated(300, 4)
    whole = _search(net, 4, "sparse")
    monkeypatch.setattr(cand, "BLOCK_CELLS", 50)
    assert _search(net, 4, "sparse") == whole
    assert _search(net, 4, "dense") == whole


def test_auto_takes_the_dense_search_on_small_networks_and_the_sparse_on_large_ones(
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    small, large = _generated(100, 5), _generated(2500, 5)
    expected = _search(large, 10, "dense")

    def refuse(*args: object) -> None:
        raise AssertionError("the other search was expected")

    monkeypatch.setattr(cand, "dense_candidates", refuse)
    assert _search(large, 10, "auto") == expected
    monkeypatch.undo()
    monkeypatch.setattr(cand, "sparse_candidates", refuse)
    assert _search(small, 10, "auto") == _by_hand(small, 10)


def test_an_unknown_search_is_refused() -> None:
    net: Net = ([wins.profile("s", roles=["supplier", "customer"])], [], [])
    with pytest.raises(ValueError, match="unknown search"):
        _search(net, 1, "quick")  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(networks(), st.data())
def test_recommendations_are_exactly_the_best_counterparts_by_the_reference(net, data) -> None:  # type: ignore[no-untyped-def]
    profiles, supplies, forbidden = net
    me = data.draw(st.integers(0, len(profiles) - 1))
    limit = data.draw(PER_ORG)
    ranked = cand.rank_counterparts(
        profiles, me, supplies=supplies, forbidden=forbidden, limit=limit
    )
    customers_of: dict[int, frozenset[str]] = {}
    for a, b in supplies:
        customers_of[a] = customers_of.get(a, frozenset()) | {profiles[b].key}
    banned = {frozenset(p) for p in forbidden}

    def win(s: int, c: int) -> float:
        if (
            s == c
            or "supplier" not in profiles[s].roles
            or "customer" not in profiles[c].roles
            or frozenset((s, c)) in banned
        ):
            return 0.0
        return wins.predicted_win(
            profiles[s],
            profiles[c],
            supplier_customers=customers_of.get(s, frozenset()),
            customer_customers=customers_of.get(c, frozenset()),
        )

    options = sorted(
        [(-win(me, o), o, me, o) for o in range(len(profiles))]
        + [(-win(o, me), o, o, me) for o in range(len(profiles))]
    )
    expected: list[tuple[int, int, float]] = []
    for w, other, s, c in options:
        if w < 0 and other not in {x if y == me else y for x, y, _ in expected}:
            expected.append((s, c, -w))
    assert ranked == expected[:limit]
