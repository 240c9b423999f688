"""Pydantic schemas of the REST API, kept apart from the ORM models.

Use ``UtcDatetime`` for every time in a response: SQLite hands back naive datetimes, and
OpenAPI's ``date-time`` (RFC 3339) needs an offset. Every stored time is UTC.
"""

from winwin.accounts.schemas import UtcDatetime

__all__ = ["UtcDatetime"]
