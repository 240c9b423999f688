"""The doors' side of mail: queue a link's mail in the request's transaction and hand
the job to the runner once the response (and so the commit) is done."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import BackgroundTasks, Request
from sqlalchemy.orm import Session

from winwin.assessments import service as rounds
from winwin.http.templating import request_locale
from winwin.jobs.api import runner_of
from winwin.mail.delivery import answer_link, answer_mail_values, will_mail
from winwin.mail.jobs import answer_subject, queue_link


def mail_after_commit(
    request: Request,
    background: BackgroundTasks,
    session: Session,
    *,
    kind: str,
    to: str,
    link: str,
    started_by: int | None,
    locale: str | None = None,
    values: dict[str, Any] | None = None,
    log_when_unsent: bool = True,
    subject: str | None = None,
    page: str | None = None,
) -> int | None:
    """Queue the mail (the request's language unless ``locale``); the job's id, or None
    when no mail server is configured (the link was logged instead, if allowed).
    ``subject`` and ``page`` say where a failure is shown (``winwin.mail.jobs``)."""
    job_id = queue_link(
        session,
        request.app.state.settings,
        kind=kind,
        to=to,
        link=link,
        locale=locale or request_locale(request),
        started_by=started_by,
        values=values,
        log_when_unsent=log_when_unsent,
        secret=request.app.state.secret_key,
        subject=subject,
        page=page,
    )
    if job_id is not None:
        background.add_task(runner_of(request).submit, job_id)
    return job_id


def mail_system_link(
    request: Request,
    background: BackgroundTasks,
    session: Session,
    *,
    kind: str,
    to: str,
    link: str,
    locale: str | None = None,
) -> int | None:
    """Queue a link that nobody signed in asked for (a password reset, an outsider's
    verification): it is the system's mail, so platform admins see its fate."""
    return mail_after_commit(
        request, background, session, kind=kind, to=to, link=link, started_by=None, locale=locale
    )


def mail_answer_links(
    request: Request,
    background: BackgroundTasks,
    session: Session,
    current: rounds.RoundRead,
    issued: Sequence[rounds.IssuedInvitation],
    *,
    base: str,
    started_by: int | None,
) -> None:
    """Queue, for each new respondent with an address, the mail of their personal link,
    in the invitation's language, else the inviter's. Never logged: the inviter has it."""
    values = answer_mail_values(current)
    for item in issued:
        if not will_mail(request.app.state.settings, item) or item.invitation.email is None:
            continue
        mail_after_commit(
            request,
            background,
            session,
            kind="answer",
            to=item.invitation.email,
            link=answer_link(base, item),
            started_by=started_by,
            locale=item.invitation.locale,
            values=values,
            log_when_unsent=False,
            subject=answer_subject(item.invitation.id),
            page=f"/rounds/{current.id}#invitation-{item.invitation.id}",
        )
