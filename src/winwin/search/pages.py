"""``/search``: one search box over items, challenges and ideas, organisations and people."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from winwin.http.deps import CurrentUser, SessionDep
from winwin.http.page_deps import CurrentOrg
from winwin.http.templating import render
from winwin.kernel.errors import InvalidInput
from winwin.search import service as search
from winwin.sharing.pages import viewer_of

router = APIRouter()


@router.get("/search", name="search")
def search_page(
    request: Request, actor: CurrentUser, session: SessionDep, org: CurrentOrg
) -> Response:
    q = request.query_params.get("q", "")
    found, problems, status = None, [], 200
    if q.strip():
        try:
            found = search.search_everything(
                session, actor=actor, viewer=viewer_of(session, org), text=q
            )
        except InvalidInput as exc:
            problems, status = exc.problems, 422
    context = {"nav": "search", "org": org, "q": q, "found": found, "problems": problems}
    return render(request, "search/page.html", context, status_code=status)
