"""Assessment rounds: open a round, invite respondents, answer by personal link, close.

- A facilitator of either side, an organisation admin of either side or a platform admin
  opens a round for a relationship (``winwin.accounts.access.can_manage_org``), only
  between two organisations joined by a tie, and only with an instrument the opener
  may use (``can_use_instrument``). The command line acts as ``actor=None``: whoever
  holds the database may do anything, as an import may.
- Each side invites only its own people (``may_invite_for``); a facilitator granted
  both sides invites for both.
- Each invited respondent gets a personal link. Answering needs no sign-in: the link is
  the key, found by its SHA-256 digest. The token is kept as well, sealed
  (``winwin.assessments.link_tokens``), so that whoever may invite for the side can copy
  the link again later (``InvitationRead.token``);
  ``resend_invitation`` replaces it (the old link stops working) and
  ``revoke_invitation`` ends it.
- A respondent may mark a statement "I can't say": it is recorded
  (``AnswerForm.cant_say``) but is not an answer, so it never enters a mean.
- Third parties see and answer only impact and attraction items.
- One response per respondent per round, editable until the round closes.
- A round's ``min_respondents`` (default 3; 1 for a named round) is the fewest
  respondents a side needs before its factors are shown; who was invited and who
  answered is shown only as ``winwin.assessments.anonymity`` allows (``reader_for``).

Every check runs before anything is written, and a refusal names the field at fault.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, accessible_org_ids, can_access_org, can_manage_org
from winwin.accounts.service import new_token
from winwin.assessments import link_tokens
from winwin.assessments import refusals as refuse
from winwin.assessments.anonymity import OPERATOR, Reader, check_minimum, may_see_who_answered
from winwin.assessments.instruments import ensure_builtin_instruments
from winwin.assessments.repository import AssessmentRepository, InstrumentRepository
from winwin.assessments.score import OUTSIDE_FACTORS
from winwin.db.base import utcnow
from winwin.db.models import (
    Answer,
    Assessment,
    CantSay,
    Instrument,
    Invitation,
    Organization,
    Response,
)
from winwin.kernel.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    RuleBroken,
)
from winwin.kernel.keys import is_email
from winwin.kernel.time import as_utc
from winwin.network.repository import NetworkRepository

THIRD_PARTY = "third-party"
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
def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def _text_ok(value: object) -> bool:
    # PostgreSQL refuses NUL characters in text outright; treat them as not found.
    return isinstance(value, str) and "\x00" not in value


def _keys(session: Session, assessment: Assessment) -> tuple[Organization, Organization]:
    return AssessmentRepository(session).pair_orgs(assessment.a_id, assessment.b_id)


def _side_key(side_org_id: int | None, keys: dict[int, str]) -> str:
    return THIRD_PARTY if side_org_id is None else keys[side_org_id]


def reader_for(actor: Actor | None) -> Reader:
    """The anonymity rule's view of an actor (``None``, the command line: the operator)."""
    if actor is None:
        return OPERATOR
    return Reader(
        platform_admin=actor.is_platform_admin,
        facilitated=frozenset(actor.client_org_ids) if actor.is_facilitator else frozenset(),
        administered=(
            frozenset({actor.org_id})
            if actor.role == "org_admin" and actor.org_id is not None
            else frozenset()
        ),
    )


