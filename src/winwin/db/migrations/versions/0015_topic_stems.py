"""topic stems: the competition guard matches topics after Snowball stemming

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from winwin.sharing.topics import topic_stems

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "topic_stems",
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("stem", sa.String(length=240), nullable=False),
        sa.PrimaryKeyConstraint("topic", "stem", name=op.f("pk_topic_stems")),
    )
    op.create_index("ix_topic_stems_stem", "topic_stems", ["stem"])
    bind = op.get_bind()
    topics = bind.execute(sa.text("SELECT DISTINCT topic FROM item_topics")).scalars().all()
    rows = [{"topic": t, "stem": s} for t in topics for s in sorted(topic_stems(t))]
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_index("ix_topic_stems_stem", table_name="topic_stems")
    op.drop_table("topic_stems")
