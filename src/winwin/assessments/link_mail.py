"""Issuing personal links through the web doors, and mailing them.

The round page and the REST API invite respondents and resend a link the same way: the
use case of ``assessments.service``, then the mail of each new link with an address, in
the invitation's language, sent once the request's transaction has committed
(``mail.web.mail_answer_links``). The command line queues its own (``round_cli``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import BackgroundTasks, Request
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.assessments import service as rounds
from winwin.http.deps import public_base_url
from winwin.mail.web import mail_answer_links


def invite_and_mail(
    request: Request,
    background: BackgroundTasks,
    session: Session,
    actor: Actor,
    round_id: int,
    invitees: Sequence[rounds.Invitee | Mapping[str, Any]],
) -> list[rounds.IssuedInvitation]:
    """Invite respondents (``rounds.invite_respondents``) and queue their links' mail."""
    issued = rounds.invite_respondents(session, actor=actor, round_id=round_id, invitees=invitees)
    _mail(request, background, session, actor, round_id, issued)
    return issued


def resend_and_mail(
    request: Request,
    background: BackgroundTasks,
    session: Session,
    actor: Actor,
    round_id: int,
    invitation_id: int,
) -> rounds.IssuedInvitation:
    """Give an invitation a new link (``rounds.resend_invitation``) and queue its mail."""
    issued = rounds.resend_invitation(
        session, actor=actor, round_id=round_id, invitation_id=invitation_id
    )
    _mail(request, background, session, actor, round_id, [issued])
    return issued


def _mail(
    request: Request,
    background: BackgroundTasks,
    session: Session,
    actor: Actor,
    round_id: int,
    issued: Sequence[rounds.IssuedInvitation],
) -> None:
    mail_answer_links(
        request,
        background,
        session,
        rounds.get_round(session, actor=actor, round_id=round_id),
        issued,
        base=public_base_url(request),
        started_by=actor.user_id,
    )
