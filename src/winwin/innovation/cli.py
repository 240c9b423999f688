"""``winwin innovation list | show | stage | participation``: open innovation for the operator.

The command line acts for an organisation, never as a person, so it reads, moves stages
and counts participation; commenting and voting are left to signed-in people.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session

from winwin.cli.context import acting, print_json, state
from winwin.innovation import service as inn
from winwin.innovation import stages as rules
from winwin.kernel.errors import InvalidInput, Problem
from winwin.kernel.identity import Viewer
from winwin.kernel.time import as_utc
from winwin.sharing import feed

innovation_app = typer.Typer(
    help="Open innovation: challenges and ideas, their stages and co-creation.",
    no_args_is_help=True,
)


def _iso(value: datetime) -> str:
    return as_utc(value).isoformat()


def summary_json(entry: inn.EntrySummary) -> dict[str, Any]:
    """A summary as JSON, the same fields as the REST API's."""
    document = asdict(entry)
    document["created_at"] = _iso(entry.created_at)
    document["stage_changed_at"] = _iso(entry.stage_changed_at)
    return document


def detail_json(detail: inn.EntryDetail) -> dict[str, Any]:
    """The detail as JSON, shaped as ``GET /api/v1/innovation/{key}`` answers."""
    return {
        "summary": summary_json(detail.summary),
        "body_html": detail.item.body_html,
        "topics": detail.item.topics,
        "comments": [{**asdict(c), "created_at": _iso(c.created_at)} for c in detail.comments],
        "coauthors": [{"name": p.name, "org": p.org} for p in detail.coauthors],
        "history": [{**asdict(h), "at": _iso(h.at)} for h in detail.history],
        "ideas": [summary_json(i) for i in detail.ideas],
        "next_stages": detail.next_stages,
        "can_participate": detail.can_participate,
        "can_manage": detail.can_manage,
    }


def _co_creation(counts: rules.CoCreation) -> dict[str, int]:
    return {
        "comments": counts.comments,
        "votes": counts.votes,
        "coauthored": counts.coauthored,
        "total": counts.total,
    }


def _console() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal:  # piped: do not squeeze tables into 80 columns
        console = Console(highlight=False, width=160)
    return console


def _reader(session: Session, org: str | None, anonymous: bool) -> Viewer | None:
    if anonymous == (org is not None):
        raise InvalidInput(Problem("--org", "give --org ORG or --anonymous (one of them)"))
    return acting(session, org, field="--org").acting


