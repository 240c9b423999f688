"""ties by consent: tie proposals, the tie log, competitors' declaring sides, tie notifications

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OLD_KINDS = ("comment", "idea", "coauthor", "stage", "shared", "overdue")
NEW_KINDS = (
    *OLD_KINDS,
    "tie_proposed",
    "tie_accepted",
    "tie_declined",
    "tie_withdrawn",
    "tie_ended",
)
OLD_SUBJECT = "(item_id IS NULL) <> (action_id IS NULL)"
NEW_SUBJECT = (
    "(CASE WHEN item_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN action_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN tie_proposal_id IS NULL THEN 0 ELSE 1 END) = 1"
)


def _kinds(kinds: tuple[str, ...]) -> str:
    return ", ".join(f"'{k}'" for k in kinds)


def upgrade() -> None:
    op.create_table(
        "tie_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=False),
        sa.Column("to_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('supplies', 'buys', 'partners')", name=op.f("ck_tie_proposals_kind")
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'declined', 'withdrawn', 'ended')",
            name=op.f("ck_tie_proposals_status"),
        ),
        sa.CheckConstraint("from_id <> to_id", name=op.f("ck_tie_proposals_not_self")),
        sa.ForeignKeyConstraint(
            ["from_id"],
            ["organizations.id"],
            name=op.f("fk_tie_proposals_from_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_id"],
            ["organizations.id"],
            name=op.f("fk_tie_proposals_to_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_user_id"],
            ["users.id"],
            name=op.f("fk_tie_proposals_proposed_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tie_proposals")),
    )
    with op.batch_alter_table("tie_proposals", schema=None) as batch_op:
        batch_op.create_index("ix_tie_proposals_from_to", ["from_id", "to_id"], unique=False)
        batch_op.create_index("ix_tie_proposals_to_id", ["to_id"], unique=False)

    op.create_table(
        "tie_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('proposed', 'accepted', 'declined', 'withdrawn', 'ended', "
            "'competitor_declared', 'competitor_withdrawn')",
            name=op.f("ck_tie_events_action"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_tie_events_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["organizations.id"],
            name=op.f("fk_tie_events_other_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["organizations.id"],
            name=op.f("fk_tie_events_by_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_tie_events_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tie_events")),
    )
    with op.batch_alter_table("tie_events", schema=None) as batch_op:
        batch_op.create_index("ix_tie_events_org_at", ["org_id", "at"], unique=False)

    # Pairs stored before declarations had a side were declared by both sides.
    with op.batch_alter_table("competitors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("declared_by_a", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("declared_by_b", sa.Boolean(), nullable=False, server_default=sa.true())
        )

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tie_proposal_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_notifications_tie_proposal_id", ["tie_proposal_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_tie_proposal_id_tie_proposals"),
            "tie_proposals",
            ["tie_proposal_id"],
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
    op.execute("DELETE FROM notifications WHERE tie_proposal_id IS NOT NULL")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notifications_kind"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_notifications_subject"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_notifications_kind"), f"kind IN ({_kinds(OLD_KINDS)})"
        )
        batch_op.create_check_constraint(batch_op.f("ck_notifications_subject"), OLD_SUBJECT)
        batch_op.drop_constraint(
            batch_op.f("fk_notifications_tie_proposal_id_tie_proposals"), type_="foreignkey"
        )
        batch_op.drop_index("ix_notifications_tie_proposal_id")
        batch_op.drop_column("tie_proposal_id")
    with op.batch_alter_table("competitors", schema=None) as batch_op:
        batch_op.drop_column("declared_by_b")
        batch_op.drop_column("declared_by_a")
    op.drop_table("tie_events")
    op.drop_table("tie_proposals")
