"""REST routes of joint initiatives (reading; the command line changes them for now).

Only parties' people, facilitators granted a party and platform admins see one; anyone
else gets the 404 of an initiative that does not exist.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from winwin.http.deps import CurrentUser, IdPath, SessionDep
from winwin.initiatives import service as initiatives

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
