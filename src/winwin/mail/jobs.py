"""Mail as a job (kind ``mail.link``): one link to one person, retried with back-off.

The door records the job in the same transaction as what the link opens (an account, a
reset, an invitation to answer), and hands it to the runner after the commit, so the
mail never leaves for something that was rolled back and the link works when it
arrives. The job carries the link sealed (``winwin.mail.sealing``); the rest of its
arguments (address, language, names, the relay) are not secret.

A mail the relay does not take is tried again after 5 s, 20 s, 80 s and 320 s; after the
fifth attempt the job is ``failed`` with the relay's error, seen by the person who
started it (``/jobs``), or by platform admins for system mail (password resets).
Reset and invitation links are then written to the log (``winwin.mail``), as they are
when no relay is configured, so that an operator can pass them on; answer links never
are (their inviter has seen them on screen).

An answer link may be replaced (a resend) or ended (a revoke) while its mail waits in
the queue or between attempts. Each attempt therefore asks first whether the link still
opens its invitation; when it does not, nothing is sent and the job ends ``succeeded``
with the result ``{"to": …, "sent": false, "skipped": "link-replaced"}``, which the jobs
page shows as *not sent: the link was replaced*. The new link has its own mail.

A mail that failed for good is also told where its starter acts: a ``mail_failed``
notification names the address and links to the page of the link (``page``), and that
page marks the row whose newest mail failed (``subject``, see :func:`failed_subjects`)
"mail failed — copy the link instead". System mail (a reset asked for on the sign-in
page, an outsider's sign-up) has no starter to tell: every active platform admin gets
the ``mail_failed`` notification instead, linking to the job's page (/jobs/{id}), where
its error is; the anonymous person who asked is told nothing more than before, so the
answer never reveals whether an address has an account. Every mail that fails for good
is also one structured log line (``mail failed for good``, with ``event``, ``job_id``,
``mail`` and ``system``) for the operator's alerting.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from winwin.assessments import service as rounds
from winwin.jobs import kinds
from winwin.jobs import service as jobs
from winwin.jobs.kinds import FailedJob, JobContext
from winwin.jobs.models import Job
from winwin.mail import delivery, sealing
from winwin.notifications import service as notifications
from winwin.settings import Settings

log = logging.getLogger("winwin.mail")

KIND = "mail.link"
ATTEMPTS = 5
# The result of a mail that was not sent because its answer link no longer works.
SKIPPED_REPLACED = "link-replaced"


def queue_link(
    session: Session,
    settings: Settings,
    *,
    kind: str,
    to: str,
    link: str,
    locale: str,
    started_by: int | None,
    values: dict[str, Any] | None = None,
    log_when_unsent: bool = True,
    secret: str | None = None,
    subject: str | None = None,
    page: str | None = None,
) -> int | None:
    """Record a job that mails ``link`` to ``to``; its id, to submit after the commit.

    Without a mail relay nothing is queued: the link is logged at once (unless
    ``log_when_unsent`` is false) and None returned. ``secret`` seals the link
    (default: ``WINWIN_SECRET_KEY``); ``started_by`` is None for system mail. ``subject``
    names the row the link belongs to (``answer:17``) and ``page`` the path where its
    starter can copy the link: both say where a failure is shown."""
    if kind not in delivery.SUBJECTS:
        raise ValueError(f"unknown kind of mail: {kind}")
    if not settings.mail_server:
        if log_when_unsent:
            log.warning("%s link for %s: %s", kind, to, link)
        return None
    arguments = {
        "kind": kind,
        "to": to,
        "locale": locale,
        "values": values or {},
        "server": settings.mail_server,
        "log_when_unsent": log_when_unsent,
        "link": sealing.seal(link, secret=secret or settings.secret_key),
        "about": to,
    }
    if page is not None:
        arguments["page"] = page
    job = jobs.start_job(
        session, kind=KIND, arguments=arguments, started_by=started_by, subject=subject
    )
    return job.id


def answer_subject(invitation_id: int) -> str:
    """The subject of the mails of one personal answer link (its invitation)."""
    return f"answer:{invitation_id}"


def person_subject(user_id: int) -> str:
    """The subject of the invitation mails of one invited person."""
    return f"invitation:{user_id}"


def failed_subjects(session: Session, subjects: Collection[str]) -> set[str]:
    """The subjects among these whose newest mail failed for good (a later mail of the
    same row, such as a new link's, clears the mark once it is queued)."""
    if not subjects:
        return set()
    newest = (
        select(Job.subject, func.max(Job.id).label("id"))
        .where(Job.kind == KIND, Job.subject.in_(sorted(subjects)))
        .group_by(Job.subject)
        .subquery()
    )
    query = select(Job.subject).join(newest, Job.id == newest.c.id).where(Job.status == "failed")
    return {s for s in session.scalars(query) if s is not None}


def tell_of_failure(session: Session, failed: FailedJob) -> None:
    """A mail that failed for good: tell the person who sent it, where they can act, or
    for system mail every platform admin (the person who asked, anonymous, never learns
    whether the address had an account); and say it in one structured log line."""
    mail = str(failed.arguments.get("kind") or "")
    log.error(
        "mail failed for good",
        extra={
            "event": "mail_failed",
            "job_id": failed.id,
            "mail": mail,
            "system": failed.started_by is None,
        },
    )
    notifications.notify_about_job(
        session, kind="mail_failed", job_id=failed.id, user_id=failed.started_by, detail=mail
    )


@kinds.register(
    KIND, max_attempts=ATTEMPTS, backoff_seconds=5.0, backoff_factor=4.0, on_fail=tell_of_failure
)
def mail_link(context: JobContext) -> dict[str, Any]:
    arguments = context.arguments
    kind, to, server = arguments["kind"], arguments["to"], arguments["server"]
    link = sealing.unseal(arguments["link"], secret=Settings().secret_key)
    if kind == "answer" and not _answer_link_is_current(context, link):
        log.info("job %s: the answer link was replaced or revoked; nothing mailed", context.job_id)
        return {"to": to, "sent": False, "skipped": SKIPPED_REPLACED}
    message = delivery.compose(
        host=server.partition(":")[0],
        kind=kind,
        to=to,
        link=link,
        locale=arguments["locale"],
        values=arguments.get("values") or {},
    )
    try:
        delivery.send(server, message)
    except Exception as exc:
        if context.attempt >= ATTEMPTS and arguments.get("log_when_unsent", True):
            log.error("could not mail the %s link to %s (%s); the link: %s", kind, to, exc, link)
        raise
    return {"to": to}


def _answer_link_is_current(context: JobContext, link: str) -> bool:
    """Whether ``link`` (``…/answer/TOKEN``) still opens its invitation."""
    _, marker, token = urlsplit(link).path.rpartition("/answer/")
    if not marker or not token:
        return False
    with context.reader() as session:
        return rounds.link_is_current(session, token=token)