def _round_read(session: Session, assessment: Assessment, actor: Actor | None) -> RoundRead:
    a, b = _keys(session, assessment)
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
        by_side[_side_key(response.side_org_id, keys)] += 1
    secret = link_tokens.secret_key() if any(may_copy(inv) for inv in shown) else ""
    return RoundRead(
        id=assessment.id,
        round=assessment.round,
        between=tuple(sorted((a.key, b.key))),  # type: ignore[arg-type]
        names={a.key: a.name, b.key: b.name},
        instrument=assessment.instrument.key,
        status=assessment.status,
        opened_at=_utc(assessment.opened_at) or assessment.opened_at,
        closed_at=_utc(assessment.closed_at),
        opened_by_user_id=assessment.opened_by_user_id,
        respondents=len(assessment.responses),
        min_respondents=assessment.min_respondents,
        respondents_by_side=by_side,
        invitations_hidden=len(assessment.invitations) - len(shown),
        invitations=[
            InvitationRead(
                id=inv.id,
                respondent=inv.respondent,
                side=_side_key(inv.side_org_id, keys),
                name=inv.name,
                email=inv.email,
                locale=inv.locale,
                answered=inv.respondent in answered,
                last_opened_at=_utc(inv.last_opened_at),
                token=link_tokens.open_token(inv.link_token, secret=secret)
                if may_copy(inv)
                else None,
                revoked=inv.revoked_at is not None,
            )
            for inv in shown
        ],
    )


def can_see_relationship(actor: Actor | None, pair: Iterable[int]) -> bool:
    """Whether the actor may see a relationship, its rounds and everything hung on it.

    Someone who may see either side does: the sides' people, facilitators granted
    either side, platform admins. ``None`` is the command line, which may do anything.
    """
    return actor is None or any(can_access_org(actor, org_id) for org_id in pair)


def can_run_relationship(actor: Actor | None, pair: Iterable[int]) -> bool:
    """Whether the actor may run a relationship's rounds and plans: an organisation
    admin of either side, a facilitator granted either side, a platform admin."""
    return actor is None or any(can_manage_org(actor, org_id) for org_id in pair)


def may_invite_for(actor: Actor | None, side_org_id: int) -> bool:
    """Whether the actor may invite respondents who answer for this side: that
    organisation's admins, a facilitator granted it (granted both sides: both), a
    platform admin, the command line. Third parties may be invited by whoever runs
    the round."""
    return actor is None or can_manage_org(actor, side_org_id)


def _require_run(actor: Actor | None, pair: tuple[int, int]) -> None:
    if not can_run_relationship(actor, pair):
        raise PermissionDenied(refuse.RUNNER())


MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def _load_round(session: Session, round_id: int, actor: Actor | None) -> Assessment:
    in_range = isinstance(round_id, int) and 1 <= round_id <= MAX_ID
    assessment = AssessmentRepository(session).get_by_id(round_id) if in_range else None
    if assessment is None or not can_see_relationship(actor, (assessment.a_id, assessment.b_id)):
        raise NotFound(refuse.NO_ROUND(id=round_id))
    return assessment


def can_use_instrument(actor: Actor | None, instrument: Instrument, pair: Iterable[int]) -> bool:
    """Whether a round of this pair, opened by this actor, may use the instrument.

    Built-in and network instruments (no owner) serve every round. An organisation's
    own instrument serves only its own relationships, and only an opener who works for
    that organisation (its people, a facilitator granted it, a platform admin; the
    command line) may choose it: opening a round must never hand someone the other
    side's private instrument.
    """
    owner = instrument.owner_org_id
    if owner is None:
        return True
    return owner in set(pair) and (actor is None or can_access_org(actor, owner))


def _instrument_for(
    session: Session,
    key: str,
    pair: tuple[int, int],
    actor: Actor | None = None,
    path: str = "instrument",
) -> Instrument:
    repo = InstrumentRepository(session)
    instrument = repo.get_by_key(key) if _text_ok(key) else None
    if instrument is None and _text_ok(key):
        ensure_builtin_instruments(session)
        instrument = repo.get_by_key(key)
    # The same answer whether the instrument is missing or someone else's.
    if instrument is None or not can_use_instrument(actor, instrument, pair):
        raise InvalidInput(refuse.UNKNOWN_INSTRUMENT(path, key=key))
    return instrument


def _require_tie(
    session: Session, actor: Actor | None, pair: tuple[int, int], names: Sequence[str]
) -> None:
    # The command line acts for the operator, as an import does: a network document
    # may hold rounds between organisations without a tie (CONTRACT.md).
    if actor is None or AssessmentRepository(session).tied(*pair):
        return
    raise RuleBroken(refuse.NO_TIE("between", a=names[0], b=names[1]))


