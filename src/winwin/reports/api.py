"""REST routes of the workshop report: ``application/pdf`` documents.

- ``GET /api/v1/relationships/{a}/{b}/report?round=R&lang=fi|en``: one relationship;
- ``GET /api/v1/organizations/{key}/report?round=R&lang=fi|en``: every relationship of
  one organisation that the caller may see (a facilitator's workshop pack).

The access rule is the relationship page's; anyone else gets a 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from winwin.http.deps import CurrentUser, SessionDep
from winwin.reports import service as reports

router = APIRouter(tags=["reports"])

RoundQuery = Annotated[
    str | None, Query(description="The round's name; default: the latest scored round")
]
LangQuery = Annotated[str, Query(description="The report's language: fi or en")]
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The report as a PDF"}
}


def pdf_response(pdf: bytes, filename: str) -> Response:
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in filename)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'inline; filename="{safe}"'},
    )


@router.get(
    "/relationships/{a}/{b}/report",
    summary="The workshop report of one relationship and round (PDF)",
    response_class=Response,
    responses=PDF,
)
def relationship_report(
    a: str,
    b: str,
    actor: CurrentUser,
    session: SessionDep,
    round: RoundQuery = None,
    lang: LangQuery = "fi",
) -> Any:
    pdf = reports.workshop_pdf(session, actor=actor, between=(a, b), round=round, locale=lang)
    return pdf_response(pdf, f"winwin-{a}-{b}-{round or 'latest'}-{lang}.pdf")


@router.get(
    "/organizations/{key}/report",
    summary="The workshop reports of all of an organisation's relationships (one PDF)",
    response_class=Response,
    responses=PDF,
)
def client_report(
    key: str,
    actor: CurrentUser,
    session: SessionDep,
    round: RoundQuery = None,
    lang: LangQuery = "fi",
) -> Any:
    pdf = reports.client_pdf(session, actor=actor, client=key, round=round, locale=lang)
    return pdf_response(pdf, f"winwin-{key}-{round or 'latest'}-{lang}.pdf")
