"""The signed-in person and their API tokens; an outsider's sign-up and verification."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request, Response
from fastapi.responses import JSONResponse

from winwin.accounts import outsiders, refusals
from winwin.accounts import service as accounts
from winwin.accounts.access import accessible_orgs
from winwin.accounts.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenRead,
    MeRead,
    OrgRef,
    SignUpCreate,
    SignUpRead,
    VerifyCreate,
)
from winwin.http.deps import CurrentUser, IdPath, SessionDep, public_base_url
from winwin.http.errors import problem_response
from winwin.mail.delivery import shows_link_on_page
from winwin.mail.web import mail_system_link

router = APIRouter(tags=["accounts"])


@router.get("/me", response_model=MeRead, summary="The signed-in person")
def read_me(actor: CurrentUser, session: SessionDep) -> MeRead:
    own = accounts.own_org(session, actor)
    orgs = accessible_orgs(session, actor, limit=1000)
    return MeRead(
        id=actor.person_id,
        email=actor.email,
        name=actor.name,
        role=actor.role,
        locale=actor.locale,
        organization=OrgRef(key=own.key, name=own.name) if own else None,
        organizations=[OrgRef(key=o.key, name=o.name) for o in orgs],
    )


@router.get("/tokens", response_model=list[ApiTokenRead], summary="My API tokens")
def list_tokens(actor: CurrentUser, session: SessionDep) -> list[ApiTokenRead]:
    return [
        ApiTokenRead(
            id=t.id,
            name=t.name,
            prefix=t.prefix,
            created_at=t.created_at,
            last_used_at=t.last_used_at,
            expires_at=t.expires_at,
        )
        for t in accounts.list_api_tokens(session, user_id=actor.person_id)
    ]


@router.post(
    "/tokens",
    response_model=ApiTokenCreated,
    status_code=201,
    summary="Create an API token (shown once)",
)
def create_token(body: ApiTokenCreate, actor: CurrentUser, session: SessionDep) -> ApiTokenCreated:
    created = accounts.create_api_token(
        session, user_id=actor.person_id, name=body.name, days=body.days
    )
    return ApiTokenCreated(
        id=created.id, name=created.name, token=created.token, expires_at=created.expires_at
    )


@router.delete(
    "/tokens/{token_id}",
    status_code=204,
    response_class=Response,
    summary="Revoke an API token",
    responses={404: {"description": "No such token"}},
)
def revoke_token(token_id: IdPath, actor: CurrentUser, session: SessionDep) -> Response:
    accounts.revoke_api_token(session, user_id=actor.person_id, token_id=token_id)
    return Response(status_code=204)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _too_many() -> JSONResponse:
    # The API's one error shape (detail and problems), with the code and a Retry-After.
    problem = refusals.TOO_MANY()
    response = problem_response(429, problem.message, [problem])
    response.headers["Retry-After"] = "3600"
    return response


@router.post(
    "/outsiders",
    response_model=SignUpRead,
    status_code=202,
    summary="Sign up as an outsider (a person of no member organisation)",
    responses={429: {"description": "Too many sign-ups for the address or from the client"}},
)
def sign_up(
    body: SignUpCreate, request: Request, session: SessionDep, background: BackgroundTasks
) -> SignUpRead | JSONResponse:
    """Mails a link that confirms the address (valid 24 hours); a taken address gets the
    same answer and no mail. Rate-limited per address and per client."""
    outsiders.reserve_sign_up(session, email=body.email, ip=_client(request))
    session.commit()
    try:
        done = outsiders.sign_up(
            session,
            email=body.email,
            name=body.name,
            ip=_client(request),
            base_url=public_base_url(request),
            locale=body.locale,
        )
    except accounts.TooManyAttempts:
        return _too_many()
    settings = request.app.state.settings
    if done.link is not None and shows_link_on_page(settings):
        return SignUpRead(sent=True, link=done.link)
    if done.link is not None:
        mail_system_link(
            request,
            background,
            session,
            kind="verify",
            to=done.email,
            link=done.link,
            locale=body.locale,
        )
    return SignUpRead(sent=True, link=None)


@router.post(
    "/outsiders/verify",
    response_model=ApiTokenCreated,
    status_code=201,
    summary="Confirm an outsider's address with the link's token and choose a password",
    responses={
        403: {"description": "The link is invalid, used or expired"},
        429: {"description": "Too many attempts from the client or for the address"},
    },
)
def verify(
    body: VerifyCreate, request: Request, session: SessionDep
) -> ApiTokenCreated | JSONResponse:
    """Uses the link up and answers an API token for the new outsider (90 days)."""
    outsiders.reserve_verification(session, token=body.token, ip=_client(request))
    session.commit()
    try:
        user = outsiders.verify(
            session,
            token=body.token,
            password=body.password,
            ip=_client(request),
            path="password",
        )
    except accounts.TooManyAttempts:
        return _too_many()
    created = accounts.create_api_token(session, user_id=user.id, name="sign-up")
    return ApiTokenCreated(
        id=created.id, name=created.name, token=created.token, expires_at=created.expires_at
    )
