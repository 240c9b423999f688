"""round minimum: the fewest respondents a side needs before its factors are shown

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("min_respondents", sa.Integer(), server_default="3", nullable=False)
        )
        batch_op.create_check_constraint("min_respondents", "min_respondents BETWEEN 1 AND 1000")


def downgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_constraint("ck_assessments_min_respondents", type_="check")
        batch_op.drop_column("min_respondents")
