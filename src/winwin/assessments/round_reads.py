"""What the round use cases read and share: the read models of a round, its invitations
and its answer form, and the look-ups every use case starts from (a round the actor may
see, an invitation by its personal link).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.assessments import link_tokens
from winwin.assessments import refusals as refuse
from winwin.assessments.anonymity import may_see_who_answered
from winwin.assessments.relationship_access import (
    can_run_relationship,
    can_see_relationship,
    may_invite_for,
    reader_for,
)
from winwin.assessments.repository import AssessmentRepository
from winwin.assessments.score import THIRD_PARTY
from winwin.db.models import (
    Assessment,
    Invitation,
    Organization,
)
from winwin.kernel.errors import (
    NotFound,
)
from winwin.kernel.time import as_utc

ROUND_MAX = 64
RESPONDENT = re.compile(r"^[^\s][^\n\r\t]{0,199}$")
LOCALES = ("fi", "en")


def hash_link_token(token: str) -> str:
    """The digest stored for a personal link's token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# read models ----------------------------------------------------------------------------
@dataclass(frozen=True)
class InvitationRead:
    id: int
    respondent: str
    side: str  # an organisation key or "third-party"
    name: str
    email: str | None
    locale: str | None
    answered: bool
    last_opened_at: datetime | None
    #: The link's token, for those who may invite for the side; ``None`` otherwise, once
    #: revoked, and for invitations made before links were kept.
    token: str | None = None
    revoked: bool = False


@dataclass(frozen=True)
class RoundRead:
    id: int
    round: str
    between: tuple[str, str]
    names: dict[str, str]
    instrument: str
    status: str
    opened_at: datetime
    closed_at: datetime | None
    opened_by_user_id: int | None
    respondents: int
    invitations: list[InvitationRead] = field(default_factory=list)
    #: The fewest respondents a side needs before its factors are shown (1: named round).
    min_respondents: int = 3
    #: Respondents per side key (and ``third-party``): counts are shown to every reader.
    respondents_by_side: dict[str, int] = field(default_factory=dict)
    #: Invitations left out because the reader may not see who was invited for them.
    invitations_hidden: int = 0


@dataclass(frozen=True)
class IssuedInvitation:
    """A new (or renewed) invitation and its link's token."""

    invitation: InvitationRead
    token: str


@dataclass(frozen=True)
class Invitee:
    """Someone to invite: ``side`` is one of the two organisations' keys or third-party."""

    side: str
    respondent: str | None = None
    name: str = ""
    email: str | None = None
    locale: str | None = None


@dataclass(frozen=True)
class FormItem:
    id: str
    factor: str
    text: dict[str, str]


@dataclass(frozen=True)
class AnswerForm:
    """What a respondent sees behind their personal link."""

    round: str
    round_id: int
    between: tuple[str, str]
    names: dict[str, str]
    side: str
    respondent: str
    name: str
    locale: str | None
    instrument: str
    instrument_name: dict[str, str]
    scale: int
    items: list[FormItem]
    answers: dict[str, int]
    status: str
    #: The round's minimum of respondents per side (1: a named round).
    min_respondents: int = 3
    #: Statements the respondent marked "I can't say" (never answers).
    cant_say: frozenset[str] = frozenset()

    @property
    def unanswered(self) -> list[str]:
        """Ids of the statements with neither an answer nor "I can't say", in order."""
        return [
            item.id
            for item in self.items
            if item.id not in self.answers and item.id not in self.cant_say
        ]

    @property
    def open(self) -> bool:
        return self.status == "open"

    @property
    def named(self) -> bool:
        """A named round: respondents agree that their side is shown from one answer."""
        return self.min_respondents <= 1


@dataclass(frozen=True)
class ResponseRead:
    round: str
    respondent: str
    side: str
    answers: dict[str, int]
    created: bool
    cant_say: list[str] = field(default_factory=list)


# helpers ------------------------------------------------------------------------------
def utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def text_ok(value: object) -> bool:
    # PostgreSQL refuses NUL characters in text outright; treat them as not found.
    return isinstance(value, str) and "\x00" not in value


def round_orgs(session: Session, assessment: Assessment) -> tuple[Organization, Organization]:
    return AssessmentRepository(session).pair_orgs(assessment.a_id, assessment.b_id)


def side_key(side_org_id: int | None, keys: dict[int, str]) -> str:
    return THIRD_PARTY if side_org_id is None else keys[side_org_id]


def round_read(session: Session, assessment: Assessment, actor: Actor) -> RoundRead:
    a, b = round_orgs(session, assessment)
    keys = {a.id: a.key, b.id: b.key}
    answered = {r.respondent for r in assessment.responses}
    reader = reader_for(actor)
    pair = (assessment.a_id, assessment.b_id)
    runs = can_run_relationship(actor, pair)
    shown = [
        inv
        for inv in assessment.invitations
        if may_see_who_answered(
            side_org_id=inv.side_org_id, reader=reader, pair=pair, runs_round=runs
        )
    ]

    def may_copy(inv: Invitation) -> bool:
        if inv.side_org_id is None:
            return runs
        return may_invite_for(actor, inv.side_org_id)

    by_side: dict[str, int] = {a.key: 0, b.key: 0, THIRD_PARTY: 0}
    for response in assessment.responses:
        by_side[side_key(response.side_org_id, keys)] += 1
    secret = link_tokens.secret_key() if any(may_copy(inv) for inv in shown) else ""
    return RoundRead(
        id=assessment.id,
        round=assessment.round,
        between=tuple(sorted((a.key, b.key))),  # type: ignore[arg-type]
        names={a.key: a.name, b.key: b.name},
        instrument=assessment.instrument.key,
        status=assessment.status,
        opened_at=utc(assessment.opened_at) or assessment.opened_at,
        closed_at=utc(assessment.closed_at),
        opened_by_user_id=assessment.opened_by_user_id,
        respondents=len(assessment.responses),
        min_respondents=assessment.min_respondents,
        respondents_by_side=by_side,
        invitations_hidden=len(assessment.invitations) - len(shown),
        invitations=[
            InvitationRead(
                id=inv.id,
                respondent=inv.respondent,
                side=side_key(inv.side_org_id, keys),
                name=inv.name,
                email=inv.email,
                locale=inv.locale,
                answered=inv.respondent in answered,
                last_opened_at=utc(inv.last_opened_at),
                token=link_tokens.open_token(inv.link_token, secret=secret)
                if may_copy(inv)
                else None,
                revoked=inv.revoked_at is not None,
            )
            for inv in shown
        ],
    )


MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def load_round(session: Session, round_id: int, actor: Actor) -> Assessment:
    in_range = isinstance(round_id, int) and 1 <= round_id <= MAX_ID
    assessment = AssessmentRepository(session).get_by_id(round_id) if in_range else None
    if assessment is None or not can_see_relationship(actor, (assessment.a_id, assessment.b_id)):
        raise NotFound(refuse.NO_ROUND(id=round_id))
    return assessment


def invitation_by_token(session: Session, token: str) -> Invitation:
    invitation = None
    if isinstance(token, str) and 10 <= len(token) <= 200:
        invitation = AssessmentRepository(session).invitation_by_token_hash(hash_link_token(token))
    if invitation is None:
        raise NotFound(refuse.BAD_LINK())
    return invitation