# use cases ----------------------------------------------------------------------------
def open_round(
    session: Session,
    *,
    actor: Actor | None,
    between: Sequence[str],
    round: str,
    instrument: str,
    min_respondents: object = None,
) -> RoundRead:
    """Open an assessment round for the relationship between two organisations.

    ``min_respondents`` is the fewest respondents a side needs before its factors are
    shown (``None``: 3; 1 opens a named round, in which respondents agree to be seen).

    Raises ``InvalidInput`` (naming ``between[i]``, ``round``, ``instrument`` or
    ``min_respondents``) for an unknown organisation, a pair that is not two
    organisations, an empty or too long round name, a minimum that is not a whole
    number from 1 to 1000, or an unknown instrument (or one the actor may not use);
    ``PermissionDenied`` unless the actor runs one of the sides; ``RuleBroken`` (naming
    ``between``) when no tie joins the two; ``Conflict`` when the relationship already
    has this round.
    """
    problems: list[Problem] = []
    if not isinstance(between, Sequence) or isinstance(between, str) or len(between) != 2:
        raise InvalidInput(refuse.TWO_ORGS("between"))
    net = NetworkRepository(session)
    orgs: list[Organization] = []
    for i, key in enumerate(between):
        org = net.get_by_key(key) if _text_ok(key) else None
        if org is None:
            problems.append(refuse.UNKNOWN_ORG(f"between[{i}]", key=key))
        else:
            orgs.append(org)
    if len(orgs) == 2 and orgs[0].id == orgs[1].id:
        problems.append(refuse.SAME_ORG("between"))
    name = round.strip() if isinstance(round, str) else ""
    if not name:
        problems.append(refuse.EMPTY("round"))
    elif not _text_ok(name):
        problems.append(refuse.NUL("round"))
    elif len(name) > ROUND_MAX:
        problems.append(refuse.TOO_LONG("round", n=ROUND_MAX))
    minimum = 3
    try:
        minimum = check_minimum(min_respondents)
    except InvalidInput as refused:
        problems.extend(refused.problems)
    if problems:
        raise InvalidInput(problems)
    pair = (min(o.id for o in orgs), max(o.id for o in orgs))
    _require_run(actor, pair)
    _require_tie(session, actor, pair, [o.key for o in orgs])
    chosen = _instrument_for(session, instrument, pair, actor)
    repo = AssessmentRepository(session)
    if repo.get(round=name, a_id=pair[0], b_id=pair[1]) is not None:
        raise Conflict(refuse.ALREADY_OPEN(round=name, pair=" and ".join(sorted(between))))
    assessment = Assessment(
        round=name,
        instrument=chosen,
        a_id=pair[0],
        b_id=pair[1],
        status="open",
        opened_by_user_id=actor.user_id if actor else None,
        min_respondents=minimum,
    )
    repo.add(assessment)
    return _round_read(session, assessment, actor)


def get_round(session: Session, *, actor: Actor | None, round_id: int) -> RoundRead:
    """One round, with its invitations; ``NotFound`` when the actor may not see it."""
    return _round_read(session, _load_round(session, round_id, actor), actor)


def list_rounds(
    session: Session, *, actor: Actor | None, org_ids: Sequence[int] | None = None
) -> list[RoundRead]:
    """Rounds of the relationships of these organisations (default: all the actor sees)."""
    if actor is not None:
        allowed = accessible_org_ids(session, actor)
        org_ids = sorted(allowed if org_ids is None else allowed & set(org_ids))
    elif org_ids is None:
        org_ids = list(NetworkRepository(session).org_keys_by_id())
    repo = AssessmentRepository(session)
    return [_round_read(session, a, actor) for a in repo.rounds_of_orgs(list(org_ids))]


