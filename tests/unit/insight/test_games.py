"""Sharing a joint investment: Shapley axioms, the airport rule, the core, the nucleolus."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog

from winwin.insight import games as g
from winwin.insight.game_document import parse_game
from winwin.kernel.errors import InvalidInput

AMOUNTS = st.floats(-50, 50, allow_nan=False).map(lambda x: round(x, 3))
COSTS = st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 3))


def _names(n: int) -> tuple[str, ...]:
    return tuple(f"p{i}" for i in range(n))


@st.composite
def tables(draw: st.DrawFn, max_players: int = 5, players: int | None = None) -> np.ndarray:
    n = players if players is not None else draw(st.integers(1, max_players))
    values = draw(arrays(np.float64, 1 << n, elements=AMOUNTS))
    values[0] = 0.0
    return values


def _table_game(values: np.ndarray) -> g.TableGame:
    n = values.size.bit_length() - 1
    return g.TableGame(players=_names(n), values=values)


def _swap(mask: int, i: int, j: int) -> int:
    bi, bj = mask >> i & 1, mask >> j & 1
    mask &= ~((1 << i) | (1 << j))
    return mask | bi << j | bj << i


# --- Shapley axioms -----------------------------------------------------------------------


@given(tables())
def test_shapley_shares_exactly_the_grand_coalition_value(values) -> None:  # type: ignore[no-untyped-def]
    phi = g.shapley_from_table(values)
    assert phi.sum() == pytest.approx(values[-1], abs=1e-9)


@given(tables().filter(lambda v: v.size >= 4), st.data())
def test_shapley_gives_symmetric_players_the_same(values, data) -> None:  # type: ignore[no-untyped-def]
    n = values.size.bit_length() - 1
    i, j = data.draw(st.sampled_from([(a, b) for a in range(n) for b in range(a + 1, n)]))
    symmetric = np.array([(values[s] + values[_swap(s, i, j)]) / 2 for s in range(values.size)])
    phi = g.shapley_from_table(symmetric)
    assert phi[i] == pytest.approx(phi[j], abs=1e-9)


@given(tables(max_players=4), st.data())
def test_shapley_gives_a_null_player_nothing(values, data) -> None:  # type: ignore[no-untyped-def]
    n = values.size.bit_length() - 1
    null = data.draw(st.integers(0, n))
    # Insert a player at bit ``null`` who adds nothing to any coalition.
    extended = np.empty(values.size * 2)
    for mask in range(extended.size):
        low = mask & ((1 << null) - 1)
        high = (mask >> (null + 1)) << null
        extended[mask] = values[high | low]
    phi = g.shapley_from_table(extended)
    assert phi[null] == pytest.approx(0.0, abs=1e-9)


@given(st.integers(1, 5).flatmap(lambda n: st.tuples(tables(players=n), tables(players=n))))
def test_shapley_of_a_sum_of_games_is_the_sum_of_their_shapley_values(pair) -> None:  # type: ignore[no-untyped-def]
    v, w = pair
    assert v.size == w.size
    assert np.allclose(
        g.shapley_from_table(v + w), g.shapley_from_table(v) + g.shapley_from_table(w)
    )


@given(arrays(np.float64, st.integers(1, 8), elements=COSTS))
def test_the_airport_rule_is_the_shapley_value_of_the_cost_table(costs) -> None:  # type: ignore[no-untyped-def]
    game = g.AirportGame(players=_names(costs.size), costs=costs)
    assert np.allclose(g.airport_shapley(costs), g.shapley_from_table(game.table()))
    assert np.allclose(game.table()[-1], costs.max())


def test_the_airport_rule_splits_each_stretch_among_those_who_need_it() -> None:
    game = parse_game({"type": "airport", "costs": {"a": 1, "b": 2, "c": 4}})
    # 1 is split three ways, the next 1 two ways, the last 2 by c alone.
    assert g.shapley(game).tolist() == pytest.approx([1 / 3, 1 / 3 + 1 / 2, 1 / 3 + 1 / 2 + 2])


@st.composite
def synergy_games(draw: st.DrawFn, max_players: int = 6, convex: bool = False) -> g.SynergyGame:
    n = draw(st.integers(1, max_players))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    amounts = st.floats(0, 20) if convex else AMOUNTS
    return g.SynergyGame(
        players=_names(n),
        standalone_values=np.array([draw(AMOUNTS) for _ in range(n)]),
        first=np.array([a for a, _ in chosen], dtype=np.int64),
        second=np.array([b for _, b in chosen], dtype=np.int64),
        synergy=np.array([draw(amounts) for _ in chosen], dtype=np.float64),
    )


@given(synergy_games())
def test_synergy_shapley_is_standalone_plus_half_of_each_synergy(game) -> None:  # type: ignore[no-untyped-def]
    assert np.allclose(g.shapley(game), g.shapley_from_table(game.table()))


@settings(deadline=None)
@given(st.one_of(synergy_games(), tables(4).map(_table_game)), st.integers(0, 2**31))
def test_sampled_shapley_is_efficient_and_repeatable(game, seed) -> None:  # type: ignore[no-untyped-def]
    phi = g.shapley_sampled(game, samples=30, seed=seed)
    assert phi.sum() == pytest.approx(game.grand(), abs=1e-6)
    assert np.array_equal(phi, g.shapley_sampled(game, samples=30, seed=seed))


def test_sampled_shapley_comes_close_to_the_exact_value() -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate([[0.0], rng.uniform(0, 10, 63)])
    game = _table_game(values)
    estimate = g.shapley_sampled(game, samples=20_000, seed=1)
    assert np.allclose(estimate, g.shapley_from_table(values), atol=0.25)


# --- the core and the nucleolus -----------------------------------------------------------


def _core_is_empty(values: np.ndarray) -> bool:
    """Independent check: is there an x with x(N) = v(N) and x(S) >= v(S) for all S?"""
    n = values.size.bit_length() - 1
    masks = np.arange(1, values.size)
    incidence = ((masks[:, None] >> np.arange(n)) & 1).astype(float)
    result = linprog(
        np.zeros(n),
        A_ub=-incidence,
        b_ub=-values[1:] + 1e-9,
        A_eq=np.ones((1, n)),
        b_eq=[values[-1]],
        bounds=[(None, None)] * n,
        method="highs",
    )
    return bool(result.status == 2)


@st.composite
def convex_tables(draw: st.DrawFn) -> np.ndarray:
    """v(S) = f(w(S)) with f convex and increasing, w >= 0: a convex (supermodular) game."""
    n = draw(st.integers(1, 5))
    weights = np.array([draw(st.floats(0, 10)) for _ in range(n)])
    power = draw(st.floats(1, 3))
    sums = np.zeros(1)
    for w in weights:
        sums = np.concatenate([sums, sums + w])
    return sums**power


@given(st.one_of(convex_tables().map(_table_game), synergy_games(convex=True)))
def test_the_shapley_value_of_a_convex_game_is_in_the_core(game) -> None:  # type: ignore[no-untyped-def]
    assert g.in_core(game, g.shapley(game)) is True


@given(arrays(np.float64, st.integers(1, 7), elements=COSTS))
def test_airport_shapley_and_nucleolus_shares_are_in_the_core(costs) -> None:  # type: ignore[no-untyped-def]
    game = g.AirportGame(players=_names(costs.size), costs=costs)
    for method in ("shapley", "nucleolus"):
        assert g.share(game, method=method).in_core is True


def test_proportional_airport_shares_can_overcharge_the_small_users() -> None:
    game = parse_game({"type": "airport", "costs": {"a": 1, "b": 1, "c": 3}})
    result = g.share(game, method="proportional")
    # a and b pay 0.6 each, 1.2 together, more than the 1 their own runway costs.
    assert result.allocation == pytest.approx({"a": 0.6, "b": 0.6, "c": 1.8})
    assert result.in_core is False


@settings(max_examples=60, deadline=None)
@given(st.one_of(tables(4), convex_tables()))
def test_the_nucleolus_is_in_the_core_whenever_the_core_is_not_empty(values) -> None:  # type: ignore[no-untyped-def]
    game = _table_game(values)
    x = g.nucleolus(game)
    assert x.sum() == pytest.approx(values[-1], abs=1e-6)
    if not _core_is_empty(values):
        assert g.in_core(game, x) is True


def test_an_allocation_that_leaves_a_coalition_short_is_outside_the_core() -> None:
    game = parse_game(
        {
            "type": "table",
            "players": ["a", "b"],
            "values": {"": 0, "a": 1, "b": 1, "a,b": 4},
        }
    )
    assert g.in_core(game, np.array([2.0, 2.0])) is True
    assert g.in_core(game, np.array([3.5, 0.5])) is False
    assert g.in_core(game, np.array([2.0, 1.0])) is False  # not efficient


def test_the_glove_game_nucleolus_gives_everything_to_the_scarce_side() -> None:
    # One left glove (l), two right gloves (r1, r2); a pair is worth 1.
    values = {"": 0, "l": 0, "r1": 0, "r2": 0, "l,r1": 1, "l,r2": 1, "r1,r2": 0, "l,r1,r2": 1}
    game = parse_game({"type": "table", "players": ["l", "r1", "r2"], "values": values})
    assert g.nucleolus(game).tolist() == pytest.approx([1.0, 0.0, 0.0], abs=1e-7)
    assert g.shapley(game).tolist() == pytest.approx([2 / 3, 1 / 6, 1 / 6])
    assert g.share(game, method="shapley").in_core is False


def test_the_airport_nucleolus_matches_the_hand_computation() -> None:
    game = parse_game({"type": "airport", "costs": {"a": 1, "b": 2, "c": 4}})
    assert g.nucleolus(game).tolist() == pytest.approx([0.5, 0.75, 2.75], abs=1e-7)


@given(tables(5))
def test_proportional_shares_follow_standalone_values(values) -> None:  # type: ignore[no-untyped-def]
    game = _table_game(values)
    x = g.proportional(game)
    assert x.sum() == pytest.approx(values[-1], abs=1e-6)
    alone = game.standalone()
    if alone.sum() != 0:
        assert np.allclose(x * alone.sum(), values[-1] * alone)


def test_a_game_too_large_for_the_nucleolus_is_refused() -> None:
    costs = {f"p{i}": float(i) for i in range(g.NUCLEOLUS_LIMIT + 1)}
    game = parse_game({"type": "airport", "costs": costs})
    with pytest.raises(InvalidInput, match="at most"):
        g.share(game, method="nucleolus")


def test_a_large_synergy_game_is_shared_exactly_without_a_core_check() -> None:
    players = {f"p{i:02d}": 1.0 for i in range(30)}
    game = parse_game({"type": "synergy", "standalone": players, "synergy": [["p00", "p01", 4]]})
    result = g.share(game)
    assert result.exact and result.in_core is None
    assert result.allocation["p00"] == 3.0 and result.allocation["p29"] == 1.0


# --- reading game documents ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"type": "pie"}, "type"),
        (
            {"type": "table", "players": ["a", "b"], "values": {"": 0, "a": 1, "b": 1}},
            'values["a,b"]',
        ),
        (
            {"type": "table", "players": ["a", "b"], "values": {"": 0, "a": 1, "b": 1, "b,a": 2}},
            'values["b,a"]',
        ),
        (
            {"type": "table", "players": ["a"], "values": {"": 0, "a": 1, "z": 1}},
            'values["z"]',
        ),
        ({"type": "table", "players": ["a"], "values": {"": 1, "a": 1}}, 'values[""]'),
        ({"type": "table", "players": ["a"], "values": {"": 0, "a": "1"}}, 'values["a"]'),
        ({"type": "table", "players": ["a", "a"], "values": {}}, "players[1]"),
        ({"type": "table", "players": ["a,b"], "values": {}}, "players[0]"),
        ({"type": "table", "players": [], "values": {}}, "players"),
        ({"type": "table", "players": ["a"], "values": {"": 0, "a": 1}, "x": 0}, "x"),
        ({"type": "airport", "costs": {"a": -1}}, "costs.a"),
        ({"type": "airport", "costs": {"a": True}}, "costs.a"),
        ({"type": "airport", "costs": {}}, "costs"),
        ({"type": "synergy", "standalone": {"a": 1}, "synergy": [["a", "z", 1]]}, "synergy[0][1]"),
        (
            {
                "type": "synergy",
                "standalone": {"a": 1, "b": 1},
                "synergy": [["a", "b", 1], ["b", "a", 2]],
            },
            "synergy[1]",
        ),
        ({"type": "synergy", "standalone": {"a": 1}, "synergy": [["a", "a", 1]]}, "synergy[0]"),
        (
            {"type": "synergy", "standalone": {"a": 1, "b": 1}, "synergy": [["a", "b"]]},
            "synergy[0]",
        ),
    ],
)
def test_a_malformed_game_is_refused_naming_where(document, path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        parse_game(document)
    assert path in [p.path for p in caught.value.problems]


def test_table_players_are_read_in_sorted_order_whatever_the_listing() -> None:
    game = parse_game(
        {"type": "table", "players": ["b", "a"], "values": {"": 0, "a": 1, "b": 2, "a,b": 5}}
    )
    result = g.share(game, method="shapley")
    assert result.allocation == pytest.approx({"a": 2.0, "b": 3.0})


def _least_core_excess(values: np.ndarray, imputations: bool) -> float:
    """Independent LP: the smallest possible largest excess over proper coalitions."""
    n = values.size.bit_length() - 1
    masks = np.arange(1, values.size - 1)
    incidence = ((masks[:, None] >> np.arange(n)) & 1).astype(float)
    alone = values[1 << np.arange(n)]
    bounds = [((a, None) if imputations else (None, None)) for a in alone] + [(None, None)]
    result = linprog(
        np.r_[np.zeros(n), 1.0],
        A_ub=np.hstack([-incidence, -np.ones((masks.size, 1))]),
        b_ub=-values[masks],
        A_eq=np.r_[np.ones(n), 0.0][None, :],
        b_eq=[values[-1]],
        bounds=bounds,
        method="highs",
    )
    return float(result.x[-1])


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6).flatmap(lambda n: tables(players=n)))
def test_the_nucleolus_attains_the_least_core_excess(values) -> None:  # type: ignore[no-untyped-def]
    game = _table_game(values)
    x = g.nucleolus(game)
    masks = np.arange(1, values.size - 1)
    largest = max(values[m] - sum(x[i] for i in range(game.n) if m >> i & 1) for m in masks)
    imputations = game.standalone().sum() <= values[-1] + 1e-9
    assert largest == pytest.approx(_least_core_excess(values, imputations), abs=1e-6)


def test_amounts_too_large_for_floating_point_are_refused() -> None:
    game = parse_game({"type": "synergy", "standalone": {"a": 1e308, "b": 1e308}})
    with pytest.raises(InvalidInput, match="too large"):
        g.share(game)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-5, 5) | st.sampled_from("ab,"),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["type", "players", "values", "costs", "a", "", "a,b"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@given(
    st.one_of(
        JSON,
        st.fixed_dictionaries(
            {"type": st.sampled_from(["table", "airport", "synergy"])},
            optional={
                "players": JSON,
                "values": JSON,
                "costs": JSON,
                "standalone": JSON,
                "synergy": JSON,
            },
        ),
    )
)
def test_any_json_is_either_a_game_or_refused_with_paths(document) -> None:  # type: ignore[no-untyped-def]
    try:
        game = parse_game(document)
    except InvalidInput as exc:
        assert exc.problems
    else:
        assert isinstance(game, g.Game) and game.n >= 1
