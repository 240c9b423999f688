"""agreement history: proposals to revise or end an agreement, who proposed and decided,
and notifications about agreement proposals

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "comment",
    "idea",
    "coauthor",
    "stage",
    "shared",
    "overdue",
    "tie_proposed",
    "tie_accepted",
    "tie_declined",
    "tie_withdrawn",
    "tie_ended",
)
NEW_KINDS = (*OLD_KINDS, "agreement", "agreement_reply")
OLD_SUBJECT = (
    "(CASE WHEN item_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN action_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN tie_proposal_id IS NULL THEN 0 ELSE 1 END) = 1"
)
NEW_SUBJECT = (
    "(CASE WHEN item_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN action_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN tie_proposal_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN agreement_proposal_id IS NULL THEN 0 ELSE 1 END) = 1"
)


def _kinds(kinds: tuple[str, ...]) -> str:
    return ", ".join(f"'{k}'" for k in kinds)


def upgrade() -> None:
    with op.batch_alter_table("agreement_proposals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="add", nullable=False)
        )
        batch_op.add_column(sa.Column("proposed_by_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_by_user_id", sa.Integer(), nullable=True))
        batch_op.create_check_constraint("kind", "kind IN ('add', 'revise', 'end')")
        batch_op.create_foreign_key(
            batch_op.f("fk_agreement_proposals_proposed_by_user_id_users"),
            "users",
            ["proposed_by_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_agreement_proposals_decided_by_user_id_users"),
            "users",
            ["decided_by_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreement_proposal_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_notifications_agreement_proposal_id", ["agreement_proposal_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_agreement_proposal_id_agreement_proposals"),
            "agreement_proposals",
            ["agreement_proposal_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.drop_constraint(batch_op.f("ck_notifications_subject"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_notifications_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_notifications_subject"), NEW_SUBJECT)
        batch_op.create_check_constraint(
            batch_op.f("ck_notifications_kind"), f"kind IN ({_kinds(NEW_KINDS)})"
        )


def downgrade() -> None:
    op.execute("DELETE FROM notifications WHERE agreement_proposal_id IS NOT NULL")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notifications_kind"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_notifications_subject"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_notifications_kind"), f"kind IN ({_kinds(OLD_KINDS)})"
        )
        batch_op.create_check_constraint(batch_op.f("ck_notifications_subject"), OLD_SUBJECT)
        batch_op.drop_constraint(
            batch_op.f("fk_notifications_agreement_proposal_id_agreement_proposals"),
            type_="foreignkey",
        )
        batch_op.drop_index("ix_notifications_agreement_proposal_id")
        batch_op.drop_column("agreement_proposal_id")
    op.execute("DELETE FROM agreement_proposals WHERE kind <> 'add'")
    with op.batch_alter_table("agreement_proposals", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_agreement_proposals_decided_by_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_agreement_proposals_proposed_by_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint("ck_agreement_proposals_kind", type_="check")
        batch_op.drop_column("decided_by_user_id")
        batch_op.drop_column("proposed_by_user_id")
        batch_op.drop_column("kind")
