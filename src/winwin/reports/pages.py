"""Web doors of the workshop report (links on the relationship and client pages).

- ``/relationships/{a}/{b}/report.pdf?round=R&lang=fi|en``: one relationship;
- ``/relationships/clients/{key}/report.pdf?round=R&lang=fi|en``: every relationship of
  a client the facilitator may see, in one PDF.

Without ``lang`` the report is in the page's language. The pages link the forms that
post to ``/relationships/{a}/{b}/report`` and ``/relationships/clients/{key}/report``:
the report is made as a job, and its page shows a progress bar, then the download.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.http.deps import CurrentUser, SessionDep
from winwin.http.templating import request_locale
from winwin.jobs.api import runner_of
from winwin.reports import service as reports
from winwin.reports.api import pdf_response

router = APIRouter()


def _queued(request: Request, background: BackgroundTasks, job_id: int) -> RedirectResponse:
    # Handed to the runner after the response, so after the request's commit.
    background.add_task(runner_of(request).submit, job_id)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def _start(
    request: Request,
    session: Session,
    actor: Actor,
    background: BackgroundTasks,
    round: str | None,
    lang: str | None,
    *,
    between: tuple[str, str] | None = None,
    client: str | None = None,
) -> RedirectResponse:
    """Start the report of a relationship or of a client as a job; go to the job's page."""
    job_id = reports.start_report(
        session,
        actor=actor,
        between=between,
        client=client,
        round=round or None,
        locale=lang or request_locale(request),
    )
    return _queued(request, background, job_id)


# The client routes come first: /relationships/clients/KEY/report.pdf would otherwise
# read as the relationship between "clients" and KEY.
@router.get("/relationships/clients/{key}/report.pdf", name="client_workshop_report")
def client_report(
    key: str,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    round: str | None = None,
    lang: str | None = None,
) -> Any:
    locale = lang or request_locale(request)
    pdf = reports.client_pdf(session, actor=actor, client=key, round=round, locale=locale)
    return pdf_response(pdf, f"winwin-{key}-{round or 'latest'}-{locale}.pdf")


@router.get("/relationships/{a}/{b}/report.pdf", name="workshop_report")
def relationship_report(
    a: str,
    b: str,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    round: str | None = None,
    lang: str | None = None,
) -> Any:
    locale = lang or request_locale(request)
    pdf = reports.workshop_pdf(session, actor=actor, between=(a, b), round=round, locale=locale)
    return pdf_response(pdf, f"winwin-{a}-{b}-{round or 'latest'}-{locale}.pdf")


@router.post("/relationships/clients/{key}/report", name="start_client_report")
def start_client_report(
    key: str,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    background: BackgroundTasks,
    round: Annotated[str | None, Form(max_length=200)] = None,
    lang: Annotated[str | None, Form(max_length=8)] = None,
) -> Any:
    """Make the client's report as a job, and go to the job's page."""
    return _start(request, session, actor, background, round, lang, client=key)


@router.post("/relationships/{a}/{b}/report", name="start_workshop_report")
def start_workshop_report(
    a: str,
    b: str,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    background: BackgroundTasks,
    round: Annotated[str | None, Form(max_length=200)] = None,
    lang: Annotated[str | None, Form(max_length=8)] = None,
) -> Any:
    """Make the relationship's report as a job, and go to the job's page."""
    return _start(request, session, actor, background, round, lang, between=(a, b))
