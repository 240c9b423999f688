"""REST routes of joint initiatives (reading; the command line changes them for now).

Only parties' people, facilitators granted a party and platform admins see one; anyone
else gets the 404 of an initiative that does not exist.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from winwin.http.deps import CurrentUser, IdPath, SessionDep
from winwin.initiatives import service as initiatives
from winwin.reports import service as reports
from winwin.reports.api import PDF, LangQuery, pdf_response

router = APIRouter(tags=["initiatives"])


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
