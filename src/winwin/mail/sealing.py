"""Sealing one-time links while they wait in the job queue.

A mail job must carry its link (a reset, invitation or answer link is a password in all
but name) through the ``jobs`` table, which backups copy and operators read. It carries
it sealed: Fernet (AES-128-CBC with HMAC-SHA256, from the ``cryptography`` package) under
a key derived with HKDF from ``WINWIN_SECRET_KEY``, so the row, a backup or a database
dump holds no usable link without the secret, which lives only in the environment.

The same sealing keeps answer links' tokens at rest (``winwin.assessments.link_tokens``)
under a key of their own (another HKDF ``info``).

A process can always open what it sealed itself (the SQLite job thread, and development
without a configured secret); a separate ``winwin worker`` opens links sealed by the web
tier when both have the same ``WINWIN_SECRET_KEY``, which production requires anyway.
"""

from __future__ import annotations

import base64
import secrets
import threading

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from winwin.kernel.errors import WinwinError

INFO = b"winwin/mail-link/1"

# Secrets this process has sealed with (by purpose); the configured one is added when opening.
_seen: dict[tuple[str, bytes], Fernet] = {}
_lock = threading.Lock()
_process_secret = secrets.token_urlsafe(32)


class Unsealable(WinwinError):
    """A sealed link cannot be opened: another secret key sealed it, or it was altered."""


def _fernet(secret: str, info: bytes) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        secret.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _for(secret: str | None, info: bytes) -> Fernet:
    secret = secret or _process_secret
    with _lock:
        fernet = _seen.get((secret, info))
        if fernet is None:
            fernet = _seen[(secret, info)] = _fernet(secret, info)
        return fernet


def seal(link: str, *, secret: str | None, info: bytes = INFO) -> str:
    """The link sealed under ``secret`` (None: this process's own, for development)."""
    return _for(secret, info).encrypt(link.encode("utf-8")).decode("ascii")


def unseal(sealed: str, *, secret: str | None, info: bytes = INFO, only: bool = False) -> str:
    """The link, opened with ``secret`` or any secret this process sealed with (``only``:
    with ``secret`` alone, for what is kept at rest rather than handed between processes)."""
    keys = [_for(secret, info)]
    if not only:
        with _lock:
            keys += [f for (_s, i), f in _seen.items() if i == info and f is not keys[0]]
    try:
        return MultiFernet(keys).decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise Unsealable(
            "the link was sealed with another secret key: give the server and the worker "
            "the same WINWIN_SECRET_KEY"
        ) from exc
