"""document keys: joint actions and initiatives carry an optional key, unique, by which
the network document identifies them across imports

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("actions", "initiatives"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("key", sa.String(length=64), nullable=True))
            batch_op.create_index(f"ix_{table}_key", ["key"], unique=True)


def downgrade() -> None:
    for table in ("actions", "initiatives"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f"ix_{table}_key")
            batch_op.drop_column("key")
