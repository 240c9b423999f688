"""One relationship's section of the workshop report, worded in the report's language:
the scores with their intervals and low-n notes, the levers, the factors beside the
radar, the perception gaps, Cronbach's alpha, the trend and the open actions of the plan.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.actions import service as actions
from winwin.actions.follow_up import FactorIntervals, factor_intervals
from winwin.assessments import levers, scoring
from winwin.assessments.measures import load_answers
from winwin.assessments.score import FACTORS
from winwin.reports.charts import Series, radar_svg, trend_svg
from winwin.reports.words import DASH, FACTOR_LABELS, N_, STATUS_LABELS, Words


def _factor_intervals(
    session: Session, shown: scoring.RelationshipScore
) -> dict[str, FactorIntervals]:
    """The 95 % interval of each side's factor values (the same bootstrap as ``S``)."""
    found = load_answers(session, [shown.assessment_id]).get(shown.assessment_id, {})
    out: dict[str, FactorIntervals] = {}
    for slot, (name, key) in enumerate(zip(("a", "b"), shown.stored_order, strict=True)):
        side = found.get(name)
        # A withheld side's answers stay out of the report (winwin.assessments.anonymity).
        if side is not None and side.respondents and key not in shown.withheld:
            out[key] = factor_intervals(side.points(), slot=slot)
    return out


