"""Jobs on both databases: the in-process thread on SQLite, Procrastinate on PostgreSQL.

A job runs and reports progress; a failing attempt is retried; a job that keeps failing
is marked failed with its error; a worker killed with SIGKILL in the middle of a job
leaves nothing of its result written, and the next worker runs it again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

import support.job_kinds  # noqa: F401  (registers the test kinds)
from support.cli import run as run_cli
from winwin.db import schema
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.jobs import queue
from winwin.jobs import service as jobs
from winwin.jobs.runners import QueueRunner, ThreadRunner
from winwin.kernel.errors import InvalidInput, NotFound

ROOT = Path(__file__).resolve().parents[3]
TIMEOUT = 60.0


@pytest.fixture
def db(db_url: str) -> Iterator[tuple[Engine, str]]:
    """A database at the newest revision (Procrastinate's schema too, on PostgreSQL)."""
    engine = build_engine(db_url)
    schema.upgrade(engine)
    yield engine, db_url
    engine.dispose()


def start(engine: Engine, kind: str, **arguments: object) -> int:
    with unit_of_work(session_factory(engine)) as session:
        return jobs.start_job(session, kind=kind, arguments=dict(arguments), started_by=None).id


def view(engine: Engine, job_id: int) -> jobs.JobView:
    with unit_of_work(session_factory(engine)) as session:
        return jobs.view_job(session, job_id=job_id, person_id=None)


def run_queued(engine: Engine, url: str, *job_ids: int) -> None:
    """Hand the jobs to this database's runner and run them until none is left."""
    if queue.is_postgres(url):
        submitter = QueueRunner(url, engine)
        for job_id in job_ids:
            submitter.submit(job_id)
        submitter.close()
        app = queue.build_app(url, engine, worker=True)
        queue.run_worker(app, queues=[queue.QUEUE], wait=False, install_signal_handlers=False)
    else:
        ThreadRunner(engine).run_in_foreground(burst=True)


def wait_for(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


def test_a_job_runs_reports_progress_and_keeps_its_result(db: tuple[Engine, str]) -> None:
    engine, url = db
    job_id = start(engine, "test.count", steps=5)
    assert view(engine, job_id).status == "queued"
    run_queued(engine, url, job_id)
    done = view(engine, job_id)
    assert done.status == "succeeded"
    assert (done.done, done.total, done.percent) == (5, 5, 100)
    assert done.attempts == 1
    assert done.result == {"counted": 5}
    assert [(o.name, o.size) for o in done.outputs] == [("count.txt", 5)]
    assert done.error is None


def test_jobs_run_in_process_where_an_event_loop_runs(db: tuple[Engine, str]) -> None:
    """Playwright's synchronous API (the browser tests') keeps an event loop running on
    the thread that opened it for the whole test run; a worker started on that thread
    afterwards (a test's, or `winwin worker` run in-process) runs all the same."""
    engine, url = db
    first, second = start(engine, "test.count", steps=2), start(engine, "test.count", steps=3)

    async def where_a_loop_runs() -> int:
        run_queued(engine, url, first)
        # The command queues what waits (the second job) and runs it.
        return run_cli(url, "worker", "--burst").code

    assert asyncio.run(where_a_loop_runs()) == 0
    assert view(engine, first).result == {"counted": 2}
    assert view(engine, second).result == {"counted": 3}


def test_a_failed_attempt_is_retried(db: tuple[Engine, str]) -> None:
    engine, url = db
    job_id = start(engine, "test.flaky", failures=1)
    run_queued(engine, url, job_id)
    done = view(engine, job_id)
    assert done.status == "succeeded"
    assert done.attempts == 2
    assert done.result == {"attempt": 2}


def test_a_job_that_keeps_failing_is_marked_failed_with_its_error(
    db: tuple[Engine, str],
) -> None:
    engine, url = db
    job_id = start(engine, "test.broken")
    run_queued(engine, url, job_id)
    failed = view(engine, job_id)
    assert failed.status == "failed"
    assert failed.attempts == failed.max_attempts == 3
    assert failed.error == "ValueError: the supplier file has no header row"
    assert failed.outputs == ()
    assert failed.finished_at is not None


def test_the_thread_runner_runs_a_submitted_job_in_the_background(db_url: str) -> None:
    engine = build_engine(db_url)
    schema.upgrade(engine)
    runner = ThreadRunner(engine)
    try:
        job_id = start(engine, "test.count", steps=3)
        runner.submit(job_id)
        wait_for(lambda: view(engine, job_id).finished, "the job to finish")
        assert view(engine, job_id).status == "succeeded"
    finally:
        runner.close()
        engine.dispose()


def test_an_unknown_kind_is_refused_and_nothing_is_stored(db: tuple[Engine, str]) -> None:
    engine, _ = db
    with pytest.raises(InvalidInput) as refused:
        start(engine, "no.such.kind")
    assert refused.value.problems[0].path == "kind"
    with unit_of_work(session_factory(engine)) as session:
        assert jobs.list_jobs(session, person_id=None) == []


def test_a_job_is_only_shown_to_the_person_who_started_it(db: tuple[Engine, str]) -> None:
    engine, _ = db
    job_id = start(engine, "test.count", steps=1)
    with unit_of_work(session_factory(engine)) as session, pytest.raises(NotFound):
        jobs.view_job(session, job_id=job_id, person_id=12345)


def test_a_worker_killed_in_the_middle_leaves_nothing_half_written(
    db: tuple[Engine, str], tmp_path: Path
) -> None:
    engine, url = db
    release = tmp_path / "release"
    job_id = start(engine, "test.hold", release=str(release))
    env = {
        **os.environ,
        "WINWIN_JOB_MODULES": "support.job_kinds",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")]),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "winwin.cli.main", "--db", url, "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(
            lambda: view(engine, job_id).status == "running" and view(engine, job_id).done >= 1,
            "the worker to start the job",
        )
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=TIMEOUT)
    killed = view(engine, job_id)
    assert killed.status == "running"
    assert killed.result is None
    assert killed.outputs == ()

    if queue.is_postgres(url):
        # Procrastinate still holds the killed attempt as "doing".
        assert queue_rows(engine) == [("doing", job_id)]

    release.touch()
    result = run_cli(url, "worker", "--burst")
    assert result.code == 0, result.err
    done = view(engine, job_id)
    assert done.status == "succeeded"
    assert done.attempts == 2
    assert [(o.name, o.size) for o in done.outputs] == [("held.bin", 100_000)]
    assert done.result == {"steps": 4}
    if queue.is_postgres(url):
        # The leftover "doing" row went with the recovery; the successful attempt's row
        # is deleted by the worker.
        assert queue_rows(engine) == []


def queue_rows(engine: Engine) -> list[tuple[str, int]]:
    """Procrastinate's rows of Winwin's task: (status, Winwin's job id)."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT status::text, (args->>'job_id')::int FROM procrastinate_jobs "
                "WHERE task_name = :task ORDER BY id"
            ),
            {"task": queue.TASK},
        )
        return [(status, job) for status, job in rows]


def test_a_job_of_a_worker_on_a_host_that_died_is_recovered_by_its_heartbeat(
    db: tuple[Engine, str], tmp_path: Path
) -> None:
    """PostgreSQL only: a worker on another host cannot be checked by process id; once its
    heartbeat is older than WINWIN_JOB_STALLED_SECONDS its job runs again here."""
    engine, url = db
    if not queue.is_postgres(url):
        pytest.skip("a job queue across hosts needs PostgreSQL")
    release = tmp_path / "release"
    job_id = start(engine, "test.hold", release=str(release))
    env = {
        **os.environ,
        "WINWIN_JOB_MODULES": "support.job_kinds",
        "WINWIN_JOB_HEARTBEAT_SECONDS": "0.2",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")]),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "winwin.cli.main", "--db", url, "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: view(engine, job_id).done >= 1, "the worker to start the job")
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=TIMEOUT)
    # As if the worker had run on a host that is gone: no process id to check here.
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE jobs SET claimed_by = 'gone.example:4242' WHERE id = :id"),
            {"id": job_id},
        )

    release.touch()
    # A heartbeat younger than the threshold: the job is not taken from its worker.
    assert queue.run_async(lambda: recover(url, engine, stalled_seconds=3600)) == []
    assert view(engine, job_id).status == "running"
    time.sleep(1.5)
    assert queue.run_async(lambda: recover(url, engine, stalled_seconds=1)) == [job_id]
    recovered = view(engine, job_id)
    assert recovered.status == "queued"
    assert recovered.error == "the worker running attempt 1 stopped answering"
    assert queue_rows(engine) == [("todo", job_id)]

    run_queued(engine, url)
    done = view(engine, job_id)
    assert (done.status, done.attempts, done.result) == ("succeeded", 2, {"steps": 4})


async def recover(url: str, engine: Engine, *, stalled_seconds: float) -> list[int]:
    app = queue.build_app(url, engine, worker=True)
    async with app.open_async():
        return await queue.recover_stalled(app, engine, stalled_seconds=stalled_seconds)


def test_the_cli_lists_and_shows_jobs_as_json(db: tuple[Engine, str]) -> None:
    engine, url = db
    job_id = start(engine, "test.broken")
    run_queued(engine, url, job_id)
    listed = run_cli(url, "jobs", "list", "--json")
    assert listed.code == 0, listed.err
    assert [j["id"] for j in listed.json()["jobs"]] == [job_id]
    shown = run_cli(url, "jobs", "show", str(job_id), "--json")
    assert shown.code == 0, shown.err
    document = shown.json()
    assert document["status"] == "failed"
    assert document["error"] == "ValueError: the supplier file has no header row"
    assert document["progress"] == {"done": 0, "total": None, "percent": None}
    missing = run_cli(url, "jobs", "show", str(job_id + 1), "--json")
    assert missing.code == 2
    assert missing.out == ""
    bad = run_cli(url, "jobs", "list", "--status", "lost")
    assert bad.code == 2
    assert "--status" in bad.err


def test_the_server_runs_jobs_queued_before_it_started_on_sqlite_only(
    db: tuple[Engine, str],
) -> None:
    from fastapi.testclient import TestClient

    from support.secrets import TEST_SECRET
    from winwin.http.app import create_app
    from winwin.settings import Settings

    engine, url = db
    job_id = start(engine, "test.count", steps=2)
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET))
    with TestClient(app):
        if queue.is_postgres(url):
            # The queue's worker runs it (winwin worker), never the web process.
            assert app.state.jobs_runner is None or not isinstance(
                app.state.jobs_runner, ThreadRunner
            )
        else:
            wait_for(lambda: view(engine, job_id).finished, "the server's job thread")
    app.state.engine.dispose()
    assert view(engine, job_id).status == ("queued" if queue.is_postgres(url) else "succeeded")
