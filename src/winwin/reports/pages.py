"""Web doors of the workshop report (links on the relationship and client pages).

- ``/relationships/{a}/{b}/report.pdf?round=R&lang=fi|en``: one relationship;
- ``/relationships/clients/{key}/report.pdf?round=R&lang=fi|en``: every relationship of
  a client the facilitator may see, in one PDF.

Without ``lang`` the report is in the page's language.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from winwin.http.deps import CurrentUser, SessionDep
from winwin.http.templating import request_locale
from winwin.reports import service as reports
from winwin.reports.api import pdf_response

router = APIRouter()


# The client route comes first: /relationships/clients/KEY/report.pdf would otherwise
# read as the relationship between "clients" and KEY.
@router.get("/relationships/clients/{key}/report.pdf", name="client_workshop_report")
def client_report(
    key: str,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    round: str | None = None,
    lang: str | None = None,
) -> Any:
    locale = lang or request_locale(request)
    pdf = reports.client_pdf(session, actor=actor, client=key, round=round, locale=locale)
    return pdf_response(pdf, f"winwin-{key}-{round or 'latest'}-{locale}.pdf")


@router.get("/relationships/{a}/{b}/report.pdf", name="workshop_report")
def relationship_report(
    a: str,
    b: str,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    round: str | None = None,
    lang: str | None = None,
) -> Any:
    locale = lang or request_locale(request)
    pdf = reports.workshop_pdf(session, actor=actor, between=(a, b), round=round, locale=locale)
    return pdf_response(pdf, f"winwin-{a}-{b}-{round or 'latest'}-{locale}.pdf")
