"""``winwin score [--round R] [--json]``: the win*win(+win) score of every relationship."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from winwin.cli.context import print_json, state
from winwin.services.scoring import RelationshipScore, score_relationships


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _table(scores: list[RelationshipScore]) -> Table:
    table = Table(title="win*win(+win) scores", title_justify="left")
    for name, justify in (
        ("between", "left"),
        ("round", "left"),
        ("R", "right"),
        ("side", "left"),
        ("S", "right"),
        ("A", "right"),
        ("E", "right"),
        ("I", "right"),
        ("T", "right"),
        ("lever (+gain)", "left"),
        ("outside I / T", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for score in scores:
        outside = (
            f"{_number(score.outside_view.impact, 2)} / {_number(score.outside_view.attraction, 2)}"
            if score.outside_view
            else "—"
        )
        for n, key in enumerate(score.between):
            side = score.sides[key]
            first = n == 0
            cells = [
                " – ".join(score.between) if first else "",
                score.round if first else "",
                _number(score.score) if first else "",
                f"{key} ({score.respondents.get(key, 0)})",
            ]
            if side is None:
                cells += ["not answered", "", "", "", "", ""]
            else:
                cells += [
                    _number(side.score),
                    *(_number(side.value(f), 2) for f in ("accessibility", "energy")),
                    *(_number(side.value(f), 2) for f in ("impact", "attraction")),
                    f"{side.lever} (+{side.gain:.1f})",
                ]
            cells.append(outside if first else "")
            table.add_row(*cells, end_section=not first)
    return table


def score(
    ctx: typer.Context,
    round: str | None = typer.Option(
        None, "--round", metavar="R", help="Score this round (default: each one's latest)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Score every assessed relationship: S per side, R = sqrt(S_a * S_b), lever and gain.

    Without --round each relationship is scored in its latest round; rounds compare as
    strings, so name them to sort (2026-Q1, 2026-Q2).
    """
    with state(ctx).session() as session:
        scores = score_relationships(session, round=round)
    if json_out:
        print_json({"relationships": [s.as_dict() for s in scores]})
        return
    console = Console(highlight=False)
    if not console.is_terminal:  # piped: do not squeeze the table into 80 columns
        console = Console(highlight=False, width=160)
    if not scores:
        console.print("no assessed relationships" + (f" in round {round}" if round else ""))
        return
    console.print(_table(scores))


def register(app: typer.Typer) -> None:
    """Add ``winwin score`` to the app."""
    app.command("score")(score)
