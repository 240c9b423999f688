"""The PostgreSQL queue: Procrastinate carries job ids from the doors to ``winwin worker``.

One Procrastinate task, ``winwin.run_job``, runs one attempt of a job (``execution``).
Back-off between attempts is Procrastinate's scheduling (``schedule_in``); the
``queueing_lock`` keeps a job from being queued twice while it waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import procrastinate
from procrastinate.schema import SchemaManager
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from winwin.db.engine import normalise_url
from winwin.jobs import execution

log = logging.getLogger("winwin.jobs")

TASK = "winwin.run_job"
QUEUE = "winwin"


def libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL as a libpq connection string (what psycopg takes)."""
    url = make_url(normalise_url(database_url)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def is_postgres(database_url: str) -> bool:
    return make_url(normalise_url(database_url)).get_backend_name() == "postgresql"


def lock_of(job_id: int) -> str:
    return f"winwin-job-{job_id}"


def build_app(database_url: str, engine: Engine, *, worker: bool = False) -> procrastinate.App:
    """A Procrastinate app on the database; ``worker=True`` for the one that runs jobs."""
    conninfo = libpq_url(database_url)
    connector: Any = (
        procrastinate.PsycopgConnector(conninfo=conninfo)
        if worker
        else procrastinate.SyncPsycopgConnector(conninfo=conninfo)
    )
    app = procrastinate.App(connector=connector)

    @app.task(name=TASK, queue=QUEUE, pass_context=False)
    async def run_job(job_id: int) -> None:
        # The attempt blocks (database, typesetting, mail): it runs on a thread while the
        # worker's event loop keeps its heartbeat going.
        outcome = await asyncio.to_thread(execution.run_once, engine, job_id)
        if outcome.status == "retry":
            await defer_async(app, job_id, delay=outcome.retry_in or 0.0)

    @app.periodic(cron="* * * * *", periodic_id="winwin-sweep")
    @app.task(name="winwin.sweep", queue=QUEUE, pass_context=False, queueing_lock="winwin-sweep")
    async def sweep(timestamp: int) -> None:
        # Every minute: jobs left running by a dead worker of this host go back in the
        # queue, and committed jobs whose deferral never reached the queue are queued.
        await asyncio.to_thread(execution.recover_dead, engine)
        for job_id in await asyncio.to_thread(_due_ids, engine):
            await defer_async(app, job_id)

    return app


def _due_ids(engine: Engine) -> list[int]:
    from winwin.db.base import utcnow
    from winwin.db.engine import session_factory, unit_of_work
    from winwin.jobs import repository as jobs

    with unit_of_work(session_factory(engine)) as session:
        return list(jobs.due(session, now=utcnow(), limit=1000))


def _options(job_id: int, delay: float) -> dict[str, Any]:
    options: dict[str, Any] = {"queueing_lock": lock_of(job_id)}
    if delay > 0:
        options["schedule_in"] = {"seconds": delay}
    return options


def defer(app: procrastinate.App, job_id: int, *, delay: float = 0.0) -> None:
    """Queue an attempt of the job (once: a job already waiting in the queue is kept)."""
    with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):
        app.configure_task(TASK, **_options(job_id, delay)).defer(job_id=job_id)


async def defer_async(app: procrastinate.App, job_id: int, *, delay: float = 0.0) -> None:
    with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):
        await app.configure_task(TASK, **_options(job_id, delay)).defer_async(job_id=job_id)


def install_schema(connection: Connection) -> bool:
    """Create Procrastinate's tables and functions in the connection's schema unless they
    are there; True when they were created (the caller commits)."""
    if connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None:
        return False
    # Straight to psycopg without parameters: the script has literal % signs.
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(SchemaManager.get_schema())
    cursor.close()
    return True
