"""Charts of the printed reports as SVG text: the radar of the four factors and the trend.

Pure functions of numbers and labels (no database, no web); Typst places the SVG in the
PDF. Series are told apart without colour too: each has its own dash pattern and point
shape, as on the web pages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

COLOURS = ("#0b5d4b", "#8a3b00", "#1a2024")
DASHES = ("", "6 3", "2 2")
FONT = "font-family='Libertinus Serif, serif'"


@dataclass(frozen=True)
class Series:
    """One line of a chart: its name and a value per axis or round (``None``: no value)."""

    name: str
    values: Sequence[float | None]


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _marker(n: int, x: float, y: float, colour: str) -> str:
    if n == 0:
        return f"<circle cx='{_fmt(x)}' cy='{_fmt(y)}' r='3.5' fill='{colour}'/>"
    if n == 1:
        corners = ((x, y - 4), (x + 4, y), (x, y + 4), (x - 4, y))
        pts = " ".join(f"{_fmt(a)},{_fmt(b)}" for a, b in corners)
        return f"<polygon points='{pts}' fill='{colour}'/>"
    return f"<rect x='{_fmt(x - 3.5)}' y='{_fmt(y - 3.5)}' width='7' height='7' fill='{colour}'/>"


def _legend(series: Sequence[Series], top: float, width: float) -> list[str]:
    out = []
    step = width / max(len(series), 1)
    for n, s in enumerate(series):
        x = 10 + n * step
        colour = COLOURS[n % len(COLOURS)]
        dash = DASHES[n % len(DASHES)]
        out.append(
            f"<line x1='{_fmt(x)}' y1='{_fmt(top)}' x2='{_fmt(x + 24)}' y2='{_fmt(top)}' "
            f"stroke='{colour}' stroke-width='2' stroke-dasharray='{dash}'/>"
        )
        out.append(_marker(n, x + 12, top, colour))
        out.append(
            f"<text x='{_fmt(x + 30)}' y='{_fmt(top + 4)}' font-size='11' {FONT}>"
            f"{escape(s.name)}</text>"
        )
    return out


def radar_svg(axes: Sequence[str], series: Sequence[Series], *, size: int = 360) -> str:
    """A radar of values 0..1 on each axis, rings at 0.25 steps; a missing value sits at
    the centre and is left without a point."""
    legend_height = 30
    width = size + 140  # room for the axis labels left and right
    cx, cy, radius = width / 2, size / 2, size / 2 - 60
    count = len(axes)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / count
        return cx + radius * value * math.cos(angle), cy + radius * value * math.sin(angle)

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' "
        f"height='{size + legend_height}' viewBox='0 0 {width} {size + legend_height}'>",
        f"<rect width='{width}' height='{size + legend_height}' fill='white'/>",
    ]
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (point(i, ring) for i in range(count)))
        parts.append(f"<polygon points='{pts}' fill='none' stroke='#c8ccd0' stroke-width='1'/>")
    for i, label in enumerate(axes):
        x, y = point(i, 1.0)
        lx, ly = point(i, 1.16)
        anchor = "middle" if abs(lx - cx) < 1 else ("start" if lx > cx else "end")
        parts.append(
            f"<line x1='{_fmt(cx)}' y1='{_fmt(cy)}' x2='{_fmt(x)}' y2='{_fmt(y)}' "
            "stroke='#c8ccd0' stroke-width='1'/>"
        )
        parts.append(
            f"<text x='{_fmt(lx)}' y='{_fmt(ly + 4)}' text-anchor='{anchor}' font-size='12' "
            f"{FONT}>{escape(label)}</text>"
        )
    for n, s in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        spots = [point(i, v if v is not None else 0.0) for i, v in enumerate(s.values)]
        joined = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in spots)
        parts.append(
            f"<polygon points='{joined}' fill='{colour}' fill-opacity='0.12' stroke='{colour}' "
            f"stroke-width='2' stroke-dasharray='{DASHES[n % len(DASHES)]}'/>"
        )
        for (x, y), v in zip(spots, s.values, strict=True):
            if v is not None:
                parts.append(_marker(n, x, y, colour))
    parts += _legend(series, size + 12, width)
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(
    rounds: Sequence[str],
    series: Sequence[Series],
    *,
    band: Sequence[tuple[float, float] | None] = (),
    width: int = 480,
    height: int = 240,
) -> str:
    """Lines of values 0..100 across rounds, with an optional shaded band (the 95 %
    interval of the last series) drawn beneath them."""
    left, right, top, bottom = 36, 16, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    count = max(len(rounds), 1)

    def x_of(i: int) -> float:
        return left + (plot_w / 2 if count == 1 else plot_w * i / (count - 1))

    def y_of(v: float) -> float:
        return top + plot_h * (1 - max(0.0, min(100.0, v)) / 100)

    legend_height = 24
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' "
        f"height='{height + legend_height}' viewBox='0 0 {width} {height + legend_height}'>",
        f"<rect width='{width}' height='{height + legend_height}' fill='white'/>",
    ]
    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick)
        parts.append(
            f"<line x1='{left}' y1='{_fmt(y)}' x2='{width - right}' y2='{_fmt(y)}' "
            "stroke='#e2e5e8' stroke-width='1'/>"
        )
        parts.append(
            f"<text x='{left - 6}' y='{_fmt(y + 4)}' text-anchor='end' font-size='10' "
            f"{FONT}>{tick}</text>"
        )
    for i, name in enumerate(rounds):
        parts.append(
            f"<text x='{_fmt(x_of(i))}' y='{height - bottom + 16}' text-anchor='middle' "
            f"font-size='10' {FONT}>{escape(name)}</text>"
        )
    # The band: one polygon per run of rounds that have an interval.
    runs: list[list[tuple[int, tuple[float, float]]]] = [[]]
    for i, ci in enumerate(band):
        if ci is None:
            runs.append([])
        else:
            runs[-1].append((i, ci))
    for run in runs:
        if not run:
            continue
        if len(run) == 1:
            i, (lo, hi) = run[0]
            parts.append(
                f"<rect x='{_fmt(x_of(i) - 4)}' y='{_fmt(y_of(hi))}' width='8' "
                f"height='{_fmt(max(y_of(lo) - y_of(hi), 1))}' fill='#1a2024' fill-opacity='0.2'/>"
            )
            continue
        upper = [f"{_fmt(x_of(i))},{_fmt(y_of(hi))}" for i, (_lo, hi) in run]
        lower = [f"{_fmt(x_of(i))},{_fmt(y_of(lo))}" for i, (lo, _hi) in reversed(run)]
        parts.append(
            f"<polygon points='{' '.join(upper + lower)}' fill='#1a2024' fill-opacity='0.2'/>"
        )
    for n, s in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        segment: list[str] = []
        segments = [segment]
        for i, v in enumerate(s.values):
            if v is None:
                segment = []
                segments.append(segment)
            else:
                segment.append(f"{_fmt(x_of(i))},{_fmt(y_of(v))}")
        for seg in segments:
            if len(seg) > 1:
                parts.append(
                    f"<polyline points='{' '.join(seg)}' fill='none' stroke='{colour}' "
                    f"stroke-width='{3 if n == 2 else 2}' "
                    f"stroke-dasharray='{DASHES[n % len(DASHES)]}'/>"
                )
        for i, v in enumerate(s.values):
            if v is not None:
                parts.append(_marker(n, x_of(i), y_of(v), colour))
    parts += _legend(series, height + 8, width)
    parts.append("</svg>")
    return "".join(parts)
