"""crm uploads: an uploaded customer or supplier list is kept in its own table until its
job ends, and the job's arguments name only its id

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

CRM_JOB = "network.crm_match"


def upgrade() -> None:
    uploads = op.create_table(
        "crm_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_crm_uploads_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["users.id"],
            name=op.f("fk_crm_uploads_uploaded_by_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_uploads")),
    )
    op.create_index(op.f("ix_crm_uploads_org_id"), "crm_uploads", ["org_id"])
    # Uploads made before: a finished job forgets its file; a waiting one keeps it here.
    jobs = sa.table(
        "jobs",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("status", sa.String),
        sa.column("started_by", sa.Integer),
        sa.column("arguments", sa.JSON),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    orgs = sa.table("organizations", sa.column("id", sa.Integer), sa.column("key", sa.String))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            jobs.c.id, jobs.c.status, jobs.c.started_by, jobs.c.arguments, jobs.c.created_at
        ).where(jobs.c.kind == CRM_JOB)
    ).all()
    for job_id, status, started_by, arguments, created_at in rows:
        if isinstance(arguments, str):
            arguments = json.loads(arguments)
        if not isinstance(arguments, dict) or "text" not in arguments:
            continue
        text = arguments.pop("text")
        org_id = bind.execute(
            sa.select(orgs.c.id).where(orgs.c.key == arguments.get("org"))
        ).scalar()
        if status in ("queued", "running") and org_id is not None:
            arguments["upload"] = bind.execute(
                uploads.insert()
                .values(
                    org_id=org_id,
                    uploaded_by=started_by,
                    content=str(text).encode("utf-8"),
                    created_at=created_at,
                )
                .returning(uploads.c.id)
            ).scalar()
        bind.execute(jobs.update().where(jobs.c.id == job_id).values(arguments=arguments))


def downgrade() -> None:
    op.drop_index(op.f("ix_crm_uploads_org_id"), table_name="crm_uploads")
    op.drop_table("crm_uploads")
