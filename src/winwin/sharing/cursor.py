"""Opaque feed cursors: the last entry's ``(created_at, id)``, signed with the app secret.

A cursor is never an item key, so paging cannot be used to learn whether a hidden item
exists or when it was created. A malformed, tampered or foreign cursor is refused with
the same ``InvalidInput`` naming ``before``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from winwin.kernel.errors import InvalidInput
from winwin.kernel.time import as_utc
from winwin.sharing import refusals

_TAG = b"winwin-feed-cursor-v1"
_MAC_BYTES = 16
_MAX_CURSOR = 200


def _mac(secret: str, payload: bytes) -> bytes:
    key = hashlib.sha256(_TAG + secret.encode()).digest()
    return hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_BYTES]


def encode(secret: str, created_at: datetime, item_id: int) -> str:
    """The cursor for "entries older than this one"."""
    payload = f"{as_utc(created_at).isoformat()}|{item_id}".encode()
    raw = _mac(secret, payload) + payload
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(secret: str, cursor: str | None) -> tuple[datetime, int] | None:
    """``(created_at, id)`` of a cursor this server signed, else ``InvalidInput``."""
    if cursor is None:
        return None
    refused = InvalidInput(refusals.NOT_A_CURSOR("before"))
    if not cursor or len(cursor) > _MAX_CURSOR or not cursor.isascii():
        raise refused
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except ValueError:
        raise refused from None
    mac, payload = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
    if len(mac) != _MAC_BYTES or not hmac.compare_digest(mac, _mac(secret, payload)):
        raise refused
    try:
        at, _, ident = payload.decode().partition("|")
        created, item_id = datetime.fromisoformat(at), int(ident)
    except ValueError:
        raise refused from None
    if created.tzinfo is None:
        raise refused
    return created, item_id
