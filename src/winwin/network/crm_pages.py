"""Web pages for CRM lists: the upload form (on the ties page), the page that follows the
matching job with a progress bar and then shows every row's match, and the confirmation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Form, Path, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from winwin.http.deps import SessionDep, public_base_url
from winwin.http.errors import status_for
from winwin.http.page_deps import ActingUser, CurrentOrg, PostedForm
from winwin.http.templating import render
from winwin.jobs.api import runner_of
from winwin.kernel.errors import InvalidInput, Problem
from winwin.network import crm_service, ties
from winwin.network.crm_api import mail_invitations, read_upload
from winwin.network.pages import ties_page

router = APIRouter(prefix="/org")

JobId = Path(ge=1, le=2_147_483_647)
LABEL = Annotated[str, Form(max_length=300)]


@router.post("/customer-lists", name="org_crm_upload")
def upload(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    background: BackgroundTasks,
    file: Annotated[UploadFile, File()],
    side: Annotated[str, Form(max_length=20)],
    preset: Annotated[str, Form(max_length=20)] = "",
    col_name: LABEL = "",
    col_domain: LABEL = "",
    col_business_id: LABEL = "",
    col_country: LABEL = "",
    col_email: LABEL = "",
) -> Response:
    columns = {
        "name": col_name,
        "domain": col_domain,
        "business_id": col_business_id,
        "country": col_country,
        "email": col_email,
    }
    try:
        job_id = crm_service.start_upload(
            session,
            actor,
            by=org.key,
            side=side,
            data=read_upload(file),
            preset=preset or None,
            columns={} if preset else columns,
        )
    except InvalidInput as exc:
        session.rollback()
        return ties_page(
            request,
            session,
            actor,
            org,
            status_code=status_for(exc),
            crm_error=exc,
            crm={"side": side, "preset": preset, **columns},
        )
    background.add_task(runner_of(request).submit, job_id)
    return RedirectResponse(f"/org/customer-lists/{job_id}?org={org.key}", status_code=303)


def _names(session: Any, found: dict[str, Any]) -> dict[str, str]:
    return ties.org_names(session, [r["match"] for r in found.get("rows", []) if r["match"]])


def _problem(reason: dict[str, Any]) -> Problem:
    return Problem(reason.get("field") or "", "", reason.get("code"), reason.get("params") or {})


def _said(found: dict[str, Any], done: dict[str, Any] | None = None) -> dict[str, Any]:
    """The bad rows' reasons and the skipped rows' whys as problems with their codes, so
    that the page says them in its language (``say``); the job and the answer keep the
    English. A document made before reasons had codes keeps its English words."""
    bad = {
        b["line"]: [_problem(r) for r in b["reasons"]] if b.get("reasons") else None
        for b in found.get("bad", [])
    }
    skipped = {
        (s["line"], s["with"]): _problem({"field": "", **s}) if s.get("code") else None
        for s in (done or {}).get("skipped", [])
    }
    return {"bad_reasons": bad, "skipped_reasons": skipped}


@router.get("/customer-lists/{job_id}", name="org_crm_result")
def result(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    job_id: int = JobId,
) -> Response:
    found = crm_service.upload_result(session, actor, by=org.key, job_id=job_id)
    headers = {"cache-control": "no-store"}
    if found["status"] not in ("succeeded", "failed"):
        # The page reloads itself until the job is done (no JavaScript needed).
        headers["refresh"] = "1"
    context = {"nav": "org", "org": org, "found": found, "names": _names(session, found)}
    return render(request, "network/crm.html", {**context, **_said(found)}, headers=headers)


@router.post("/customer-lists/{job_id}/confirm", name="org_crm_confirm")
def confirm(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    background: BackgroundTasks,
    form: PostedForm,
    job_id: int = JobId,
) -> Response:
    """The matched rows ticked (``line``) become proposals; the unmatched rows ticked
    (``invite``) invitations."""
    lines = [int(v) for v in form.getlist("line") if isinstance(v, str) and v.isdigit()]
    invites = [int(v) for v in form.getlist("invite") if isinstance(v, str) and v.isdigit()]
    try:
        done = crm_service.confirm_upload(
            session,
            actor,
            by=org.key,
            job_id=job_id,
            lines=lines,
            invite_lines=invites,
            base_url=public_base_url(request),
        )
    except InvalidInput as exc:
        session.rollback()
        found = crm_service.upload_result(session, actor, by=org.key, job_id=job_id)
        context = {"nav": "org", "org": org, "found": found, "names": _names(session, found)}
        return render(
            request,
            "network/crm.html",
            {**context, **_said(found), "error": exc},
            status_code=status_for(exc),
        )
    mail_invitations(request, background, session, actor, done)
    found = crm_service.upload_result(session, actor, by=org.key, job_id=job_id)
    names = _names(session, found)
    context = {"nav": "org", "org": org, "found": found, "names": names, "done": done}
    return render(request, "network/crm.html", {**context, **_said(found, done)})
