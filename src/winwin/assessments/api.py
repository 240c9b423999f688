"""Assessments over REST: instruments, rounds, invitations, responses by link, scores.

Answering (``/responses/{token}``) needs no sign-in: the personal link's token is the
key. Everything else needs a signed-in person, and shows only relationships that
``winwin.accounts.access`` lets them see.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from winwin.accounts.access import Actor, accessible_org_ids
from winwin.assessments import instruments as instrument_service
from winwin.assessments import research, scoring
from winwin.assessments import service as rounds
from winwin.assessments.link_mail import invite_and_mail, resend_and_mail
from winwin.assessments.schemas import (
    AnswerFormRead,
    FormItemRead,
    InstrumentCreate,
    InstrumentRead,
    InvitationRead,
    InvitationsCreate,
    IssuedInvitationRead,
    RelationshipRead,
    RelationshipScoreRead,
    ResponseRead,
    ResponseWrite,
    RoundCreate,
    RoundRead,
    ScoresRead,
)
from winwin.http.deps import CurrentUser, SessionDep, public_base_url
from winwin.mail.delivery import answer_link, will_mail

router = APIRouter(tags=["assessments"])


# mapping ------------------------------------------------------------------------------
def _round(r: rounds.RoundRead) -> RoundRead:
    return RoundRead(
        id=r.id,
        round=r.round,
        between=list(r.between),
        names=r.names,
        instrument=r.instrument,
        status=r.status,  # type: ignore[arg-type]
        opened_at=r.opened_at,
        closed_at=r.closed_at,
        respondents=r.respondents,
        min_respondents=r.min_respondents,
        respondents_by_side=r.respondents_by_side,
        invitations=[InvitationRead(**vars(i)) for i in r.invitations],
    )


def _withheld(s: scoring.RelationshipScore) -> dict[str, str]:
    return {key: scoring.WITHHELD_NOTE for key in sorted(s.withheld)}


def _score(s: scoring.RelationshipScore) -> RelationshipScoreRead:
    return RelationshipScoreRead(
        **s.as_dict(),
        respondents=s.respondents,
        instrument=s.instrument,
        status=s.status,
        min_respondents=s.minimum,
        withheld=_withheld(s),
    )


def _instrument(i: instrument_service.InstrumentRead) -> InstrumentRead:
    return InstrumentRead(**vars(i))


def _visible_scores(session: SessionDep, actor: Actor, round: str | None) -> scoring.NetworkScores:
    reader = rounds.reader_for(actor)
    if actor.is_platform_admin:
        return scoring.score_relationships(session, round=round, reader=reader)
    return scoring.score_relationships(
        session, round=round, org_ids=sorted(accessible_org_ids(session, actor)), reader=reader
    )


# instruments --------------------------------------------------------------------------
@router.get("/instruments", response_model=list[InstrumentRead], summary="Instruments I may use")
def list_instruments(actor: CurrentUser, session: SessionDep) -> list[InstrumentRead]:
    org_ids = None if actor.is_platform_admin else sorted(accessible_org_ids(session, actor))
    return [_instrument(i) for i in instrument_service.list_instruments(session, org_ids=org_ids)]


@router.post(
    "/instruments",
    response_model=InstrumentRead,
    status_code=201,
    summary="Add an organisation's own instrument",
)
def create_instrument(
    body: InstrumentCreate, actor: CurrentUser, session: SessionDep
) -> InstrumentRead:
    made = instrument_service.create_instrument(
        session,
        actor=actor,
        org=body.org,
        key=body.key,
        name=body.name.model_dump(),
        scale=body.scale,
        items=body.items,
    )
    return _instrument(made)


# rounds -------------------------------------------------------------------------------
@router.get("/rounds", response_model=list[RoundRead], summary="Rounds of my relationships")
def list_rounds(actor: CurrentUser, session: SessionDep) -> list[RoundRead]:
    return [_round(r) for r in rounds.list_rounds(session, actor=actor)]


@router.post("/rounds", response_model=RoundRead, status_code=201, summary="Open a round")
def open_round(body: RoundCreate, actor: CurrentUser, session: SessionDep) -> RoundRead:
    return _round(
        rounds.open_round(
            session,
            actor=actor,
            between=body.between,
            round=body.round,
            instrument=body.instrument,
            min_respondents=body.min_respondents,
        )
    )


@router.get("/rounds/{round_id}", response_model=RoundRead, summary="One round")
def read_round(round_id: int, actor: CurrentUser, session: SessionDep) -> RoundRead:
    return _round(rounds.get_round(session, actor=actor, round_id=round_id))


@router.post(
    "/rounds/{round_id}/invitations",
    response_model=list[IssuedInvitationRead],
    status_code=201,
    summary="Invite respondents; each gets a personal link",
)
def invite(
    round_id: int,
    body: InvitationsCreate,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    background: BackgroundTasks,
) -> list[IssuedInvitationRead]:
    invitees = [rounds.Invitee(**i.model_dump()) for i in body.invitees]
    issued = invite_and_mail(request, background, session, actor, round_id, invitees)
    settings = request.app.state.settings
    base = public_base_url(request)
    return [
        IssuedInvitationRead(
            invitation=InvitationRead(**vars(i.invitation)),
            token=i.token,
            link=answer_link(base, i),
            mailed=will_mail(settings, i),
        )
        for i in issued
    ]


@router.post(
    "/rounds/{round_id}/invitations/{invitation_id}/resend",
    response_model=IssuedInvitationRead,
    summary="Give an invitation a new link (mailed when it can be); the old link stops working",
)
def resend(
    round_id: int,
    invitation_id: int,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    background: BackgroundTasks,
) -> IssuedInvitationRead:
    issued = resend_and_mail(request, background, session, actor, round_id, invitation_id)
    settings = request.app.state.settings
    base = public_base_url(request)
    return IssuedInvitationRead(
        invitation=InvitationRead(**vars(issued.invitation)),
        token=issued.token,
        link=answer_link(base, issued),
        mailed=will_mail(settings, issued),
    )


@router.post(
    "/rounds/{round_id}/invitations/{invitation_id}/revoke",
    response_model=InvitationRead,
    summary="End an invitation's link (its answers stay)",
)
def revoke(
    round_id: int, invitation_id: int, actor: CurrentUser, session: SessionDep
) -> InvitationRead:
    return InvitationRead(
        **vars(
            rounds.revoke_invitation(
                session, actor=actor, round_id=round_id, invitation_id=invitation_id
            )
        )
    )


@router.post("/rounds/{round_id}/close", response_model=RoundRead, summary="Close a round")
def close(round_id: int, actor: CurrentUser, session: SessionDep) -> RoundRead:
    return _round(rounds.close_round(session, actor=actor, round_id=round_id))


# answering by personal link (no sign-in) ----------------------------------------------
@router.get(
    "/responses/{token}",
    response_model=AnswerFormRead,
    summary="The items and current answers behind a personal link",
    openapi_extra={"security": []},
)
def read_form(token: str, session: SessionDep) -> AnswerFormRead:
    form = rounds.answer_form(session, token=token)
    return AnswerFormRead(
        round=form.round,
        between=list(form.between),
        names=form.names,
        side=form.side,
        respondent=form.respondent,
        instrument=form.instrument,
        scale=form.scale,
        status=form.status,  # type: ignore[arg-type]
        items=[FormItemRead(**vars(i)) for i in form.items],
        answers=form.answers,
        cant_say=sorted(form.cant_say),
    )


@router.put(
    "/responses/{token}",
    response_model=ResponseRead,
    summary="Answer, or change the answers while the round is open",
    openapi_extra={"security": []},
)
def write_response(token: str, body: ResponseWrite, session: SessionDep) -> ResponseRead:
    return ResponseRead(
        **vars(
            rounds.submit_response(
                session, token=token, answers=body.answers, cant_say=body.cant_say
            )
        )
    )


# scores and exports -------------------------------------------------------------------
RoundQuery = Annotated[
    str | None, Query(description="A round's name; default: each relationship's latest")
]


def _score_dict(
    s: scoring.RelationshipScore, items: scoring.ItemsByRound | None = None
) -> dict[str, Any]:
    return {
        **(s.as_dict() if items is None else scoring.with_items(s, items)),
        "respondents": s.respondents,
        "instrument": s.instrument,
        "status": s.status,
        "min_respondents": s.minimum,
        "withheld": _withheld(s),
    }


@router.get("/scores", response_model=ScoresRead, summary="Scores of my relationships")
def scores(
    actor: CurrentUser,
    session: SessionDep,
    round: RoundQuery = None,
    items: Annotated[
        bool, Query(description="Add each side's item analysis (item–total correlations)")
    ] = False,
) -> Any:
    # A whole network is tens of thousands of objects: the service's plain dicts already
    # have the documented shape, so they are written out directly rather than validated
    # again model by model.
    found = _visible_scores(session, actor, round)
    analysis = scoring.items_of(session, found) if items else None
    return JSONResponse({"relationships": [_score_dict(s, analysis) for s in found]})


@router.get(
    "/scores.csv",
    response_class=PlainTextResponse,
    summary="Scores as CSV: a row per side and one for the outside view",
    responses={200: {"content": {"text/csv": {}}}},
)
def scores_csv(actor: CurrentUser, session: SessionDep, round: RoundQuery = None) -> Any:
    text = scoring.results_csv(_visible_scores(session, actor, round))
    return PlainTextResponse(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="winwin-scores.csv"'},
    )


@router.get(
    "/research-export",
    response_class=Response,
    summary="Answers of chosen rounds for research: a ZIP of answers and codebook (audited)",
    responses={200: {"content": {"application/zip": {}}}},
)
def research_export(
    actor: CurrentUser,
    session: SessionDep,
    round: Annotated[list[str], Query(description="A round's name; repeat for more")],
    format: Annotated[
        Literal["csv", "parquet"], Query(description="answers.csv or answers.parquet")
    ] = "csv",
) -> Response:
    data = research.research_export(session, actor=actor, rounds=round, format=format)
    return Response(
        data.bundle(format),
        media_type="application/zip",
        headers={"content-disposition": 'attachment; filename="winwin-research.zip"'},
    )


def _detail(session: SessionDep, actor: Actor, a: str, b: str) -> scoring.RelationshipDetail:
    rounds.readable_pair(session, actor, a, b)
    return scoring.relationship_detail(session, between=(a, b), reader=rounds.reader_for(actor))


@router.get(
    "/relationships/{a}/{b}",
    response_model=RelationshipRead,
    summary="One relationship's scores in every round (trends)",
)
def relationship(a: str, b: str, actor: CurrentUser, session: SessionDep) -> RelationshipRead:
    detail = _detail(session, actor, a, b)
    return RelationshipRead(
        between=list(detail.between),
        names=detail.names,
        history=[_score(s) for s in detail.history],
    )


@router.get(
    "/relationships/{a}/{b}/results.csv",
    response_class=PlainTextResponse,
    summary="One relationship's scores in every round as CSV",
    responses={200: {"content": {"text/csv": {}}}},
)
def relationship_csv(a: str, b: str, actor: CurrentUser, session: SessionDep) -> Any:
    detail = _detail(session, actor, a, b)
    return PlainTextResponse(
        scoring.results_csv(detail.history),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="winwin-{a}-{b}.csv"'.replace("/", "-")
        },
    )
