"""``winwin attachments``: the files of an item that an organisation may see."""

from __future__ import annotations

import sys

import typer

from winwin.attachments import service as files
from winwin.cli.context import acting, print_json, state
from winwin.kernel.errors import InvalidInput, Problem


def list_attachments(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="KEY", help="The item."),
    org: str | None = typer.Option(None, "--org", metavar="ORG", help="The reading organisation."),
    anonymous: bool = typer.Option(False, "--anonymous", help="Read as an anonymous reader."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The files of item KEY, if ORG (or an anonymous reader) may see the item.

    An item the reader may not see exits 2 as if it did not exist.
    """
    if anonymous == (org is not None):
        raise InvalidInput(Problem("--org", "give --org ORG or --anonymous, not both"))
    with state(ctx).session() as session:
        viewer = acting(session, org, field="--org").acting
        found = files.list_attachments(session, viewer=viewer, key=key)
    if json_out:
        print_json(
            {
                "item": key,
                "org": org,
                "attachments": [
                    {
                        "id": a.id,
                        "filename": a.filename,
                        "content_type": a.content_type,
                        "size": a.size,
                        "sha256": a.sha256,
                        "created_at": a.created_at.isoformat(),
                    }
                    for a in found
                ],
            }
        )
    else:
        sys.stdout.write(
            "".join(f"{a.id}\t{a.filename}\t{a.content_type}\t{a.size}\n" for a in found)
        )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `winwin` app."""
    app.command("attachments")(list_attachments)
