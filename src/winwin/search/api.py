"""``GET /api/v1/search/all``: items, challenges and ideas, organisations and people."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from winwin.http.deps import CurrentUser, SessionDep
from winwin.search import service as search
from winwin.sharing.api import ItemSummary, OrgQuery, acting_org

router = APIRouter(tags=["sharing"])


class EntryHitRead(BaseModel):
    key: str
    kind: str = Field(description="challenge or idea")
    stage: str
    title: str
    owner: str


class OrgHitRead(BaseModel):
    key: str
    name: str
    cluster: str | None


class PersonHitRead(BaseModel):
    name: str
    email: str
    org: str
    org_name: str


class EverythingRead(BaseModel):
    q: str
    items: list[ItemSummary] = Field(description="Items I may see (not challenges or ideas)")
    entries: list[EntryHitRead] = Field(description="Challenges and ideas I may see")
    organizations: list[OrgHitRead] = Field(
        description="Organisations I may find by name: partners, circle members, the "
        "competitors I declared"
    )
    people: list[PersonHitRead] = Field(description="People of the organisations I may act for")


@router.get(
    "/search/all",
    response_model=EverythingRead,
    summary="Search items, challenges and ideas, organisations and people",
)
def search_everything(
    actor: CurrentUser,
    session: SessionDep,
    q: Annotated[str, Query(description="Text to find (1-200 characters).")],
    org: OrgQuery = None,
    limit: Annotated[int, Query(ge=1, le=200)] = search.LIMIT,
) -> EverythingRead:
    viewer = acting_org(session, actor, org)
    found = search.search_everything(session, actor=actor, viewer=viewer, text=q, limit=limit)
    return EverythingRead.model_validate(found, from_attributes=True)
