"""REST routes of joint initiatives, matching ``winwin initiative …``.

- ``GET /initiatives``, ``GET /initiatives/{id}``: read (the ``show`` document);
- ``POST /initiatives``: propose ``{"by", "with", "title", "goal", "expected_value",
  "kind"}`` (``joint``, the default, or ``learning``);
- ``PATCH /initiatives/{id}``: edit ``{"by", "title", "goal", "expected_value", "add",
  "remove"}`` (each but ``by`` optional; ``"expected_value": null`` clears it);
- ``POST /initiatives/{id}/accept`` and ``/decline``: ``{"by"}``;
- ``POST /initiatives/{id}/contributions``: ``{"by", "amount", "currency"}``;
- ``PUT /initiatives/{id}/model``: ``{"game", "method"}``;
- ``POST /initiatives/{id}/agree``: ``{"by"}``;
- ``POST /initiatives/{id}/results``: ``{"by", "amount", "currency"}`` (once agreed);
- ``GET /initiatives/{id}/agreement.pdf``: the frozen agreement.

Only parties' people, facilitators granted a party and platform admins see one; anyone
else gets the 404 of an initiative that does not exist. Changing one needs acting for
``by`` (its org admin, a facilitator granted it, a platform admin): else 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.http.deps import CurrentUser, IdPath, SessionDep
from winwin.initiatives import service as initiatives
from winwin.reports import service as reports
from winwin.reports.api import PDF, LangQuery, pdf_response

router = APIRouter(tags=["initiatives"])
KEY = Field(max_length=200, description="An organisation's key")
CHANGED: dict[int | str, dict[str, Any]] = {
    200: {"description": "The initiative after the change (the `show` document)"}
}


class Proposal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str = KEY
    with_: list[str] = Field(alias="with", min_length=1, max_length=50)
    title: str = Field(max_length=200)
    goal: str = Field(default="", max_length=20_000)
    expected_value: float | None = None
    kind: Literal["joint", "learning"] = "joint"


class Edit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str = KEY
    title: str | None = Field(default=None, max_length=200)
    goal: str | None = Field(default=None, max_length=20_000)
    expected_value: float | None = Field(
        default=None, description="The new expected value; `null` clears it, absent keeps it"
    )
    add: list[str] = Field(default=[], max_length=50, description="Organisations to invite")
    remove: list[str] = Field(
        default=[], max_length=50, description="Open or declined invitations to withdraw"
    )


class By(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str = KEY


class Contribution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str = KEY
    amount: float
    currency: str = Field(default="EUR", max_length=3)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")

    game: dict[str, Any] = Field(description="A `winwin share` game over the parties' keys")
    method: Literal["shapley", "nucleolus", "proportional", "airport"] = Field(
        description="`airport`: the airport rule of a game of type airport, the cost of the "
        "infrastructure each party alone would need"
    )


def _changed(found: initiatives.InitiativeRead, status: int = 200) -> JSONResponse:
    return JSONResponse(found.as_dict(), status_code=status)


def _amount(
    use_case: Callable[..., initiatives.InitiativeRead],
    session: Session,
    initiative_id: int,
    body: Contribution,
    actor: Actor,
) -> JSONResponse:
    """A party's amount (a contribution or a realised result), recorded for the caller."""
    found = use_case(
        session,
        initiative_id=initiative_id,
        by=body.by,
        amount=body.amount,
        currency=body.currency,
        actor=actor,
    )
    return _changed(found)


@router.get(
    "/initiatives",
    summary="The joint initiatives I may see",
    responses={200: {"description": '`{"initiatives": [INITIATIVE, ...]}`'}},
)
def list_initiatives(actor: CurrentUser, session: SessionDep) -> Any:
    found = initiatives.readable(session, actor=actor)
    return JSONResponse({"initiatives": [i.as_dict() for i in found]})


@router.get(
    "/initiatives/{initiative_id}",
    summary="One joint initiative (the document of `winwin initiative show --json`)",
)
def get_initiative(initiative_id: IdPath, actor: CurrentUser, session: SessionDep) -> Any:
    return JSONResponse(initiatives.read(session, initiative_id, actor=actor).as_dict())


