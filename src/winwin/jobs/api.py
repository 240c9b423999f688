"""REST routes of jobs: a job's state and its files, for the person who started it.

Another person's job answers 404, exactly like a job that does not exist.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.accounts.schemas import UtcDatetime
from winwin.http.deps import CurrentUser, SessionDep
from winwin.jobs import service as jobs
from winwin.jobs.runners import Runner, runner_for

router = APIRouter(tags=["jobs"])

JobId = Path(ge=1, le=2_147_483_647, description="The job's number")


class ProgressRead(BaseModel):
    done: int
    total: int | None = Field(description="Steps in all, when known")
    percent: int | None = Field(description="0–100, when the total is known")


class OutputRead(BaseModel):
    id: int
    name: str
    media_type: str
    size: int = Field(description="Bytes")


class JobRead(BaseModel):
    id: int
    kind: str
    status: str = Field(description="queued, running, succeeded or failed")
    progress: ProgressRead
    attempts: int = Field(description="Attempts made so far")
    max_attempts: int
    error: str | None = Field(
        description="Why the last attempt failed (a failed job's error, or the one retried)"
    )
    result: dict[str, Any] | None
    started_by: str | None = Field(description="The starter's email (null: a system job)")
    about: str | None = Field(description="What the job is about (a mail's address)")
    created_at: UtcDatetime
    started_at: UtcDatetime | None
    finished_at: UtcDatetime | None
    outputs: list[OutputRead]


def runner_of(request: Request) -> Runner:
    """The app's job runner, made on first use (a thread on SQLite, the queue on PostgreSQL)."""
    state = request.app.state
    runner: Runner | None = getattr(state, "jobs_runner", None)
    if runner is None:
        runner = runner_for(state.settings.database_url, state.engine)
        state.jobs_runner = runner
    return runner


class JobsRead(BaseModel):
    jobs: list[JobRead]


@router.get("/jobs", summary="Jobs you started, newest first (admins: system jobs too)")
def list_jobs(
    session: SessionDep,
    user: CurrentUser,
    status: Literal["queued", "running", "succeeded", "failed"] | None = None,
    limit: int = Query(50, ge=1, le=1000),
) -> JobsRead:
    views = jobs.list_jobs(
        session, person_id=user.user_id, status=status, limit=limit, admin=user.is_platform_admin
    )
    return JobsRead(jobs=[JobRead.model_validate(v.as_document()) for v in views])


@router.get("/jobs/{job_id}", summary="A job you started: status, progress, error, result")
def get_job(session: SessionDep, user: CurrentUser, job_id: int = JobId) -> JobRead:
    view = jobs.view_job(
        session, job_id=job_id, person_id=user.user_id, admin=user.is_platform_admin
    )
    return JobRead.model_validate(view.as_document())


@router.get(
    "/jobs/{job_id}/outputs/{output_id}",
    summary="A file produced by a job you started",
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def get_job_output(
    session: SessionDep,
    user: CurrentUser,
    job_id: int = JobId,
    output_id: int = Path(ge=1, le=2_147_483_647),
) -> Response:
    return output_download(session, user, job_id=job_id, output_id=output_id)


def output_download(session: Session, actor: Actor, *, job_id: int, output_id: int) -> Response:
    """A job's file as a download, for its starter only (the page's link and REST alike;
    a platform admin also gets the files of jobs nobody started)."""
    name, media_type, content = jobs.job_output(
        session,
        job_id=job_id,
        output_id=output_id,
        person_id=actor.person_id,
        admin=actor.is_platform_admin,
    )
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
    return Response(
        content,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{safe}"'},
    )
