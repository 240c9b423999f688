"""joint actions: actions and their history; notifications of overdue actions

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OLD_KINDS = ("comment", "idea", "coauthor", "stage", "shared")
NEW_KINDS = (*OLD_KINDS, "overdue")


def _kinds(kinds: tuple[str, ...]) -> str:
    return ", ".join(f"'{k}'" for k in kinds)


def upgrade() -> None:
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("a_id", sa.Integer(), nullable=False),
        sa.Column("b_id", sa.Integer(), nullable=False),
        sa.Column("by_org_id", sa.Integer(), nullable=False),
        sa.Column("factor", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("owner_a_user_id", sa.Integer(), nullable=True),
        sa.Column("owner_b_user_id", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "factor IN ('accessibility', 'energy', 'impact', 'attraction')",
            name=op.f("ck_actions_factor"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'doing', 'done', 'dropped')", name=op.f("ck_actions_status")
        ),
        sa.CheckConstraint("a_id < b_id", name=op.f("ck_actions_pair_order")),
        sa.ForeignKeyConstraint(
            ["a_id"],
            ["organizations.id"],
            name=op.f("fk_actions_a_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["b_id"],
            ["organizations.id"],
            name=op.f("fk_actions_b_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_org_id"],
            ["organizations.id"],
            name=op.f("fk_actions_by_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_actions_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_a_user_id"],
            ["users.id"],
            name=op.f("fk_actions_owner_a_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_b_user_id"],
            ["users.id"],
            name=op.f("fk_actions_owner_b_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index("ix_actions_due", ["due"], unique=False)
        batch_op.create_index("ix_actions_pair", ["a_id", "b_id"], unique=False)

    op.create_table(
        "action_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_events_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_action_events_org_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_action_events_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_events")),
    )
    with op.batch_alter_table("action_events", schema=None) as batch_op:
        batch_op.create_index("ix_action_events_action_id", ["action_id"], unique=False)

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action_id", sa.Integer(), nullable=True))
        batch_op.alter_column("item_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index("ix_notifications_action_id", ["action_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_action_id_actions"),
            "actions",
            ["action_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.drop_constraint(batch_op.f("ck_notifications_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_notifications_kind"), f"kind IN ({_kinds(NEW_KINDS)})"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_notifications_subject"), "(item_id IS NULL) <> (action_id IS NULL)"
        )


def downgrade() -> None:
    op.execute("DELETE FROM notifications WHERE item_id IS NULL")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notifications_subject"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_notifications_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_notifications_kind"), f"kind IN ({_kinds(OLD_KINDS)})"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_notifications_action_id_actions"), type_="foreignkey"
        )
        batch_op.drop_index("ix_notifications_action_id")
        batch_op.alter_column("item_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("action_id")

    with op.batch_alter_table("action_events", schema=None) as batch_op:
        batch_op.drop_index("ix_action_events_action_id")

    op.drop_table("action_events")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_pair")
        batch_op.drop_index("ix_actions_due")

    op.drop_table("actions")
