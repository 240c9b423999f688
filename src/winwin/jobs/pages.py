"""The page of a job for the person who started it: a progress bar that htmx refreshes
until the job is done, then its files to download, or its error.

- ``GET /jobs``: the person's jobs, newest first (platform admins: system jobs too,
  such as password reset mail);
- ``GET /jobs/{id}``: the page (without JavaScript it refreshes itself);
- ``GET /jobs/{id}/progress``: the progress fragment htmx polls;
- ``GET /jobs/{id}/outputs/{output}``: a file the job produced.

Another person's job is answered like a job that does not exist (404).
"""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from winwin.http.deps import CurrentUser, SessionDep
from winwin.http.templating import render
from winwin.jobs import service as jobs
from winwin.jobs.api import output_download

router = APIRouter()


# The page title of each kind of job (English message ids, translated on the page, where
# %(about)s is what the job is about, e.g. the address of a mail).
def N_(msgid: str) -> str:
    """Marks an English message id for the catalog; translated where it is shown."""
    return msgid


TITLES = {
    "reports.workshop": N_("Workshop report (PDF)"),
    "mail.link": N_("Mail to %(about)s"),
    "insight.pairs": N_("Natural pairs of the network"),
    "insight.network_pairs": N_("Natural pairs of the network"),
    "network.crm_match": N_("Customer list from a CRM"),
    "insight.clusters": N_("Cluster insight"),
}

# What a kind's succeeded job shows of its result (a template fragment given ``job``).
RESULT_TEMPLATES = {"insight.pairs": "insight/_pairs_job.html"}

JobId = Path(ge=1, le=2_147_483_647)


def title_of(view: jobs.JobView) -> str:
    return TITLES.get(view.kind, N_("Job"))


@router.get("/jobs", name="jobs_page")
def jobs_page(request: Request, actor: CurrentUser, session: SessionDep):  # type: ignore[no-untyped-def]
    views = jobs.list_jobs(
        session, person_id=actor.user_id, admin=actor.is_platform_admin, limit=100
    )
    rows = [(view, title_of(view)) for view in views]
    return render(
        request,
        "jobs/list.html",
        {"rows": rows, "nav": "jobs"},
        headers={"cache-control": "no-store"},
    )


@router.get("/jobs/{job_id}", name="job_page")
def job_page(request: Request, actor: CurrentUser, session: SessionDep, job_id: int = JobId):  # type: ignore[no-untyped-def]
    view = jobs.view_job(
        session, job_id=job_id, person_id=actor.user_id, admin=actor.is_platform_admin
    )
    headers = {"cache-control": "no-store"}
    if not view.finished:
        # Without JavaScript the page reloads itself until the job is done.
        headers["refresh"] = "2"
    context = {
        "job": view,
        "title": title_of(view),
        "result_template": RESULT_TEMPLATES.get(view.kind),
    }
    return render(request, "jobs/page.html", context, headers=headers)


@router.get("/jobs/{job_id}/progress", name="job_progress")
def job_progress(request: Request, actor: CurrentUser, session: SessionDep, job_id: int = JobId):  # type: ignore[no-untyped-def]
    view = jobs.view_job(
        session, job_id=job_id, person_id=actor.user_id, admin=actor.is_platform_admin
    )
    context = {"job": view, "result_template": RESULT_TEMPLATES.get(view.kind)}
    return render(request, "jobs/_progress.html", context, headers={"cache-control": "no-store"})


@router.get("/jobs/{job_id}/outputs/{output_id}", name="job_output")
def job_output(
    actor: CurrentUser,
    session: SessionDep,
    job_id: int = JobId,
    output_id: int = Path(ge=1, le=2_147_483_647),
) -> Response:
    return output_download(session, actor, job_id=job_id, output_id=output_id)
