"""``winwin worker`` and ``winwin jobs list|show``."""

from __future__ import annotations

import logging

import procrastinate
import typer
from sqlalchemy import Engine

from winwin.cli.context import err, print_json, progress_bar, state
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.jobs import execution, queue
from winwin.jobs import service as jobs
from winwin.jobs.models import STATUSES
from winwin.jobs.runners import QueueRunner, ThreadRunner
from winwin.kernel.errors import InvalidInput, Problem
from winwin.settings import Settings

jobs_app = typer.Typer(help="Jobs: heavy work run by the worker.", no_args_is_help=True)


def run_here(
    database_url: str, job_id: int, label: str, *, total: int | None = None, bar: bool = True
) -> jobs.JobView:
    """Run a queued job in this process to its end, with a progress bar on standard
    error, and return it as its starter sees it (the commands that wait for their job:
    ``report``, ``pairs``, ``clusters``, ``ties upload``).

    On an engine of its own: the command's engine takes SQLite's write lock for every
    transaction, and the job commits its progress while it reads. ``bar=False`` runs it
    without the bar (a command printing JSON for a script)."""
    engine = build_engine(database_url, busy_timeout_ms=600_000)
    try:
        with progress_bar(show=bar) as progress:
            task = progress.add_task(label, total=total)
            execution.run_to_end(
                engine,
                job_id,
                on_progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        with unit_of_work(session_factory(engine)) as session:
            return jobs.view_job(session, job_id=job_id, person_id=None)
    finally:
        engine.dispose()


def _line(view: jobs.JobView) -> str:
    total = f"/{view.total}" if view.total is not None else ""
    text = (
        f"{view.id}\t{view.kind}\t{view.status}\t{view.done}{total}\t"
        f"attempt {view.attempts}/{view.max_attempts}"
    )
    if view.error and view.status != "succeeded":
        text += f"\t{view.error}"
    return text


@jobs_app.command("list")
def list_command(
    ctx: typer.Context,
    status: str | None = typer.Option(
        None, "--status", metavar="S", help="Only jobs in this status: " + ", ".join(STATUSES)
    ),
    limit: int = typer.Option(50, "--limit", min=1, max=1000, help="At most this many."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The newest jobs, newest first."""
    if status is not None and status not in STATUSES:
        raise InvalidInput(Problem("--status", f"must be one of {', '.join(STATUSES)}"))
    with state(ctx).session() as session:
        views = jobs.list_jobs(session, person_id=None, status=status, limit=limit)
    if json_out:
        print_json({"jobs": [v.as_document() for v in views]})
        return
    for view in views:
        typer.echo(_line(view))


@jobs_app.command("show")
def show_command(
    ctx: typer.Context,
    job_id: int = typer.Argument(..., metavar="ID", help="The job's number."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One job: its status, progress, attempts, error and result."""
    with state(ctx).session() as session:
        view = jobs.view_job(session, job_id=job_id, person_id=None)
    if json_out:
        print_json(view.as_document())
        return
    typer.echo(_line(view))
    for output in view.outputs:
        typer.echo(f"output {output.id}\t{output.name}\t{output.media_type}\t{output.size} bytes")


def worker(
    ctx: typer.Context,
    burst: bool = typer.Option(
        False, "--burst", help="Stop once no job is waiting (instead of running until stopped)."
    ),
    concurrency: int = typer.Option(
        1, "--concurrency", min=1, max=64, help="Jobs run at once (PostgreSQL)."
    ),
) -> None:
    """Run the jobs: Procrastinate's queue on PostgreSQL, the jobs table on SQLite."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    cli_state = state(ctx)
    engine = cli_state.ready_engine()
    url = cli_state.database_url
    requeued = execution.recover_dead(engine)
    if requeued:
        err.print(f"requeued {len(requeued)} job(s) left running by a stopped worker")
    if not queue.is_postgres(url):
        ThreadRunner(engine).run_in_foreground(burst=burst)
        return
    # Jobs committed while no deferral reached the queue are queued again (once each).
    with cli_state.session() as session:
        waiting = [
            v.id for v in jobs.list_jobs(session, person_id=None, status="queued", limit=10_000)
        ]
    submitter = QueueRunner(url, engine)
    try:
        for job_id in waiting:
            submitter.submit(job_id)
    finally:
        submitter.close()
    settings = Settings()
    app = queue.build_app(url, engine, worker=True, stalled_seconds=settings.job_stalled_seconds)
    stalled = queue.run_async(
        lambda: _recover_queue(app, engine, requeued, settings.job_stalled_seconds)
    )
    if stalled:
        err.print(f"requeued {len(stalled)} job(s) of workers that stopped answering")
    queue.run_worker(
        app,
        queues=[queue.QUEUE],
        wait=not burst,
        concurrency=concurrency,
        install_signal_handlers=True,
        name=execution.worker_name(),
        # Winwin's jobs table keeps the history; Procrastinate's rows of done attempts go.
        delete_jobs="successful",
        update_heartbeat_interval=settings.job_heartbeat_seconds,
        stalled_worker_timeout=settings.job_stalled_seconds,
    )


async def _recover_queue(
    app: procrastinate.App, engine: Engine, requeued: list[int], stalled_seconds: float
) -> list[int]:
    """Before the worker starts: the ``doing`` rows left by this host's dead workers go,
    and the jobs of workers of any host that stopped sending heartbeats are recovered."""
    async with app.open_async():
        await queue.discard_leftovers(app, requeued)
        return await queue.recover_stalled(app, engine, stalled_seconds=stalled_seconds)


def register(app: typer.Typer) -> None:
    """Add ``winwin worker`` and ``winwin jobs`` to the app."""
    app.command("worker")(worker)
    app.add_typer(jobs_app, name="jobs")
