"""an index on the agreements' status, for the visibility checkpoint's agreement hold

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_agreements_status", "agreements", ["status"])


def downgrade() -> None:
    op.drop_index("ix_agreements_status", table_name="agreements")
