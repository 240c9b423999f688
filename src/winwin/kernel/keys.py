"""Keys and e-mail addresses: one rule each, shared by every capability and door.

Every check matches the whole text (``fullmatch``). A pattern anchored with ``^…$`` and
used with ``match`` also accepts a trailing newline, which once let ``"kuusi\\n"`` be
stored as an organisation's key.
"""

from __future__ import annotations

import re
from typing import TypeGuard

KEY_CHARS = r"[a-z0-9_-]{1,64}"
"""What a key is made of: 1-64 lowercase letters, digits, ``-`` and ``_``."""
KEY = re.compile(KEY_CHARS)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_EMAIL = 320
"""The longest address (RFC 5321's path limit, as every door has stored it)."""


def is_key(value: object) -> TypeGuard[str]:
    """Whether ``value`` is a whole key."""
    return isinstance(value, str) and KEY.fullmatch(value) is not None


def is_email(value: object) -> TypeGuard[str]:
    """Whether ``value`` is a whole, plausible e-mail address of at most 320 characters."""
    return isinstance(value, str) and len(value) <= MAX_EMAIL and EMAIL.fullmatch(value) is not None


def email_key(value: str) -> str:
    """An address as it is stored and looked up: trimmed and in lower case."""
    return value.strip().lower()
