"""Assessment rounds: open a round, invite respondents, answer by personal link, close.

- A facilitator of either side, an organisation admin of either side or a platform admin
  opens a round for a relationship (``winwin.accounts.access.can_manage_org``), only
  between two organisations joined by a tie, and only with an instrument the opener
  may use (``can_use_instrument``). The command line acts as ``operator()``: whoever
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

Opening, listing and closing rounds are here. Inviting (``assessments.invitations``),
answering (``assessments.answering``), the access rule of a relationship
(``assessments.relationship_access``) and the read models (``assessments.round_reads``)
live beside them, and are named here too, so that the doors have one module to call.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, accessible_org_ids
from winwin.assessments import refusals as refuse
from winwin.assessments.anonymity import check_minimum
from winwin.assessments.answering import (
    answer_form,
    check_answers,
    check_cant_say,
    check_response,
    link_is_current,
    submit_response,
)
from winwin.assessments.instruments import ensure_builtin_instruments
from winwin.assessments.invitations import (
    invitation_id_of,
    invite_respondents,
    resend_invitation,
    revoke_invitation,
)
from winwin.assessments.relationship_access import (
    can_run_relationship,
    can_see_relationship,
    can_use_instrument,
    may_invite_for,
    reader_for,
    require_run,
)
from winwin.assessments.repository import AssessmentRepository, InstrumentRepository
from winwin.assessments.round_reads import (
    LOCALES,
    MAX_ID,
    RESPONDENT,
    ROUND_MAX,
    AnswerForm,
    FormItem,
    InvitationRead,
    Invitee,
    IssuedInvitation,
    ResponseRead,
    RoundRead,
    hash_link_token,
    load_round,
    round_read,
    text_ok,
)
from winwin.assessments.score import THIRD_PARTY
from winwin.db.base import utcnow
from winwin.db.models import (
    Assessment,
    Instrument,
    Organization,
)
from winwin.kernel.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    Problem,
    RuleBroken,
)
from winwin.network.repository import NetworkRepository

__all__ = [
    "LOCALES",
    "MAX_ID",
    "RESPONDENT",
    "ROUND_MAX",
    "THIRD_PARTY",
    "AnswerForm",
    "FormItem",
    "InvitationRead",
    "Invitee",
    "IssuedInvitation",
    "ResponseRead",
    "RoundRead",
    "answer_form",
    "can_run_relationship",
    "can_see_relationship",
    "can_use_instrument",
    "check_answers",
    "check_cant_say",
    "check_response",
    "close_round",
    "get_round",
    "hash_link_token",
    "invitation_id_of",
    "invite_respondents",
    "link_is_current",
    "list_rounds",
    "may_invite_for",
    "open_round",
    "org_ids_by_key",
    "org_keys_by_id",
    "org_names",
    "readable_pair",
    "reader_for",
    "resend_invitation",
    "revoke_invitation",
    "rounds_of_pair",
    "submit_response",
]


def _instrument_for(
    session: Session,
    key: str,
    pair: tuple[int, int],
    actor: Actor,
    path: str = "instrument",
) -> Instrument:
    repo = InstrumentRepository(session)
    instrument = repo.get_by_key(key) if text_ok(key) else None
    if instrument is None and text_ok(key):
        ensure_builtin_instruments(session)
        instrument = repo.get_by_key(key)
    # The same answer whether the instrument is missing or someone else's.
    if instrument is None or not can_use_instrument(actor, instrument, pair):
        raise InvalidInput(refuse.UNKNOWN_INSTRUMENT(path, key=key))
    return instrument


def _require_tie(
    session: Session, actor: Actor, pair: tuple[int, int], names: Sequence[str]
) -> None:
    # The command line acts for the operator, as an import does: a network document
    # may hold rounds between organisations without a tie (CONTRACT.md).
    if actor.is_operator or AssessmentRepository(session).tied(*pair):
        return
    raise RuleBroken(refuse.NO_TIE("between", a=names[0], b=names[1]))


# use cases ----------------------------------------------------------------------------
def open_round(
    session: Session,
    *,
    actor: Actor,
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
        org = net.get_by_key(key) if text_ok(key) else None
        if org is None:
            problems.append(refuse.UNKNOWN_ORG(f"between[{i}]", key=key))
        else:
            orgs.append(org)
    if len(orgs) == 2 and orgs[0].id == orgs[1].id:
        problems.append(refuse.SAME_ORG("between"))
    name = round.strip() if isinstance(round, str) else ""
    if not name:
        problems.append(refuse.EMPTY("round"))
    elif not text_ok(name):
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
    require_run(actor, pair)
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
        opened_by_user_id=actor.user_id,
        min_respondents=minimum,
        responses=[],
        invitations=[],
    )
    repo.add(assessment)
    return round_read(session, assessment, actor)


def get_round(session: Session, *, actor: Actor, round_id: int) -> RoundRead:
    """One round, with its invitations; ``NotFound`` when the actor may not see it."""
    return round_read(session, load_round(session, round_id, actor), actor)


def list_rounds(
    session: Session, *, actor: Actor, org_ids: Sequence[int] | None = None
) -> list[RoundRead]:
    """Rounds of the relationships of these organisations (default: all the actor sees)."""
    allowed = accessible_org_ids(session, actor)
    org_ids = sorted(allowed if org_ids is None else allowed & set(org_ids))
    repo = AssessmentRepository(session)
    return [round_read(session, a, actor) for a in repo.rounds_of_orgs(list(org_ids))]


def close_round(session: Session, *, actor: Actor, round_id: int) -> RoundRead:
    """Close a round: its responses can no longer change. ``Conflict`` if already closed."""
    assessment = load_round(session, round_id, actor)
    require_run(actor, (assessment.a_id, assessment.b_id))
    if assessment.status == "closed":
        raise Conflict(refuse.ALREADY_CLOSED(round=assessment.round))
    assessment.status = "closed"
    assessment.closed_at = utcnow()
    session.flush()
    return round_read(session, assessment, actor)


def readable_pair(
    session: Session, actor: Actor, a: str, b: str
) -> tuple[Organization, Organization]:
    """The two organisations of relationship ``a``–``b``, when the actor may see it
    (:func:`can_see_relationship`): the one access check of the relationship's page, its
    downloads and its REST route. ``NotFound`` alike for an unknown pair and one the
    actor may not see."""
    missing = NotFound(f"no assessment round between '{a}' and '{b}'")
    if "\x00" in a + b:
        raise missing
    net = NetworkRepository(session)
    first, second = net.get_by_key(a), net.get_by_key(b)
    if first is None or second is None or not can_see_relationship(actor, [first.id, second.id]):
        raise missing
    return first, second


def rounds_of_pair(session: Session, a_id: int, b_id: int) -> list[Assessment]:
    """Every round between two organisations (the caller has checked access)."""
    return AssessmentRepository(session).rounds_of_pair(a_id, b_id)


def org_keys_by_id(session: Session) -> dict[int, str]:
    """Every organisation's key by its id."""
    return NetworkRepository(session).org_keys_by_id()


def org_ids_by_key(session: Session) -> dict[str, int]:
    """Every organisation's id by its key."""
    return NetworkRepository(session).org_ids()


def org_names(session: Session, keys: Sequence[str]) -> dict[str, str]:
    """The names of the organisations with these keys."""
    return AssessmentRepository(session).org_names(keys)
