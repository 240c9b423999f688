"""The edit form of an initiative's page (``/initiatives/{id}``, Finnish and English):
``POST /initiatives/{id}/edit`` changes the title, goal and expected value (a party that
has accepted) and who is invited (the proposer), through ``initiatives.service.edit``.

The form is sent filled in with what is, so only what the person changed changes; an
empty expected value clears it. A refusal shows the page again with the problem named
by its field (422).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from winwin.http.deps import CurrentUser, IdPath, SessionDep
from winwin.http.forms import amount_field
from winwin.http.page_deps import PostedForm
from winwin.initiatives import service as initiatives
from winwin.initiatives.pages import _page
from winwin.kernel.errors import InvalidInput, RuleBroken

router = APIRouter()


@router.post("/initiatives/{initiative_id}/edit", name="initiative_edit")
def edit(
    initiative_id: IdPath,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    values = {k: str(form.get(k) or "").strip() for k in ("by", "title", "goal", "value", "add")}
    remove = [str(k) for k in form.getlist("remove")]
    try:
        expected = None
        if values["value"]:
            expected = amount_field(
                values["value"], field="expected_value", refusal="must be an amount"
            )
        initiatives.edit(
            session,
            initiative_id=initiative_id,
            by=values["by"],
            title=values["title"],
            goal=values["goal"],
            expected_value=expected,
            add=[k.strip() for k in values["add"].split(",") if k.strip()],
            remove=remove,
            actor=actor,
        )
    except (InvalidInput, RuleBroken) as exc:
        session.rollback()
        return _page(request, session, actor, initiative_id, error=exc, values=values)
    return RedirectResponse(f"/initiatives/{initiative_id}#history", status_code=303)