def _table(entries: list[inn.EntrySummary], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for name, justify in (
        ("key", "left"),
        ("kind", "left"),
        ("stage", "left"),
        ("title", "left"),
        ("owner", "left"),
        ("level", "left"),
        ("challenge", "left"),
        ("votes", "right"),
        ("comments", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for e in entries:
        # Text cells: titles are users' words, never Rich markup.
        table.add_row(
            *(
                Text(v)
                for v in (e.key, e.kind, e.stage, e.title, e.owner, e.level, e.challenge or "")
            ),
            str(e.votes),
            str(e.comments),
        )
    return table


@innovation_app.command("list")
def list_entries(
    ctx: typer.Context,
    org: str | None = typer.Option(None, "--org", metavar="ORG", help="Read as this organisation."),
    anonymous: bool = typer.Option(False, "--anonymous", help="Read as an anonymous reader."),
    kind: str | None = typer.Option(None, "--kind", help="challenge | idea."),
    stage: str | None = typer.Option(None, "--stage", help="Only entries in this stage."),
    challenge: str | None = typer.Option(
        None, "--challenge", metavar="KEY", help="Only ideas answering this challenge."
    ),
    owner: str | None = typer.Option(
        None, "--owner", metavar="ORG", help="Only this organisation's entries."
    ),
    limit: int = typer.Option(inn.LIST_LIMIT, "--limit", help="At most this many entries."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The challenges and ideas ORG (or an anonymous reader) can see, newest first."""
    with state(ctx).session() as session:
        viewer = _reader(session, org, anonymous)
        entries = inn.list_entries(
            session,
            viewer=viewer,
            kind=kind,
            stage=stage,
            challenge=challenge,
            owner=owner,
            limit=limit,
        )
    if json_out:
        print_json({"org": org, "entries": [summary_json(e) for e in entries]})
        return
    console = _console()
    if not entries:
        console.print("no challenges or ideas", markup=False)
        return
    console.print(_table(entries, f"open innovation seen by {org or 'anyone'}"), markup=False)


@innovation_app.command("show")
def show(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="KEY", help="The challenge or idea."),
    org: str | None = typer.Option(None, "--org", metavar="ORG", help="Read as this organisation."),
    anonymous: bool = typer.Option(False, "--anonymous", help="Read as an anonymous reader."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One challenge or idea with its comments, co-authors, stage history and ideas."""
    with state(ctx).session() as session:
        viewer = _reader(session, org, anonymous)
        detail = inn.open_entry(session, viewer=viewer, user_id=None, key=key, via="cli")
    if json_out:
        print_json(detail_json(detail))
        return
    s = detail.summary
    console = _console()
    console.print(Text(f"{s.kind} {s.key}: {s.title}", style="bold"))
    console.print(
        f"stage {s.stage} · owner {s.owner} ({s.owner_name}) · audience {s.level} · "
        f"{s.votes} votes · {s.comments} comments",
        markup=False,
    )
    if s.challenge:
        console.print(f"answers the challenge {s.challenge}", markup=False)
    if detail.item.topics:
        console.print(f"topics: {', '.join(detail.item.topics)}", markup=False)
    if detail.coauthors:
        people = ", ".join(f"{p.name} ({p.org})" for p in detail.coauthors)
        console.print(f"co-authors: {people}", markup=False)
    for h in detail.history:
        move = f"{h.from_stage} -> {h.to_stage}" if h.from_stage else f"opened as {h.to_stage}"
        console.print(f"  {_iso(h.at)[:16]} {move}" + (f" by {h.by}" if h.by else ""), markup=False)
    for c in detail.comments:
        console.print(
            f"  comment {c.id} by {c.author} ({c.org}), {_iso(c.created_at)[:16]}", markup=False
        )
    if detail.ideas:
        console.print(_table(detail.ideas, "ideas answering it"), markup=False)


@innovation_app.command("stage")
def stage(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="KEY", help="The challenge or idea."),
    to: str = typer.Argument(..., metavar="STAGE", help="The stage to move it to."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Move KEY to STAGE, acting for its owner organisation."""
    with state(ctx).session() as session:
        owner = inn.owner_of(session, key=key)
        moved = inn.move_stage(session, by=acting(session, owner), key=key, stage=to)
    if json_out:
        print_json(summary_json(moved))
        return
    typer.echo(f"{moved.kind} {moved.key} is now {moved.stage}")


@innovation_app.command("participation")
def participation(
    ctx: typer.Context,
    a: str = typer.Argument(..., metavar="A", help="One organisation."),
    b: str = typer.Argument(..., metavar="B", help="The other one."),
    days: int = typer.Option(365, "--days", help="Count this many days back (1-3650)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Co-creation between A and B: comments, votes and co-authorships on each other's entries."""
    with state(ctx).session() as session:
        first = feed.viewer_or_raise(session, a, field="A")
        second = feed.viewer_or_raise(session, b, field="B")
        a_on_b, b_on_a = inn.co_creation(session, a=first, b=second, days=days)
    mutual = rules.mutual(a_on_b, b_on_a)
    if json_out:
        print_json(
            {
                "a": a,
                "b": b,
                "days": days,
                "a_on_b": _co_creation(a_on_b),
                "b_on_a": _co_creation(b_on_a),
                "mutual": mutual,
            }
        )
        return
    for who, on, counts in ((a, b, a_on_b), (b, a, b_on_a)):
        typer.echo(
            f"{who} on {on}'s entries: {counts.comments} comments, {counts.votes} votes, "
            f"{counts.coauthored} co-authorships ({counts.total} in all)"
        )
    typer.echo(f"co-creation over {days} days: {mutual}")


def register(app: typer.Typer) -> None:
    """Add the innovation commands to the ``winwin`` app."""
    app.add_typer(innovation_app, name="innovation")
