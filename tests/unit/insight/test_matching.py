"""Natural pairs: deferred acceptance, stability, and the predicted mutual win."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from unit.insight.candidates_reference import candidates_by_hand
from winwin.insight import candidates as cand
from winwin.insight import matching as m
from winwin.insight import wins
from winwin.kernel.errors import InvalidInput

# --- random games -------------------------------------------------------------------------


@st.composite
def games(draw: st.DrawFn, max_side: int = 4) -> m.MatchingGame:
    suppliers = [f"s{i}" for i in range(draw(st.integers(1, max_side)))]
    customers = [f"c{i}" for i in range(draw(st.integers(1, max_side)))]

    def side(keys: list[str], others: list[str]) -> dict[str, m.Agent]:
        out = {}
        for key in keys:
            listed = draw(st.permutations(others))
            length = draw(st.integers(0, len(others)))
            out[key] = m.Agent(capacity=draw(st.integers(0, 2)), prefers=tuple(listed[:length]))
        return out

    return m.MatchingGame(
        suppliers=side(suppliers, customers), customers=side(customers, suppliers)
    )


def _best(prefers: tuple[str, ...], partners: set[str], capacity: int) -> set[str]:
    """An agent's choice from a set under responsive preferences: its top ``capacity``."""
    return set(sorted(partners, key=prefers.index)[:capacity])


def _all_stable(game: m.MatchingGame) -> list[list[m.Pair]]:
    acceptable = sorted(game.acceptable())
    found = []
    for size in range(len(acceptable) + 1):
        for subset in itertools.combinations(acceptable, size):
            if m.is_stable(game, list(subset)):
                found.append(list(subset))
    return found


def _partners(pairs: list[m.Pair], who: str, side: m.Side) -> set[str]:
    if side == "suppliers":
        return {c for s, c in pairs if s == who}
    return {s for s, c in pairs if c == who}


# --- properties ---------------------------------------------------------------------------


@given(games(), st.sampled_from(m.SIDES))
def test_deferred_acceptance_always_gives_a_stable_matching(game, side) -> None:  # type: ignore[no-untyped-def]
    pairs = m.deferred_acceptance(game, optimal=side)
    assert m.is_stable(game, pairs)
    assert m.blocking_pairs(game, pairs) == []
    assert pairs == sorted(pairs)


@given(games(), st.sampled_from(m.SIDES))
def test_matched_pairs_are_mutually_acceptable_and_within_capacity(game, side) -> None:  # type: ignore[no-untyped-def]
    pairs = m.deferred_acceptance(game, optimal=side)
    assert len(set(pairs)) == len(pairs)
    for s, c in pairs:
        assert c in game.suppliers[s].prefers and s in game.customers[c].prefers
    for s, agent in game.suppliers.items():
        assert len(_partners(pairs, s, "suppliers")) <= agent.capacity
    for c, agent in game.customers.items():
        assert len(_partners(pairs, c, "customers")) <= agent.capacity


@settings(max_examples=60, deadline=None)
@given(games(max_side=3), st.sampled_from(m.SIDES))
def test_the_proposing_side_likes_its_matching_best_of_all_stable_ones(game, side) -> None:  # type: ignore[no-untyped-def]
    assume(len(game.acceptable()) <= 9)  # every stable matching is enumerated by hand
    ours = m.deferred_acceptance(game, optimal=side)
    stable = _all_stable(game)
    assert sorted(ours) in [sorted(s) for s in stable]
    proposers = game.suppliers if side == "suppliers" else game.customers
    receivers = game.customers if side == "suppliers" else game.suppliers
    other: m.Side = "customers" if side == "suppliers" else "suppliers"
    for matching in stable:
        for key, agent in proposers.items():
            mine = _partners(ours, key, side)
            theirs = _partners(matching, key, side)
            assert _best(agent.prefers, mine | theirs, agent.capacity) == mine
        for key, agent in receivers.items():
            mine = _partners(ours, key, other)
            theirs = _partners(matching, key, other)
            assert _best(agent.prefers, mine | theirs, agent.capacity) == theirs


# --- examples -----------------------------------------------------------------------------


def _game(suppliers: dict, customers: dict) -> m.MatchingGame:  # type: ignore[type-arg]
    return m.parse_matching_game({"suppliers": suppliers, "customers": customers})


def test_each_side_gets_its_own_optimum_when_preferences_cross() -> None:
    game = _game(
        {"a": {"capacity": 1, "prefers": ["x", "y"]}, "b": {"capacity": 1, "prefers": ["y", "x"]}},
        {"x": {"capacity": 1, "prefers": ["b", "a"]}, "y": {"capacity": 1, "prefers": ["a", "b"]}},
    )
    assert m.deferred_acceptance(game, optimal="suppliers") == [("a", "x"), ("b", "y")]
    assert m.deferred_acceptance(game, optimal="customers") == [("a", "y"), ("b", "x")]


