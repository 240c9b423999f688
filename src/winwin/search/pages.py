"""``/search``: one search box over items, challenges and ideas, organisations and people."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from winwin.accounts.access import require_acting
from winwin.http.deps import SessionDep
from winwin.http.page_deps import ActingUser, CurrentOrg
from winwin.http.templating import render
from winwin.kernel.errors import InvalidInput
from winwin.search import service as search

router = APIRouter()


@router.get("/search", name="search")
def search_page(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    q = request.query_params.get("q", "")
    found, problems, status = None, [], 200
    if q.strip():
        try:
            found = search.search_everything(
                session, actor=actor, viewer=require_acting(actor), text=q
            )
        except InvalidInput as exc:
            problems, status = exc.problems, 422
    context = {"nav": "search", "org": org, "q": q, "found": found, "problems": problems}
    return render(request, "search/page.html", context, status_code=status)
