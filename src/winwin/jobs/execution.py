"""Running one attempt of a job, and recovering jobs whose process died.

This is the outermost layer of a job, so it owns its transactions:
- the claim (queued → running, one more attempt) is committed first;
- progress is committed on its own, step by step;
- the handler only reads; what it produces (its result and its files) is written in
  the same transaction that marks the job succeeded. A process killed in the middle
  therefore leaves the job ``running`` with nothing of its result written, and
  ``recover_dead`` puts it back in the queue (or marks it failed when it has had all
  its attempts).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from winwin.db.base import utcnow
from winwin.db.engine import session_factory, unit_of_work, writer_of
from winwin.jobs import kinds
from winwin.jobs import repository as jobs
from winwin.jobs.models import Job
from winwin.kernel.errors import WinwinError

log = logging.getLogger("winwin.jobs")

HOST = socket.gethostname()


def worker_name() -> str:
    """This process, as recorded on the jobs it runs."""
    return f"{HOST}:{os.getpid()}"


@dataclass(frozen=True)
class Outcome:
    status: Literal["succeeded", "retry", "failed", "skipped"]
    retry_in: float | None = None


def describe(exc: BaseException) -> str:
    """The error shown to the person who started the job."""
    if isinstance(exc, WinwinError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@contextmanager
def _writing(engine: Engine) -> Iterator[Session]:
    with unit_of_work(session_factory(writer_of(engine))) as session:
        yield session


def run_once(
    engine: Engine,
    job_id: int,
    *,
    worker: str | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> Outcome:
    """Run one attempt of a queued job; the outcome says whether to try again and when.

    ``on_progress`` is also told each step (the command line's progress bar).
    """
    kinds.load_all()
    worker = worker or worker_name()
    with _writing(engine) as session:
        if not jobs.claim(session, job_id, worker=worker):
            return Outcome("skipped")
        job = jobs.get(session, job_id)
        assert job is not None
        kind_name, arguments, started_by = job.kind, dict(job.arguments or {}), job.started_by
        attempt, max_attempts = job.attempts, job.max_attempts

    kind = kinds.get(kind_name)
    if kind is None:
        with _writing(engine) as session:
            jobs.fail(session, job_id, worker=worker, error=f"unknown kind of job: {kind_name}")
        return Outcome("failed")

    def report(done: int, total: int | None) -> None:
        with _writing(engine) as session:
            jobs.set_progress(session, job_id, worker=worker, done=done, total=total)
        if on_progress is not None:
            on_progress(done, total)

    @contextmanager
    def reader() -> Iterator[Session]:
        with unit_of_work(session_factory(engine)) as session:
            yield session

    context = kinds.JobContext(job_id, attempt, arguments, started_by, reader, report)
    try:
        result = kind.handler(context)
    except Exception as exc:
        error = describe(exc)
        log.warning("job %s (%s) attempt %s failed: %s", job_id, kind_name, attempt, error)
        with _writing(engine) as session:
            # A refusal (unknown, not allowed, bad input) would only be refused again.
            if attempt < max_attempts and not isinstance(exc, WinwinError):
                delay = kind.backoff(attempt)
                jobs.requeue(
                    session,
                    job_id,
                    worker=worker,
                    error=error,
                    run_after=utcnow() + timedelta(seconds=delay),
                )
                return Outcome("retry", retry_in=delay)
            if jobs.fail(session, job_id, worker=worker, error=error):
                _finished(session, kind_name, arguments)
                _failed(session, kind_name, kinds.FailedJob(job_id, started_by, arguments, error))
        return Outcome("failed")
    with _writing(engine) as session:
        stored = jobs.succeed(
            session,
            job_id,
            worker=worker,
            result=result,
            outputs=[(o.name, o.media_type, o.content) for o in context.outputs],
        )
        if stored:
            _finished(session, kind_name, arguments)
    return Outcome("succeeded" if stored else "skipped")


def _finished(session: Session, kind_name: str, arguments: dict[str, Any]) -> None:
    """The kind's ``on_finish``, in the transaction that ended the job."""
    kind = kinds.get(kind_name)
    if kind is not None and kind.on_finish is not None:
        kind.on_finish(session, arguments)


def _failed(session: Session, kind_name: str, failed: kinds.FailedJob) -> None:
    """The kind's ``on_fail``, in the transaction that failed the job for good."""
    kind = kinds.get(kind_name)
    if kind is not None and kind.on_fail is not None:
        kind.on_fail(session, failed)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _recover(session: Session, job: Job, error: str) -> bool:
    """Requeue a running job whose worker died, or fail it after its last attempt; True
    when it went back in the queue."""
    error = error.format(attempt=job.attempts)
    log.warning("job %s: %s", job.id, error)
    if job.attempts < job.max_attempts:
        return jobs.requeue(session, job.id, worker=job.claimed_by, error=error, run_after=utcnow())
    if jobs.fail(session, job.id, worker=job.claimed_by, error=error):
        kinds.load_all()
        arguments = dict(job.arguments or {})
        _finished(session, job.kind, arguments)
        _failed(session, job.kind, kinds.FailedJob(job.id, job.started_by, arguments, error))
    return False


def recover_dead(engine: Engine) -> list[int]:
    """Requeue (or fail, after its last attempt) every job left running by a dead process
    of this host; returns the ids put back in the queue."""
    requeued: list[int] = []
    # A plain read first: the write lock (SQLite) is taken only when there is work.
    with unit_of_work(session_factory(engine)) as session:
        if not jobs.running_claimed_by_host(session, HOST):
            return requeued
    with _writing(engine) as session:
        for job in jobs.running_claimed_by_host(session, HOST):
            pid_text = (job.claimed_by or "").rpartition(":")[2]
            if not pid_text.isdigit() or _alive(int(pid_text)):
                continue
            if _recover(session, job, "the worker running attempt {attempt} stopped in the middle"):
                requeued.append(job.id)
    return requeued


def recover_job(engine: Engine, job_id: int, *, error: str) -> bool:
    """Recover one job whose worker the queue saw die (no heartbeat), if it is still
    running; ``{attempt}`` in ``error`` becomes the attempt that was cut short."""
    with _writing(engine) as session:
        job = jobs.get(session, job_id)
        if job is None or job.status != "running":
            return False
        return _recover(session, job, error)


def run_to_end(
    engine: Engine,
    job_id: int,
    *,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> None:
    """Run a queued job here, attempt after attempt (waiting out each back-off), until it
    has succeeded or failed: what ``winwin report`` does, with no worker needed."""
    import time

    while True:
        outcome = run_once(engine, job_id, on_progress=on_progress)
        if outcome.status != "retry":
            return
        time.sleep(outcome.retry_in or 0.0)
