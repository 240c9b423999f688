"""The score, exactly: normalisation, factor values, S, R, the lever and the outside view."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from winwin.assessments.score import (
    FACTORS,
    OUTSIDE_FACTORS,
    Factor,
    OutsideView,
    SideScore,
    factor_values,
    normalise,
    outside_view,
    relationship_score,
    score_side_arrays,
    side_score,
    side_scores_array,
)
from winwin.kernel.errors import InvalidInput


def values(a: float | None, e: float | None, i: float | None, t: float | None) -> dict:
    return dict(zip(FACTORS, (a, e, i, t), strict=True))


# --- normalise -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "scale", "expected"),
    [(1, 5, 0.0), (2, 5, 0.25), (3, 5, 0.5), (4, 5, 0.75), (5, 5, 1.0), (1, 2, 0.0), (2, 2, 1.0)],
)
def test_an_answer_maps_linearly_onto_zero_to_one(answer: int, scale: int, expected: float):
    assert normalise(answer, scale=scale) == expected


@pytest.mark.parametrize(("answer", "expected"), [(1, 1.0), (2, 0.75), (5, 0.0)])
def test_a_reverse_coded_item_flips_the_answer(answer: int, expected: float):
    assert normalise(answer, scale=5, reverse=True) == expected


def test_a_seven_point_scale_uses_its_own_width():
    assert normalise(4, scale=7) == 0.5
    assert normalise(3, scale=7, reverse=True) == pytest.approx(2 / 3)


@pytest.mark.parametrize("answer", [0, 6, -1, 2.0, 2.5, True, False, "3", None])
def test_an_answer_outside_the_scale_or_not_whole_is_refused(answer: object):
    with pytest.raises(InvalidInput):
        normalise(answer, scale=5)  # type: ignore[arg-type]


@pytest.mark.parametrize("scale", [1, 0, -5, True, 5.0])
def test_a_scale_below_two_is_refused(scale: object):
    with pytest.raises(InvalidInput):
        normalise(1, scale=scale)  # type: ignore[arg-type]


def test_a_numpy_integer_is_a_whole_number_answer():
    assert normalise(np.int64(3), scale=5) == 0.5  # type: ignore[arg-type]


# --- factor values ---------------------------------------------------------------------


def test_factor_values_are_unweighted_means_and_unmeasured_factors_are_none():
    answers: list[tuple[Factor, float]] = [
        ("accessibility", 1.0),
        ("accessibility", 0.5),
        ("accessibility", 0.0),
        ("energy", 0.25),
    ]
    assert factor_values(answers) == {
        "accessibility": 0.5,
        "energy": 0.25,
        "impact": None,
        "attraction": None,
    }


def test_factor_values_of_no_answers_are_all_none():
    assert factor_values([]) == dict.fromkeys(FACTORS)


def test_two_respondents_weigh_by_their_answers_not_by_person():
    # Respondent 1 answers two accessibility items (1, 1), respondent 2 one item (0):
    # the mean is over answers, (1 + 1 + 0) / 3.
    answers: list[tuple[Factor, float]] = [
        ("accessibility", 1.0),
        ("accessibility", 1.0),
        ("accessibility", 0.0),
    ]
    assert factor_values(answers)["accessibility"] == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    "answer", [("loyalty", 0.5), ("energy", 1.5), ("energy", -0.1), ("energy", True)]
)
def test_an_unknown_factor_or_a_value_outside_zero_to_one_is_refused(answer):
    with pytest.raises(InvalidInput):
        factor_values([answer])


# --- side score ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "e", "i", "t", "expected"),
    [
        (1, 1, 0, 0, 50.0),
        (0, 0, 1, 1, 50.0),
        (1, 1, 1, 1, 100.0),
        (0, 0, 0, 0, 0.0),
        (0.5, 0.5, 0.5, 0.5, 25.0),  # 50 * (0.25 + 0.25)
        (1, 0.5, 0.25, 1, 37.5),  # 50 * (0.5 + 0.25)
        (0, 1, 1, 0, 0.0),  # each product has a zero
    ],
)
def test_side_score_is_fifty_times_a_e_plus_i_t(a, e, i, t, expected):
    assert side_score(values(a, e, i, t)).score == expected


def test_lever_is_the_factor_with_the_greatest_gain():
    # gains: A = 50*0.8*0.8 = 32, E = 50*0.2*0.2 = 2, I = 50*0.5*0.5 = 12.5, T = 12.5
    side = side_score(values(0.2, 0.8, 0.5, 0.5))
    assert side.lever == "accessibility"
    assert side.gain == pytest.approx(32.0)


def test_lever_picks_attraction_when_it_alone_gains_most():
    # gains: A = 0, E = 0, I = 50*0*1 = 0, T = 50*1*(1-0) = 50
    side = side_score(values(0, 0, 1, 0))
    assert side.lever == "attraction"
    assert side.gain == 50.0


@pytest.mark.parametrize(
    ("a", "e", "i", "t", "lever"),
    [
        (0, 0, 0, 0, "accessibility"),  # all gains 0
        (1, 1, 1, 1, "accessibility"),  # all gains 0
        (0, 0, 1, 1, "accessibility"),  # all gains 0
        (0.5, 0.5, 0, 0, "accessibility"),  # A = E = 12.5
        (0, 0, 0.5, 0.5, "impact"),  # I = T = 12.5
        (0.5, 0.5, 0.5, 0.5, "accessibility"),  # all four 12.5
        (1, 0, 0, 1, "energy"),  # E = 50, I = 50: energy comes first
    ],
)
def test_lever_ties_go_to_the_first_in_the_order_a_e_i_t(a, e, i, t, lever):
    assert side_score(values(a, e, i, t)).lever == lever


def test_an_unmeasured_factor_counts_as_zero_but_stays_unmeasured():
    side = side_score(values(1.0, 1.0, 0.5, None))
    assert side.score == 50.0  # 50 * (1*1 + 0.5*0)
    assert side.attraction is None
    assert side.lever == "attraction"  # gain(T) = 50 * 0.5 * (1 - 0) = 25
    assert side.gain == 25.0


def test_a_missing_key_counts_as_unmeasured():
    side = side_score({"accessibility": 1.0, "energy": 0.5})
    assert side.score == 25.0
    assert side.impact is None and side.attraction is None


def test_a_side_object_has_exactly_the_contract_fields():
    side = side_score(values(1, 0.5, None, 0))
    assert side.as_dict() == {
        "accessibility": 1.0,
        "energy": 0.5,
        "impact": None,
        "attraction": 0.0,
        "score": 25.0,
        "lever": "energy",
        "gain": 25.0,
    }


def test_a_factor_value_outside_zero_to_one_is_refused():
    with pytest.raises(InvalidInput):
        side_score(values(1.2, 0, 0, 0))


# --- relationship score ----------------------------------------------------------------


def _side(score_value: float) -> SideScore:
    return SideScore(None, None, None, None, score_value, "accessibility", 0.0)


def test_relationship_score_is_the_geometric_mean_of_the_sides():
    assert relationship_score(_side(25.0), _side(100.0)) == 50.0
    assert relationship_score(_side(36.0), _side(36.0)) == 36.0


def test_a_side_that_does_not_win_pulls_the_relationship_to_zero():
    assert relationship_score(_side(0.0), _side(100.0)) == 0.0


def test_relationship_score_is_absent_when_a_side_has_not_answered():
    assert relationship_score(None, _side(50.0)) is None
    assert relationship_score(_side(50.0), None) is None
    assert relationship_score(None, None) is None


def test_from_answers_to_relationship_score():
    # Side a answers a 5-point instrument: A items 5 and 4 (reverse-coded 2), E 5,
    # I 3, T 5.  A = (1 + 0.75) / 2 = 0.875, E = 1, I = 0.5, T = 1.
    side_a = side_score(
        factor_values(
            [
                ("accessibility", normalise(5, scale=5)),
                ("accessibility", normalise(2, scale=5, reverse=True)),
                ("energy", normalise(5, scale=5)),
                ("impact", normalise(3, scale=5)),
                ("attraction", normalise(5, scale=5)),
            ]
        )
    )
    assert side_a.score == 50 * (0.875 * 1 + 0.5 * 1)  # 68.75
    side_b = side_score(values(0.5, 0.5, 0.5, 0.5))  # 25
    assert relationship_score(side_a, side_b) == pytest.approx(math.sqrt(68.75 * 25))


# --- outside view ----------------------------------------------------------------------


def test_outside_view_averages_third_party_answers():
    view = outside_view([("impact", 1.0), ("impact", 0.5), ("attraction", 0.25)])
    assert view == OutsideView(impact=0.75, attraction=0.25)
    assert view.as_dict() == {"impact": 0.75, "attraction": 0.25}


def test_outside_view_reports_an_unrated_factor_as_none():
    assert outside_view([("attraction", 1.0)]) == OutsideView(impact=None, attraction=1.0)


def test_there_is_no_outside_view_without_third_party_answers():
    assert outside_view([]) is None


@pytest.mark.parametrize("factor", ["accessibility", "energy"])
def test_third_parties_may_not_rate_the_inside_factors(factor):
    with pytest.raises(InvalidInput):
        outside_view([("impact", 1.0), (factor, 1.0)])


def test_outside_factors_are_impact_and_attraction():
    assert OUTSIDE_FACTORS == ("impact", "attraction")
    assert FACTORS == ("accessibility", "energy", "impact", "attraction")


# --- vectorised path: examples ---------------------------------------------------------


def test_score_side_arrays_means_per_side_and_factor_with_nan_for_unmeasured():
    means = score_side_arrays(
        np.array([0, 0, 0, 2]),
        np.array([0, 0, 3, 1]),
        np.array([1.0, 0.5, 0.25, 1.0]),
        n_sides=3,
    )
    assert means.shape == (3, 4)
    assert means[0, 0] == 0.75 and means[0, 3] == 0.25 and means[2, 1] == 1.0
    assert np.isnan(means[0, 1]) and np.isnan(means[1]).all()


def test_side_scores_array_matches_the_hand_worked_cases():
    score, lever, gain = side_scores_array(
        np.array([[1, 1, 0, 0], [0.5, 0.5, 0.5, 0.5], [0, 0, 0.5, 0.5], [1, 1, 0.5, np.nan]])
    )
    assert score.tolist() == [50.0, 25.0, 12.5, 50.0]
    assert lever.tolist() == [0, 0, 2, 3]
    assert gain.tolist() == [0.0, 12.5, 12.5, 25.0]


@pytest.mark.parametrize(
    "call",
    [
        lambda: score_side_arrays([0], [4], [0.5], 1),
        lambda: score_side_arrays([1], [0], [0.5], 1),
        lambda: score_side_arrays([0], [0], [1.5], 1),
        lambda: score_side_arrays([0, 0], [0], [0.5], 1),
        lambda: side_scores_array(np.zeros((2, 3))),
    ],
)
def test_the_vectorised_path_refuses_bad_shapes_and_ranges(call):
    with pytest.raises(InvalidInput):
        call()


# --- properties ------------------------------------------------------------------------

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
maybe_unit = st.none() | unit
factor = st.sampled_from(FACTORS)
side_values = st.tuples(maybe_unit, maybe_unit, maybe_unit, maybe_unit)


@given(
    st.integers(min_value=2, max_value=11).flatmap(
        lambda k: st.tuples(st.just(k), st.integers(1, k), st.booleans())
    )
)
def test_every_valid_answer_normalises_into_zero_to_one(case):
    scale, answer, reverse = case
    n = normalise(answer, scale=scale, reverse=reverse)
    assert 0.0 <= n <= 1.0
    assert n + normalise(answer, scale=scale, reverse=not reverse) == pytest.approx(1.0)


@given(st.lists(st.tuples(factor, unit), max_size=30))
def test_factor_values_lie_in_zero_to_one(answers):
    for f, value in factor_values(answers).items():
        if value is None:
            assert all(g != f for g, _ in answers)
        else:
            assert 0.0 <= value <= 1.0


@given(side_values)
def test_every_side_score_and_gain_lies_in_zero_to_one_hundred(v):
    side = side_score(values(*v))
    assert 0.0 <= side.score <= 100.0
    assert 0.0 <= side.gain <= 100.0
    assert side.score + side.gain <= 100.0 + 1e-9


@given(side_values, st.sampled_from(range(4)), unit)
def test_side_score_never_falls_when_a_factor_rises(v, k, new):
    before = [0.0 if x is None else x for x in v]
    assume(new >= before[k])
    after = list(before)
    after[k] = new
    assert side_score(values(*after)).score >= side_score(values(*before)).score


def _gains(v):
    a, e, i, t = (0.0 if x is None else x for x in v)
    return [50 * e * (1 - a), 50 * a * (1 - e), 50 * t * (1 - i), 50 * i * (1 - t)]


@given(side_values)
def test_lever_is_the_first_factor_with_the_greatest_gain(v):
    gains = _gains(v)
    best = max(gains)
    side = side_score(values(*v))
    assert side.gain == best
    assert side.lever == FACTORS[gains.index(best)]


@given(side_values)
def test_raising_the_lever_to_one_adds_its_gain(v):
    side = side_score(values(*v))
    raised = dict(zip(FACTORS, v, strict=True))
    raised[side.lever] = 1.0
    assert side_score(raised).score == pytest.approx(side.score + side.gain, abs=1e-9)


@given(side_values, side_values)
def test_relationship_score_lies_between_the_two_sides(va, vb):
    a, b = side_score(values(*va)), side_score(values(*vb))
    r = relationship_score(a, b)
    assert r is not None
    assert min(a.score, b.score) - 1e-9 <= r <= max(a.score, b.score) + 1e-9
    if a.score == 0.0 or b.score == 0.0:
        assert r == 0.0
    assert r == relationship_score(b, a)


@given(st.lists(st.tuples(st.sampled_from(OUTSIDE_FACTORS), unit), max_size=20))
def test_outside_view_is_none_only_without_answers_and_lies_in_zero_to_one(answers):
    view = outside_view(answers)
    if not answers:
        assert view is None
        return
    assert view is not None
    for value in (view.impact, view.attraction):
        assert value is None or 0.0 <= value <= 1.0


@given(st.lists(side_values, max_size=20))
def test_the_array_path_scores_sides_like_the_scalar_path(rows):
    array = np.array(
        [[np.nan if x is None else x for x in row] for row in rows], dtype=float
    ).reshape(len(rows), 4)
    score, lever, gain = side_scores_array(array)
    for k, row in enumerate(rows):
        side = side_score(values(*row))
        assert abs(score[k] - side.score) <= 1e-9
        assert FACTORS[lever[k]] == side.lever
        assert abs(gain[k] - side.gain) <= 1e-9


@given(
    st.integers(min_value=1, max_value=6).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), factor, unit), max_size=40),
        )
    )
)
def test_the_array_path_means_factors_like_the_scalar_path(case):
    n_sides, answers = case
    means = score_side_arrays(
        np.array([s for s, _, _ in answers], dtype=np.intp),
        np.array([FACTORS.index(f) for _, f, _ in answers], dtype=np.intp),
        np.array([x for _, _, x in answers], dtype=float),
        n_sides,
    )
    for s in range(n_sides):
        expected = factor_values([(f, x) for side, f, x in answers if side == s])
        for k, f in enumerate(FACTORS):
            if expected[f] is None:
                assert np.isnan(means[s, k])
            else:
                assert abs(means[s, k] - expected[f]) <= 1e-9
