"""The signed-in person and their API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Response

from winwin.accounts import service as accounts
from winwin.accounts.access import accessible_orgs
from winwin.accounts.repository import AccountsRepository
from winwin.accounts.schemas import ApiTokenCreate, ApiTokenCreated, ApiTokenRead, MeRead, OrgRef
from winwin.http.deps import CurrentUser, IdPath, SessionDep

router = APIRouter(tags=["accounts"])


@router.get("/me", response_model=MeRead, summary="The signed-in person")
def read_me(actor: CurrentUser, session: SessionDep) -> MeRead:
    repo = AccountsRepository(session)
    own = repo.get_org(actor.org_id) if actor.org_id is not None else None
    orgs = accessible_orgs(session, actor, limit=1000)
    return MeRead(
        id=actor.user_id,
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
        for t in accounts.list_api_tokens(session, user_id=actor.user_id)
    ]


@router.post(
    "/tokens",
    response_model=ApiTokenCreated,
    status_code=201,
    summary="Create an API token (shown once)",
)
def create_token(body: ApiTokenCreate, actor: CurrentUser, session: SessionDep) -> ApiTokenCreated:
    created = accounts.create_api_token(
        session, user_id=actor.user_id, name=body.name, days=body.days
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
    accounts.revoke_api_token(session, user_id=actor.user_id, token_id=token_id)
    return Response(status_code=204)
