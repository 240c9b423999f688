"""joint initiatives: parties, contributions, sharing model and frozen agreements

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "initiatives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("expected_value", sa.Double(), nullable=True),
        sa.Column("proposed_by_org_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=True),
        sa.Column("game", sa.JSON(), nullable=True),
        sa.Column("shares", sa.JSON(), nullable=True),
        sa.Column("in_core", sa.Boolean(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("agreed_version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "method IS NULL OR method IN ('shapley', 'nucleolus', 'proportional')",
            name=op.f("ck_initiatives_method"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_org_id"],
            ["organizations.id"],
            name=op.f("fk_initiatives_proposed_by_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiatives")),
    )
    op.create_table(
        "initiative_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_agreements_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_agreements")),
        sa.UniqueConstraint(
            "initiative_id", "version", name=op.f("uq_initiative_agreements_initiative_id_version")
        ),
    )
    op.create_table(
        "initiative_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Double(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_initiative_contributions_amount")),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_contributions_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_initiative_contributions_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_contributions")),
    )
    with op.batch_alter_table("initiative_contributions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_initiative_contributions_initiative_id", ["initiative_id"], unique=False
        )

    op.create_table(
        "initiative_parties",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("agreed_version", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('invited', 'accepted', 'declined')",
            name=op.f("ck_initiative_parties_status"),
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_parties_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_initiative_parties_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("initiative_id", "org_id", name=op.f("pk_initiative_parties")),
    )
    with op.batch_alter_table("initiative_parties", schema=None) as batch_op:
        batch_op.create_index("ix_initiative_parties_org_id", ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("initiative_parties", schema=None) as batch_op:
        batch_op.drop_index("ix_initiative_parties_org_id")

    op.drop_table("initiative_parties")
    with op.batch_alter_table("initiative_contributions", schema=None) as batch_op:
        batch_op.drop_index("ix_initiative_contributions_initiative_id")

    op.drop_table("initiative_contributions")
    op.drop_table("initiative_agreements")
    op.drop_table("initiatives")
