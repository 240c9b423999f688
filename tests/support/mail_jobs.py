"""Mail is a job: on PostgreSQL the tests run a worker to send it (the app's own thread
does on SQLite), after giving a database made from the models Procrastinate's queue."""

from __future__ import annotations

from sqlalchemy import Engine

from winwin.jobs import queue
from winwin.jobs.runners import ThreadRunner


def prepare_queue(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            queue.install_schema(connection)


def run_jobs(engine: Engine) -> None:
    """Run every job whose turn has come, here and now."""
    url = engine.url.render_as_string(hide_password=False)
    if queue.is_postgres(url):
        app = queue.build_app(url, engine, worker=True)
        queue.run_worker(app, queues=[queue.QUEUE], wait=False, install_signal_handlers=False)
    else:
        ThreadRunner(engine).run_in_foreground(burst=True)
