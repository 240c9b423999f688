"""Every query on ``jobs`` and ``job_outputs``.

Each change of status is one conditional UPDATE, so two processes can never both claim
a job, and a process that lost its claim (it was recovered as dead) cannot finish it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from winwin.db.base import utcnow
from winwin.jobs.models import Job, JobOutput


def add(
    session: Session,
    *,
    kind: str,
    arguments: dict[str, Any],
    started_by: int | None,
    max_attempts: int,
    subject: str | None = None,
) -> Job:
    job = Job(
        kind=kind,
        arguments=arguments,
        started_by=started_by,
        subject=subject,
        status="queued",
        max_attempts=max_attempts,
        attempts=0,
        progress_done=0,
        created_at=utcnow(),
    )
    session.add(job)
    session.flush()
    return job


def get(session: Session, job_id: int) -> Job | None:
    return session.get(Job, job_id)


def listing(
    session: Session,
    *,
    started_by: int | None = None,
    status: str | None = None,
    limit: int = 50,
    with_system: bool = False,
    kind: str | None = None,
) -> Sequence[Job]:
    """Newest first; ``started_by`` limits to one person's (``with_system``: and the jobs
    nobody started)."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(Job.kind == kind)
    if started_by is not None:
        mine = Job.started_by == started_by
        query = query.where(or_(mine, Job.started_by.is_(None)) if with_system else mine)
    if status is not None:
        query = query.where(Job.status == status)
    return session.scalars(query).all()


def ids_of_kind(session: Session, kind: str) -> list[int]:
    """Ids of every job of ``kind``, oldest first."""
    return list(session.scalars(select(Job.id).where(Job.kind == kind).order_by(Job.id)))


def by_ids(session: Session, ids: Sequence[int]) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.id.in_(list(ids))).order_by(Job.id)))


def outputs_of(session: Session, job_id: int) -> Sequence[JobOutput]:
    return session.scalars(
        select(JobOutput).where(JobOutput.job_id == job_id).order_by(JobOutput.id)
    ).all()


def output(session: Session, job_id: int, output_id: int) -> JobOutput | None:
    return session.scalars(
        select(JobOutput).where(JobOutput.job_id == job_id, JobOutput.id == output_id)
    ).first()


def claim(session: Session, job_id: int, *, worker: str) -> bool:
    """Mark a queued job running for ``worker``; False when it is not queued (any more)."""
    now = utcnow()
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(
            status="running",
            attempts=Job.attempts + 1,
            claimed_by=worker,
            started_at=now,
            run_after=None,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _mine(job_id: int, worker: str):  # type: ignore[no-untyped-def]
    return (Job.id == job_id, Job.status == "running", Job.claimed_by == worker)


def set_progress(
    session: Session, job_id: int, *, worker: str, done: int, total: int | None
) -> None:
    session.execute(
        update(Job).where(*_mine(job_id, worker)).values(progress_done=done, progress_total=total)
    )


def succeed(
    session: Session,
    job_id: int,
    *,
    worker: str,
    result: dict[str, Any] | None,
    outputs: Sequence[tuple[str, str, bytes]],
) -> bool:
    done = session.execute(
        update(Job)
        .where(*_mine(job_id, worker))
        .values(
            status="succeeded",
            result=result,
            error=None,
            claimed_by=None,
            finished_at=utcnow(),
            progress_done=func.coalesce(Job.progress_total, Job.progress_done),
        )
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        return False
    for name, media_type, content in outputs:
        session.add(JobOutput(job_id=job_id, name=name, media_type=media_type, content=content))
    session.flush()
    return True


def requeue(
    session: Session, job_id: int, *, worker: str | None, error: str, run_after: datetime
) -> bool:
    """Put a running job back in the queue after a failed attempt."""
    where = (
        _mine(job_id, worker) if worker is not None else (Job.id == job_id, Job.status == "running")
    )
    result = session.execute(
        update(Job)
        .where(*where)
        .values(status="queued", error=error, claimed_by=None, run_after=run_after)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def fail(session: Session, job_id: int, *, worker: str | None, error: str) -> bool:
    where = (
        _mine(job_id, worker) if worker is not None else (Job.id == job_id, Job.status == "running")
    )
    result = session.execute(
        update(Job)
        .where(*where)
        .values(status="failed", error=error, claimed_by=None, finished_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def running_claimed_by_host(session: Session, host: str) -> Sequence[Job]:
    return session.scalars(
        select(Job).where(Job.status == "running", Job.claimed_by.like(f"{host}:%"))
    ).all()


def due(session: Session, *, now: datetime, limit: int = 20) -> Sequence[int]:
    """Queued jobs whose back-off is over, oldest first."""
    return session.scalars(
        select(Job.id)
        .where(Job.status == "queued", or_(Job.run_after.is_(None), Job.run_after <= now))
        .order_by(Job.id)
        .limit(limit)
    ).all()


def queued_ids(session: Session) -> Sequence[int]:
    return session.scalars(select(Job.id).where(Job.status == "queued").order_by(Job.id)).all()


def next_due_at(session: Session) -> datetime | None:
    return session.scalar(select(func.min(Job.run_after)).where(Job.status == "queued"))
