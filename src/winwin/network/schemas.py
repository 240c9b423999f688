"""Schemas for organisations' profiles and their people."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from winwin.accounts.schemas import RoleName

ShortText = Annotated[str, StringConstraints(max_length=300)]


class OrganizationRead(BaseModel):
    key: str
    name: str
    country: str | None
    cluster: str | None
    industry: str | None
    roles: list[str]
    capabilities: list[str]
    needs: list[str]
    values: list[str]
    business_id: str | None = None


class OrganizationCreate(BaseModel):
    """A new organisation (platform admins)."""

    model_config = ConfigDict(extra="forbid")

    key: Annotated[str, StringConstraints(max_length=64)]
    name: ShortText
    country: Annotated[str, StringConstraints(max_length=2)] | None = None
    cluster: ShortText | None = None
    business_id: Annotated[str, StringConstraints(max_length=100)] | None = None


class OrganizationUpdate(BaseModel):
    """Only the fields given change; an empty string clears country, cluster or industry."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = None
    roles: (
        Annotated[list[Annotated[str, StringConstraints(max_length=64)]], Field(max_length=100)]
        | None
    ) = None
    industry: ShortText | None = None
    country: ShortText | None = None
    cluster: ShortText | None = None
    capabilities: Annotated[list[ShortText], Field(max_length=100)] | None = None
    needs: Annotated[list[ShortText], Field(max_length=100)] | None = None
    values: Annotated[list[ShortText], Field(max_length=100)] | None = None
    business_id: Annotated[str, StringConstraints(max_length=100)] | None = None


class PersonRead(BaseModel):
    id: int
    email: str
    name: str
    role: RoleName
    # False until the person has set a password through their invitation link.
    activated: bool


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, StringConstraints(max_length=320)]
    name: Annotated[str, StringConstraints(max_length=200)]
    role: RoleName = "member"


class PeopleCreate(BaseModel):
    """Invite several people at once: all or nothing."""

    model_config = ConfigDict(extra="forbid")

    people: Annotated[list[PersonCreate], Field(min_length=1, max_length=1000)]


class FacilitatorGrantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, StringConstraints(max_length=320)]


class PersonUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: RoleName


class ProblemDetail(BaseModel):
    path: str
    message: str


class ProblemResponse(BaseModel):
    """Every error of the API: what went wrong, and each problem with its JSON path."""

    detail: str
    problems: list[ProblemDetail]


TieKind = Literal["supplies", "buys", "partners"]


class TieProposalCreate(BaseModel):
    """Propose a tie; ``kind`` is from the proposing organisation's point of view."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    with_: Annotated[str, StringConstraints(max_length=64)] = Field(alias="with")
    kind: TieKind


class TieChange(BaseModel):
    """What a tie change left: ``state`` is proposed, accepted, declined, withdrawn or ended."""

    model_config = ConfigDict(populate_by_name=True)

    by: str
    with_: str = Field(alias="with", serialization_alias="with")
    kind: TieKind
    state: str


class TieRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    with_: str = Field(alias="with", serialization_alias="with")
    kind: TieKind
    state: Literal["proposed", "accepted"]
    proposed_by: str | None = Field(
        description="Who proposed it; null for a tie that came from a network document"
    )


class TiesRead(BaseModel):
    org: str
    ties: list[TieRead]


class CompetitorsRead(BaseModel):
    """Only the competitors the organisation itself declared."""

    org: str
    competitors: list[str]


class TieEventRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    action: str
    kind: str | None
    at: datetime
    with_: str = Field(alias="with", serialization_alias="with")
    by: str
    person: str | None


class OverlapRead(BaseModel):
    """What ``org`` sees of its customers beside ``with``'s (docs/cli.md, ``overlap``):
    ``common_count`` from ``counts``, ``common`` from ``overlap``, ``their_other_customers``
    only at ``all``; null where the level does not reach."""

    model_config = ConfigDict(populate_by_name=True)

    org: str
    with_: str = Field(alias="with", serialization_alias="with")
    level: Literal["hidden", "counts", "overlap", "all"]
    common_count: int | None
    common: list[str] | None
    their_other_customers: list[str] | None


SharingLevel = Literal["hidden", "counts", "overlap", "all"]


class TieSharingPartner(BaseModel):
    """The level ``org`` chose for one partner: its override, else its default."""

    model_config = ConfigDict(populate_by_name=True)

    with_: str = Field(alias="with", serialization_alias="with")
    level: SharingLevel
    override: SharingLevel | None


class TieSharingRead(BaseModel):
    """What an organisation shares of its customers (docs/network.md, tie sharing)."""

    org: str
    default: SharingLevel
    partners: list[TieSharingPartner]


class TieSharingChange(BaseModel):
    """A level to share, or null to drop the choice (the default, or ``counts``)."""

    model_config = ConfigDict(extra="forbid")

    level: SharingLevel | None
