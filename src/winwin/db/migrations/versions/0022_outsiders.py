"""outsiders: people who belong to no organisation take part in public challenges; sign-up
and verification attempts are counted beside sign-in attempts; comments and votes by an
outsider carry no organisation

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('member', 'org_admin', 'facilitator', 'platform_admin')"
NEW_ROLES = "role IN ('member', 'org_admin', 'facilitator', 'platform_admin', 'outsider')"


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint("role", NEW_ROLES)
        batch_op.create_check_constraint("outsider_no_org", "role <> 'outsider' OR org_id IS NULL")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("purpose", sa.String(length=16), server_default="sign-in", nullable=False)
        )
        batch_op.create_index("ix_login_attempts_purpose_ip", ["purpose", "ip", "created_at"])
    for table in ("innovation_comments", "innovation_votes"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("org_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # Outsiders' comments and votes have no organisation to fall back on; they go.
    for table in ("innovation_comments", "innovation_votes"):
        op.execute(sa.text(f"DELETE FROM {table} WHERE org_id IS NULL"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("org_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_purpose_ip")
        batch_op.drop_column("purpose")
    op.execute(sa.text("DELETE FROM users WHERE role = 'outsider'"))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_outsider_no_org"), type_="check")
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint("role", OLD_ROLES)
