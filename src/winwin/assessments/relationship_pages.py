"""One relationship's page (``/relationships/{a}/{b}``): radar, the lever in plain words,
gaps, trends, reliability and each statement's result per side, with the rounds, the
co-creation between the two and the joint action plan.

``readable_relationship`` is the one access rule of this page, its presentation view
and its downloads (``assessments.result_pages``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.actions import pages as action_pages
from winwin.assessments import charts, scoring
from winwin.assessments import instruments as instrument_service
from winwin.assessments import service as rounds
from winwin.assessments.measures import ItemStat
from winwin.assessments.score import FACTORS
from winwin.assessments.wording import factor_label, lever_sentence
from winwin.http.deps import CurrentUser, SessionDep
from winwin.http.templating import render, request_locale
from winwin.innovation import service as innovation_service
from winwin.innovation.stages import mutual
from winwin.network.models import Organization

router = APIRouter()


def fewest_respondents(score: scoring.RelationshipScore) -> int:
    """The respondents of the side with fewer of them (0 when a side has not answered)."""
    return min(score.respondents.get(key, 0) for key in score.between)


def readable_relationship(
    session: Session, actor: Actor, a: str, b: str, round: str | None
) -> tuple[list[Organization], scoring.RelationshipDetail, scoring.RelationshipScore]:
    """The relationship ``a``–``b`` as this actor may read it, and its round to show
    (``round``, else the latest scored, else the latest): the one access rule of the
    relationship page, its presentation view and its downloads. ``NotFound`` alike for
    an unknown pair and one the actor may not see."""
    orgs = list(rounds.readable_pair(session, actor, a, b))
    detail = scoring.relationship_detail(session, between=(a, b), reader=rounds.reader_for(actor))
    shown = next((h for h in detail.history if h.round == round), None) if round else None
    shown = shown or detail.latest_scored or detail.latest
    assert shown is not None
    return orgs, detail, shown


@router.get("/relationships/{a}/{b}", name="relationship")
def relationship(
    a: str,
    b: str,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    round: str | None = None,
) -> Response:
    orgs, detail, shown = readable_relationship(session, actor, a, b, round)
    gaps = [
        {
            "factor": f,
            "values": [
                (side.value(f) if (side := shown.sides[k]) is not None else None)
                for k in detail.between
            ],
            "gap": shown.gap(f),
            "outside": (
                getattr(shown.outside_view, f)
                if shown.outside_view and f in ("impact", "attraction")
                else None
            ),
        }
        for f in FACTORS
    ]
    pair_ids = [o.id for o in orgs if o is not None]
    manage = rounds.can_run_relationship(actor, pair_ids)
    round_rows = rounds.rounds_of_pair(session, pair_ids[0], pair_ids[1])
    # Taking part in each other's challenges and ideas is part of the energy picture.
    a_on_b, b_on_a = innovation_service.co_creation_between(
        session, a_id=pair_ids[0], b_id=pair_ids[1]
    )
    co_creation = {
        "directions": [(a, b, a_on_b), (b, a, b_on_a)],
        "mutual": mutual(a_on_b, b_on_a),
    }
    instrument = instrument_service.instruments_by_key(session, [shown.instrument]).get(
        shown.instrument
    )
    items = scoring.side_items(session, shown)
    trust = _trust(shown, items, instrument)
    statements = statement_rows(shown, items, instrument)
    return render(
        request,
        "assessments/relationship.html",
        {
            "nav": "relationships",
            "detail": detail,
            "shown": shown,
            "gaps": gaps,
            # Built while rendering, so that the labels are in the page's language.
            "radar": lambda: charts.radar_config(shown, detail.names),
            "trend": lambda: charts.trend_config(detail),
            "rounds": sorted(round_rows, key=lambda r: r.round),
            "can_manage": manage,
            "factor_label": factor_label,
            "lever_sentence": lever_sentence,
            "step": shown.main_lever() if shown.score is not None else None,
            "co_creation": co_creation,
            "bars": lambda: charts.bars_config(shown, detail.names),
            "fewest": fewest_respondents(shown),
            "trust_data": trust,
            "statements": statements,
            "instrument_name": instrument_service.instrument_name(
                instrument, shown.instrument, request_locale(request)
            ),
            "plan": action_pages.plan_context(session, actor, [o for o in orgs if o is not None]),
            "what_moved": action_pages.what_moved_context(session, detail.history, shown),
        },
    )


def _texts(
    instrument: instrument_service.InstrumentRead | None,
) -> dict[str, dict[str, str]]:
    return {i["id"]: i["text"] for i in (instrument.items if instrument else [])}


def _trust(
    shown: scoring.RelationshipScore,
    items: dict[str, list[ItemStat]],
    instrument: instrument_service.InstrumentRead | None,
) -> dict[str, Any]:
    """Alpha per side and factor, and the flagged statements with their texts."""
    texts = _texts(instrument)
    flagged = [
        {"side": key, "stat": stat, "text": texts.get(stat.id, {})}
        for key in shown.between
        if shown.sides[key] is not None
        for stat in items.get(key, [])
        if stat.flag is not None
    ]
    return {"alpha": shown.alpha, "flagged": flagged}


@dataclass(frozen=True)
class StatementRow:
    """One statement of a round with each side's result (``None``: not shown)."""

    id: str
    factor: str
    reverse: bool
    text: dict[str, str]
    sides: dict[str, ItemStat | None]


def statement_rows(
    shown: scoring.RelationshipScore,
    items: dict[str, list[ItemStat]],
    instrument: instrument_service.InstrumentRead | None,
) -> list[StatementRow]:
    """Each side's mean and spread per statement, in the instrument's order.

    A side that is withheld or has not answered has no statistics here (its item
    analysis is empty), so it is hidden exactly as its factors are.
    """
    texts = _texts(instrument)
    by_side = {
        key: {stat.id: stat for stat in items.get(key, [])}
        for key in shown.between
        if shown.sides[key] is not None
    }
    order: list[tuple[str, str, bool]] = []
    if instrument is not None:
        order = [(i["id"], i["factor"], bool(i["reverse"])) for i in instrument.items]
    else:
        seen = next((stats for stats in items.values() if stats), [])
        order = [(stat.id, stat.factor, stat.reverse) for stat in seen]
    return [
        StatementRow(
            id=key,
            factor=factor,
            reverse=reverse,
            text=texts.get(key, {}),
            sides={
                side: by_side[side].get(key) if side in by_side else None for side in shown.between
            },
        )
        for key, factor, reverse in order
        if factor in FACTORS
    ]
