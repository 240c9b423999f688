"""A relationship's results for a workshop: the presentation view and the Excel download.

- ``/relationships/present``: the first relationship of the organisation on the projector.
- ``/relationships/{a}/{b}/present``: one relationship per screen in large type, paged
  with the keyboard (arrow keys, Page Up and Page Down, through ``present.js``) and with
  visible previous and next links, which work without JavaScript. The pages run through
  the organisation's relationships in the dashboard's order.
- ``/relationships/{a}/{b}/results.xlsx``: the results of every round and each side's
  mean and spread per statement, with headers in the page's language, beside the
  machine CSV of the REST API (which stays as it is).

Both go through the relationship page's access rule
(``relationship_pages.readable_relationship``)
and its anonymity rule: a side below its round's minimum is withheld exactly as there.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, can_access_org
from winwin.assessments import instruments as instrument_service
from winwin.assessments import scoring
from winwin.assessments.pages import dashboard_rows
from winwin.assessments.relationship_pages import fewest_respondents, readable_relationship
from winwin.assessments.score import FACTORS, THIRD_PARTY
from winwin.assessments.wording import factor_label, lever_sentence
from winwin.http import i18n
from winwin.http.deps import CurrentUser, SessionDep
from winwin.http.i18n import gettext as _
from winwin.http.page_deps import ActingUser, CurrentOrg
from winwin.http.templating import render, request_locale
from winwin.kernel.spreadsheets import safe_cell
from winwin.network.models import Organization

router = APIRouter()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _present_url(pair: Sequence[str], org: Organization) -> str:
    a, b = (quote(k, safe="") for k in pair)
    return f"/relationships/{a}/{b}/present?org={quote(org.key, safe='')}"


def _sequence_org(
    actor: Actor, org: Organization, sides: Sequence[Organization]
) -> Organization | None:
    """Whose relationships the pages run through: the organisation the person works
    for when it is a side, else the first side they may see (a facilitator's client)."""
    if any(side.id == org.id for side in sides):
        return org
    return next((side for side in sides if can_access_org(actor, side.id)), None)


@router.get("/relationships/present", name="present_first")
def present_first(
    request: Request, actor: ActingUser, org: CurrentOrg, session: SessionDep
) -> Response:
    rows = dashboard_rows(session, actor, [org.id])[org.id]
    if not rows:
        return RedirectResponse(f"/relationships?org={quote(org.key, safe='')}", status_code=303)
    return RedirectResponse(_present_url(rows[0].between, org), status_code=303)


@router.get("/relationships/{a}/{b}/present", name="present")
def present(
    a: str,
    b: str,
    request: Request,
    actor: ActingUser,
    org: CurrentOrg,
    session: SessionDep,
    round: str | None = None,
) -> Response:
    orgs, detail, shown = readable_relationship(session, actor, a, b, round)
    sequence_org = _sequence_org(actor, org, orgs)
    pairs: list[tuple[str, str]] = [detail.between]
    if sequence_org is not None:
        listed = [
            r.between for r in dashboard_rows(session, actor, [sequence_org.id])[sequence_org.id]
        ]
        if detail.between in listed:
            pairs = listed
    at = pairs.index(detail.between)
    owner = sequence_org or orgs[0]
    instrument = instrument_service.instruments_by_key(session, [shown.instrument]).get(
        shown.instrument
    )
    first, second = detail.between
    factors = [
        {
            "factor": f,
            "values": [
                side.value(f) if (side := shown.sides[k]) is not None else None
                for k in detail.between
            ],
            "gap": shown.gap(f),
        }
        for f in FACTORS
    ]
    return render(
        request,
        "assessments/present.html",
        {
            "nav": "relationships",
            "detail": detail,
            "shown": shown,
            "factors": factors,
            "lever": shown.main_lever(),
            "lever_sentence": lever_sentence,
            "factor_label": factor_label,
            "fewest": fewest_respondents(shown),
            "instrument_name": instrument_service.instrument_name(
                instrument, shown.instrument, request_locale(request)
            ),
            "position": at + 1,
            "count": len(pairs),
            "previous": _present_url(pairs[at - 1], owner) if at > 0 else None,
            "next": _present_url(pairs[at + 1], owner) if at + 1 < len(pairs) else None,
            "back": f"/relationships/{quote(first, safe='')}/{quote(second, safe='')}"
            f"?round={quote(shown.round, safe='')}",
        },
    )


# the Excel download -------------------------------------------------------------------
def _status(status: str) -> str:
    return _("open") if status == "open" else _("closed")


def _sheet(book: Workbook, title: str, header: list[str], first: bool) -> Any:
    sheet = book.active if first else book.create_sheet()
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for n, text in enumerate(header):
        sheet.column_dimensions[sheet.cell(row=1, column=n + 1).column_letter].width = max(
            12, min(40, len(text) + 2)
        )
    return sheet


def _row(sheet: Any, values: list[Any], formats: dict[int, str]) -> None:
    """One row: texts made safe against formulas (``kernel.spreadsheets``), numbers as
    numbers with their display format (per cent for factor values)."""
    sheet.append([safe_cell(v) if isinstance(v, str) else v for v in values])
    row = sheet.max_row
    for column, number_format in formats.items():
        sheet.cell(row=row, column=column + 1).number_format = number_format


PERCENT = "0.0%"
POINTS = "0.0"


def results_workbook(
    detail: scoring.RelationshipDetail,
    items: scoring.ItemsByRound,
    instruments: dict[str, instrument_service.InstrumentRead],
    locale: str,
) -> bytes:
    """The workbook of a relationship's rounds, in the page's language (the caller sets
    ``i18n.current_locale``; ``locale`` picks the statements' and instruments' texts).

    Sheet one holds what the machine CSV holds, one row per side and round (and one for
    the outside view): factor values in per cent, S, R and the lever with its gain in S
    and in R. A withheld side has empty cells and the note, as in the CSV. Sheet two
    holds each shown side's answers, mean and spread per statement.
    """
    book = Workbook()
    results = _sheet(
        book,
        _("Results"),
        [
            _("Round"),
            _("Instrument"),
            _("Status"),
            "R",
            _("Organisation"),
            _("Respondents"),
            *(f"{factor_label(f)} (%)" for f in FACTORS),
            "S",
            _("Lever"),
            _("Gain in S"),
            _("Gain in R"),
            _("Note"),
        ],
        first=True,
    )
    statements = _sheet(
        book,
        _("Statements"),
        [
            _("Round"),
            _("Organisation"),
            _("Statement"),
            _("Factor"),
            _("Reverse-coded"),
            _("Answers"),
            _("Mean (%)"),
            _("Spread (percentage points)"),
        ],
        first=False,
    )
    number_formats = {3: POINTS, 6: PERCENT, 7: PERCENT, 8: PERCENT, 9: PERCENT, 10: POINTS}
    number_formats.update({12: POINTS, 13: POINTS})
    for score in detail.history:
        instrument = instruments.get(score.instrument)
        name = instrument_service.instrument_name(instrument, score.instrument, locale)
        head = [score.round, name, _status(score.status), score.score]
        for key in score.between:
            side = score.sides[key]
            lever = score.lever_of(key)
            values: list[Any] = [None] * 8
            if side is not None and lever is not None:
                values = [
                    *(side.value(f) for f in FACTORS),
                    side.score,
                    factor_label(side.lever),
                    lever.s_gain,
                    lever.r_gain,
                ]
            note = (
                _("Too few respondents to show without identifying them.")
                if key in score.withheld
                else None
            )
            _row(
                results,
                [*head, detail.names[key], score.respondents.get(key, 0), *values, note],
                number_formats,
            )
        outside = score.outside_view
        if score.respondents.get(THIRD_PARTY) or outside:
            _row(
                results,
                [
                    *head,
                    _("Outside view"),
                    score.respondents.get(THIRD_PARTY, 0),
                    None,
                    None,
                    outside.impact if outside else None,
                    outside.attraction if outside else None,
                    None,
                    None,
                    None,
                    None,
                    _("Too few respondents to show without identifying them.")
                    if THIRD_PARTY in score.withheld
                    else None,
                ],
                number_formats,
            )
        texts = {i["id"]: i["text"] for i in (instrument.items if instrument else [])}
        for key, stats in scoring.items_by_side(score, items).items():
            if score.sides[key] is None:
                continue
            for stat in stats:
                text = texts.get(stat.id, {})
                _row(
                    statements,
                    [
                        score.round,
                        detail.names[key],
                        text.get(locale) or text.get("en") or stat.id,
                        factor_label(stat.factor),
                        _("yes") if stat.reverse else _("no"),
                        stat.answered,
                        stat.mean,
                        stat.spread * 100 if stat.spread is not None else None,
                    ],
                    {6: PERCENT, 7: POINTS},
                )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _download(session: Session, detail: scoring.RelationshipDetail, locale: str) -> bytes:
    items = scoring.items_of(session, detail.history)
    instruments = instrument_service.instruments_by_key(
        session, [s.instrument for s in detail.history]
    )
    return results_workbook(detail, items, instruments, locale)


@router.get("/relationships/{a}/{b}/results.xlsx", name="results_xlsx")
def results_xlsx(
    a: str, b: str, request: Request, actor: CurrentUser, session: SessionDep
) -> Response:
    _orgs, detail, _shown = readable_relationship(session, actor, a, b, None)
    first, second = detail.between
    filename = f"winwin-{first}-{second}.xlsx".replace("/", "-").replace('"', "")
    locale = request_locale(request)
    token = i18n.current_locale.set(locale)
    try:
        data = _download(session, detail, locale)
    finally:
        i18n.current_locale.reset(token)
    return Response(
        data,
        media_type=XLSX,
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "no-store",
        },
    )
