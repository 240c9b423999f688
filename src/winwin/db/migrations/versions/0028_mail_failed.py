"""failed mail told where its starter acts: what a job is about (``jobs.subject``), and
notifications about a job (a mail that could not be delivered)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
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
    "agreement",
    "agreement_reply",
)
NEW_KINDS = (*OLD_KINDS, "mail_failed")
OLD_SUBJECT = (
    "(CASE WHEN item_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN action_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN tie_proposal_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN agreement_proposal_id IS NULL THEN 0 ELSE 1 END) = 1"
)
NEW_SUBJECT = (
    "(CASE WHEN item_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN action_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN tie_proposal_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN agreement_proposal_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN job_id IS NULL THEN 0 ELSE 1 END) = 1"
)


def _kinds(kinds: tuple[str, ...]) -> str:
    return ", ".join(f"'{k}'" for k in kinds)


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=80), nullable=True))
        batch_op.create_index("ix_jobs_subject", ["subject"])
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_notifications_job_id", ["job_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_job_id_jobs"),
            "jobs",
            ["job_id"],
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
    op.execute("DELETE FROM notifications WHERE job_id IS NOT NULL")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notifications_kind"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_notifications_subject"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_notifications_kind"), f"kind IN ({_kinds(OLD_KINDS)})"
        )
        batch_op.create_check_constraint(batch_op.f("ck_notifications_subject"), OLD_SUBJECT)
        batch_op.drop_constraint(batch_op.f("fk_notifications_job_id_jobs"), type_="foreignkey")
        batch_op.drop_index("ix_notifications_job_id")
        batch_op.drop_column("job_id")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_subject")
        batch_op.drop_column("subject")
