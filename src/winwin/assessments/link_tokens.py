"""Answer links' tokens at rest: kept sealed, so that a copy of the database holds none.

The token of a personal answer link is kept with its invitation so that whoever may
invite for the side can copy the link again (``InvitationRead.token``). It is stored
sealed (``assessment_invitations.link_token``): Fernet under a key derived with HKDF from
``WINWIN_SECRET_KEY`` (``winwin.mail.sealing``, with this purpose's own ``INFO``), so
the row, a backup or a dump gives no way to answer without the secret, which lives only
in the environment. The link is still found by the SHA-256 digest of its token
(``token_hash``), which needs no secret.

Without ``WINWIN_SECRET_KEY`` (development and tests only; production refuses to start
without it) tokens are sealed under a fixed development key, so that links can be copied
again after a restart; such a database protects nothing. A token sealed under another
secret than the configured one cannot be opened: its row then offers a new link, as for
an invitation made before links were kept.
"""

from __future__ import annotations

import logging

from winwin.kernel.errors import WinwinError
from winwin.mail import sealing
from winwin.settings import Settings

log = logging.getLogger("winwin.assessments")

INFO = b"winwin/answer-link-token/1"
DEVELOPMENT_SECRET = "winwin-development-only-answer-links-are-not-protected"


class NoSecretKey(WinwinError):
    """Production has no WINWIN_SECRET_KEY to seal answer links under."""


def secret_key(settings: Settings | None = None) -> str:
    """The secret answer links are sealed under: ``WINWIN_SECRET_KEY``, else (outside
    production) the fixed development key."""
    settings = settings or Settings()
    if settings.secret_key:
        return settings.secret_key
    if settings.environment == "production":
        raise NoSecretKey("WINWIN_SECRET_KEY must be set when WINWIN_ENVIRONMENT=production")
    return DEVELOPMENT_SECRET


def seal_token(token: str, *, secret: str) -> str:
    """The token as it is stored."""
    return sealing.seal(token, secret=secret, info=INFO)


def open_token(stored: str | None, *, secret: str) -> str | None:
    """The token of a stored (sealed) one; None when there is none or it cannot be opened
    with ``secret`` (sealed under another secret key)."""
    if stored is None:
        return None
    try:
        return sealing.unseal(stored, secret=secret, info=INFO, only=True)
    except sealing.Unsealable:
        log.warning("an answer link was sealed under another WINWIN_SECRET_KEY; offer a new link")
        return None
