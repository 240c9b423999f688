"""The report charts are well-formed SVG whatever the names and values, and draw each
value where it belongs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from winwin.reports.charts import Series, radar_svg, trend_svg

SVG = "{http://www.w3.org/2000/svg}"
# Names with markup characters (<, &, ', ") among letters of any script.
names = st.text(alphabet=st.characters(categories=("L", "N", "P", "S")), min_size=1, max_size=30)
unit = st.one_of(st.none(), st.floats(min_value=0, max_value=1))
hundred = st.one_of(st.none(), st.floats(min_value=0, max_value=100))


@settings(max_examples=40, deadline=None)
@given(st.lists(names, min_size=3, max_size=6), st.data())
def test_the_radar_is_well_formed_and_names_every_axis_and_series(axes, data) -> None:
    series = [
        Series(data.draw(names), data.draw(st.lists(unit, min_size=len(axes), max_size=len(axes))))
        for _ in range(data.draw(st.integers(0, 3)))
    ]
    root = ET.fromstring(radar_svg(axes, series))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == [*axes, *(s.name for s in series)]
    # One outline per series beside the four rings, and a point per value it has.
    assert len(root.findall(f"{SVG}polygon")) >= 4 + len(series)


@settings(max_examples=40, deadline=None)
@given(st.lists(names, min_size=1, max_size=8), st.data())
def test_the_trend_is_well_formed_and_marks_every_value(rounds, data) -> None:
    n = len(rounds)
    values = data.draw(st.lists(hundred, min_size=n, max_size=n))
    band = data.draw(
        st.lists(
            st.one_of(
                st.none(),
                st.tuples(st.floats(0, 50), st.floats(50, 100)),
            ),
            min_size=n,
            max_size=n,
        )
    )
    root = ET.fromstring(trend_svg(rounds, [Series("R", values)], band=band))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[5 : 5 + n] == rounds and texts[-1] == "R"
    # The first series' points are circles: one per value, and one in the legend.
    assert len(root.findall(f"{SVG}circle")) == sum(v is not None for v in values) + 1


def test_a_higher_value_sits_higher_on_the_trend() -> None:
    root = ET.fromstring(trend_svg(["a", "b"], [Series("x", [20.0, 80.0])]))
    # The first series' points are circles; SVG's y grows downwards.
    ys = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    assert ys[1] < ys[0]


def test_a_radar_value_of_one_reaches_the_outer_ring() -> None:
    root = ET.fromstring(radar_svg(["a", "b", "c", "d"], [Series("x", [1.0, 1.0, 1.0, 1.0])]))
    polygons = root.findall(f"{SVG}polygon")
    outer_ring, outline = polygons[3].get("points"), polygons[4].get("points")
    assert outline == outer_ring
