"""Tie kinds as each side sees them, and the wait before proposing again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from winwin.network import tie_rules

ids = st.integers(min_value=1, max_value=10_000)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(tie_rules.KINDS), ids, ids)
def test_each_side_reads_the_accepted_tie_as_it_was_proposed(kind: str, p: int, o: int) -> None:
    assume(p != o)
    tie = tie_rules.stored_tie(kind, p, o)
    assert tie_rules.kind_for(tie, p) == kind
    assert tie_rules.kind_for(tie, o) == tie_rules.seen_by_other(kind)
    # The other side proposing the mirror kind stores the very same tie.
    assert tie_rules.stored_tie(tie_rules.seen_by_other(kind), o, p) == tie
    assert tie[0] in ("supplies", "partners")
    if tie[0] == "partners":
        assert tie[1] < tie[2]


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=60 * 24 * 3600))
def test_proposing_again_waits_exactly_30_days(seconds: int) -> None:
    decided = datetime(2026, 1, 1, tzinfo=UTC)
    now = decided + timedelta(seconds=seconds)
    again = tie_rules.may_propose_again(decided, now)
    if seconds < 30 * 24 * 3600:
        assert again == decided + timedelta(days=30)
    else:
        assert again is None
