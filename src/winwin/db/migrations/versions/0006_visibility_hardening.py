"""sticky exclusions (organization_places) and topics in their normal form

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _normal(text: str) -> str:
    # domain.topics.normalize_topic, frozen here so the migration never changes meaning.
    return " ".join(text.split()).casefold()


def _normalise_topics(table: str, owner: str) -> None:
    """Store every topic in its normal form, dropping the duplicates that makes."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT id, {owner}, topic FROM {table} ORDER BY id")).all()
    kept: set[tuple[int, str]] = set()
    drop: list[int] = []
    change: list[dict[str, Any]] = []
    for row_id, parent, topic in rows:
        normal = _normal(topic)
        if not normal or (parent, normal) in kept:
            drop.append(row_id)
            continue
        kept.add((parent, normal))
        if normal != topic:
            change.append({"id": row_id, "topic": normal})
    for start in range(0, len(drop), 500):
        bind.execute(
            sa.text(f"DELETE FROM {table} WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": drop[start : start + 500]},
        )
    if change:
        bind.execute(sa.text(f"UPDATE {table} SET topic = :topic WHERE id = :id"), change)


def upgrade() -> None:
    op.create_table(
        "organization_places",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "kind IN ('country', 'cluster')", name=op.f("ck_organization_places_kind")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_organization_places_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "kind", "value", name=op.f("pk_organization_places")),
    )
    with op.batch_alter_table("organization_places", schema=None) as batch_op:
        batch_op.create_index(
            "ix_organization_places_kind_value", ["kind", "value"], unique=False
        )
    # Every organisation starts its history with the country and cluster it has now.
    for kind in ("country", "cluster"):
        op.execute(
            f"INSERT INTO organization_places (org_id, kind, value) "
            f"SELECT id, '{kind}', {kind} FROM organizations "
            f"WHERE {kind} IS NOT NULL AND {kind} <> ''"
        )
    _normalise_topics("item_topics", "item_id")
    _normalise_topics("agreement_topics", "agreement_id")
    bind = op.get_bind()
    row = bind.execute(
        sa.text("SELECT value FROM network_settings WHERE key = 'competition_sensitive_topics'")
    ).first()
    if row is not None:
        value = row[0] if isinstance(row[0], list) else json.loads(row[0])
        normal = list(dict.fromkeys(t for t in map(_normal, value) if t))
        if normal != value:
            bind.execute(
                sa.text(
                    "UPDATE network_settings SET value = :value "
                    "WHERE key = 'competition_sensitive_topics'"
                ).bindparams(sa.bindparam("value", type_=sa.JSON)),
                {"value": normal},
            )


def downgrade() -> None:
    with op.batch_alter_table("organization_places", schema=None) as batch_op:
        batch_op.drop_index("ix_organization_places_kind_value")
    op.drop_table("organization_places")
