"""Chart.js configurations of the relationship pages: radar, bars, trend and sparkline.

The sides and the outside view keep one colour, point shape and dash each on every
chart, so that they are told apart without colour too.
"""

from __future__ import annotations

from typing import Any

from winwin.assessments import scoring
from winwin.assessments.score import FACTORS
from winwin.assessments.wording import factor_label
from winwin.http.i18n import gettext as _

# Chart colours: the two sides and the outside view, distinguishable without colour too
# (different point shapes and dashes).
COLOURS = ("#0b5d4b", "#8a3b00", "#1d4ed8")
SHAPES = ("circle", "rectRot", "triangle")


def _side_dataset(label: str, values: list[float | None], n: int) -> dict[str, Any]:
    return {
        "label": label,
        "data": values,
        "borderColor": COLOURS[n],
        "backgroundColor": COLOURS[n] + "22",
        "pointStyle": SHAPES[n],
        "pointRadius": 4,
        "borderDash": [] if n == 0 else ([6, 3] if n == 1 else [2, 2]),
        "spanGaps": True,
    }


def radar_config(score: scoring.RelationshipScore, names: dict[str, str]) -> dict[str, Any]:
    datasets = []
    for n, key in enumerate(score.between):
        side = score.sides[key]
        if side is not None:
            datasets.append(
                _side_dataset(names[key], [_percent(side.value(f)) for f in FACTORS], n)
            )
    if score.outside_view is not None:
        outside = score.outside_view
        datasets.append(
            _side_dataset(
                _("Outside view"),
                [None, None, _percent(outside.impact), _percent(outside.attraction)],
                2,
            )
        )
    return {
        "type": "radar",
        "data": {"labels": [factor_label(f) for f in FACTORS], "datasets": datasets},
        "options": {
            # In %, as in the tables: app.js adds the unit to the ticks and tooltips.
            "scales": {"r": {"min": 0, "max": 100, "ticks": {"stepSize": 25, "unit": "%"}}},
            "plugins": {"legend": {"position": "bottom"}},
        },
    }


def _percent(value: float | None) -> float | None:
    """A factor value (0..1) in per cent, rounded as the tables show it."""
    return None if value is None else round(value * 100, 1)


def bars_config(score: scoring.RelationshipScore, names: dict[str, str]) -> dict[str, Any]:
    """S of each side and R as bars, each with its 95 % interval drawn as a whisker."""
    labels, values, whiskers = [], [], []
    for key in score.between:
        side = score.sides[key]
        labels.append(names[key])
        values.append(side.score if side is not None else None)
        interval = score.intervals.get(key)
        whiskers.append(list(interval) if interval is not None else None)
    labels.append("R")
    values.append(score.score)
    whiskers.append(list(score.ci) if score.ci is not None else None)
    return {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [
                {
                    "label": _("Score"),
                    "data": values,
                    "backgroundColor": [COLOURS[0] + "99", COLOURS[1] + "99", "#1a202499"],
                    "order": 2,
                },
                {
                    # Floating bars from the low to the high end, drawn thin over the
                    # score bars: the whiskers of the 95 % interval.
                    "label": _("95 % interval"),
                    "data": whiskers,
                    "backgroundColor": "#1a2024",
                    "barPercentage": 0.08,
                    "grouped": False,
                    "order": 1,
                },
            ],
        },
        "options": {
            "scales": {"y": {"min": 0, "max": 100}},
            "plugins": {"legend": {"position": "bottom"}},
        },
    }


def trend_config(
    detail: scoring.RelationshipDetail,
) -> dict[str, Any]:
    history = detail.history
    # The 95 % interval of R as a band: its low end, then its high end filled down to it.
    band = [
        {
            "label": "",
            "data": [h.ci[0] if h.ci is not None else None for h in history],
            "borderWidth": 0,
            "pointRadius": 0,
            "spanGaps": False,
            "fill": False,
        },
        {
            "label": _("R, 95 % interval"),
            "data": [h.ci[1] if h.ci is not None else None for h in history],
            "borderWidth": 0,
            "pointRadius": 0,
            "backgroundColor": "#1a202433",
            "spanGaps": False,
            "fill": "-1",
        },
    ]
    datasets = [
        {
            **_side_dataset(
                detail.names[key],
                [s.score if (s := h.sides[key]) is not None else None for h in history],
                n,
            ),
            "fill": False,
        }
        for n, key in enumerate(detail.between)
    ]
    datasets.append(
        {
            "label": "R",
            "data": [h.score for h in history],
            "borderColor": "#1a2024",
            "borderWidth": 3,
            "pointStyle": "rect",
            "pointRadius": 5,
            "spanGaps": True,
            "fill": False,
        }
    )
    datasets += band
    return {
        "type": "line",
        "data": {"labels": [h.round for h in history], "datasets": datasets},
        "options": {
            "scales": {"y": {"min": 0, "max": 100}},
            # skipEmpty: app.js leaves datasets without a label (the band's low end) out
            # of the legend.
            "plugins": {"legend": {"position": "bottom", "labels": {"skipEmpty": True}}},
        },
    }


def sparkline_config(history: list[scoring.RelationshipScore]) -> dict[str, Any]:
    """R over the rounds, small and bare, for a row of the relationships table."""
    return {
        "type": "line",
        "data": {
            "labels": [h.round for h in history],
            "datasets": [
                {
                    "data": [h.score for h in history],
                    "borderColor": COLOURS[0],
                    "borderWidth": 2,
                    "pointRadius": 2,
                    "spanGaps": True,
                    "fill": False,
                }
            ],
        },
        "options": {
            "responsive": False,
            "animation": False,
            "plugins": {"legend": {"display": False}, "tooltip": {"enabled": False}},
            "scales": {
                "x": {"display": False},
                "y": {"display": False, "min": 0, "max": 100},
            },
        },
    }
