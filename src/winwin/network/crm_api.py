"""REST for customer and supplier lists from a CRM (docs/network.md, CRM lists)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Form, Path, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from winwin.accounts.access import Actor
from winwin.http.deps import CurrentUser, SessionDep, public_base_url
from winwin.jobs.api import runner_of
from winwin.kernel.errors import InvalidInput, Problem
from winwin.mail.web import mail_after_commit
from winwin.network import crm, crm_service
from winwin.network.ties import org_names

router = APIRouter(tags=["organizations"])

JobId = Path(ge=1, le=2_147_483_647)


def read_upload(file: UploadFile) -> bytes:
    data = file.file.read(crm.MAX_BYTES + 1)
    if len(data) > crm.MAX_BYTES:
        raise InvalidInput(Problem("file", f"is larger than {crm.MAX_BYTES // 1_000_000} MB"))
    return data


def columns_of(text: str) -> dict[str, str]:
    """The ``columns`` form field: a JSON object of field → header label."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise InvalidInput(Problem("columns", "must be a JSON object")) from None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InvalidInput(Problem("columns", "must map fields to column labels"))
    return value


def mail_invitations(
    request: Request, background: BackgroundTasks, session: Any, actor: Actor, done: dict[str, Any]
) -> None:
    """With a mail server, each invitation's link is mailed (and not shown); without one,
    the links stay in the answer for the uploader to pass on."""
    if not request.app.state.settings.mail_server:
        return
    name = org_names(session, [done["org"]]).get(done["org"], done["org"])
    for invited in done["invited"]:
        mail_after_commit(
            request,
            background,
            session,
            kind="org_invitation",
            to=invited["email"],
            link=invited["link"],
            started_by=actor.user_id,
            values={"org": name},
            log_when_unsent=False,
        )
        invited["link"] = None


class UploadStarted(BaseModel):
    job: int
    status: str


class ConfirmCreate(BaseModel):
    """``lines``: the matched lines to propose (null: every match); ``invite_lines``:
    unmatched lines whose e-mail to invite."""

    model_config = ConfigDict(extra="forbid")

    lines: Annotated[list[int], Field(max_length=100_000)] | None = None
    invite_lines: Annotated[list[int], Field(max_length=1000)] = []


@router.post(
    "/organizations/{key}/customer-lists",
    response_model=UploadStarted,
    status_code=202,
    summary="Upload a CRM list of our customers or suppliers; it is matched as a job",
)
def upload(
    key: str,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    background: BackgroundTasks,
    file: Annotated[UploadFile, File()],
    as_: Annotated[str, Form(alias="as", max_length=20)],
    preset: Annotated[str, Form(max_length=20)] = "",
    columns: Annotated[str, Form(max_length=5000)] = "",
) -> UploadStarted:
    job_id = crm_service.start_upload(
        session,
        actor,
        by=key,
        side=as_,
        data=read_upload(file),
        preset=preset or None,
        columns=columns_of(columns),
    )
    background.add_task(runner_of(request).submit, job_id)
    return UploadStarted(job=job_id, status="queued")


@router.get(
    "/organizations/{key}/customer-lists/{job_id}",
    summary="An upload's progress, then each row's match and how, and the bad rows",
)
def read(key: str, actor: CurrentUser, session: SessionDep, job_id: int = JobId) -> Any:
    found = crm_service.upload_result(session, actor, by=key, job_id=job_id)
    found.pop("org", None)
    return {"org": key, **found}


@router.post(
    "/organizations/{key}/customer-lists/{job_id}/confirm",
    summary="Propose a tie to each confirmed match, and invite chosen unmatched rows",
)
def confirm(
    key: str,
    body: ConfirmCreate,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    background: BackgroundTasks,
    job_id: int = JobId,
) -> Any:
    done = crm_service.confirm_upload(
        session,
        actor,
        by=key,
        job_id=job_id,
        lines=body.lines,
        invite_lines=body.invite_lines,
        base_url=public_base_url(request),
    )
    mail_invitations(request, background, session, actor, done)
    return done
