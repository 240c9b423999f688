"""``winwin outsiders``: the operator lists and removes outsiders (people of no member
organisation who signed up to take part in public challenges)."""

from __future__ import annotations

import sys

import typer

from winwin.accounts import outsiders
from winwin.cli.context import print_json, state

outsiders_app = typer.Typer(
    help="Outsiders: people of no member organisation in public challenges.",
    no_args_is_help=True,
)


@outsiders_app.command("list")
def list_outsiders(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Every outsider by address, and whether they confirmed it."""
    with state(ctx).session() as session:
        found = outsiders.list_outsiders(session)
    if json_out:
        print_json({"outsiders": [vars(o) for o in found]})
    else:
        sys.stdout.write(
            "".join(
                f"{o.email}\t{o.name}\t{'verified' if o.verified else 'unverified'}\n"
                for o in found
            )
        )


@outsiders_app.command("remove")
def remove_outsider(
    ctx: typer.Context,
    email: str = typer.Argument(..., metavar="EMAIL", help="The outsider's address."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Remove an outsider with their votes and comments; their ideas stay with the
    challenge's owner. An address that is no outsider's exits 2."""
    with state(ctx).session() as session:
        outsiders.remove_outsider(session, email=email)
    if json_out:
        print_json({"removed": email.strip().lower()})


def register(app: typer.Typer) -> None:
    """Add the outsider commands to the ``winwin`` app."""
    app.add_typer(outsiders_app, name="outsiders")
