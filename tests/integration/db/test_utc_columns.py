"""Every ``datetime`` column reads back aware and in UTC on both databases, whatever
offset it was written with (``db.base.UtcDateTime``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from winwin.network.models import Organization


def test_a_moment_written_with_an_offset_reads_back_as_the_same_instant_in_utc(
    session: Session,
) -> None:
    helsinki = timezone(timedelta(hours=2))
    written = datetime(2026, 12, 5, 14, 30, 15, 123456, tzinfo=helsinki)
    org = Organization(key="kello", name="Kello Oy", country="FI")
    session.add(org)
    session.flush()
    org.created_at = written
    session.flush()
    session.expire_all()
    read = session.scalar(select(Organization.created_at).where(Organization.key == "kello"))
    assert read is not None
    assert read.tzinfo is not None
    assert read.utcoffset() == timedelta(0)
    assert read == written
    assert read.replace(tzinfo=None) == datetime(2026, 12, 5, 12, 30, 15, 123456)
    assert read.astimezone(UTC) == read
