"""The pure rules of joint actions: status transitions, overdue, what moved between rounds."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from winwin.actions import rules
from winwin.actions.rules import STATUSES, TransitionRefused, change_between, check_transition

EXPECTED = {
    ("planned", "doing"),
    ("planned", "done"),
    ("planned", "dropped"),
    ("doing", "planned"),
    ("doing", "done"),
    ("doing", "dropped"),
    ("done", "doing"),
    ("dropped", "planned"),
}


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("new", STATUSES)
def test_exactly_the_listed_moves_are_allowed(current: str, new: str) -> None:
    reason = "the budget went elsewhere" if new == "dropped" else None
    if (current, new) in EXPECTED:
        assert check_transition(current, new, reason) == reason
    else:
        with pytest.raises(TransitionRefused) as refused:
            check_transition(current, new, reason)
        assert refused.value.field == "status"


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_dropping_needs_a_reason(reason: str | None) -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition("planned", "dropped", reason)
    assert refused.value.field == "reason"


def test_only_dropped_has_a_reason_and_it_is_stripped() -> None:
    assert check_transition("doing", "dropped", "  no budget ") == "no budget"
    with pytest.raises(TransitionRefused) as refused:
        check_transition("planned", "done", "because")
    assert refused.value.field == "reason"


def test_an_unknown_status_is_named() -> None:
    with pytest.raises(TransitionRefused, match="'finished' is not one of"):
        check_transition("planned", "finished", None)


class StatusMachine(RuleBasedStateMachine):
    """Any sequence of attempted moves keeps the action in a valid state: a reason exactly
    when dropped, and a refused move changes nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.status = "planned"
        self.reason: str | None = None

    @rule(new=st.sampled_from(STATUSES), reason=st.one_of(st.none(), st.text(max_size=5)))
    def move(self, new: str, reason: str | None) -> None:
        before = (self.status, self.reason)
        try:
            kept = check_transition(self.status, new, reason)
        except TransitionRefused:
            assert (self.status, self.reason) == before
            return
        assert (self.status, new) in EXPECTED
        self.status, self.reason = new, kept

    @invariant()
    def reason_exactly_when_dropped(self) -> None:
        assert (self.reason is not None) == (self.status == "dropped")
        assert self.reason is None or self.reason == self.reason.strip() != ""


TestStatusMachine = StatusMachine.TestCase


@given(
    status=st.sampled_from(STATUSES),
    due=st.one_of(st.none(), st.dates()),
    today=st.dates(),
)
def test_overdue_is_open_and_due_before_today(status: str, due: date | None, today: date) -> None:
    expected = due is not None and status in ("planned", "doing") and due < today
    assert rules.is_overdue(status, due, today) is expected


def test_due_today_is_not_overdue_yet() -> None:
    today = date(2026, 12, 5)
    assert not rules.is_overdue("doing", today, today)
    assert rules.is_overdue("doing", today - timedelta(days=1), today)
    assert not rules.is_overdue("done", today - timedelta(days=1), today)


finite = st.floats(min_value=0, max_value=100, allow_nan=False)


@given(before=finite, after=finite)
def test_without_intervals_nobody_can_tell(before: float, after: float) -> None:
    change = change_between(before, after)
    assert change.change == after - before
    assert change.beyond_noise is None


# Widths of 0 or from 1e-6: squaring a smaller one underflows in the reference below.
widths = st.one_of(st.just(0.0), st.floats(1e-6, 30))


@given(a=finite, b=finite, w1=widths, w2=widths)
def test_beyond_noise_is_the_difference_against_the_combined_half_widths(
    a: float, b: float, w1: float, w2: float
) -> None:
    change = change_between(a, b, before_interval=(a - w1, a + w1), after_interval=(b - w2, b + w2))
    assert change.beyond_noise is (abs(b - a) > math.sqrt(w1 * w1 + w2 * w2))


@given(a=finite, shift=st.floats(0, 50), w=st.floats(0.01, 30))
def test_a_larger_move_is_never_less_beyond_noise(a: float, shift: float, w: float) -> None:
    near = change_between(a, a + shift, before_interval=(a - w, a + w), after_interval=(a, a))
    far = change_between(a, a + 2 * shift, before_interval=(a - w, a + w), after_interval=(a, a))
    assert not (near.beyond_noise and not far.beyond_noise)


def test_missing_values_have_no_change() -> None:
    assert change_between(None, 40.0).as_dict() == {
        "from": None,
        "to": 40.0,
        "change": None,
        "beyond_noise": None,
    }
    worked = change_between(40.0, 55.0, before_interval=(35, 45), after_interval=(50, 60))
    assert worked.as_dict() == {"from": 40.0, "to": 55.0, "change": 15.0, "beyond_noise": True}
    overlap = change_between(40.0, 44.0, before_interval=(35, 45), after_interval=(39, 49))
    assert overlap.beyond_noise is False
