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
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from winwin.assessments import service as rounds
from winwin.jobs import kinds
from winwin.jobs import service as jobs
from winwin.jobs.kinds import JobContext
from winwin.mail import delivery, sealing
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
) -> int | None:
    """Record a job that mails ``link`` to ``to``; its id, to submit after the commit.

    Without a mail relay nothing is queued: the link is logged at once (unless
    ``log_when_unsent`` is false) and None returned. ``secret`` seals the link
    (default: ``WINWIN_SECRET_KEY``); ``started_by`` is None for system mail."""
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
    return jobs.start_job(session, kind=KIND, arguments=arguments, started_by=started_by).id


@kinds.register(KIND, max_attempts=ATTEMPTS, backoff_seconds=5.0, backoff_factor=4.0)
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