@router.get(
    "/initiatives/{initiative_id}/agreement.pdf",
    summary="The frozen agreement of an initiative (PDF)",
    response_class=Response,
    responses=PDF,
)
def agreement_pdf(
    initiative_id: IdPath, actor: CurrentUser, session: SessionDep, lang: LangQuery = "fi"
) -> Any:
    pdf = reports.agreement_pdf(session, actor=actor, initiative_id=initiative_id, locale=lang)
    return pdf_response(pdf, f"winwin-agreement-{initiative_id}-{lang}.pdf")


@router.post(
    "/initiatives",
    summary="Propose an initiative",
    status_code=201,
    responses={201: {"description": "The new initiative (the `show` document)"}},
)
def propose(body: Proposal, actor: CurrentUser, session: SessionDep) -> Any:
    found = initiatives.propose(
        session,
        by=body.by,
        with_=body.with_,
        title=body.title,
        goal=body.goal,
        expected_value=body.expected_value,
        kind=body.kind,
        actor=actor,
    )
    return _changed(found, 201)


@router.patch(
    "/initiatives/{initiative_id}",
    summary="Edit the title, goal, expected value or who is invited (a new version)",
    responses=CHANGED,
)
def edit(initiative_id: IdPath, body: Edit, actor: CurrentUser, session: SessionDep) -> Any:
    return _changed(
        initiatives.edit(
            session,
            initiative_id=initiative_id,
            by=body.by,
            title=body.title,
            goal=body.goal,
            expected_value=(
                body.expected_value
                if "expected_value" in body.model_fields_set
                else initiatives.Unchanged.KEEP
            ),
            add=body.add,
            remove=body.remove,
            actor=actor,
        )
    )


@router.post("/initiatives/{initiative_id}/accept", summary="Accept", responses=CHANGED)
def accept(initiative_id: IdPath, body: By, actor: CurrentUser, session: SessionDep) -> Any:
    return _changed(
        initiatives.answer(
            session, initiative_id=initiative_id, by=body.by, accept=True, actor=actor
        )
    )


@router.post("/initiatives/{initiative_id}/decline", summary="Decline", responses=CHANGED)
def decline(initiative_id: IdPath, body: By, actor: CurrentUser, session: SessionDep) -> Any:
    return _changed(
        initiatives.answer(
            session, initiative_id=initiative_id, by=body.by, accept=False, actor=actor
        )
    )


@router.post(
    "/initiatives/{initiative_id}/contributions",
    summary="Record a contribution (a new version)",
    responses=CHANGED,
)
def contribute(
    initiative_id: IdPath, body: Contribution, actor: CurrentUser, session: SessionDep
) -> Any:
    return _amount(initiatives.contribute, session, initiative_id, body, actor)


@router.put(
    "/initiatives/{initiative_id}/model",
    summary="Set the sharing model (a new version)",
    responses=CHANGED,
)
def set_model(initiative_id: IdPath, body: Model, actor: CurrentUser, session: SessionDep) -> Any:
    return _changed(
        initiatives.set_model(
            session, initiative_id=initiative_id, game=body.game, method=body.method, actor=actor
        )
    )


@router.post(
    "/initiatives/{initiative_id}/agree",
    summary="Agree to the current version",
    responses=CHANGED,
)
def agree(initiative_id: IdPath, body: By, actor: CurrentUser, session: SessionDep) -> Any:
    return _changed(
        initiatives.agree(session, initiative_id=initiative_id, by=body.by, actor=actor)
    )


@router.post(
    "/initiatives/{initiative_id}/results",
    summary="Record the realised value of an agreed initiative",
    responses=CHANGED,
)
def record_result(
    initiative_id: IdPath, body: Contribution, actor: CurrentUser, session: SessionDep
) -> Any:
    return _amount(initiatives.record_result, session, initiative_id, body, actor)