def relationship_section(
    session: Session,
    actor: Actor,
    detail: scoring.RelationshipDetail,
    shown: scoring.RelationshipScore,
    w: Words,
    number: int,
) -> tuple[dict[str, Any], dict[str, str]]:
    first, second = detail.between
    names = detail.names
    sides = [shown.sides[k] for k in detail.between]

    score_rows = [["R", w.number(shown.score), w.interval(shown.ci), DASH]]
    notes = []
    for key, side in zip(detail.between, sides, strict=True):
        count = shown.respondents.get(key, 0)
        score_rows.append(
            [
                f"S · {names[key]}",
                w.number(side.score if side else None),
                w.interval(shown.intervals.get(key)),
                str(count),
            ]
        )
        if key in shown.withheld:
            withheld = w(N_("Too few respondents to show without identifying them."))
            notes.append(f"{names[key]}: {withheld}")
        elif side is None:
            silent = w(N_("Has not answered in this round."))
            notes.append(f"{names[key]}: {silent}")
        elif (low := w.low_n(count)) is not None:
            notes.append(f"{names[key]}: {low}")
    notes.append(
        w(
            N_(
                "R is the geometric mean of the two sides' scores: a side that does not win "
                "pulls it to zero."
            )
        )
    )
    notes.append(
        w(
            N_(
                "The 95 %% interval shows how sure the number is: with other respondents of the "
                "same kind it would most likely fall inside. No interval is shown below three "
                "respondents on a side."
            )
        )
    )

    # The same two labelled numbers, in the same words, as the relationship page.
    lever_lines = []
    for key in detail.between:
        lever = shown.lever_of(key)
        if lever is not None:
            sentence = lever_sentence(w, lever, names)
            lever_lines.append(f"{names[key]} – {w(N_('Lever'))}: {sentence}.")
    main = shown.main_lever()
    if main is not None and main.r_gain is not None:
        lever_lines.append(f"{w(N_('Biggest step'))}: {lever_sentence(w, main, names)}.")
    if not lever_lines:
        lever_lines.append(w(N_("No side has answered in this round.")))

    intervals = _factor_intervals(session, shown)
    factor_rows = []
    for f in FACTORS:
        row = [w(FACTOR_LABELS[f])]
        for key, side in zip(detail.between, sides, strict=True):
            value = side.value(f) if side else None
            ci = intervals.get(key, {}).get(f)
            row.append(
                w.percent(value) + (f" ({w.interval(ci, scale=100)})" if ci is not None else "")
            )
        factor_rows.append(row)

    gap_rows = []
    widest: tuple[float, str] | None = None
    for f in FACTORS:
        gap = shown.gap(f)
        values = [side.value(f) if side else None for side in sides]
        points_word = w(N_("points"))
        gap_text = DASH if gap is None else f"{gap * 100:+.0f} {points_word}"
        if gap is not None and gap < 0:
            gap_text = gap_text.replace("-", "−")
        gap_rows.append([w(FACTOR_LABELS[f]), *(w.percent(v) for v in values), gap_text])
        if gap is not None and (widest is None or abs(gap) > abs(widest[0])):
            widest = (gap, f)
    gap_note = w(N_("The gap is the first side's value minus the second's, in percentage points."))
    if widest is not None and round(abs(widest[0]) * 100) >= 1:
        gap, widest_factor = widest
        higher, lower = (first, second) if gap > 0 else (second, first)
        gap_note += " " + w(
            N_(
                "The widest gap is in %(factor)s: %(higher)s sees it %(points)s points "
                "higher than %(lower)s."
            ),
            factor=w(FACTOR_LABELS[widest_factor]).lower(),
            higher=names[higher],
            lower=names[lower],
            points=f"{abs(gap) * 100:.0f}",
        )

    alpha_rows = [
        [
            w(FACTOR_LABELS[f]),
            *(w.number((shown.alpha.get(k) or {}).get(f), "0.00") for k in detail.between),
        ]
        for f in FACTORS
    ]

    history = detail.history
    trend_rows = [
        [
            h.round,
            w.number(h.score) + (f" ({w.interval(h.ci)})" if h.ci is not None else ""),
            *(w.number(s.score if (s := h.sides[k]) else None) for k in detail.between),
        ]
        for h in history
    ]

    plan = [a for a in actions.list_actions(session, actor=actor, between=detail.between) if a.open]
    plan_rows = [
        [
            a.title,
            w(FACTOR_LABELS[a.factor]),
            w(STATUS_LABELS[a.status]),
            a.due.isoformat() if a.due else DASH,
            ", ".join(f"{o.name} ({names.get(o.side, o.side)})" for o in a.owners.values() if o)
            or DASH,
        ]
        for a in plan
    ]

    radar_name, trend_name = f"radar-{number}.svg", f"trend-{number}.svg"
    svgs = {
        radar_name: radar_svg(
            [w(FACTOR_LABELS[f]) for f in FACTORS],
            [
                Series(names[k], [s.value(f) if s else None for f in FACTORS])
                for k, s in zip(detail.between, sides, strict=True)
                if s is not None
            ],
        ),
        trend_name: trend_svg(
            [h.round for h in history],
            [
                *(
                    Series(
                        f"S {names[k]}", [s.score if (s := h.sides[k]) else None for h in history]
                    )
                    for k in detail.between
                ),
                Series("R", [h.score for h in history]),
            ],
            band=[h.ci for h in history],
        ),
    }
    section = {
        "between": list(detail.between),
        "round": shown.round,
        "title": f"{names[first]} – {names[second]}",
        "subtitle": " · ".join(
            [
                w(N_("Workshop report")),
                w(N_("Round %(round)s"), round=shown.round),
                shown.instrument,
            ]
        ),
        "scores": {
            "heading": w(N_("Scores")),
            "header": ["", w(N_("Score")), w(N_("95 %% interval")), w(N_("Respondents"))],
            "rows": score_rows,
            "notes": notes,
        },
        "lever": {"heading": w(N_("The lever and its gain")), "lines": lever_lines},
        "factors": {
            "heading": w(N_("The four factors")),
            "header": [w(N_("Factor")), names[first], names[second]],
            "rows": factor_rows,
            "note": w(
                N_(
                    "Each factor from 0 to 100 %%, with its 95 %% interval in brackets where a "
                    "side has at least three respondents."
                )
            ),
            "radar_alt": w(
                N_("Radar chart of the four factors; the same values are in the table.")
            ),
        },
        "radar": radar_name,
        "gaps": {
            "heading": w(N_("Perception gaps")),
            "header": [w(N_("Factor")), names[first], names[second], w(N_("Gap"))],
            "rows": gap_rows,
            "note": gap_note,
        },
        "alpha": {
            "heading": w(N_("How far to trust these numbers")),
            "header": [w(N_("Factor")), names[first], names[second]],
            "rows": alpha_rows,
            "note": w(
                N_(
                    "Cronbach's alpha: do a factor's statements hang together? About 0.7 or "
                    "more is good; below 0.5 the statements measure different things."
                )
            )
            + " "
            + w(
                N_(
                    "No alpha is shown with fewer than three respondents who answered every "
                    "statement of the factor, or with a single statement."
                )
            ),
        },
        "trend": {
            "heading": w(N_("Trend across rounds")),
            "chart": trend_name,
            "alt": w(N_("Line chart of S and R across rounds; the same values are in the table.")),
            "header": [w(N_("Round")), "R", f"S {names[first]}", f"S {names[second]}"],
            "rows": trend_rows,
        },
        "plan": {
            "heading": w(N_("Open actions of the joint plan")),
            "header": [
                w(N_("Action")),
                w(N_("Factor")),
                w(N_("Status")),
                w(N_("Due")),
                w(N_("Owners")),
            ],
            "rows": plan_rows,
            "empty": w(N_("No open actions.")),
        },
    }
    return section, svgs


def lever_sentence(w: Words, lever: scoring.Lever, names: dict[str, str]) -> str:
    r_gain = None if lever.r_gain is None else w.number(lever.r_gain, "0.0")
    return w(
        levers.lever_msgid(lever),
        org=names.get(lever.side, lever.side),
        s=w.number(lever.s_gain, "0.0"),
        r=r_gain,
    )
