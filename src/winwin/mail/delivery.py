"""Delivering one-time links (password reset, invitation, personal answer link, an
outsider's sign-up) to people.

With ``WINWIN_MAIL_SERVER`` (``host`` or ``host:port``) the link is mailed over SMTP;
without it, or when the server cannot be reached, the link is written to the log
(logger ``winwin.mail``, level WARNING) so that an operator can pass it on. Answer links
are the exception: whoever invited the respondent sees the link once on screen, so it is
never written to the log.

The doors queue each mail as a job (``winwin.mail.jobs``), retried with back-off; this
module composes and sends one message.

An outsider's sign-up link is shown on the page instead when there is no mail server,
except in production (:func:`shows_link_on_page`): there a link on the page would let
anyone claim any address, so it goes to the log for the operator.
"""

from __future__ import annotations

import logging
import smtplib
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
    "verify": "Confirm your address to join Winwin's open challenges",
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
    "verify": (
        "Someone, hopefully you, signed up to Winwin with this address to take part in "
        "public challenges. Open this link to confirm the address and choose a password "
        "(valid for 24 hours). If it was not you, ignore this message."
    ),
}


def compose(
    *, host: str, kind: str, to: str, link: str, locale: str, values: dict[str, Any] | None
) -> EmailMessage:
    """The mail of one link, in ``locale``."""
    message = EmailMessage()
    message["From"] = f"Winwin <winwin@{host}>"
    message["To"] = to
    message["Subject"] = translate(locale, SUBJECTS[kind], **(values or {}))
    message.set_content(f"{translate(locale, BODIES[kind], **(values or {}))}\n\n{link}\n")
    return message


def send(server: str, message: EmailMessage) -> None:
    """Hand the message to the SMTP relay ``host[:port]``; raises when it is not taken."""
    host, _, port = server.partition(":")
    with smtplib.SMTP(host, int(port or 25), timeout=10) as smtp:
        smtp.send_message(message)


def shows_link_on_page(settings: Settings) -> bool:
    """Whether a sign-up link is shown on the page: no mail server, and not production."""
    return not settings.mail_server and settings.environment != "production"


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
