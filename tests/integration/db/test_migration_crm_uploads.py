"""Migration 0025 on a database with CRM jobs: a finished job forgets its file; a job
still waiting keeps its file in ``crm_uploads`` and names only its id."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import text

from winwin.db import schema
from winwin.db.engine import build_engine

MARK = "Salainen Asiakas Oy"


def test_upgrade_moves_waiting_uploads_out_of_the_jobs(db_url: str) -> None:
    engine = build_engine(db_url)
    config = schema.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0024")
    arguments = json.dumps({"org": "a", "as": "customers", "preset": "hubspot",
                            "columns": {}, "text": f"Company name\n{MARK}\n"})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organizations (id, key, name, roles, capabilities,"
                ' needs, "values", created_at) VALUES'
                " (1, 'a', 'A', '[]', '[]', '[]', '[]', CURRENT_TIMESTAMP)"
            )
        )
        for job_id, status in ((1, "succeeded"), (2, "queued")):
            conn.execute(
                text(
                    "INSERT INTO jobs (id, kind, arguments, status, progress_done, attempts,"
                    " max_attempts, created_at) VALUES (:id, 'network.crm_match', :arguments,"
                    " :status, 0, 0, 2, CURRENT_TIMESTAMP)"
                ),
                {"id": job_id, "arguments": arguments, "status": status},
            )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with engine.connect() as conn:
        jobs = dict(conn.execute(text("SELECT id, arguments FROM jobs ORDER BY id")).all())
        uploads = conn.execute(text("SELECT id, org_id, content FROM crm_uploads")).all()
    engine.dispose()
    done, waiting = (json.loads(a) if isinstance(a, str) else a for a in (jobs[1], jobs[2]))
    assert MARK not in json.dumps([done, waiting], ensure_ascii=False)
    assert "upload" not in done and done["org"] == "a"
    assert len(uploads) == 1 and waiting["upload"] == uploads[0][0] and uploads[0][1] == 1
    assert MARK in bytes(uploads[0][2]).decode("utf-8")
