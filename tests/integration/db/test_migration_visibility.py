"""Migration 0006 on a database with data: topics take their normal form (duplicates that
makes are dropped), the sensitive list too, and every organisation's current country and
cluster start its history (sticky exclusions)."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import text

from winwin.db import schema
from winwin.db.engine import build_engine


def test_upgrade_normalises_stored_topics_and_records_places(db_url: str) -> None:
    engine = build_engine(db_url)
    config = schema.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organizations (id, key, name, country, cluster, roles, capabilities,"
                ' needs, "values", created_at) VALUES'
                " (1, 'a', 'A', 'SE', 'forest', '[]', '[]', '[]', '[]', CURRENT_TIMESTAMP),"
                " (2, 'b', 'B', NULL, NULL, '[]', '[]', '[]', '[]', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO items (id, key, owner_id, title, body, level, own_content,"
                " created_at) VALUES (1, 'i', 1, 'T', '', 'network', true, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO item_topics (id, item_id, topic) VALUES"
                " (1, 1, 'Pricing'), (2, 1, ' pricing '), (3, 1, 'Board  News')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO agreements (id, a_id, b_id, status, accepted_by_a, accepted_by_b,"
                " created_at) VALUES (1, 1, 2, 'active', true, true, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text("INSERT INTO agreement_topics (id, agreement_id, topic) VALUES (1, 1, 'Recipe')")
        )
        conn.execute(
            text(
                "INSERT INTO network_settings (key, value) VALUES"
                ' (\'competition_sensitive_topics\', \'["Bids", "bids ", "Capacity"]\')'
            )
        )
    schema.upgrade(engine)
    with engine.connect() as conn:
        topics = conn.execute(text("SELECT topic FROM item_topics ORDER BY id")).scalars().all()
        assert topics == ["pricing", "board news"]
        pact = conn.execute(text("SELECT topic FROM agreement_topics")).scalars().all()
        assert pact == ["recipe"]
        raw = conn.execute(text("SELECT value FROM network_settings")).scalar_one()
        assert (raw if isinstance(raw, list) else json.loads(raw)) == [
            "bids",
            "capacity",
        ]
        places = conn.execute(
            text("SELECT org_id, kind, value FROM organization_places ORDER BY kind")
        ).all()
        assert [tuple(p) for p in places] == [(1, "cluster", "forest"), (1, "country", "SE")]
    engine.dispose()
