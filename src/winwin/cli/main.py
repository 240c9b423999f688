"""The ``winwin`` Typer application and its error edge (exit codes of CONTRACT.md)."""

from __future__ import annotations

import os
import sys

import typer

from winwin.accounts import cli as outsiders
from winwin.actions import cli as actions
from winwin.assessments import cli as scores
from winwin.attachments import cli as attachments
from winwin.cli import web
from winwin.cli.context import CliState, err
from winwin.initiatives import cli as initiatives
from winwin.innovation import cli as innovation
from winwin.insight import cli as insight
from winwin.jobs import cli as jobs
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied, WinwinError
from winwin.network import cli as network
from winwin.ops import cli as ops
from winwin.reports import cli as reports
from winwin.settings import default_database_url
from winwin.sharing import cli as sharing

app = typer.Typer(
    name="winwin",
    help="Winwin: measure and grow win*win(+win) partnerships.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def root(
    ctx: typer.Context,
    db: str = typer.Option(
        None,
        "--db",
        metavar="URL",
        help="SQLAlchemy database URL (default: $WINWIN_DATABASE_URL, else a SQLite file "
        "in the user's data directory).",
    ),
) -> None:
    url = db or os.environ.get("WINWIN_DATABASE_URL") or default_database_url()
    ctx.obj = CliState(database_url=url)


for _module in (
    network,
    scores,
    actions,
    sharing,
    attachments,
    insight,
    innovation,
    initiatives,
    reports,
    web,
    ops,
    jobs,
    outsiders,
):
    _module.register(app)


def main() -> None:
    """Run the app, mapping the product's errors to exit codes 2 (bad input) and 1."""
    try:
        app(standalone_mode=False)
    except InvalidInput as exc:
        for problem in exc.problems:
            err.print(f"error: {problem}", soft_wrap=True)
        sys.exit(2)
    except (NotFound, PermissionDenied) as exc:
        err.print(f"error: {exc}", soft_wrap=True)
        sys.exit(2)
    except WinwinError as exc:
        err.print(f"error: {exc}", soft_wrap=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(1)
    except Exception as exc:  # the last edge: no tracebacks for users
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if os.environ.get("WINWIN_DEBUG"):
            raise
        from sqlalchemy.exc import DBAPIError

        # The database's own message, without the statement and its parameters.
        detail = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        err.print(f"error: {type(detail).__name__}: {detail}", soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
