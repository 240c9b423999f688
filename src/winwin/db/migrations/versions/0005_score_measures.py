"""score measures: alpha per side and factor, bootstrap intervals of S and R

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "score_measures",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("a_alpha_accessibility", sa.Double(), nullable=True),
        sa.Column("a_alpha_energy", sa.Double(), nullable=True),
        sa.Column("a_alpha_impact", sa.Double(), nullable=True),
        sa.Column("a_alpha_attraction", sa.Double(), nullable=True),
        sa.Column("b_alpha_accessibility", sa.Double(), nullable=True),
        sa.Column("b_alpha_energy", sa.Double(), nullable=True),
        sa.Column("b_alpha_impact", sa.Double(), nullable=True),
        sa.Column("b_alpha_attraction", sa.Double(), nullable=True),
        sa.Column("a_ci_low", sa.Double(), nullable=True),
        sa.Column("a_ci_high", sa.Double(), nullable=True),
        sa.Column("b_ci_low", sa.Double(), nullable=True),
        sa.Column("b_ci_high", sa.Double(), nullable=True),
        sa.Column("r_ci_low", sa.Double(), nullable=True),
        sa.Column("r_ci_high", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_score_measures_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", name=op.f("pk_score_measures")),
    )
    # Rounds answered before this revision get their measures now, from their answers.
    from winwin.assessments.measures import refresh_measures

    refresh_measures(op.get_bind(), None)


def downgrade() -> None:
    op.drop_table("score_measures")
