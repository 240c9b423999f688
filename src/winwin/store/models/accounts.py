"""Tables for people, their accounts, sessions and API tokens."""

from __future__ import annotations
