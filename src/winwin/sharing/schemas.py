"""The REST API's request and response bodies for the micro-network (``sharing.api``).

Kept apart from the stored rows (``sharing.models``) and the use cases' own types
(``sharing.service``), so that the API can stay the same while they change.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from winwin.accounts.schemas import UtcDatetime

Level = Literal["secret", "direct", "partners", "circle", "network", "public"]
Key = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Topic = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AudienceIn(Strict):
    level: Level
    orgs: Annotated[list[Key], Field(max_length=500)] = []
    circle: Key | None = None


class ItemCreate(Strict):
    key: Key | None = None
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    body: Annotated[str, StringConstraints(max_length=100_000)] = ""
    topics: Annotated[list[Topic], Field(max_length=20)] = []
    audience: AudienceIn
    exclude: Annotated[
        list[Annotated[str, StringConstraints(max_length=200)]], Field(max_length=50)
    ] = []


class ReshareCreate(Strict):
    key: Key | None = None
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    body: Annotated[str, StringConstraints(max_length=100_000)] | None = None
    topics: Annotated[list[Topic], Field(max_length=20)] | None = None
    audience: AudienceIn
    exclude: Annotated[
        list[Annotated[str, StringConstraints(max_length=200)]], Field(max_length=50)
    ] = []


class ItemPublished(BaseModel):
    key: str
    warnings: list[str]


class ItemSummary(BaseModel):
    key: str
    owner: str
    title: str
    level: str
    created_at: UtcDatetime
    reshare_of: str | None


class FeedRead(BaseModel):
    org: str | None
    items: list[ItemSummary]
    next_before: str | None = Field(
        None, description="Pass as `before` for the next page (an opaque, signed cursor)."
    )


class SearchRead(FeedRead):
    q: str = Field(description="The search text, stripped.")


class ReachRead(BaseModel):
    sentence: str
    counts: dict[str, Any]
    problems: list[dict[str, str]]
    warnings: list[str]


class CircleCreate(Strict):
    key: Key
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]


class InvitationCreate(Strict):
    org: Key


class CircleRead(BaseModel):
    key: str
    name: str
    status: str
    members: list[dict[str, str]] | None
    posts: list[ItemSummary] = Field(
        default=[], description="The circle's posts that I may see, newest first."
    )


class ProposalCreate(Strict):
    partner: Key
    topics: Annotated[list[Topic], Field(min_length=1, max_length=20)]


class RevisionCreate(Strict):
    topics: Annotated[list[Topic], Field(min_length=1, max_length=20)]


class ProposalCreated(BaseModel):
    id: int


class TopicsUpdate(Strict):
    topics: Annotated[list[Topic], Field(max_length=200)]
