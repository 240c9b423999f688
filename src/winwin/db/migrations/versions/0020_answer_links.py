"""answer links kept for copying again and revocable; "I can't say" answers

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessment_invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_token", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "answer_cant_say",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["instrument_items.id"],
            name=op.f("fk_answer_cant_say_item_id_instrument_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_answer_cant_say_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_cant_say")),
        sa.UniqueConstraint(
            "response_id", "item_id", name=op.f("uq_answer_cant_say_response_id_item_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("answer_cant_say")
    with op.batch_alter_table("assessment_invitations", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("link_token")
