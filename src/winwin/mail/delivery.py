"""Delivering one-time links (password reset, invitation, personal answer link) to people.

With ``WINWIN_MAIL_SERVER`` (``host`` or ``host:port``) the link is mailed over SMTP;
without it, or when the server cannot be reached, the link is written to the log
(logger ``winwin.mail``, level WARNING) so that an operator can pass it on. Answer links
are the exception: whoever invited the respondent sees the link once on screen, so it is
never written to the log.

Answer links are mailed after the response has been sent (a FastAPI background task), so
the invitation is committed before anyone can open the link and a slow mail server never
holds up the page.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any

from winwin.assessments import service as rounds
from winwin.http.i18n import translate
from winwin.settings import Settings

log = logging.getLogger("winwin.mail")

SUBJECTS = {
    "reset": "Your Winwin password reset link",
    "invitation": "You are invited to Winwin",
    "answer": "Your personal link to the assessment of %(a)s and %(b)s",
    "org_invitation": "%(org)s invites your organisation to Winwin",
}
BODIES = {
    "reset": "Open this link to choose a new password (valid for 24 hours):",
    "invitation": "Open this link to choose your password and start (valid for 7 days):",
    "answer": (
        "%(a)s and %(b)s are measuring their relationship (round %(round)s) and ask for "
        "your view. Open your personal link to answer; you can change your answers until "
        "the round closes. The link is yours alone: please do not pass it on."
    ),
    "org_invitation": (
        "%(org)s invites your organisation to Winwin, the network where organisations "
        "share what they choose with the partners they choose. Open this link to describe "
        "your organisation and become its first admin (valid for 14 days):"
    ),
}


def deliver_link(
    settings: Settings,
    *,
    kind: str,
    to: str,
    link: str,
    locale: str,
    values: dict[str, Any] | None = None,
    log_when_unsent: bool = True,
) -> bool:
    """Mail ``link`` to ``to`` in ``locale``; True when the mail server took it."""
    if not settings.mail_server:
        if log_when_unsent:
            log.warning("%s link for %s: %s", kind, to, link)
        return False
    host, _, port = settings.mail_server.partition(":")
    message = EmailMessage()
    message["From"] = f"Winwin <winwin@{host}>"
    message["To"] = to
    message["Subject"] = translate(locale, SUBJECTS[kind], **(values or {}))
    message.set_content(f"{translate(locale, BODIES[kind], **(values or {}))}\n\n{link}\n")
    try:
        with smtplib.SMTP(host, int(port or 25), timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        if log_when_unsent:
            log.error("could not mail the %s link to %s (%s); the link: %s", kind, to, exc, link)
        else:
            log.error("could not mail the %s link to %s (%s)", kind, to, exc)
        return False
    return True


def answer_link(base: str, issued: rounds.IssuedInvitation) -> str:
    """The personal link, in the invitation's language when it has one."""
    link = f"{base.rstrip('/')}/answer/{issued.token}"
    return f"{link}?lang={issued.invitation.locale}" if issued.invitation.locale else link


def will_mail(settings: Settings, issued: rounds.IssuedInvitation) -> bool:
    """Whether this invitation's link goes out by mail (it has an address and a server)."""
    return bool(settings.mail_server and issued.invitation.email)


def answer_mail_values(current: rounds.RoundRead) -> dict[str, str]:
    """The names and round that the answer-link mail speaks of."""
    a, b = current.between
    return {"a": current.names.get(a, a), "b": current.names.get(b, b), "round": current.round}


def mail_answer_links(
    settings: Settings,
    current: rounds.RoundRead,
    issued: Sequence[rounds.IssuedInvitation],
    *,
    base: str,
    locale: str,
) -> None:
    """Mail each new respondent with an address their personal link.

    The mail is in the invitation's language, else ``locale`` (the inviter's).
    """
    values = answer_mail_values(current)
    for item in issued:
        if not will_mail(settings, item) or item.invitation.email is None:
            continue
        deliver_link(
            settings,
            kind="answer",
            to=item.invitation.email,
            link=answer_link(base, item),
            locale=item.invitation.locale or locale,
            values=values,
            log_when_unsent=False,
        )
