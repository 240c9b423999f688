"""The openness page: the organisation's items by level, its secret share month by month
against the 3-5 % rule, its secret items and who opened its non-public items.

Mounted by ``sharing.pages``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from winwin.accounts.access import require_acting
from winwin.http import i18n
from winwin.http.deps import SessionDep
from winwin.http.page_deps import ActingUser, CurrentOrg
from winwin.http.templating import render, request_locale
from winwin.sharing import audience as policy
from winwin.sharing import feed
from winwin.sharing import service as sharing
from winwin.sharing.composer_pages import LEVEL_LABELS

router = APIRouter()


@router.get("/openness", name="openness")
def openness_view(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    viewer = require_acting(actor)
    report = feed.openness_report(session, org=viewer.key)
    months = feed.openness_by_month(session, org=viewer.key)
    locale = request_locale(request)

    def gettext(msgid: str) -> str:
        return i18n.translate(locale, msgid)

    by_level = {
        "type": "bar",
        "data": {
            "labels": [gettext(LEVEL_LABELS[lv]) for lv in policy.LEVELS],
            "datasets": [
                {
                    "label": gettext("Items"),
                    "data": [report["by_level"][lv] for lv in policy.LEVELS],
                    "backgroundColor": "#2f6f4f",
                }
            ],
        },
        "options": {"plugins": {"legend": {"display": False}}},
    }
    over_time = {
        "type": "line",
        "data": {
            "labels": [m["month"] for m in months],
            "datasets": [
                {
                    "label": gettext("Secret share"),
                    "data": [round(100 * m["secret_share"], 2) for m in months],
                    "borderColor": "#8a3b12",
                },
                {
                    "label": gettext("3 % target"),
                    "data": [3 for _ in months],
                    "borderColor": "#6b8f71",
                    "borderDash": [4, 4],
                    "pointRadius": 0,
                },
                {
                    "label": gettext("5 % limit"),
                    "data": [5 for _ in months],
                    "borderColor": "#b00020",
                    "borderDash": [8, 4],
                    "pointRadius": 0,
                },
            ],
        },
        "options": {
            "scales": {
                "y": {
                    "beginAtZero": True,
                    "suggestedMax": 10,
                    "title": {"display": True, "text": "%"},
                }
            }
        },
    }
    return render(
        request,
        "sharing/openness.html",
        {
            "nav": "feed",
            "org": org,
            "report": report,
            "months": months,
            "secret_items": feed.secret_items(session, org=viewer.key),
            "levels": LEVEL_LABELS,
            "level_order": policy.LEVELS,
            "by_level_chart": by_level,
            "over_time_chart": over_time,
            "audit": sharing.audit_log(session, owner=viewer, limit=100),
        },
    )
