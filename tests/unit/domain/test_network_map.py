"""The network map's geometry: a seeded layout in the unit square, convex hulls that
hold every member, and the nearest-first order the map keeps when it must leave some
organisations out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from winwin.insight.network_map import MARGIN, _cross, hull, layout, nearest_first

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
