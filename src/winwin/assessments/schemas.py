"""The REST documents of assessments: what the routes of ``assessments.api`` read and
write (instruments, rounds, invitations, answers by personal link, scores), as the
OpenAPI description publishes them. Kept apart from the service's read models, so that
the API's shapes change only on purpose.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field


class Text(BaseModel):
    en: str
    fi: str


class InstrumentItemSpec(BaseModel):
    id: str
    factor: str
    reverse: bool = False
    text: Text


class InstrumentCreate(BaseModel):
    org: str = Field(description="The owning organisation's key")
    key: str
    name: Text
    scale: int = 5
    items: list[dict[str, Any]]


class InstrumentRead(BaseModel):
    key: str
    name: dict[str, str]
    scale: int
    builtin: bool
    owner: str | None
    items: list[InstrumentItemSpec]


class RoundCreate(BaseModel):
    between: list[str] = Field(description="The two organisations' keys")
    round: str = Field(description="The round's name; rounds sort as strings: 2026-Q1")
    instrument: str = "customer-relationship"
    min_respondents: Annotated[int, Field(strict=True)] | None = Field(
        default=None,
        description="The fewest respondents a side needs before its factors are shown to "
        "anyone but the facilitators granted that side and platform admins: 1 to 1000, "
        "default 3; 1 makes a named round, in which respondents agree to be seen",
    )


class InvitationRead(BaseModel):
    id: int
    respondent: str
    side: str
    name: str
    email: str | None
    locale: str | None
    answered: bool
    last_opened_at: datetime | None
    token: str | None = Field(
        default=None,
        description="The link's token (the link is /answer/{token}), for whoever may invite "
        "for the side; null once revoked, for invitations made before links were kept, and "
        "for other readers",
    )
    revoked: bool = Field(default=False, description="The link was revoked")


class RoundRead(BaseModel):
    id: int
    round: str
    between: list[str]
    names: dict[str, str]
    instrument: str
    status: Literal["open", "closed"]
    opened_at: datetime
    closed_at: datetime | None
    respondents: int
    min_respondents: int = Field(description="The fewest respondents a side needs (1: named)")
    respondents_by_side: dict[str, int] = Field(
        description="Respondents per side key and third-party"
    )
    invitations: list[InvitationRead] = Field(
        description="Only those whose side the reader may see: its organisation's admins, "
        "the facilitators granted it and platform admins see who was invited and answered"
    )


class InviteeCreate(BaseModel):
    side: str = Field(description="One of the two organisations' keys, or third-party")
    respondent: str | None = None
    name: str = ""
    email: str | None = None
    locale: Literal["fi", "en"] | None = None


class InvitationsCreate(BaseModel):
    invitees: list[InviteeCreate]


class IssuedInvitationRead(BaseModel):
    invitation: InvitationRead
    token: str = Field(
        description="The link is /answer/{token}[?lang=fi|en]; it stays readable in the "
        "round's invitations, and a resend replaces it"
    )
    link: str
    mailed: bool = Field(
        description="True when the link is being mailed to the invitation's address "
        "(it has one and the server has a mail server); otherwise pass the link on yourself"
    )


class FormItemRead(BaseModel):
    id: str
    factor: str
    text: dict[str, str]


class AnswerFormRead(BaseModel):
    round: str
    between: list[str]
    names: dict[str, str]
    side: str
    respondent: str
    instrument: str
    scale: int
    status: Literal["open", "closed"]
    items: list[FormItemRead]
    answers: dict[str, int]
    cant_say: list[str] = Field(default_factory=list, description="Items marked I can't say")


class ResponseWrite(BaseModel):
    answers: dict[str, Any] = Field(description="Item id to a whole number from 1 to the scale")
    cant_say: list[Any] = Field(
        default_factory=list,
        description="Item ids the respondent cannot say: recorded, never counted in a mean",
    )


class ResponseRead(BaseModel):
    round: str
    respondent: str
    side: str
    answers: dict[str, int]
    created: bool
    cant_say: list[str] = Field(default_factory=list)


class ItemRead(BaseModel):
    id: str
    factor: str
    reverse: bool
    item_total: float | None = Field(description="Corrected item–total correlation")
    flag: Literal["negative", "possibly misread"] | None


class SideRead(BaseModel):
    accessibility: float | None
    energy: float | None
    impact: float | None
    attraction: float | None
    score: float
    lever: str
    gain: float
    respondents: int = Field(description="How many of the side's people answered")
    alpha: dict[str, float | None] = Field(
        description="Cronbach's alpha per factor; null below 3 complete respondents, "
        "with one statement or no variance"
    )
    ci: list[float] | None = Field(
        description="95 % bootstrap interval [low, high] of S; null below 3 respondents"
    )
    items: list[ItemRead] | None = Field(
        default=None, description="Item analysis per statement (with ?items=true)"
    )


class OutsideViewRead(BaseModel):
    impact: float | None
    attraction: float | None


class RelationshipScoreRead(BaseModel):
    between: list[str]
    round: str
    score: float | None
    sides: dict[str, SideRead | None]
    outside_view: OutsideViewRead | None
    ci: list[float] | None = Field(
        description="95 % bootstrap interval [low, high] of R; null unless both sides "
        "have 3 respondents"
    )
    respondents: dict[str, int]
    instrument: str
    status: str
    min_respondents: int = Field(description="The round's minimum of respondents per side")
    withheld: dict[str, str] = Field(
        description="Sides whose factors are not shown to you, with why: too few "
        "respondents to show without identifying them (their SIDE is null)"
    )


class ScoresRead(BaseModel):
    relationships: list[RelationshipScoreRead]


class RelationshipRead(BaseModel):
    between: list[str]
    names: dict[str, str]
    history: list[RelationshipScoreRead]
