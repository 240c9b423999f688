"""``winwin score [--round R] [--json]``: the win*win(+win) score of every relationship;
``winwin research-export``: chosen rounds' answers for research. ``winwin round …`` is in
``round_cli``; ``register`` adds all three to the root command."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from winwin.accounts.access import operator
from winwin.assessments import research
from winwin.assessments.anonymity import OPERATOR
from winwin.assessments.reliability import low_n
from winwin.assessments.round_cli import round_app, say
from winwin.assessments.scoring import (
    ItemsByRound,
    RelationshipScore,
    items_of,
    score_relationships,
    with_items,
)
from winwin.cli.context import print_json, state
from winwin.kernel.errors import InvalidInput, Problem


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _interval(value: tuple[float, float] | None) -> str:
    return "" if value is None else f" [{value[0]:.1f}–{value[1]:.1f}]"


_LOW_N = {"indicative": ", indicative only", "few": ", few respondents"}


def _table(scores: Sequence[RelationshipScore]) -> Table:
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
                _number(score.score) + _interval(score.ci) if first else "",
                f"{key} ({score.respondents.get(key, 0)}"
                f"{_LOW_N.get(low_n(score.respondents.get(key, 0)) or '', '')})",
            ]
            if side is None:
                cells += ["not answered", "", "", "", "", ""]
            else:
                cells += [
                    _number(side.score) + _interval(score.intervals.get(key)),
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
    items: bool = typer.Option(
        False, "--items", help="Add each side's item analysis (item–total correlations)."
    ),
    compare: tuple[str, str] | None = typer.Option(
        None,
        "--compare",
        metavar="R1 R2",
        help="What moved from round R1 to R2: change per side and factor, whether it is "
        "beyond noise, and the actions aimed at each factor.",
    ),
) -> None:
    """Score every assessed relationship: S per side, R = sqrt(S_a * S_b), lever and gain.

    Without --round each relationship is scored in its latest round; rounds compare as
    strings, so name them to sort (2026-Q1, 2026-Q2). Each S and R carries its 95 %
    bootstrap interval when a side has at least 3 respondents.
    """
    if compare is not None and any(compare):
        if round is not None or items:
            raise InvalidInput(Problem("--compare", "cannot be combined with --round or --items"))
        from winwin.actions.cli import print_comparison

        print_comparison(ctx, compare[0], compare[1], json_out=json_out)
        return
    with state(ctx).session() as session:
        # The command line acts with the operator's authority: every side is printed,
        # whatever its number of respondents (CONTRACT.md).
        scores = score_relationships(session, round=round, reader=OPERATOR)
        analysis = items_of(session, scores) if items else None
    if json_out:
        print_json(
            {
                "relationships": [
                    s.as_dict() if analysis is None else with_items(s, analysis) for s in scores
                ]
            }
        )
        return
    console = Console(highlight=False)
    if not console.is_terminal:  # piped: do not squeeze the table into 80 columns
        console = Console(highlight=False, width=160)
    if not scores:
        console.print("no assessed relationships" + (f" in round {round}" if round else ""))
        return
    console.print(_table(scores))
    if analysis is not None:
        console.print(_items_table(scores, analysis))


def _items_table(scores: Sequence[RelationshipScore], analysis: ItemsByRound) -> Table:
    table = Table(title="item analysis", title_justify="left")
    for name in ("between", "round", "side", "statement", "factor", "item–total", "flag"):
        table.add_column(name)
    for score in scores:
        document = with_items(score, analysis)
        for key, side in document["sides"].items():
            for item in (side or {}).get("items", []):
                table.add_row(
                    " – ".join(score.between),
                    score.round,
                    key,
                    item["id"] + (" (reversed)" if item["reverse"] else ""),
                    item["factor"],
                    _number(item["item_total"], 2),
                    item["flag"] or "",
                )
    return table


def research_export(
    ctx: typer.Context,
    rounds: list[str] = typer.Option(
        ..., "--round", metavar="R", help="A round to export (repeat for more)."
    ),
    format: str = typer.Option("csv", "--format", help="csv or parquet."),
    output: Path = typer.Option(
        ..., "-o", "--output", metavar="FILE", help="The ZIP to write (answers and codebook)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Export the answers of chosen rounds for research: long format, pseudonymous
    respondents, with a codebook; every export is recorded (audited)."""
    with state(ctx).session() as session:
        data = research.research_export(session, actor=operator(), rounds=rounds, format=format)
        bundle = data.bundle(format)  # type: ignore[arg-type]
    output.write_bytes(bundle)
    document = {
        "file": str(output),
        "format": format,
        "rounds": sorted(set(rounds)),
        "relationship_rounds": len(data.round_ids),
        "rows": len(data.rows),
    }
    say(json_out, document, f"{len(data.rows)} answers written to {output}")


def register(app: typer.Typer) -> None:
    """Add ``winwin score``, ``winwin round …`` and ``winwin research-export`` to the app."""
    app.command("score")(score)
    app.add_typer(round_app, name="round")
    app.command("research-export")(research_export)
