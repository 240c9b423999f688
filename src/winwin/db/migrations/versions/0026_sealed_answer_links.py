"""sealed answer links: the kept token of each answer link is stored sealed under
WINWIN_SECRET_KEY (unsealed again on downgrade)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06

The sealing is written out here rather than imported, so that this migration keeps doing
what it did when ``winwin.assessments.link_tokens`` changes: Fernet under a key derived
with HKDF-SHA256 (no salt, info ``winwin/answer-link-token/1``) from WINWIN_SECRET_KEY,
or, outside production, from the fixed development key. In production the secret must be
set in the environment of ``winwin init``; a token that cannot be opened on downgrade
(another secret) is dropped, and its row offers a new link.
"""

from __future__ import annotations

import base64
import os

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

INFO = b"winwin/answer-link-token/1"
DEVELOPMENT_SECRET = "winwin-development-only-answer-links-are-not-protected"

invitations = sa.table(
    "assessment_invitations",
    sa.column("id", sa.Integer()),
    sa.column("link_token", sa.String(200)),
)


def _fernet() -> Fernet:
    secret = os.environ.get("WINWIN_SECRET_KEY") or ""
    if not secret:
        if os.environ.get("WINWIN_ENVIRONMENT") == "production":
            raise RuntimeError(
                "WINWIN_SECRET_KEY must be set to seal the answer links (WINWIN_ENVIRONMENT=production)"
            )
        secret = DEVELOPMENT_SECRET
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(
        secret.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _kept() -> list[tuple[int, str]]:
    rows = op.get_bind().execute(
        sa.select(invitations.c.id, invitations.c.link_token).where(
            invitations.c.link_token.is_not(None)
        )
    )
    return [(row.id, row.link_token) for row in rows]


def _store(values: dict[int, str | None]) -> None:
    bind = op.get_bind()
    for invitation_id, stored in values.items():
        bind.execute(
            sa.update(invitations)
            .where(invitations.c.id == invitation_id)
            .values(link_token=stored)
        )


def upgrade() -> None:
    fernet = _fernet()
    _store({i: fernet.encrypt(token.encode("utf-8")).decode("ascii") for i, token in _kept()})


def downgrade() -> None:
    fernet = _fernet()
    opened: dict[int, str | None] = {}
    for invitation_id, sealed in _kept():
        try:
            opened[invitation_id] = fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError, ValueError):
            opened[invitation_id] = None
    _store(opened)
