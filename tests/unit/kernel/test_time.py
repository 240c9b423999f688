"""One zone for every moment: ``kernel.time.as_utc``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from winwin.kernel.time import as_utc, utcnow

offsets = st.integers(min_value=-23 * 60, max_value=23 * 60).map(
    lambda m: timezone(timedelta(minutes=m))
)
moments = st.datetimes(
    min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=offsets
)


@given(moments)
def test_an_aware_moment_keeps_its_instant_and_reads_in_utc(value: datetime) -> None:
    converted = as_utc(value)
    assert converted.tzinfo is UTC
    assert converted == value
    assert as_utc(converted) == converted


@given(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)))
def test_a_naive_moment_is_taken_as_utc(value: datetime) -> None:
    converted = as_utc(value)
    assert converted.tzinfo is UTC
    assert converted.replace(tzinfo=None) == value


def test_now_is_aware_utc() -> None:
    assert utcnow().tzinfo is UTC
