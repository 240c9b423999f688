"""Use cases of jobs: start one, read one's state (only its starter may), list them.

Services never commit: the door that starts a job commits, then hands the job's id to
a runner (``winwin.jobs.runners``), so a runner never sees a job that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.models import User
from winwin.jobs import kinds
from winwin.jobs import repository as jobs
from winwin.jobs.models import Job
from winwin.kernel.errors import InvalidInput, NotFound, Problem


@dataclass(frozen=True)
class OutputView:
    id: int
    name: str
    media_type: str
    size: int


@dataclass(frozen=True)
class JobView:
    id: int
    kind: str
    status: str
    done: int
    total: int | None
    attempts: int
    max_attempts: int
    error: str | None
    result: dict[str, Any] | None
    started_by: str | None
    about: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    outputs: tuple[OutputView, ...]

    @property
    def finished(self) -> bool:
        return self.status in ("succeeded", "failed")

    @property
    def percent(self) -> int | None:
        if self.status == "succeeded":
            return 100
        if not self.total:
            return None
        return max(0, min(100, round(100 * self.done / self.total)))

    def as_document(self) -> dict[str, Any]:
        """The JSON shape of ``winwin jobs show --json`` and ``GET /api/v1/jobs/{id}``."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "progress": {"done": self.done, "total": self.total, "percent": self.percent},
            "attempts": self.attempts,
            "max_attempts": self.max_attempts,
            "error": self.error,
            "result": self.result,
            "started_by": self.started_by,
            "about": self.about,
            "created_at": self.created_at.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "outputs": [
                {"id": o.id, "name": o.name, "media_type": o.media_type, "size": o.size}
                for o in self.outputs
            ],
        }


def start_job(
    session: Session,
    *,
    kind: str,
    arguments: dict[str, Any],
    started_by: int | None,
    subject: str | None = None,
) -> Job:
    """Record a queued job of a registered kind (the caller commits, then submits it);
    ``subject`` names what it is about for the pages that show its fate there."""
    kinds.load_all()
    registered = kinds.get(kind)
    if registered is None:
        raise InvalidInput(Problem("kind", f"is not a known kind of job: {kind!r}"))
    return jobs.add(
        session,
        kind=kind,
        arguments=arguments,
        started_by=started_by,
        max_attempts=registered.max_attempts,
        subject=subject,
    )


def _view(session: Session, job: Job) -> JobView:
    starter = session.get(User, job.started_by) if job.started_by is not None else None
    outputs = tuple(
        OutputView(o.id, o.name, o.media_type, len(o.content))
        for o in jobs.outputs_of(session, job.id)
    )
    return JobView(
        id=job.id,
        kind=job.kind,
        status=job.status,
        done=job.progress_done,
        total=job.progress_total,
        attempts=job.attempts,
        max_attempts=job.max_attempts,
        error=job.error,
        result=job.result,
        started_by=starter.email if starter is not None else None,
        about=_about(job.arguments),
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        outputs=outputs,
    )


def _about(arguments: dict[str, Any] | None) -> str | None:
    about = (arguments or {}).get("about")
    return about if isinstance(about, str) else None


def _job_of(session: Session, job_id: int, person_id: int | None, admin: bool) -> Job:
    job = jobs.get(session, job_id)
    if job is None or person_id is None:
        if job is None:
            raise NotFound("job not found")
        return job
    # System jobs (no starter, e.g. password reset mail) are the platform admins'.
    mine = job.started_by == person_id or (admin and job.started_by is None)
    # Another person's job answers exactly like a job that does not exist.
    if not mine:
        raise NotFound("job not found")
    return job


def view_job(
    session: Session, *, job_id: int, person_id: int | None, admin: bool = False
) -> JobView:
    """A job as its starter sees it (``admin``: system jobs too); ``person_id=None`` is
    the operator (command line)."""
    return _view(session, _job_of(session, job_id, person_id, admin))


def list_jobs(
    session: Session,
    *,
    person_id: int | None,
    status: str | None = None,
    limit: int = 50,
    admin: bool = False,
) -> list[JobView]:
    """The newest jobs first: the person's own (``admin``: and system jobs), or every
    job for the operator (``person_id=None``)."""
    return [
        _view(session, job)
        for job in jobs.listing(
            session, started_by=person_id, status=status, limit=limit, with_system=admin
        )
    ]


def job_output(
    session: Session, *, job_id: int, output_id: int, person_id: int | None, admin: bool = False
) -> tuple[str, str, bytes]:
    """A file of a succeeded job: (name, media type, content)."""
    _job_of(session, job_id, person_id, admin)
    found = jobs.output(session, job_id, output_id)
    if found is None:
        raise NotFound("output not found")
    return found.name, found.media_type, found.content
