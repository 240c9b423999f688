"""What moved between rounds: the factor intervals by bootstrap, and the comparison with
intervals taken as input."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from winwin.actions.follow_up import compare_scores, factor_intervals
from winwin.assessments.reliability import RESAMPLES, SidePoints, resample_counts
from winwin.assessments.score import FACTORS, side_score
from winwin.assessments.scoring import RelationshipScore


def _side(rows: list[list[int]], steps: int = 4) -> SidePoints:
    """Each respondent answered one statement per factor with these points (0..steps)."""
    points = np.array(rows, dtype=float)
    return SidePoints.of(points, np.ones_like(points), steps=steps)


respondents = st.lists(st.lists(st.integers(0, 4), min_size=4, max_size=4), min_size=3, max_size=12)


@settings(max_examples=40, deadline=None)
@given(rows=respondents)
def test_factor_intervals_are_the_percentiles_of_resampled_means(rows: list[list[int]]) -> None:
    side = _side(rows)
    found = factor_intervals(side, slot=1)
    weights = resample_counts(len(rows), 1)
    for f, factor in enumerate(FACTORS):
        # Every resample's mean, in plain Python, and its 2.5th and 97.5th percentiles by
        # linear interpolation between order statistics (the definition, written out).
        means = sorted(
            sum(int(w) * r[f] for w, r in zip(weights[i], rows, strict=True)) / 4 / len(rows)
            for i in range(RESAMPLES)
        )
        estimate = sum(r[f] for r in rows) / 4 / len(rows)
        interval = found[factor]
        assert interval is not None
        expected = (min(_percentile(means, 2.5), estimate), max(_percentile(means, 97.5), estimate))
        assert math.isclose(interval[0], expected[0], abs_tol=1e-12)
        assert math.isclose(interval[1], expected[1], abs_tol=1e-12)
        assert 0 <= interval[0] <= estimate <= interval[1] <= 1


def _percentile(ordered: list[float], q: float) -> float:
    position = (len(ordered) - 1) * q / 100
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def test_a_constant_side_has_a_point_interval_and_two_respondents_none() -> None:
    assert factor_intervals(_side([[2, 2, 2, 2]] * 5), slot=0) == {f: (0.5, 0.5) for f in FACTORS}
    assert factor_intervals(_side([[2, 2, 2, 2]] * 2), slot=0) == {f: None for f in FACTORS}


def _score(
    round_: str, values: dict[str, tuple[float, float, float, float]], **kw: object
) -> RelationshipScore:
    sides = {k: side_score(dict(zip(FACTORS, v, strict=True))) for k, v in values.items()}
    first, second = sorted(values)
    r = math.sqrt(sides[first].score * sides[second].score)
    return RelationshipScore(
        between=(first, second),
        round=round_,
        score=r,
        sides=sides,
        outside_view=None,
        **kw,  # type: ignore[arg-type]
    )


def test_the_comparison_takes_its_intervals_as_input_and_says_null_without_them() -> None:
    before = _score("2026-Q1", {"a": (0.2, 0.5, 0.5, 0.5), "b": (0.5, 0.5, 0.5, 0.5)})
    after = _score("2026-Q2", {"a": (0.8, 0.5, 0.5, 0.5), "b": (0.5, 0.5, 0.5, 0.5)})
    bare = compare_scores(before, after).as_dict()
    assert abs(bare["sides"]["a"]["accessibility"]["change"] - 0.6) < 1e-12
    assert bare["sides"]["a"]["accessibility"]["beyond_noise"] is None
    assert bare["score"]["beyond_noise"] is None
    narrow = {f: (0.45, 0.55) for f in FACTORS}
    noise = {
        "a": ({**narrow, "accessibility": (0.1, 0.3)}, {**narrow, "accessibility": (0.7, 0.9)}),
        "b": (narrow, narrow),
    }
    known = compare_scores(before, after, factor_noise=noise).as_dict()
    assert known["sides"]["a"]["accessibility"]["beyond_noise"] is True
    assert known["sides"]["a"]["energy"]["beyond_noise"] is False
    assert known["sides"]["b"]["energy"]["change"] == 0
    assert known["sides"]["a"]["score"]["beyond_noise"] is None  # no interval of S given
    assert set(known["sides"]["a"]) == {*FACTORS, "score"}
