"""Pydantic schemas of the REST API, kept apart from the ORM models.

Use ``UtcDatetime`` for every time in a response: OpenAPI's ``date-time`` (RFC 3339) needs
an offset. Stored times already read back aware in UTC (``db.base.UtcDateTime``); the
validator also covers times that did not come from a column.
"""

from winwin.accounts.schemas import UtcDatetime

__all__ = ["UtcDatetime"]
