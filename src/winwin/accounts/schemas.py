"""Schemas for the signed-in person and their API tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]

RoleName = Literal["member", "org_admin", "facilitator", "platform_admin"]


class OrgRef(BaseModel):
    key: str
    name: str


class MeRead(BaseModel):
    id: int
    email: str
    name: str
    role: RoleName
    locale: str | None
    organization: OrgRef | None
    # Every organisation this person may see and work for (facilitators: their clients).
    organizations: list[OrgRef]


class ApiTokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    days: int = Field(90, ge=1, le=365, description="How many days the token works.")


class ApiTokenCreated(BaseModel):
    id: int
    name: str
    token: str = Field(description="The token itself, shown only this once.")
    expires_at: UtcDatetime


class ApiTokenRead(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: UtcDatetime
    last_used_at: UtcDatetime | None
    expires_at: UtcDatetime
