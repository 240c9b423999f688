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

Rotating the secret: what was sealed under a secret listed in
``WINWIN_SECRET_KEY_PREVIOUS`` (comma-separated) still opens, through
``cryptography.fernet.MultiFernet``, for either purpose; new seals always use the current
secret, and :func:`reseal` moves a sealed value to it; ``winwin secrets reseal``
(``winwin.ops.resealing``) moves every kept one (docs/operations.md, "Rotating the
secret key").
"""

from __future__ import annotations

import base64
import os
import secrets
import threading
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from winwin.kernel.errors import WinwinError
from winwin.settings import split_secrets

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


def _configured_previous() -> tuple[str, ...]:
    # Read straight from the environment, as Settings reads it: this runs for every kept
    # link a page shows.
    return split_secrets(os.environ.get("WINWIN_SECRET_KEY_PREVIOUS", ""))


def _keys(
    secret: str | None, info: bytes, *, only: bool, previous: Sequence[str] | None
) -> MultiFernet:
    """``secret`` first (it seals), then the previous secrets (default:
    ``WINWIN_SECRET_KEY_PREVIOUS``), then, unless ``only``, any other secret this process
    sealed with for the same purpose."""
    if previous is None:
        previous = _configured_previous()
    keys = [_for(secret, info)]
    keys += [_for(p, info) for p in previous if p and p != secret]
    if not only:
        with _lock:
            keys += [
                f for (_s, i), f in _seen.items() if i == info and all(f is not k for k in keys)
            ]
    return MultiFernet(keys)


def unseal(
    sealed: str,
    *,
    secret: str | None,
    info: bytes = INFO,
    only: bool = False,
    previous: Sequence[str] | None = None,
) -> str:
    """The link, opened with ``secret``, one of the ``previous`` secrets (default:
    ``WINWIN_SECRET_KEY_PREVIOUS``) or any secret this process sealed with (``only``: with
    the configured secrets alone, for what is kept at rest rather than handed between
    processes)."""
    try:
        keys = _keys(secret, info, only=only, previous=previous)
        return keys.decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise Unsealable(
            "the link was sealed with another secret key: give the server and the worker "
            "the same WINWIN_SECRET_KEY (and, after changing it, the old one in "
            "WINWIN_SECRET_KEY_PREVIOUS)"
        ) from exc


def reseal(
    sealed: str,
    *,
    secret: str | None,
    info: bytes = INFO,
    previous: Sequence[str] | None = None,
) -> str:
    """The same value sealed under ``secret``, from a seal that the configured secrets
    open (so that a previous secret can be dropped once nothing waits under it)."""
    try:
        keys = _keys(secret, info, only=True, previous=previous)
        return keys.rotate(sealed.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise Unsealable("the value was sealed with another secret key") from exc
