"""The instruments page (``/instruments``): the instruments an organisation may use, and a
form for its own.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, can_manage_org
from winwin.assessments import instruments as instrument_service
from winwin.assessments.score import FACTORS
from winwin.assessments.wording import factor_label, form_context
from winwin.http.deps import SessionDep
from winwin.http.page_deps import ActingUser, CurrentOrg, PostedForm
from winwin.http.templating import render
from winwin.kernel.errors import WinwinError
from winwin.network.models import Organization

router = APIRouter()

# instruments --------------------------------------------------------------------------
ITEM_ROWS = 8


def _instruments_page(
    request: Request,
    session: Session,
    actor: Actor,
    org: Organization,
    *,
    error: WinwinError | None = None,
    values: dict[str, Any] | None = None,
    created: str | None = None,
) -> Response:
    return render(
        request,
        "assessments/instruments.html",
        {
            "nav": "relationships",
            "org": org,
            "instruments": instrument_service.list_instruments(session, org_ids=[org.id]),
            "can_manage": can_manage_org(actor, org.id),
            "rows": range(ITEM_ROWS),
            "factors": FACTORS,
            "factor_label": factor_label,
            "created": created,
            **form_context(error, values),
        },
        status_code=422 if error else 200,
    )


@router.get("/instruments", name="instruments")
def instruments(
    request: Request, actor: ActingUser, org: CurrentOrg, session: SessionDep
) -> Response:
    return _instruments_page(request, session, actor, org)


@router.post("/instruments", name="create_instrument")
def create_instrument(
    request: Request, actor: ActingUser, org: CurrentOrg, session: SessionDep, form: PostedForm
) -> Response:
    values: dict[str, Any] = {k: str(form.get(k) or "").strip() for k in form}
    items = []
    for n in range(ITEM_ROWS):
        en, fi = values.get(f"text_en_{n}", ""), values.get(f"text_fi_{n}", "")
        if not en and not fi:
            continue
        items.append(
            {
                "id": f"{values.get(f'factor_{n}', 'x')[:1]}{n + 1}",
                "factor": values.get(f"factor_{n}", ""),
                "reverse": values.get(f"reverse_{n}") == "on",
                "text": {"en": en, "fi": fi},
            }
        )
    scale_text = values.get("scale", "5")
    try:
        made = instrument_service.create_instrument(
            session,
            actor=actor,
            org=org.key,
            key=values.get("key", ""),
            name={"en": values.get("name_en", ""), "fi": values.get("name_fi", "")},
            scale=int(scale_text) if scale_text.isdigit() else scale_text,
            items=items,
        )
    except WinwinError as exc:
        session.rollback()
        return _instruments_page(request, session, actor, org, error=exc, values=values)
    return _instruments_page(request, session, actor, org, created=made.key)
