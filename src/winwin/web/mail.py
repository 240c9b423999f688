"""Delivering one-time links (password reset, invitation) to people.

With ``WINWIN_MAIL_SERVER`` (``host`` or ``host:port``) the link is mailed over SMTP;
without it, or when the server cannot be reached, the link is written to the log
(logger ``winwin.mail``, level WARNING) so that an operator can pass it on.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from winwin.settings import Settings
from winwin.web.i18n import translate

log = logging.getLogger("winwin.mail")

SUBJECTS = {
    "reset": "Your Winwin password reset link",
    "invitation": "You are invited to Winwin",
}
BODIES = {
    "reset": "Open this link to choose a new password (valid for 24 hours):",
    "invitation": "Open this link to choose your password and start (valid for 7 days):",
}


def deliver_link(settings: Settings, *, kind: str, to: str, link: str, locale: str) -> None:
    if not settings.mail_server:
        log.warning("%s link for %s: %s", kind, to, link)
        return
    host, _, port = settings.mail_server.partition(":")
    message = EmailMessage()
    message["From"] = f"Winwin <winwin@{host}>"
    message["To"] = to
    message["Subject"] = translate(locale, SUBJECTS[kind])
    message.set_content(f"{translate(locale, BODIES[kind])}\n\n{link}\n")
    try:
        with smtplib.SMTP(host, int(port or 25), timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("could not mail the %s link to %s (%s); the link: %s", kind, to, exc, link)
