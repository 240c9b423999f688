"""The network map's geometry: a seeded layout in the unit square, convex hulls that
hold every member, and the nearest-first order the map keeps when it must leave some
organisations out."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from winwin.insight.network_map import (
    MARGIN,
    ROLES,
    _cross,
    hull,
    kind_arrays,
    layout,
    map_edges,
    nearest_first,
    renumber,
    roles_of,
    tie_arrays,
    trails,
)

POINTS = st.lists(
    st.tuples(st.integers(0, 50).map(float), st.integers(0, 50).map(float)), max_size=30
)


@given(points=POINTS)
def test_every_point_lies_inside_or_on_the_hull(points: list[tuple[float, float]]) -> None:
    found = hull(points)
    assert set(found) <= set(points)
    if len(found) >= 3:
        for p in points:
            for a, b in zip(found, found[1:] + found[:1], strict=True):
                assert _cross(a, b, p) >= 0  # counter-clockwise: every point to the left


def test_a_layout_is_seeded_and_fits_the_unit_square() -> None:
    edges = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (2, 3)]
    first, again = layout(6, edges, seed=5), layout(6, edges, seed=5)
    assert first == again
    assert all(MARGIN - 1e-9 <= v <= 1 - MARGIN + 1e-9 for p in first for v in p)
    assert layout(0, []) == [] and layout(1, []) == [(0.5, 0.5)]


def test_nearest_first_keeps_the_reader_s_own_part_first() -> None:
    # 0 - 1 - 2 - 3, and 4 alone
    order = nearest_first(5, [(0, 1), (1, 2), (2, 3)], 2)
    assert order[0] == 2 and set(order[1:3]) == {1, 3} and order[-1] == 4
    # Without a reader, from the organisation with the most ties.
    assert nearest_first(5, [(0, 1), (1, 2), (2, 3), (1, 3)], None)[0] == 1


KINDS = ("partners", "supplies")
TIES = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 7), st.integers(0, 7)), max_size=40
)


def _edges_one_by_one(
    ties: list[tuple[str, int, int]], viewer: int | None
) -> dict[tuple[int, int], tuple[str, bool]]:
    """The rule read tie by tie, in code-point order: a pair's first tie gives its kind,
    except that any own tie of the reader overrides."""
    edges: dict[tuple[int, int], tuple[str, bool]] = {}
    for kind, a, b in sorted(set(ties)):
        pair = (min(a, b), max(a, b))
        own = viewer in (a, b)
        if pair not in edges or own:
            edges[pair] = (kind, own)
    return edges


def _roles_one_by_one(n: int, ties: list[tuple[str, int, int]], viewer: int | None) -> list[str]:
    customers = {b for kind, a, b in ties if kind == "supplies" and a == viewer}
    direct = {b for _, a, b in ties if a == viewer} | {a for _, a, b in ties if b == viewer}
    reach = {b for kind, a, b in ties if kind == "supplies" and a in customers}
    reach -= direct | {viewer}
    return [
        "self" if i == viewer else "tie" if i in direct else "reach" if i in reach else "other"
        for i in range(n)
    ]


@given(ties=TIES, viewer=st.one_of(st.none(), st.integers(0, 7)))
def test_the_arrays_draw_each_tied_pair_once_as_the_rule_tie_by_tie_does(
    ties: list[tuple[str, int, int]], viewer: int | None
) -> None:
    a, b, kind, kinds = tie_arrays(ties)
    drawn = map_edges(8, a, b, kind, kinds, viewer)
    found = {(e.a, e.b): (e.kind, e.own) for e in drawn}
    assert found == _edges_one_by_one(ties, viewer)
    assert len(drawn) == len(found)
    assert list(found) == sorted(found)  # sorted by pair, one edge each


@given(ties=TIES, viewer=st.one_of(st.none(), st.integers(0, 7)))
def test_roles_mark_the_reader_its_ties_and_the_customers_customers_it_could_reach(
    ties: list[tuple[str, int, int]], viewer: int | None
) -> None:
    a, b, kind, kinds = tie_arrays(ties)
    supplies = kind == kinds.index("supplies") if "supplies" in kinds else a < 0
    found = [ROLES[r] for r in roles_of(8, a, b, supplies, viewer).tolist()]
    assert found == _roles_one_by_one(8, ties, viewer)


@given(ties=TIES)
def test_ties_read_as_text_by_kind_give_the_same_arrays(ties: list[tuple[str, int, int]]) -> None:
    by_kind = {
        k: np.array([(x, y) for kind, x, y in ties if kind == k], dtype=np.int64).reshape(-1, 2)
        for k in {kind for kind, _, _ in ties}
    }
    a, b, kind, kinds = kind_arrays(by_kind)
    again = sorted(zip([kinds[k] for k in kind.tolist()], a.tolist(), b.tolist(), strict=True))
    assert again == sorted(ties)


def test_renumbering_names_every_id_or_refuses() -> None:
    ids = np.array([10, 3, 10], dtype=np.int64)
    assert renumber(ids, {3: 0, 10: 1}).tolist() == [1, 0, 1]
    with pytest.raises(KeyError):
        renumber(ids, {10: 0})


@given(ties=TIES)
def test_trails_use_every_edge_exactly_once(ties: list[tuple[str, int, int]]) -> None:
    a, b, kind, kinds = tie_arrays(ties)
    drawn = map_edges(8, a, b, kind, kinds, None)
    walked = [
        (min(x, y), max(x, y))
        for walk in trails(drawn.a, drawn.b)
        for x, y in itertools.pairwise(walk)
    ]
    assert sorted(walked) == sorted(zip(drawn.a.tolist(), drawn.b.tolist(), strict=True))


def test_a_path_of_edges_is_one_trail() -> None:
    found = trails(np.array([0, 1, 2]), np.array([1, 2, 3]))
    assert found in ([[0, 1, 2, 3]], [[3, 2, 1, 0]])
