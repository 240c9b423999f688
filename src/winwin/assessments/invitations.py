"""Inviting respondents to a round: personal links, copied, resent or revoked.

Each side invites only its own people (``may_invite_for``); a facilitator granted both
sides invites for both. The token of a link is kept sealed (``assessments.link_tokens``)
so that whoever may invite for the side can copy it again; ``resend_invitation``
replaces it (the old link stops working) and ``revoke_invitation`` ends it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.accounts.service import new_token
from winwin.assessments import link_tokens
from winwin.assessments import refusals as refuse
from winwin.assessments.relationship_access import may_invite_for, require_run
from winwin.assessments.repository import AssessmentRepository
from winwin.assessments.round_reads import (
    LOCALES,
    RESPONDENT,
    InvitationRead,
    Invitee,
    IssuedInvitation,
    hash_link_token,
    load_round,
    round_orgs,
    side_key,
    text_ok,
    utc,
)
from winwin.assessments.score import THIRD_PARTY
from winwin.db.base import utcnow
from winwin.db.models import (
    Assessment,
    Invitation,
)
from winwin.kernel.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    Problem,
)
from winwin.kernel.keys import is_email


def invite_respondents(
    session: Session,
    *,
    actor: Actor,
    round_id: int,
    invitees: Sequence[Invitee | Mapping[str, Any]],
) -> list[IssuedInvitation]:
    """Invite respondents of both sides and third parties; each gets a personal link.

    Raises ``InvalidInput`` (naming ``invitees[i].side`` and so on) for a side that is
    not part of the relationship or not the actor's own, a duplicate or blank
    respondent, a bad email or locale; ``Conflict`` when the round is closed. All or
    nothing.
    """
    assessment = load_round(session, round_id, actor)
    require_run(actor, (assessment.a_id, assessment.b_id))
    if assessment.status != "open":
        raise Conflict(refuse.CLOSED_TO_INVITES(round=assessment.round))
    a, b = round_orgs(session, assessment)
    by_key = {a.key: a.id, b.key: b.id}
    taken = AssessmentRepository(session).respondents_taken(assessment.id)
    emails = {inv.email for inv in assessment.invitations if inv.email}
    problems: list[Problem] = []
    specs: list[tuple[Invitee, int | None, str]] = []
    if not invitees:
        raise InvalidInput(refuse.NO_RESPONDENTS("invitees"))
    for i, raw in enumerate(invitees):
        path = f"invitees[{i}]"
        try:
            invitee = raw if isinstance(raw, Invitee) else Invitee(**dict(raw))
        except TypeError:
            problems.append(refuse.INVITEE_FIELDS(path))
            continue
        if invitee.side != THIRD_PARTY and invitee.side not in by_key:
            use = f"{' or '.join(sorted(by_key))} or {THIRD_PARTY}"
            problems.append(refuse.NOT_A_SIDE(f"{path}.side", side=invitee.side, use=use))
            continue
        if invitee.side != THIRD_PARTY and not may_invite_for(actor, by_key[invitee.side]):
            problems.append(refuse.NOT_OWN_SIDE(f"{path}.side", side=invitee.side))
            continue
        email = invitee.email.strip().lower() if invitee.email else None
        if email and (not is_email(email) or not text_ok(email)):
            problems.append(refuse.BAD_EMAIL(f"{path}.email"))
        elif email and email in emails:
            # One link per address: a second would only confuse; resend renews the first.
            problems.append(refuse.ALREADY_INVITED(f"{path}.email", who=email))
        elif email:
            emails.add(email)
        if not text_ok(invitee.name) or len(invitee.name) > 200:
            problems.append(refuse.NAME_TOO_LONG(f"{path}.name", n=200))
            continue
        if invitee.locale is not None and invitee.locale not in LOCALES:
            problems.append(refuse.LOCALE(f"{path}.locale"))
        explicit = (invitee.respondent or "").strip()
        respondent = explicit or (email or invitee.name.strip() or "respondent")[:190]
        if not explicit and (respondent in taken or respondent == "respondent"):
            # A name given twice (two Annas) gets a number rather than a refusal.
            n = 1 if respondent == "respondent" else 2
            while f"{respondent}-{n}" in taken:
                n += 1
            respondent = f"{respondent}-{n}"
        if not RESPONDENT.match(respondent) or not text_ok(respondent):
            problems.append(refuse.RESPONDENT_NAME(f"{path}.respondent"))
        elif respondent in taken:
            problems.append(refuse.ALREADY_INVITED(f"{path}.respondent", who=respondent))
        taken.add(respondent)
        side_id = None if invitee.side == THIRD_PARTY else by_key[invitee.side]
        specs.append(
            (
                Invitee(invitee.side, respondent, invitee.name.strip(), email, invitee.locale),
                side_id,
                respondent,
            )
        )
    if problems:
        raise InvalidInput(problems)
    repo = AssessmentRepository(session)
    secret = link_tokens.secret_key()
    issued: list[IssuedInvitation] = []
    for invitee, side_id, respondent in specs:
        token = new_token()
        invitation = repo.add_invitation(
            Invitation(
                assessment_id=assessment.id,
                side_org_id=side_id,
                respondent=respondent,
                name=invitee.name,
                email=invitee.email,
                locale=invitee.locale,
                token_hash=hash_link_token(token),
                link_token=link_tokens.seal_token(token, secret=secret),
                invited_by_user_id=actor.user_id,
            )
        )
        issued.append(
            IssuedInvitation(
                invitation=InvitationRead(
                    id=invitation.id,
                    respondent=respondent,
                    side=invitee.side,
                    name=invitee.name,
                    email=invitee.email,
                    locale=invitee.locale,
                    answered=False,
                    last_opened_at=None,
                    token=token,
                ),
                token=token,
            )
        )
    return issued


def _managed_invitation(
    session: Session, *, actor: Actor, round_id: int, invitation_id: int
) -> tuple[Assessment, Invitation]:
    assessment = load_round(session, round_id, actor)
    require_run(actor, (assessment.a_id, assessment.b_id))
    invitation = next((i for i in assessment.invitations if i.id == invitation_id), None)
    # Someone who may not invite for that side may not learn whom it invited either.
    if invitation is None or (
        invitation.side_org_id is not None and not may_invite_for(actor, invitation.side_org_id)
    ):
        raise NotFound(refuse.NO_INVITATION(id=invitation_id, round=assessment.round))
    if assessment.status != "open":
        raise Conflict(refuse.LINKS_CLOSED(round=assessment.round))
    return assessment, invitation


def _invitation_read(
    session: Session, assessment: Assessment, invitation: Invitation
) -> InvitationRead:
    a, b = round_orgs(session, assessment)
    answered = AssessmentRepository(session).response_of(assessment.id, invitation.respondent)
    return InvitationRead(
        id=invitation.id,
        respondent=invitation.respondent,
        side=side_key(invitation.side_org_id, {a.id: a.key, b.id: b.key}),
        name=invitation.name,
        email=invitation.email,
        locale=invitation.locale,
        answered=answered is not None,
        last_opened_at=utc(invitation.last_opened_at),
        token=link_tokens.open_token(invitation.link_token, secret=link_tokens.secret_key()),
        revoked=invitation.revoked_at is not None,
    )


def invitation_id_of(session: Session, *, actor: Actor, round_id: int, respondent: str) -> int:
    """The id of the invitation of this respondent in the round (``NotFound`` if none)."""
    assessment = load_round(session, round_id, actor)
    for invitation in assessment.invitations:
        if invitation.respondent == respondent:
            return invitation.id
    raise NotFound(refuse.NOT_INVITED(respondent=respondent, round=assessment.round))


def resend_invitation(
    session: Session, *, actor: Actor, round_id: int, invitation_id: int
) -> IssuedInvitation:
    """Give an invitation a new link; the old one stops working at once.

    Also renews a revoked invitation. The response already given, if any, stays and
    can be changed through the new link. Whoever may invite for the invitation's side
    may do it, while the round is open (``Conflict`` after).
    """
    assessment, invitation = _managed_invitation(
        session, actor=actor, round_id=round_id, invitation_id=invitation_id
    )
    token = new_token()
    invitation.token_hash = hash_link_token(token)
    invitation.link_token = link_tokens.seal_token(token, secret=link_tokens.secret_key())
    invitation.revoked_at = None
    invitation.last_opened_at = None
    session.flush()
    return IssuedInvitation(
        invitation=_invitation_read(session, assessment, invitation), token=token
    )


def revoke_invitation(
    session: Session, *, actor: Actor, round_id: int, invitation_id: int
) -> InvitationRead:
    """End an invitation's link (its answers, if any, stay in the round).

    The stored digest is replaced by that of a token nobody is given, so the old link
    is refused as unknown. ``Conflict`` when already revoked or the round is closed.
    """
    assessment, invitation = _managed_invitation(
        session, actor=actor, round_id=round_id, invitation_id=invitation_id
    )
    if invitation.revoked_at is not None:
        raise Conflict(refuse.ALREADY_REVOKED(respondent=invitation.respondent))
    invitation.token_hash = hash_link_token(new_token())
    invitation.link_token = None
    invitation.revoked_at = utcnow()
    session.flush()
    return _invitation_read(session, assessment, invitation)
