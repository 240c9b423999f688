"""The PostgreSQL queue: Procrastinate carries job ids from the doors to ``winwin worker``.

One Procrastinate task, ``winwin.run_job``, runs one attempt of a job (``execution``).
Back-off between attempts is Procrastinate's retry strategy (``KindBackoff``): the same
queue row is retried after the wait the job's kind asks for, as the SQLite thread waits
it out. The ``queueing_lock`` keeps a job from being queued twice while it waits.

A worker that dies (its host, or ``kill -9``) stops sending heartbeats; once the last one
is older than ``WINWIN_JOB_STALLED_SECONDS`` its running jobs are stalled, and the
sweep puts each back in Winwin's queue (``execution.recover_job``), deletes the
``doing`` row Procrastinate still holds for it, and queues it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import procrastinate
from procrastinate.jobs import Job as QueueJob
from procrastinate.jobs import Status
from procrastinate.schema import SchemaManager
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from winwin.db.engine import normalise_url
from winwin.jobs import execution

log = logging.getLogger("winwin.jobs")

T = TypeVar("T")

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


class RetryLater(Exception):
    """An attempt failed and the job's kind asks for another after ``delay`` seconds."""

    def __init__(self, job_id: int, delay: float) -> None:
        super().__init__(f"job {job_id}: another attempt in {delay:g} s")
        self.delay = delay


class KindBackoff(procrastinate.BaseRetryStrategy):
    """Retry the queue row when an attempt asks for it, after its kind's back-off.

    Winwin's ``jobs`` table has already counted the attempt and kept its error; how many
    attempts a kind gets and how long it waits between them is the kind's (``kinds``),
    so that SQLite's thread and this queue behave alike."""

    def get_retry_decision(
        self, *, exception: BaseException, job: QueueJob
    ) -> procrastinate.RetryDecision | None:
        if isinstance(exception, RetryLater):
            return procrastinate.RetryDecision(
                retry_at=datetime.now(UTC) + timedelta(seconds=exception.delay)
            )
        return None


def build_app(
    database_url: str,
    engine: Engine,
    *,
    worker: bool = False,
    stalled_seconds: float = 60.0,
) -> procrastinate.App:
    """A Procrastinate app on the database; ``worker=True`` for the one that runs jobs.

    ``stalled_seconds``: a worker whose last heartbeat is older has died, and its running
    jobs are recovered by the sweep."""
    conninfo = libpq_url(database_url)
    connector: Any = (
        procrastinate.PsycopgConnector(conninfo=conninfo)
        if worker
        else procrastinate.SyncPsycopgConnector(conninfo=conninfo)
    )
    app = procrastinate.App(connector=connector)

    @app.task(name=TASK, queue=QUEUE, pass_context=False, retry=KindBackoff())
    async def run_job(job_id: int) -> None:
        # The attempt blocks (database, typesetting, mail): it runs on a thread while the
        # worker's event loop keeps its heartbeat going.
        outcome = await asyncio.to_thread(execution.run_once, engine, job_id)
        if outcome.status == "retry":
            raise RetryLater(job_id, outcome.retry_in or 0.0)

    @app.periodic(cron="* * * * *", periodic_id="winwin-sweep")
    @app.task(name="winwin.sweep", queue=QUEUE, pass_context=False, queueing_lock="winwin-sweep")
    async def sweep(timestamp: int) -> None:
        # Every minute: jobs of dead workers (any host, by heartbeat; this host's, by
        # process id) go back in the queue, and committed jobs whose deferral never
        # reached the queue are queued.
        await recover_stalled(app, engine, stalled_seconds=stalled_seconds)
        recovered = await asyncio.to_thread(execution.recover_dead, engine)
        await discard_leftovers(app, recovered)
        for job_id in await asyncio.to_thread(_due_ids, engine):
            await defer_async(app, job_id)

    return app


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the coroutine ``make()`` to its end from synchronous code, and return its value.

    ``asyncio.run`` (which Procrastinate's synchronous ``App.run_worker`` calls) refuses
    to start in a thread whose event loop is running: code called from a coroutine, or
    from a thread that Playwright's synchronous API works on (it keeps its loop running
    there for as long as it is open). The coroutine then runs on a loop of its own in a
    thread of its own, and this thread waits for it."""
    if not _loop_running():
        return asyncio.run(make())
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(asyncio.run(make()))
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run, name="winwin-queue")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]


def run_worker(app: procrastinate.App, **options: Any) -> None:
    """Run a Procrastinate worker until it stops (``wait=False``: until the queue is
    empty), from synchronous code, whether or not an event loop runs in this thread
    (:func:`run_async`). Signal handlers are installed only where no loop runs: a
    worker on a thread of its own could not install them."""
    if _loop_running():
        options = {**options, "install_signal_handlers": False}

    async def work() -> None:
        async with app.open_async():
            await app.run_worker_async(**options)

    run_async(work)


def _job_id_of(row: QueueJob) -> int | None:
    value = row.task_kwargs.get("job_id")
    return value if isinstance(value, int) else None


async def recover_stalled(
    app: procrastinate.App, engine: Engine, *, stalled_seconds: float
) -> list[int]:
    """Recover the jobs of workers silent for ``stalled_seconds``; returns their ids.

    Winwin's row is recovered first (committed), then Procrastinate's ``doing`` row is
    deleted and the job queued again: a sweep that dies in between is simply repeated by
    the next one, which finds the same stalled row and a job already back in the queue."""
    stalled = await app.job_manager.get_stalled_jobs(
        queue=QUEUE, task_name=TASK, seconds_since_heartbeat=stalled_seconds
    )
    recovered: list[int] = []
    for row in stalled:
        job_id = _job_id_of(row)
        if job_id is not None:
            await asyncio.to_thread(
                execution.recover_job,
                engine,
                job_id,
                error="the worker running attempt {attempt} stopped answering",
            )
            recovered.append(job_id)
        assert row.id is not None
        await _delete_doing(app, row.id)
        if job_id is not None:
            await defer_async(app, job_id)
    if recovered:
        log.warning("recovered jobs %s of stalled workers", recovered)
    return recovered


async def discard_leftovers(app: procrastinate.App, job_ids: list[int]) -> None:
    """Delete the ``doing`` rows that dead workers left for these (recovered) jobs."""
    if not job_ids:
        return
    wanted = set(job_ids)
    for row in await app.job_manager.list_jobs_async(queue=QUEUE, task=TASK, status="doing"):
        if _job_id_of(row) in wanted and row.id is not None:
            await _delete_doing(app, row.id)


async def _delete_doing(app: procrastinate.App, row_id: int) -> None:
    # Another sweep may have got there first.
    with contextlib.suppress(procrastinate.exceptions.ConnectorException):
        await app.job_manager.finish_job_by_id_async(
            job_id=row_id, status=Status.FAILED, delete_job=True
        )


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