def test_the_checker_finds_a_pair_that_would_rather_be_together() -> None:
    game = _game(
        {"a": {"capacity": 1, "prefers": ["x", "y"]}, "b": {"capacity": 1, "prefers": ["x"]}},
        {"x": {"capacity": 1, "prefers": ["a", "b"]}, "y": {"capacity": 1, "prefers": ["a"]}},
    )
    assert m.blocking_pairs(game, [("a", "y"), ("b", "x")]) == [("a", "x")]
    assert not m.is_stable(game, [("a", "y"), ("b", "x")])
    assert m.is_stable(game, [("a", "x")])


def test_the_checker_refuses_overfull_and_unacceptable_matchings() -> None:
    game = _game(
        {"a": {"capacity": 1, "prefers": ["x", "y"]}},
        {"x": {"capacity": 1, "prefers": ["a"]}, "y": {"capacity": 1, "prefers": []}},
    )
    assert not m.is_stable(game, [("a", "y")])
    assert not m.is_stable(game, [("a", "x"), ("a", "x")])


def test_a_receiver_with_room_keeps_several_suppliers() -> None:
    game = _game(
        {
            "a": {"capacity": 2, "prefers": ["x", "y"]},
            "b": {"capacity": 1, "prefers": ["x"]},
            "c": {"capacity": 1, "prefers": ["x", "y"]},
        },
        {
            "x": {"capacity": 2, "prefers": ["c", "a", "b"]},
            "y": {"capacity": 3, "prefers": ["a", "c"]},
        },
    )
    assert m.deferred_acceptance(game) == [("a", "x"), ("a", "y"), ("c", "x")]


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"suppliers": {}, "customers": {}, "extra": 1}, "extra"),
        ({"suppliers": {}}, "customers"),
        (
            {"suppliers": {"a": {"capacity": -1, "prefers": []}}, "customers": {}},
            "suppliers.a.capacity",
        ),
        (
            {"suppliers": {"a": {"capacity": 1.5, "prefers": []}}, "customers": {}},
            "suppliers.a.capacity",
        ),
        (
            {"suppliers": {"a": {"capacity": True, "prefers": []}}, "customers": {}},
            "suppliers.a.capacity",
        ),
        ({"suppliers": {"a": {"prefers": []}}, "customers": {}}, "suppliers.a.capacity"),
        (
            {"suppliers": {"a": {"capacity": 1, "prefers": ["z"]}}, "customers": {}},
            "suppliers.a.prefers[0]",
        ),
        (
            {
                "suppliers": {"a": {"capacity": 1, "prefers": ["x", "x"]}},
                "customers": {"x": {"capacity": 1, "prefers": []}},
            },
            "suppliers.a.prefers[1]",
        ),
        (
            {"suppliers": {}, "customers": {"x": {"capacity": 1, "prefers": [], "rank": 2}}},
            "customers.x.rank",
        ),
        (
            {"suppliers": {"a": {"capacity": 1, "prefers": "x"}}, "customers": {}},
            "suppliers.a.prefers",
        ),
        ([], ""),
    ],
)
def test_a_malformed_game_is_refused_naming_where(document, path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        m.parse_matching_game(document)
    assert path in [p.path for p in caught.value.problems]


# --- the predicted mutual win -------------------------------------------------------------


def test_the_predicted_win_adds_both_fits_shared_values_and_new_reach() -> None:
    supplier = wins.profile(
        "s",
        roles=["supplier"],
        capabilities=["Coated board", "x"],
        needs=["trials"],
        values=["circular economy", "speed"],
    )
    customer = wins.profile(
        "c",
        roles=["customer"],
        capabilities=["trials"],
        needs=["coated  board", "barrier"],
        values=["circular economy"],
    )
    win = wins.predicted_win(
        supplier,
        customer,
        supplier_customers=frozenset({"k1"}),
        customer_customers=frozenset({"k1", "k2", "k3"}),
    )
    # fit(s→c) = 1/2, fit(c→s) = 1/1, values = 1/2, reach = |{k2, k3}| / (1 + 3)
    assert win == pytest.approx(0.5 + 1.0 + 0.5 + 0.5)


def test_reach_alone_makes_no_pair() -> None:
    s = wins.profile("s", roles=["supplier"], capabilities=["a"])
    c = wins.profile("c", roles=["customer"], needs=["b"])
    win = wins.predicted_win(
        s, c, supplier_customers=frozenset(), customer_customers=frozenset({"z"})
    )
    assert win == 0.0


@st.composite
def networks(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    n = draw(st.integers(2, 9))
    words = ["a", "b", "c", "d", "e"]
    profiles = [
        wins.profile(
            f"o{i}",
            roles=draw(st.sets(st.sampled_from(["supplier", "customer", "partner"]))),
            capabilities=draw(st.sets(st.sampled_from(words), max_size=3)),
            needs=draw(st.sets(st.sampled_from(words), max_size=3)),
            values=draw(st.sets(st.sampled_from(words), max_size=3)),
        )
        for i in range(n)
    ]
    pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    supplies = draw(st.lists(pair, max_size=15))
    competitors = draw(st.lists(pair, max_size=4))
    per_org = draw(st.integers(1, 4))
    return profiles, supplies, competitors, per_org


@settings(deadline=None)
@given(networks())
def test_candidates_score_as_the_formula_and_never_pair_tied_or_competing_orgs(net) -> None:  # type: ignore[no-untyped-def]
    profiles, supplies, competitors, per_org = net
    forbidden = supplies + competitors
    found = cand.candidate_pairs(profiles, supplies=supplies, forbidden=forbidden, per_org=per_org)
    customers_of: dict[int, set[str]] = {}
    for a, b in supplies:
        customers_of.setdefault(a, set()).add(profiles[b].key)
    banned = {frozenset(p) for p in forbidden}
    for (s, c), win in found.items():
        assert s != c and frozenset((s, c)) not in banned
        assert "supplier" in profiles[s].roles and "customer" in profiles[c].roles
        assert (c, s) not in found
        expected = wins.predicted_win(
            profiles[s],
            profiles[c],
            supplier_customers=frozenset(customers_of.get(s, set())),
            customer_customers=frozenset(customers_of.get(c, set())),
        )
        assert win == pytest.approx(expected) and 0 < win <= 4

    # Every organisation's best counterpart (by the formula) is kept, unless as the
    # reverse pair, which won.
    def win(s: int, c: int) -> float:
        return wins.predicted_win(
            profiles[s],
            profiles[c],
            supplier_customers=frozenset(customers_of.get(s, set())),
            customer_customers=frozenset(customers_of.get(c, set())),
        )

    def allowed(s: int, c: int) -> bool:
        return (
            s != c
            and "supplier" in profiles[s].roles
            and "customer" in profiles[c].roles
            and frozenset((s, c)) not in banned
        )

    n = len(profiles)
    for me in range(n):
        as_supplier = [(win(me, c), -c, (me, c)) for c in range(n) if allowed(me, c)]
        as_customer = [(win(s, me), -s, (s, me)) for s in range(n) if allowed(s, me)]
        for options in (as_supplier, as_customer):
            positive = [x for x in options if x[0] > 0]
            if positive:
                a, b = max(positive)[2]
                assert (a, b) in found or (b, a) in found


@settings(deadline=None)
@given(networks())
def test_the_network_game_is_stable_and_only_pairs_candidates(net) -> None:  # type: ignore[no-untyped-def]
    profiles, supplies, competitors, per_org = net
    found = cand.candidate_pairs(
        profiles, supplies=supplies, forbidden=supplies + competitors, per_org=per_org
    )
    game = cand.network_game(profiles, found, capacity=2)
    key = {p.key: i for i, p in enumerate(profiles)}
    assert {(key[s], key[c]) for s, c in game.acceptable()} == set(found)
    pairs = m.deferred_acceptance(game)
    assert m.is_stable(game, pairs)


def test_candidates_split_into_blocks_give_the_same_answer(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    words = [f"w{i}" for i in range(12)]
    profiles = [
        wins.profile(
            f"o{i:03d}",
            roles=rng.sample(["supplier", "customer", "partner"], 2),
            capabilities=rng.sample(words, 3),
            needs=rng.sample(words, 2),
            values=rng.sample(words[:4], 1),
        )
        for i in range(120)
    ]
    supplies = [(rng.randrange(120), rng.randrange(120)) for _ in range(200)]
    supplies = [(a, b) for a, b in supplies if a != b]
    whole = cand.candidate_pairs(profiles, supplies=supplies, forbidden=supplies, per_org=4)
    monkeypatch.setattr(cand, "BLOCK_CELLS", 50)
    blocked = cand.candidate_pairs(profiles, supplies=supplies, forbidden=supplies, per_org=4)
    assert whole == blocked and whole


def test_the_breakdown_names_what_each_side_brings() -> None:
    supplier = wins.profile(
        "s", capabilities=["Coated board"], needs=["trials"], values=["circular economy"]
    )
    customer = wins.profile(
        "c", capabilities=["trials"], needs=["coated board", "barrier"], values=["Circular economy"]
    )
    why = wins.explain_win(
        supplier,
        customer,
        supplier_customers=frozenset({"k1"}),
        customer_customers=frozenset({"k1", "k2", "s"}),
    )
    assert why.meets_customer == ("coated board",)
    assert why.meets_supplier == ("trials",)
    assert why.values == ("circular economy",)
    assert why.new_reach == ("k2",)
    assert why.win == pytest.approx(0.5 + 1.0 + 1.0 + 1 / 4)


@settings(deadline=None)
@given(networks(), st.data())
def test_recommendations_are_the_best_scoring_counterparts_on_either_side(net, data) -> None:  # type: ignore[no-untyped-def]
    profiles, supplies, competitors, per_org = net
    me = data.draw(st.integers(0, len(profiles) - 1))
    forbidden = supplies + competitors
    ranked = cand.rank_counterparts(
        profiles, me, supplies=supplies, forbidden=forbidden, limit=per_org
    )
    customers_of: dict[int, frozenset[str]] = {}
    for a, b in supplies:
        customers_of[a] = customers_of.get(a, frozenset()) | {profiles[b].key}
    banned = {frozenset(p) for p in forbidden}

    def win(s: int, c: int) -> float:
        ok = (
            s != c
            and "supplier" in profiles[s].roles
            and "customer" in profiles[c].roles
            and frozenset((s, c)) not in banned
        )
        if not ok:
            return 0.0
        return wins.predicted_win(
            profiles[s],
            profiles[c],
            supplier_customers=customers_of.get(s, frozenset()),
            customer_customers=customers_of.get(c, frozenset()),
        )

    best = [max(win(me, o), win(o, me)) for o in range(len(profiles))]
    everything = sorted((w for w in best if w > 0), reverse=True)
    assert [w for _, _, w in ranked] == pytest.approx(everything[:per_org])
    partners = [c if s == me else s for s, c, _ in ranked]
    assert len(set(partners)) == len(partners)
    for s, c, w in ranked:
        assert me in (s, c) and w == pytest.approx(win(s, c))


def _stable_by_definition(game: m.MatchingGame, pairs: list[m.Pair]) -> bool:
    """Pairwise stability written out from its definition, for checking the checker."""
    chosen = set(pairs)
    if len(chosen) != len(pairs) or not chosen <= game.acceptable():
        return False
    for key, agent in game.suppliers.items():
        if len(_partners(pairs, key, "suppliers")) > agent.capacity:
            return False
    for key, agent in game.customers.items():
        if len(_partners(pairs, key, "customers")) > agent.capacity:
            return False

    def wants(agent: m.Agent, mine: set[str], other: str) -> bool:
        if len(mine) < agent.capacity:
            return True
        return any(agent.prefers.index(other) < agent.prefers.index(x) for x in mine)

    return not any(
        wants(game.suppliers[s], _partners(pairs, s, "suppliers"), c)
        and wants(game.customers[c], _partners(pairs, c, "customers"), s)
        for s, c in game.acceptable() - chosen
    )


@given(games(), st.data())
def test_the_stability_checker_agrees_with_the_definition(game, data) -> None:  # type: ignore[no-untyped-def]
    acceptable = sorted(game.acceptable())
    pairs = data.draw(st.lists(st.sampled_from(acceptable), unique=True)) if acceptable else []
    assert m.is_stable(game, pairs) == _stable_by_definition(game, pairs)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 3) | st.sampled_from(["a", "x", ""]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["capacity", "prefers", "a", "x", "q"]), inner, max_size=3
        )
    ),
    max_leaves=12,
)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "suppliers": st.dictionaries(st.sampled_from(["a", "b"]), JSON, max_size=2),
            "customers": st.dictionaries(st.sampled_from(["x", "y"]), JSON, max_size=2),
            "extra": JSON,
        },
    )
)
def test_any_json_is_either_a_matching_game_or_refused_with_paths(document) -> None:  # type: ignore[no-untyped-def]
    try:
        game = m.parse_matching_game(document)
    except InvalidInput as exc:
        assert exc.problems
    else:
        assert m.is_stable(game, m.deferred_acceptance(game))


@settings(deadline=None)
@given(networks())
def test_candidates_are_exactly_those_of_the_written_out_rule(net) -> None:  # type: ignore[no-untyped-def]
    profiles, supplies, competitors, per_org = net
    forbidden = supplies + competitors
    found = cand.candidate_pairs(profiles, supplies=supplies, forbidden=forbidden, per_org=per_org)
    expected = candidates_by_hand(profiles, supplies, forbidden, per_org)
    assert found.keys() == expected.keys()
    assert all(found[k] == pytest.approx(expected[k]) for k in expected)
