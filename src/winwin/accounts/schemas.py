"""Schemas for the signed-in person and their API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from winwin.kernel.time import as_utc

UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]

RoleName = Literal["member", "org_admin", "facilitator", "platform_admin"]
# The signed-in person's role may also be an outsider's (never given by an admin).
MyRoleName = Literal["member", "org_admin", "facilitator", "platform_admin", "outsider"]


class OrgRef(BaseModel):
    key: str
    name: str


class MeRead(BaseModel):
    id: int
    email: str
    name: str
    role: MyRoleName
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


class SignUpCreate(BaseModel):
    """An outsider's sign-up: a link to confirm the address is mailed to ``email``."""

    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=1000)
    name: str = Field(max_length=1000)
    locale: Literal["fi", "en"] | None = None


class SignUpRead(BaseModel):
    sent: bool = Field(
        description="Always true: a taken address is answered alike, and nothing is sent to it."
    )
    link: str | None = Field(
        None,
        description="The link itself, only where no mail server is set up (never in production).",
    )


class VerifyCreate(BaseModel):
    """The token from the sign-up link and the password the outsider chooses."""

    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=200)
    password: str = Field(max_length=1000)
