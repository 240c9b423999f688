"""Time in one zone: every stored or compared moment is an aware UTC ``datetime``.

Pure: the column type that applies this rule to every ``datetime`` column lives in
``winwin.db.base`` (``UtcDateTime``), so services never repair naive values themselves.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """The same moment, aware and in UTC. A naive value is taken to be UTC already:
    SQLite keeps no zone, and the documents write UTC (``…Z``)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
