"""REST routes of a person's notifications (``services.notifications``).

Only items the person's organisation may still see are listed: the checkpoint decides
again on every read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from winwin.accounts.schemas import UtcDatetime
from winwin.http.deps import CurrentUser, SessionDep
from winwin.notifications import service as notifications

router = APIRouter(tags=["notifications"])


class NotificationRead(BaseModel):
    id: int
    kind: str = Field(
        description="comment, idea, coauthor, stage, shared, overdue, tie_proposed, "
        "tie_accepted, tie_declined, tie_withdrawn, tie_ended, agreement, agreement_reply "
        "or mail_failed"
    )
    item: str | None = Field(description="The key of the item it is about (null for actions)")
    title: str
    actor: str | None = Field(description="The person who acted, when known")
    actor_org: str | None
    detail: str | None = Field(
        description="For a stage move, the stage reached; for an overdue action, its due "
        "date; for a failed mail, its kind (answer, invitation, org_invitation)"
    )
    created_at: UtcDatetime
    read: bool
    action: int | None = Field(default=None, description="The joint action it is about")
    relationship: list[str] | None = Field(
        default=None, description="The action's relationship: two organisation keys"
    )
    tie: str | None = Field(
        default=None,
        description="For a tie notification, the other organisation's key (the kind of tie, "
        "from the reader's organisation's point of view, is in detail)",
    )
    entry: bool = Field(default=False, description="Whether the item is a challenge or an idea")
    agreement: str | None = Field(
        default=None,
        description="For an agreement notification, the other organisation's key (the "
        "proposal's kind, add, revise or end, is in detail)",
    )
    job: int | None = Field(
        default=None,
        description="For a failed mail, its job (GET /api/v1/jobs/{id}); title is the address",
    )
    page: str | None = Field(
        default=None, description="For a failed mail, the page where its link can be copied"
    )


class InboxRead(BaseModel):
    notifications: list[NotificationRead]
    unread: int = Field(description="Unread notifications (at most 99 are counted)")


class MarkRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: (
        Annotated[list[Annotated[int, Field(ge=1, le=2_147_483_647)]], Field(max_length=1000)]
        | None
    ) = Field(default=None, description="The notifications to mark read; null or absent: all")


class Marked(BaseModel):
    marked: int


@router.get("/notifications", response_model=InboxRead, summary="My notifications")
def list_notifications(
    actor: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=notifications.MAX_LIST)] = 50,
) -> InboxRead:
    box = notifications.inbox(session, user_id=actor.person_id, org_id=actor.org_id, limit=limit)
    return InboxRead(
        notifications=[
            NotificationRead(
                **{**vars(n), "relationship": list(n.relationship) if n.relationship else None}
            )
            for n in box.notifications
        ],
        unread=box.unread,
    )


@router.post("/notifications/read", response_model=Marked, summary="Mark notifications read")
def mark_read(body: MarkRead, actor: CurrentUser, session: SessionDep) -> Marked:
    return Marked(marked=notifications.mark_read(session, user_id=actor.person_id, ids=body.ids))
