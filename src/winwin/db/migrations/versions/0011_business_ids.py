"""business ids: organisations carry an optional, unique Y-tunnus or EU VAT number

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("business_id", sa.String(length=20), nullable=True))
        batch_op.create_index("ix_organizations_business_id", ["business_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index("ix_organizations_business_id")
        batch_op.drop_column("business_id")
