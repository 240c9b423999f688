"""``winwin feed | can-see | comments | openness``: the micro-network from the command line."""

from __future__ import annotations

import sys

import typer

from winwin.accounts.access import require_acting
from winwin.cli.context import acting, print_json, state
from winwin.kernel.errors import InvalidInput, Problem
from winwin.sharing import comments as item_comments
from winwin.sharing import feed as feeds


def feed(
    ctx: typer.Context,
    org: str | None = typer.Argument(None, metavar="ORG", help="The reading organisation."),
    anonymous: bool = typer.Option(False, "--anonymous", help="Read as an anonymous reader."),
    limit: int | None = typer.Option(None, "--limit", help="At most this many items."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Every item ORG (or an anonymous reader) can see, newest first."""
    if anonymous == (org is not None):
        raise InvalidInput(Problem("ORG", "give an organisation key or --anonymous, not both"))
    if limit is not None and limit < 1:
        raise InvalidInput(Problem("--limit", "must be at least 1"))
    with state(ctx).session() as session:
        keys = feeds.feed_keys(session, org=org, limit=limit)
    if json_out:
        print_json({"org": org, "items": keys})
    else:
        sys.stdout.write("".join(f"{k}\n" for k in keys))


def can_see(
    ctx: typer.Context,
    org: str = typer.Argument(..., metavar="ORG"),
    item: str = typer.Argument(..., metavar="ITEM"),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Whether ORG can see ITEM, and why (exit status 0 either way)."""
    with state(ctx).session() as session:
        decision = feeds.can_see_item(session, org=org, item=item)
    if json_out:
        print_json({"visible": decision.visible, "reason": decision.reason})
    else:
        sys.stdout.write(f"{'visible' if decision.visible else 'hidden'}: {decision.reason}\n")


def comments(
    ctx: typer.Context,
    org: str = typer.Argument(..., metavar="ORG", help="The reading organisation."),
    item: str = typer.Argument(..., metavar="ITEM"),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The comments on ITEM, oldest first, when ORG may see ITEM (else exit status 2)."""
    with state(ctx).session() as session:
        viewer = require_acting(acting(session, org))
        found = item_comments.list_comments(session, viewer=viewer, key=item)
    rows = [
        {
            "id": c.id,
            "author": c.author,
            "org": c.org,
            "body": c.body,
            "created_at": c.created_at.isoformat(),
        }
        for c in found
    ]
    if json_out:
        print_json({"org": org, "item": item, "comments": rows})
        return
    for c in found:
        sys.stdout.write(f"{c.id} {c.author} ({c.org}) {c.created_at:%Y-%m-%d %H:%M}\n")
        sys.stdout.write("".join(f"  {line}\n" for line in c.body.splitlines()))


def openness(
    ctx: typer.Context,
    org: str = typer.Argument(..., metavar="ORG"),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """ORG's items by audience level and its secret share against the 3-5 % rule."""
    with state(ctx).session() as session:
        report = feeds.openness_report(session, org=org)
    if json_out:
        print_json(report)
        return
    levels = ", ".join(f"{k} {v}" for k, v in report["by_level"].items())
    verdict = "within" if report["within_rule"] else "outside"
    sys.stdout.write(
        f"{report['org']}: {report['total']} items ({levels}); secret share "
        f"{report['secret_share']:.1%}, {verdict} the 5 % rule\n"
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `winwin` app."""
    app.command("feed")(feed)
    app.command("can-see")(can_see)
    app.command("comments")(comments)
    app.command("openness")(openness)
