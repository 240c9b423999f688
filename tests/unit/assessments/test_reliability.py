"""Alpha, item–total correlations and bootstrap intervals against independent computations.

The references here are written from the textbook formulas with plain NumPy and do not
share code with ``winwin.assessments.reliability``: alpha from the covariance matrix
(``k/(k-1) * (1 - trace(C) / sum(C))``), correlations from ``np.corrcoef``, and the
bootstrap from a loop that rescores each resample through ``winwin.assessments.score``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from winwin.assessments import reliability as rel
from winwin.assessments.score import FACTORS, factor_values, normalise, side_score

# --- answer sets --------------------------------------------------------------------


@st.composite
def factor_answers(draw: st.DrawFn) -> tuple[np.ndarray, list[bool], int]:
    """Raw answers (respondents × statements, 0 = not answered), reverse flags, scale."""
    scale = draw(st.sampled_from([2, 3, 5, 7]))
    n = draw(st.integers(0, 12))
    k = draw(st.integers(1, 5))
    reverse = draw(st.lists(st.booleans(), min_size=k, max_size=k))
    missing = draw(st.booleans())
    low = 0 if missing else 1
    raw = draw(
        st.lists(st.lists(st.integers(low, scale), min_size=k, max_size=k), min_size=n, max_size=n)
    )
    return np.array(raw, dtype=np.int64).reshape(n, k), reverse, scale


def normalised(raw: np.ndarray, reverse: list[bool], scale: int) -> np.ndarray:
    out = np.full(raw.shape, np.nan)
    for (r, j), x in np.ndenumerate(raw):
        if x:
            out[r, j] = normalise(int(x), scale=scale, reverse=reverse[j])
    return out


def reference_alpha(values: np.ndarray) -> float | None:
    rows = np.array([row for row in values if not np.isnan(row).any()]).reshape(-1, values.shape[1])
    n, k = rows.shape
    if n < 3 or k < 2:
        return None
    cov = np.cov(rows, rowvar=False)
    total = cov.sum()  # the variance of the sum
    if math.isclose(total, 0.0, abs_tol=1e-12):
        return None
    return k / (k - 1) * (1 - np.trace(cov) / total)


def reference_item_total(values: np.ndarray) -> list[float | None]:
    rows = np.array([row for row in values if not np.isnan(row).any()]).reshape(-1, values.shape[1])
    n, k = rows.shape
    out: list[float | None] = []
    for j in range(values.shape[1]):
        if n < 3 or k < 2:
            out.append(None)
            continue
        item = rows[:, j]
        rest = np.delete(rows, j, axis=1).sum(axis=1)
        if np.isclose(item.std(), 0, atol=1e-12) or np.isclose(rest.std(), 0, atol=1e-12):
            out.append(None)
            continue
        out.append(float(np.corrcoef(item, rest)[0, 1]))
    return out


# --- alpha --------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(factor_answers())
def test_alpha_equals_the_covariance_formula_on_complete_cases(case) -> None:
    raw, reverse, scale = case
    values = normalised(raw, reverse, scale)
    expected = reference_alpha(values)
    got = rel.cronbach_alpha(values)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)
        assert got <= 1.0 + 1e-12


def test_alpha_of_a_textbook_table() -> None:
    # Three statements, five respondents; sample variances 2.5, 1.3 and 0.7, and 10.7
    # of the sums (5, 8, 8, 13, 12): alpha = 3/2 * (1 - 4.5/10.7).
    table = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 2], [4, 5, 4], [5, 4, 3]], float)
    assert rel.cronbach_alpha(table) == pytest.approx(1.5 * (1 - 4.5 / 10.7))


def test_alpha_is_null_below_three_complete_respondents_and_two_statements() -> None:
    with_gaps = np.array([[0.0, 0.25], [1.0, np.nan], [0.5, 0.5], [1.0, 0.75]])
    assert rel.cronbach_alpha(with_gaps) is not None  # three complete cases
    assert rel.cronbach_alpha(with_gaps[:3]) is None  # two complete cases
    assert rel.cronbach_alpha(np.array([[0.0], [0.5], [1.0]])) is None  # one statement
    assert rel.cronbach_alpha(np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])) is None  # sums flat


def test_a_reverse_coded_statement_read_as_meant_keeps_alpha_high() -> None:
    # The second statement is reverse-coded and answered the other way round, as meant:
    # once reversed it agrees with the first, so alpha is 1.
    raw = np.array([[1, 5], [3, 3], [5, 1], [4, 2]])
    values = normalised(raw, [False, True], 5)
    assert rel.cronbach_alpha(values) == pytest.approx(1.0)


# --- item–total -----------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(factor_answers())
def test_item_total_equals_corrcoef_of_the_item_and_the_rest(case) -> None:
    raw, reverse, scale = case
    values = normalised(raw, reverse, scale)
    got = rel.item_total_correlations(values)
    expected = reference_item_total(values)
    assert len(got) == len(expected) == values.shape[1]
    for g, e in zip(got, expected, strict=True):
        if e is None:
            assert g is None
        else:
            assert g == pytest.approx(e, abs=1e-9)


def test_a_misread_reverse_coded_statement_is_flagged() -> None:
    # Respondents answered the reverse-coded third statement as if it were plain.
    raw = np.array([[1, 1, 1], [2, 2, 2], [4, 4, 4], [5, 5, 5], [3, 2, 3]])
    reverse = [False, False, True]
    values = normalised(raw, reverse, 5)
    correlations = rel.item_total_correlations(values)
    flags = [rel.item_flag(r, reverse=rv) for r, rv in zip(correlations, reverse, strict=True)]
    assert flags[2] == "possibly misread"
    assert rel.item_flag(-0.2, reverse=False) == "negative"
    assert rel.item_flag(0.0, reverse=True) is None
    assert rel.item_flag(None, reverse=True) is None


# --- bootstrap ------------------------------------------------------------------------


@st.composite
def sides(draw: st.DrawFn, min_n: int = 0, max_n: int = 12) -> tuple[list[dict], int]:
    """Respondents of one side: each a dict factor → list of (raw answer, reverse)."""
    scale = draw(st.sampled_from([3, 5, 7]))
    n = draw(st.integers(min_n, max_n))
    answer = st.tuples(st.integers(1, scale), st.booleans())
    people = draw(
        st.lists(
            st.fixed_dictionaries({f: st.lists(answer, max_size=3) for f in FACTORS}),
            min_size=n,
            max_size=n,
        )
    )
    return people, scale


def side_points(people: list[dict], scale: int) -> rel.SidePoints:
    points = np.zeros((len(people), 4))
    counts = np.zeros((len(people), 4))
    for r, person in enumerate(people):
        for f, factor in enumerate(FACTORS):
            for x, reverse in person[factor]:
                points[r, f] += (scale - x) if reverse else (x - 1)
                counts[r, f] += 1
    return rel.SidePoints.of(points, counts, steps=scale - 1)


def plain_score(people: list[dict], scale: int) -> float:
    answers = [
        (factor, normalise(x, scale=scale, reverse=rv))
        for person in people
        for factor in FACTORS
        for x, rv in person[factor]
    ]
    return side_score(factor_values(answers)).score


def test_the_draws_are_fixed_by_the_documented_seed() -> None:
    n = 4
    drawn = np.random.default_rng((rel.SEED, 1, n)).integers(0, n, size=(rel.RESAMPLES, n))
    expected = np.stack([np.bincount(row, minlength=n) for row in drawn])
    assert np.array_equal(rel.resample_counts(n, 1), expected)
    assert rel.RESAMPLES == 2000
    assert rel.PERCENTILES == (2.5, 97.5)


@settings(max_examples=8, deadline=None)
@given(sides(min_n=3, max_n=6))
def test_each_resample_scores_as_the_plain_score_of_the_drawn_respondents(case) -> None:
    people, scale = case
    n = len(people)
    drawn = np.random.default_rng((rel.SEED, 0, n)).integers(0, n, size=(rel.RESAMPLES, n))
    expected = [plain_score([people[i] for i in row], scale) for row in drawn[:100]]
    got = rel.resampled_scores([side_points(people, scale)], slot=0)[0]
    assert got[:100].tolist() == pytest.approx(expected, abs=1e-9)
    estimate = plain_score(people, scale)
    assert rel.side_estimate(side_points(people, scale)) == pytest.approx(estimate, abs=1e-9)
    lo, hi = np.percentile(got, rel.PERCENTILES)
    interval = rel.round_intervals([(side_points(people, scale), None)])[0].a
    estimate = rel.side_estimate(side_points(people, scale))
    assert interval == (min(lo, estimate), max(hi, estimate))


ULP = 1e-9  # far above a score's rounding on 0..100, far below any real difference


@settings(max_examples=60, deadline=None)
@given(sides(), sides())
def test_intervals_contain_their_estimate_and_exist_from_three_respondents(a, b) -> None:
    pa, pb = side_points(*a), side_points(*b)
    got = rel.round_intervals([(pa, pb)])[0]
    s_a, s_b = plain_score(*a), plain_score(*b)
    for interval, side, estimate in ((got.a, pa, s_a), (got.b, pb, s_b)):
        if side.respondents < 3:
            assert interval is None
        else:
            assert interval is not None
            # The reference score is summed in another order than the code's: the two may
            # differ in the last binary digit, never more.
            assert interval[0] - ULP <= estimate <= interval[1] + ULP
            assert interval[0] >= 0.0 and interval[1] <= 100.0
    if pa.respondents < 3 or pb.respondents < 3:
        assert got.relationship is None
    else:
        assert got.relationship is not None
        lo, hi = got.relationship
        assert lo - ULP <= math.sqrt(s_a * s_b) <= hi + ULP


@settings(max_examples=30, deadline=None)
@given(sides(min_n=3), sides(min_n=3), st.lists(sides(min_n=3, max_n=5), max_size=4))
def test_the_same_answers_give_the_same_interval_whatever_is_computed_with_them(
    a, b, others
) -> None:
    pair = (side_points(*a), side_points(*b))
    alone = rel.round_intervals([pair])[0]
    rel.resample_counts.cache_clear()
    crowd = [(side_points(*o), side_points(*o)) for o in others]
    together = rel.round_intervals([*crowd, pair, *crowd])[len(crowd)]
    assert together == alone
    assert rel.round_intervals([pair])[0] == alone


@settings(max_examples=40, deadline=None)
@given(sides(min_n=3, max_n=6))
def test_the_interval_narrows_as_respondents_are_added_on_a_fixed_spread(case) -> None:
    people, scale = case
    few = rel.round_intervals([(side_points(people, scale), None)])[0].a
    assert few is not None
    assume(few[1] - few[0] > 0)
    many = rel.round_intervals([(side_points(people * 9, scale), None)])[0].a
    assert many is not None
    assert many[1] - many[0] < few[1] - few[0]


def test_the_two_sides_of_r_are_drawn_independently() -> None:
    assert not np.array_equal(rel.resample_counts(5, 0), rel.resample_counts(5, 1))


@pytest.mark.parametrize(
    ("respondents", "wording"),
    [(0, None), (1, "indicative"), (2, "indicative"), (3, "few"), (5, "few"), (6, None)],
)
def test_low_n_wording(respondents: int, wording: str | None) -> None:
    assert rel.low_n(respondents) == wording
