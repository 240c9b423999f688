"""tie sharing: per-partner sharing levels of customer lists, the audit of graph reads

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

LEVEL_CHECK = "level IN ('hidden', 'counts', 'overlap', 'all')"


def upgrade() -> None:
    op.create_table(
        "tie_sharing_defaults",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.CheckConstraint(LEVEL_CHECK, name=op.f("ck_tie_sharing_defaults_level")),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_tie_sharing_defaults_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_tie_sharing_defaults")),
    )
    op.create_table(
        "tie_sharing",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.CheckConstraint(LEVEL_CHECK, name=op.f("ck_tie_sharing_level")),
        sa.CheckConstraint("org_id <> partner_id", name=op.f("ck_tie_sharing_not_self")),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_tie_sharing_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["organizations.id"],
            name=op.f("fk_tie_sharing_partner_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "partner_id", name=op.f("pk_tie_sharing")),
    )
    op.create_index("ix_tie_sharing_partner_id", "tie_sharing", ["partner_id"])
    op.create_table(
        "graph_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("what", sa.String(length=64), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_graph_reads_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graph_reads")),
    )
    op.create_index("ix_graph_reads_read_at", "graph_reads", ["read_at"])


def downgrade() -> None:
    op.drop_index("ix_graph_reads_read_at", table_name="graph_reads")
    op.drop_table("graph_reads")
    op.drop_index("ix_tie_sharing_partner_id", table_name="tie_sharing")
    op.drop_table("tie_sharing")
    op.drop_table("tie_sharing_defaults")
