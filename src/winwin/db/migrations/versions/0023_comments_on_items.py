"""comments on items: any item takes comments, not only challenges and ideas

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("innovation_comments", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_innovation_comments_item_id_innovation_entries", type_="foreignkey"
        )
        batch_op.create_foreign_key(
            "fk_innovation_comments_item_id_items", "items", ["item_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    # Comments on items that are neither challenges nor ideas have no place in the old shape.
    op.execute(
        "DELETE FROM innovation_comments WHERE item_id NOT IN "
        "(SELECT item_id FROM innovation_entries)"
    )
    with op.batch_alter_table("innovation_comments", schema=None) as batch_op:
        batch_op.drop_constraint("fk_innovation_comments_item_id_items", type_="foreignkey")
        batch_op.create_foreign_key(
            "fk_innovation_comments_item_id_innovation_entries",
            "innovation_entries",
            ["item_id"],
            ["item_id"],
            ondelete="CASCADE",
        )
