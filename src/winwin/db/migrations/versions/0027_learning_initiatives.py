"""learning initiatives: an initiative's kind, and the actions that are a learning
initiative's goals

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="joint", nullable=False)
        )
        batch_op.create_check_constraint("kind", "kind IN ('joint', 'learning')")
    op.create_table(
        "initiative_goals",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_initiative_goals_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_goals_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("initiative_id", "action_id", name=op.f("pk_initiative_goals")),
        sa.UniqueConstraint("action_id", name=op.f("uq_initiative_goals_action_id")),
    )


def downgrade() -> None:
    op.drop_table("initiative_goals")
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_constraint("kind", type_="check")
        batch_op.drop_column("kind")
