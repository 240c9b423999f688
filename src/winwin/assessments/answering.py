"""Answering by personal link: the form, the checks of an answer, and saving it.

Answering needs no sign-in: the link is the key. Third parties see and answer only
impact and attraction items; "I can't say" is recorded but never an answer; one response
per respondent per round, editable until the round closes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from winwin.assessments import refusals as refuse
from winwin.assessments.repository import AssessmentRepository
from winwin.assessments.round_reads import (
    AnswerForm,
    FormItem,
    ResponseRead,
    invitation_by_token,
    round_orgs,
    side_key,
)
from winwin.assessments.score import OUTSIDE_FACTORS
from winwin.assessments.score_repository import ScoreRepository
from winwin.db.base import utcnow
from winwin.db.models import (
    Answer,
    CantSay,
    Instrument,
    Response,
)
from winwin.kernel.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    Problem,
)


def link_is_current(session: Session, *, token: str) -> bool:
    """Whether the personal link of ``token`` still opens its invitation: False once a
    resend has replaced it or a revoke has ended it (what a queued mail of the link asks
    before it leaves)."""
    try:
        invitation_by_token(session, token)
    except NotFound:
        return False
    return True


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
    invitation = invitation_by_token(session, token)
    assessment = invitation.assessment
    a, b = round_orgs(session, assessment)
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
        side=side_key(invitation.side_org_id, keys),
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
    invitation = invitation_by_token(session, token)
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
    invitation = invitation_by_token(session, token)
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
                answers=[],
                cant_say=[],
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
    ScoreRepository(session).refresh_sums([assessment.id])
    a, b = round_orgs(session, assessment)
    keys = {a.id: a.key, b.id: b.key}
    item_keys = {it.id: it.item_key for it in assessment.instrument.items}
    return ResponseRead(
        round=assessment.round,
        respondent=invitation.respondent,
        side=side_key(invitation.side_org_id, keys),
        answers={item_keys[i]: v for i, v in checked.items()},
        created=created,
        cant_say=sorted(item_keys[i] for i in unsure),
    )
