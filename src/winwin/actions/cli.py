"""``winwin actions add|list|set|show|remind``: a relationship's joint action plan."""

from __future__ import annotations

import sys
from typing import Any

import typer

from winwin.accounts.access import operator
from winwin.actions import refusals
from winwin.actions import service as actions
from winwin.actions.follow_up import TOO_FEW, compare_rounds
from winwin.assessments.anonymity import OPERATOR
from winwin.assessments.score import FACTORS
from winwin.cli.context import err, print_json, state
from winwin.kernel.errors import InvalidInput

actions_app = typer.Typer(
    help="Joint action plans: what the two sides of a relationship do about a factor.",
    no_args_is_help=True,
)


def _between(value: str) -> list[str]:
    parts = value.split(":")
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise InvalidInput(refusals.NAME_TWO("--relationship"))
    return [p.strip() for p in parts]


def _line(a: actions.ActionRead) -> str:
    due = a.due.isoformat() if a.due else "-"
    flag = " (overdue)" if a.overdue else ""
    return f"{a.id}\t{' – '.join(a.relationship)}\t{a.factor}\t{a.status}{flag}\t{due}\t{a.title}\n"


@actions_app.command("add")
def add(
    ctx: typer.Context,
    relationship: str = typer.Option(..., "--relationship", metavar="A:B"),
    by: str = typer.Option(..., "--by", metavar="ORG", help="The side that adds the action."),
    factor: str = typer.Option(
        ..., "--factor", metavar="F", help="accessibility, energy, impact or attraction."
    ),
    title: str = typer.Option(..., "--title", metavar="T"),
    due: str | None = typer.Option(None, "--due", metavar="YYYY-MM-DD"),
    owner: list[str] = typer.Option(
        [], "--owner", metavar="EMAIL", help="An owner (a person of either side); once a side."
    ),
    description: str | None = typer.Option(None, "--description", metavar="MARKDOWN"),
    json_out: bool = typer.Option(False, "--json", help="Print the action as JSON."),
) -> None:
    """Add a planned action that should raise one factor of a relationship."""
    between = _between(relationship)
    with state(ctx).session() as session:
        made = actions.add_action(
            session,
            actor=operator(),
            between=between,
            by=by,
            factor=factor,
            title=title,
            description=description,
            due=due,
            owners=owner,
        )
    if json_out:
        print_json(made.as_dict())
    else:
        err.print(f"action {made.id} added ({made.status})")


@actions_app.command("list")
def list_(
    ctx: typer.Context,
    relationship: str = typer.Option(..., "--relationship", metavar="A:B"),
    json_out: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """The relationship's plan, oldest action first."""
    between = _between(relationship)
    with state(ctx).session() as session:
        listed = actions.list_actions(session, actor=operator(), between=between)
    if json_out:
        print_json({"actions": [a.as_dict() for a in listed]})
        return
    for a in listed:
        sys.stdout.write(_line(a))


@actions_app.command("set")
def set_(
    ctx: typer.Context,
    action_id: int = typer.Argument(..., metavar="ID"),
    status: str = typer.Option(..., "--status", metavar="S", help="planned, doing, done, dropped."),
    reason: str | None = typer.Option(None, "--reason", metavar="R", help="Why it is dropped."),
    json_out: bool = typer.Option(False, "--json", help="Print the action as JSON."),
) -> None:
    """Move an action to another status (dropped needs --reason)."""
    with state(ctx).session() as session:
        moved = actions.set_status(
            session, actor=operator(), action_id=action_id, status=status, reason=reason
        )
    if json_out:
        print_json(moved.as_dict())
    else:
        err.print(f"action {moved.id} is {moved.status}")


@actions_app.command("show")
def show(
    ctx: typer.Context,
    action_id: int = typer.Argument(..., metavar="ID"),
    json_out: bool = typer.Option(False, "--json", help="Print the action and history as JSON."),
) -> None:
    """One action with its history (who changed what, when)."""
    with state(ctx).session() as session:
        found = actions.get_action(session, actor=operator(), action_id=action_id)
        events = actions.history(session, actor=operator(), action_id=action_id)
    if json_out:
        print_json({**found.as_dict(), "history": [e.as_dict() for e in events]})
        return
    sys.stdout.write(_line(found))
    for e in events:
        who = e.who or "command line"
        sys.stdout.write(f"  {e.at.isoformat()}\t{who}\t{e.kind}\t{e.changes}\n")


@actions_app.command("remind")
def remind(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print the count as JSON."),
) -> None:
    """Notify the owners of overdue actions (once per action and due date); run it daily."""
    from winwin.actions import reminders

    with state(ctx).session() as session:
        told = reminders.notify_overdue(session)
    if json_out:
        print_json({"notified": told})
    else:
        err.print(f"{told} notifications")


def _cell(change: dict[str, Any], scale: float) -> str:
    if change["change"] is None:
        return "—"
    noise = {True: "beyond noise", False: "within noise", None: TOO_FEW}[change["beyond_noise"]]
    return (
        f"{change['from'] * scale:.1f} → {change['to'] * scale:.1f} "
        f"({change['change'] * scale:+.1f}, {noise})"
    )


def print_comparison(ctx: typer.Context, before: str, after: str, *, json_out: bool) -> None:
    """``winwin score --compare R1 R2``: what moved, per relationship, side and factor."""
    with state(ctx).session() as session:
        found = compare_rounds(session, before=before, after=after, reader=OPERATOR)
    documents = [c.as_dict() for c in found]
    if json_out:
        print_json({"relationships": documents})
        return
    if not documents:
        sys.stdout.write(f"no relationship was scored in both {before} and {after}\n")
        return
    for doc in documents:
        sys.stdout.write(f"{' – '.join(doc['between'])}  {before} → {after}\n")
        sys.stdout.write(f"  R  {_cell(doc['score'], 1)}\n")
        for key, side in doc["sides"].items():
            sys.stdout.write(f"  {key}  S {_cell(side['score'], 1)}\n")
            for factor in FACTORS:
                sys.stdout.write(f"    {factor:<14}{_cell(side[factor], 100)}\n")
        for factor, listed in doc["actions"].items():
            for a in listed:
                why = f": {a['reason']}" if a["reason"] else ""
                sys.stdout.write(
                    f"  action {a['id']} on {factor}: {a['title']} ({a['status']}{why})\n"
                )


def register(app: typer.Typer) -> None:
    """Add ``winwin actions …`` to the app."""
    app.add_typer(actions_app, name="actions")
