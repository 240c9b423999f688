"""an initiative's sharing model may be the airport rule

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_constraint("method", type_="check")
        batch_op.create_check_constraint(
            "method",
            "method IS NULL OR method IN ('shapley', 'nucleolus', 'proportional', 'airport')",
        )


def downgrade() -> None:
    # An airport model has no place in the older schema: it is cleared (its frozen
    # agreements keep their copy).
    op.execute(
        "UPDATE initiatives SET method = NULL, game = NULL, shares = NULL, in_core = NULL WHERE method = 'airport'"
    )
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_constraint("method", type_="check")
        batch_op.create_check_constraint(
            "method", "method IS NULL OR method IN ('shapley', 'nucleolus', 'proportional')"
        )
