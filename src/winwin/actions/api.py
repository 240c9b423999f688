"""REST routes of joint action plans (``winwin.actions.service``).

- ``GET /relationships/{a}/{b}/actions``: the plan; ``POST`` adds an action.
- ``GET /actions/{id}``: one action with its history; ``PATCH`` changes it.
- ``GET /scores/compare?before=R1&after=R2``: what moved (as ``winwin score --compare``),
  for the relationships the person may see.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from winwin.accounts.access import accessible_org_ids
from winwin.actions import service as actions
from winwin.actions.follow_up import compare_rounds
from winwin.assessments.service import reader_for
from winwin.http.deps import CurrentUser, IdPath, SessionDep

router = APIRouter(tags=["actions"])

FactorName = Literal["accessibility", "energy", "impact", "attraction"]
StatusName = Literal["planned", "doing", "done", "dropped"]


class OwnerRead(BaseModel):
    side: str
    email: str
    name: str


class ActionRead(BaseModel):
    id: int
    relationship: list[str] = Field(description="The two organisations' keys, sorted")
    by: str = Field(description="The side that added the action")
    factor: FactorName
    title: str
    description: str = Field(description="Markdown")
    status: StatusName
    reason: str | None = Field(description="Why it was dropped")
    due: date | None
    owners: dict[str, OwnerRead | None] = Field(description="The owner on each side, by key")
    overdue: bool
    created_at: str
    updated_at: str


class EventRead(BaseModel):
    at: str
    who: str | None = Field(description="The person's name; null for the command line")
    org: str | None
    kind: Literal["created", "changed"]
    changes: dict[str, Any] = Field(description="Each field's [before, after] (created: values)")


class ActionDetail(ActionRead):
    history: list[EventRead]


class ActionList(BaseModel):
    actions: list[ActionRead]


class ActionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str = Field(max_length=200, description="The side adding it (an organisation key)")
    factor: FactorName
    title: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    due: date | None = None
    owners: list[str] = Field(default_factory=list, max_length=2, description="Emails")


class ActionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    factor: FactorName | None = None
    due: date | None = None
    owners: list[str] | None = Field(default=None, max_length=2)
    status: StatusName | None = None
    reason: str | None = Field(default=None, max_length=1_000)


def _read(found: actions.ActionRead) -> ActionRead:
    return ActionRead.model_validate(found.as_dict())


@router.get(
    "/relationships/{a}/{b}/actions", response_model=ActionList, summary="A relationship's plan"
)
def list_actions(a: str, b: str, actor: CurrentUser, session: SessionDep) -> ActionList:
    listed = actions.list_actions(session, actor=actor, between=[a, b])
    return ActionList(actions=[_read(x) for x in listed])


@router.post(
    "/relationships/{a}/{b}/actions",
    response_model=ActionRead,
    status_code=201,
    summary="Add an action to a relationship's plan",
)
def add_action(
    a: str, b: str, body: ActionCreate, actor: CurrentUser, session: SessionDep
) -> ActionRead:
    made = actions.add_action(
        session,
        actor=actor,
        between=[a, b],
        by=body.by,
        factor=body.factor,
        title=body.title,
        description=body.description,
        due=body.due,
        owners=body.owners,
    )
    return _read(made)


def _detail(session: Any, actor: Any, action_id: int) -> ActionDetail:
    found = actions.get_action(session, actor=actor, action_id=action_id)
    events = actions.history(session, actor=actor, action_id=action_id)
    return ActionDetail.model_validate(
        {**found.as_dict(), "history": [e.as_dict() for e in events]}
    )


@router.get("/actions/{action_id}", response_model=ActionDetail, summary="One action")
def get_action(action_id: IdPath, actor: CurrentUser, session: SessionDep) -> ActionDetail:
    return _detail(session, actor, action_id)


@router.patch("/actions/{action_id}", response_model=ActionDetail, summary="Change an action")
def update_action(
    action_id: IdPath, body: ActionUpdate, actor: CurrentUser, session: SessionDep
) -> ActionDetail:
    given = body.model_dump(exclude_unset=True)
    reason = given.pop("reason", None)
    actions.update_action(session, actor=actor, action_id=action_id, reason=reason, **given)
    return _detail(session, actor, action_id)


@router.get(
    "/scores/compare",
    summary="What moved between two rounds, per side and factor, with the actions",
    responses={
        200: {"description": 'The document of `winwin score --compare`: `{"relationships": [...]}`'}
    },
)
def compare(
    actor: CurrentUser,
    session: SessionDep,
    before: str = Query(max_length=100, description="The earlier round"),
    after: str = Query(max_length=100, description="The later round"),
) -> Any:
    org_ids = None if actor.is_platform_admin else sorted(accessible_org_ids(session, actor))
    found = compare_rounds(
        session, before=before, after=after, org_ids=org_ids, reader=reader_for(actor)
    )
    return JSONResponse({"relationships": [c.as_dict() for c in found]})