def invite_respondents(
    session: Session,
    *,
    actor: Actor | None,
    round_id: int,
    invitees: Sequence[Invitee | Mapping[str, Any]],
) -> list[IssuedInvitation]:
    """Invite respondents of both sides and third parties; each gets a personal link.

    Raises ``InvalidInput`` (naming ``invitees[i].side`` and so on) for a side that is
    not part of the relationship or not the actor's own, a duplicate or blank
    respondent, a bad email or locale; ``Conflict`` when the round is closed. All or
    nothing.
    """
    assessment = _load_round(session, round_id, actor)
    _require_run(actor, (assessment.a_id, assessment.b_id))
    if assessment.status != "open":
        raise Conflict(refuse.CLOSED_TO_INVITES(round=assessment.round))
    a, b = _keys(session, assessment)
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
        if email and (not is_email(email) or not _text_ok(email)):
            problems.append(refuse.BAD_EMAIL(f"{path}.email"))
        elif email and email in emails:
            # One link per address: a second would only confuse; resend renews the first.
            problems.append(refuse.ALREADY_INVITED(f"{path}.email", who=email))
        elif email:
            emails.add(email)
        if not _text_ok(invitee.name) or len(invitee.name) > 200:
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
        if not RESPONDENT.match(respondent) or not _text_ok(respondent):
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
                invited_by_user_id=actor.user_id if actor else None,
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
    session: Session, *, actor: Actor | None, round_id: int, invitation_id: int
) -> tuple[Assessment, Invitation]:
    assessment = _load_round(session, round_id, actor)
    _require_run(actor, (assessment.a_id, assessment.b_id))
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
    a, b = _keys(session, assessment)
    answered = AssessmentRepository(session).response_of(assessment.id, invitation.respondent)
    return InvitationRead(
        id=invitation.id,
        respondent=invitation.respondent,
        side=_side_key(invitation.side_org_id, {a.id: a.key, b.id: b.key}),
        name=invitation.name,
        email=invitation.email,
        locale=invitation.locale,
        answered=answered is not None,
        last_opened_at=_utc(invitation.last_opened_at),
        token=link_tokens.open_token(invitation.link_token, secret=link_tokens.secret_key()),
        revoked=invitation.revoked_at is not None,
    )


def invitation_id_of(
    session: Session, *, actor: Actor | None, round_id: int, respondent: str
) -> int:
    """The id of the invitation of this respondent in the round (``NotFound`` if none)."""
    assessment = _load_round(session, round_id, actor)
    for invitation in assessment.invitations:
        if invitation.respondent == respondent:
            return invitation.id
    raise NotFound(refuse.NOT_INVITED(respondent=respondent, round=assessment.round))


