"""The forms of a learning initiative's page (``/initiatives/{id}``, Finnish and English):

- ``POST /initiatives/{id}/goals``: a party adds a learning goal (``learning.add_goal``);
- ``POST /initiatives/{id}/learning-rounds``: the proposer's side opens a learning round
  on every relationship of the initiative (``learning.open_learning_round``).

A refusal shows the page again with the problem named by its field (422).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from winwin.http.deps import CurrentUser, IdPath, SessionDep
from winwin.http.page_deps import PostedForm
from winwin.initiatives import learning
from winwin.initiatives.pages import _page
from winwin.kernel.errors import Conflict, InvalidInput, Problem

router = APIRouter()


def _values(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    return {k: str(form.get(k) or "").strip() for k in names}


@router.post("/initiatives/{initiative_id}/goals", name="initiative_goal")
def add_goal(
    initiative_id: IdPath,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    values = _values(form, ("by", "with", "factor", "title", "due"))
    try:
        learning.add_goal(
            session,
            initiative_id=initiative_id,
            by=values["by"],
            with_=values["with"],
            factor=values["factor"],
            title=values["title"],
            due=values["due"] or None,
            actor=actor,
        )
    except InvalidInput as exc:
        session.rollback()
        return _page(request, session, actor, initiative_id, error=exc, values=values)
    return RedirectResponse(f"/initiatives/{initiative_id}#goals", status_code=303)


@router.post("/initiatives/{initiative_id}/learning-rounds", name="initiative_learning_round")
def open_round(
    initiative_id: IdPath,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    values = _values(form, ("round", "min_respondents"))
    try:
        learning.open_learning_round(
            session,
            initiative_id=initiative_id,
            round=values["round"],
            min_respondents=values["min_respondents"] or None,
            actor=actor,
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        error = exc if isinstance(exc, InvalidInput) else InvalidInput(Problem("round", str(exc)))
        return _page(request, session, actor, initiative_id, error=error, values=values)
    return RedirectResponse(f"/initiatives/{initiative_id}#learning-rounds", status_code=303)
