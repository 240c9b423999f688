"""Mailing the personal links a door has just issued (inviting, resending a link).

The round page and the REST API queue the same mail: each new link with an address, in
the invitation's language, sent once the request's transaction has committed
(``mail.web.mail_answer_links``). The command line queues its own (``round_cli``).
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import BackgroundTasks, Request
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.assessments import service as rounds
from winwin.http.deps import public_base_url
from winwin.mail.web import mail_answer_links


def mail_issued_links(
    request: Request,
    background: BackgroundTasks,
    session: Session,
    actor: Actor,
    round_id: int,
    issued: Sequence[rounds.IssuedInvitation],
) -> None:
    """Queue the mail of each link just issued in the round (after the commit)."""
    mail_answer_links(
        request,
        background,
        session,
        rounds.get_round(session, actor=actor, round_id=round_id),
        issued,
        base=public_base_url(request),
        started_by=actor.user_id,
    )