def resend_invitation(
    session: Session, *, actor: Actor | None, round_id: int, invitation_id: int
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
    session: Session, *, actor: Actor | None, round_id: int, invitation_id: int
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


def link_is_current(session: Session, *, token: str) -> bool:
    """Whether the personal link of ``token`` still opens its invitation: False once a
    resend has replaced it or a revoke has ended it (what a queued mail of the link asks
    before it leaves)."""
    try:
        _invitation(session, token)
    except NotFound:
        return False
    return True


def _invitation(session: Session, token: str) -> Invitation:
    invitation = None
    if isinstance(token, str) and 10 <= len(token) <= 200:
        invitation = AssessmentRepository(session).invitation_by_token_hash(hash_link_token(token))
    if invitation is None:
        raise NotFound(refuse.BAD_LINK())
    return invitation


def _visible_items(instrument: Instrument, third_party: bool) -> list[FormItem]:
    return [
        FormItem(id=it.item_key, factor=it.factor, text={"en": it.text_en, "fi": it.text_fi})
        for it in instrument.items
        if not third_party or it.factor in OUTSIDE_FACTORS
    ]


def answer_form(session: Session, *, token: str, mark_opened: bool = True) -> AnswerForm:
    """The form behind a personal link: the items this respondent answers and their answers.

    Third parties get only impact and attraction items. Records when the link was opened.
    """
    invitation = _invitation(session, token)
    assessment = invitation.assessment
    a, b = _keys(session, assessment)
    keys = {a.id: a.key, b.id: b.key}
    if mark_opened:
        invitation.last_opened_at = utcnow()
    response = AssessmentRepository(session).response_of(assessment.id, invitation.respondent)
    item_keys = {it.id: it.item_key for it in assessment.instrument.items}
    return AnswerForm(
        round=assessment.round,
        round_id=assessment.id,
        between=tuple(sorted((a.key, b.key))),  # type: ignore[arg-type]
        names={a.key: a.name, b.key: b.name},
        side=_side_key(invitation.side_org_id, keys),
        respondent=invitation.respondent,
        name=invitation.name,
        locale=invitation.locale,
        instrument=assessment.instrument.key,
        instrument_name=dict(assessment.instrument.name or {}),
        scale=assessment.instrument.scale,
        items=_visible_items(assessment.instrument, invitation.side_org_id is None),
        answers={item_keys[ans.item_id]: ans.value for ans in response.answers} if response else {},
        status=assessment.status,
        min_respondents=assessment.min_respondents,
        cant_say=frozenset(item_keys[c.item_id] for c in response.cant_say)
        if response
        else frozenset(),
    )


def check_answers(
    instrument: Instrument, answers: object, *, third_party: bool, path: str = "answers"
) -> dict[int, int]:
    """Check answers ``{item id: whole number 1..k}``; returns ``{stored item id: value}``.

    Refuses, naming ``answers.<item>``: an unknown item, a third party on accessibility or
    energy, an answer that is not a whole number or lies outside ``1..k``.
    """
    if not isinstance(answers, Mapping):
        raise InvalidInput(refuse.ANSWERS_SHAPE(path))
    if not answers:
        raise InvalidInput(refuse.NO_ANSWERS(path))
    items = {it.item_key: it for it in instrument.items}
    k = instrument.scale
    problems: list[Problem] = []
    checked: dict[int, int] = {}
    for item_key, value in answers.items():
        where = f"{path}.{item_key}"
        item = items.get(item_key) if isinstance(item_key, str) else None
        if item is None:
            problems.append(refuse.UNKNOWN_ITEM(where, key=instrument.key))
            continue
        if third_party and item.factor not in OUTSIDE_FACTORS:
            problems.append(refuse.THIRD_PARTY_FACTOR(where, factor=item.factor))
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(refuse.ANSWER_NUMBER(where, k=k, value=repr(value)))
            continue
        if not 1 <= value <= k:
            problems.append(refuse.ANSWER_RANGE(where, value=value, k=k))
            continue
        checked[item.id] = value
    if problems:
        raise InvalidInput(problems)
    return checked


def check_cant_say(
    instrument: Instrument,
    cant_say: object,
    answered: Iterable[int],
    *,
    third_party: bool,
    path: str = "cant_say",
) -> set[int]:
    """Check "I can't say" marks (a list of item ids); returns the stored item ids.

    Refuses, naming ``cant_say[i]``: an unknown item, a third party on accessibility or
    energy, an item that also has an answer.
    """
    if not isinstance(cant_say, (list, tuple, set, frozenset)):
        raise InvalidInput(refuse.CANT_SAY_SHAPE(path))
    items = {it.item_key: it for it in instrument.items}
    answered = set(answered)
    problems: list[Problem] = []
    checked: set[int] = set()
    for i, item_key in enumerate(
        sorted(cant_say) if isinstance(cant_say, (set, frozenset)) else cant_say
    ):
        where = f"{path}[{i}]"
        item = items.get(item_key) if isinstance(item_key, str) else None
        if item is None:
            problems.append(refuse.UNKNOWN_ITEM(where, key=instrument.key))
        elif third_party and item.factor not in OUTSIDE_FACTORS:
            problems.append(refuse.THIRD_PARTY_FACTOR(where, factor=item.factor))
        elif item.id in answered:
            problems.append(refuse.CANT_SAY_ANSWERED(where, item=item_key))
        else:
            checked.add(item.id)
    if problems:
        raise InvalidInput(problems)
    return checked


def check_response(
    session: Session,
    *,
    token: str,
    answers: Mapping[str, object],
    cant_say: Iterable[str] = (),
) -> None:
    """Refuse, as ``submit_response`` would and naming the same fields, answers and marks
    that could never be stored (an answer outside ``1..k`` or not a whole number, an
    unknown item, a third party on accessibility or energy); stores nothing. The answer
    form asks this before it asks whether to leave statements unanswered."""
    invitation = _invitation(session, token)
    instrument = invitation.assessment.instrument
    third_party = invitation.side_org_id is None
    checked = check_answers(instrument, answers, third_party=third_party) if answers else {}
    check_cant_say(instrument, list(cant_say), checked, third_party=third_party)


def submit_response(
    session: Session,
    *,
    token: str,
    answers: Mapping[str, object],
    cant_say: Iterable[str] = (),
) -> ResponseRead:
    """Store (or replace) the answers of the respondent behind a personal link.

    One response per respondent per round: answering again while the round is open
    replaces the earlier answers and "I can't say" marks; once it is closed,
    ``Conflict``. ``cant_say`` lists the statements marked "I can't say": stored apart
    from the answers, never counted in a mean. At least one answer or mark is needed.
    Raises ``InvalidInput`` as ``check_answers`` and ``check_cant_say`` do and
    ``NotFound`` for an unknown link. Nothing is stored on any refusal.
    """
    invitation = _invitation(session, token)
    assessment = invitation.assessment
    repo = AssessmentRepository(session)
    response = repo.response_of(assessment.id, invitation.respondent)
    if assessment.status != "open":
        raise Conflict(
            refuse.RESPONSE_CLOSED(round=assessment.round, respondent=invitation.respondent)
        )
    third_party = invitation.side_org_id is None
    marks = list(cant_say) if not isinstance(cant_say, (str, bytes)) else cant_say
    if isinstance(answers, Mapping) and not answers and marks:
        checked: dict[int, int] = {}
    else:
        checked = check_answers(assessment.instrument, answers, third_party=third_party)
    unsure = check_cant_say(assessment.instrument, marks, checked, third_party=third_party)
    created = response is None
    if response is None:
        response = repo.add_response(
            Response(
                assessment_id=assessment.id,
                side_org_id=invitation.side_org_id,
                respondent=invitation.respondent,
            )
        )
    else:
        response.updated_at = utcnow()
    current = {ans.item_id: ans for ans in response.answers}
    for item_id, ans in current.items():
        if item_id not in checked:
            response.answers.remove(ans)
    for item_id, value in checked.items():
        if item_id in current:
            current[item_id].value = value
        else:
            response.answers.append(Answer(item_id=item_id, value=value))
    marked = {mark.item_id: mark for mark in response.cant_say}
    for item_id, mark in marked.items():
        if item_id not in unsure:
            response.cant_say.remove(mark)
    for item_id in sorted(unsure - set(marked)):
        response.cant_say.append(CantSay(item_id=item_id))
    session.flush()
    repo.refresh_sums([assessment.id])
    a, b = _keys(session, assessment)
    keys = {a.id: a.key, b.id: b.key}
    item_keys = {it.id: it.item_key for it in assessment.instrument.items}
    return ResponseRead(
        round=assessment.round,
        respondent=invitation.respondent,
        side=_side_key(invitation.side_org_id, keys),
        answers={item_keys[i]: v for i, v in checked.items()},
        created=created,
        cant_say=sorted(item_keys[i] for i in unsure),
    )


def close_round(session: Session, *, actor: Actor | None, round_id: int) -> RoundRead:
    """Close a round: its responses can no longer change. ``Conflict`` if already closed."""
    assessment = _load_round(session, round_id, actor)
    _require_run(actor, (assessment.a_id, assessment.b_id))
    if assessment.status == "closed":
        raise Conflict(refuse.ALREADY_CLOSED(round=assessment.round))
    assessment.status = "closed"
    assessment.closed_at = utcnow()
    session.flush()
    return _round_read(session, assessment, actor)
