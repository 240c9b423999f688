"""``winwin org add | invite | join | pending | approve | reject``: organisations on the
platform, added by the operator or invited, joining and approved."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from winwin.accounts.access import operator
from winwin.cli.context import err, print_json, state
from winwin.jobs.execution import run_once
from winwin.kernel.errors import InvalidInput, Problem
from winwin.mail.jobs import queue_link
from winwin.network import joining, ties
from winwin.network import service as network
from winwin.network.cli_options import JSON, run_and_print, said_with_field
from winwin.settings import DEVELOPMENT_BASE_URL, Settings

org_app = typer.Typer(help="Organisations on the platform.", no_args_is_help=True)


@org_app.command("add")
def org_add(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="KEY"),
    name: str = typer.Option(..., "--name", metavar="NAME"),
    country: str | None = typer.Option(None, "--country", metavar="CC"),
    cluster: str | None = typer.Option(None, "--cluster", metavar="C"),
    business_id: str | None = typer.Option(None, "--business-id", metavar="ID"),
    json_out: bool = typer.Option(False, "--json", help="Print the organisation as JSON."),
) -> None:
    """Add an organisation (with the operator's authority, as a platform admin)."""
    with state(ctx).session() as session:
        org = network.add_organization(
            session,
            operator(),
            key=key,
            name=name,
            country=country,
            cluster=cluster,
            business_id=business_id,
        )
        shown = network.org_summary(org)
    if json_out:
        print_json(shown)
    else:
        err.print(f"added {shown['key']} ({shown['name']})")


@org_app.command("invite")
def org_invite(
    ctx: typer.Context,
    email: str = typer.Argument(..., metavar="EMAIL", help="The new organisation's first admin."),
    by: str = typer.Option(..., "--by", metavar="ORG", help="The organisation that invites."),
    base_url: str | None = typer.Option(
        None,
        "--base-url",
        metavar="URL",
        help="Default: WINWIN_BASE_URL, else http://127.0.0.1:8000.",
    ),
    mail: bool = typer.Option(
        False, "--mail", help="Also mail the link to EMAIL (needs WINWIN_MAIL_SERVER)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the invitation as JSON."),
) -> None:
    """Invite another organisation: its first admin completes the profile by the link."""
    settings = Settings()
    if mail and not settings.mail_server:
        raise InvalidInput(
            Problem("--mail", "needs a mail server: set WINWIN_MAIL_SERVER=host[:port]")
        )
    job_id: int | None = None
    with state(ctx).session() as session, said_with_field():
        issued = joining.invite_organisation(
            session,
            operator(),
            by=by,
            email=email,
            base_url=base_url or settings.base_url or DEVELOPMENT_BASE_URL,
        )
        inviter = ties.org_names(session, [by]).get(by, by)
        if mail:
            # Queued with the invitation; tried once here after the commit (the link works
            # by the time it arrives), then by the worker with back-off.
            job_id = queue_link(
                session,
                settings,
                kind="org_invitation",
                to=issued.email,
                link=issued.link,
                locale="fi",
                started_by=None,
                values={"org": inviter},
                log_when_unsent=False,
            )
    mailed = False
    if job_id is not None:
        mailed = run_once(state(ctx).ready_engine(), job_id).status == "succeeded"
        if not mailed:
            err.print(
                f"could not mail the link to {issued.email} yet: job {job_id} tries again "
                "with back-off (winwin worker); or pass it on yourself"
            )
    if json_out:
        print_json({**issued.as_dict(), "mailed": mailed})
    else:
        sys.stdout.write(issued.link + "\n")


# The service's fields as this command's options, so that a refusal names what to fix.
JOIN_OPTIONS = {
    "token": "TOKEN",
    "name": "--name",
    "country": "--country",
    "business_id": "--business-id",
    "admin_name": "--admin-name",
    "password": "--password-file",
}


def _password(source: str | None) -> str:
    """The first line of the file (``-``: standard input); without a file, a hidden prompt
    on a terminal, else the first line of standard input."""
    if source is None and sys.stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, err=True))
    if source is None or source == "-":
        text = sys.stdin.readline()
    else:
        path = Path(source)
        if not path.is_file():
            raise InvalidInput(Problem("--password-file", f"no such file: {source}"))
        text = path.read_text("utf-8", errors="replace").split("\n", 1)[0]
    return text.rstrip("\r\n")


@org_app.command("join")
def org_join(
    ctx: typer.Context,
    token: str = typer.Argument(
        ..., metavar="TOKEN", help="The invitation's token, or its whole link."
    ),
    name: str = typer.Option(..., "--name", metavar="NAME", help="The organisation's name."),
    country: str = typer.Option("", "--country", metavar="CC"),
    business_id: str = typer.Option("", "--business-id", metavar="ID"),
    admin_name: str = typer.Option(
        ..., "--admin-name", metavar="NAME", help="The first admin's own name."
    ),
    password_file: str | None = typer.Option(
        None,
        "--password-file",
        metavar="F",
        help="Read the first admin's password from F's first line ('-': standard input).",
    ),
    locale: str | None = typer.Option(None, "--locale", metavar="fi|en"),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Complete an invited organisation's profile (what the invitation link's page does).

    The first admin's address is the one invited. With WINWIN_APPROVE_ORGANISATIONS=1 (the
    default) the organisation then waits for a platform admin (winwin org approve)."""
    if "/invitation/" in token:
        token = token.rsplit("/invitation/", 1)[1].split("?", 1)[0].strip("/")
    password = _password(password_file)
    try:
        with state(ctx).session() as session:
            done = joining.complete_profile(
                session,
                token=token,
                name=name,
                country=country,
                business_id=business_id,
                admin_name=admin_name,
                password=password,
                locale=locale,
                approval_required=Settings().approve_organisations,
            )
    except InvalidInput as exc:
        problems = [
            Problem(JOIN_OPTIONS.get(p.path, p.path), p.message, p.code, p.params)
            for p in exc.problems
        ]
        raise type(exc)(problems) from None
    shown = {"key": done.key, "name": done.name, "state": done.state}
    if json_out:
        print_json(shown)
    else:
        sys.stdout.write(f"{done.key}\t{done.state}\n")


@org_app.command("pending")
def org_pending(
    ctx: typer.Context, json_out: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """Organisations that completed their profile and wait for a platform admin."""
    with state(ctx).session() as session:
        pending = joining.pending_organisations(session, operator())
    if json_out:
        print_json({"pending": pending})
        return
    for row in pending:
        sys.stdout.write(f"{row['key']}\t{row['name']}\t{row['admin']}\t{row['invited_by']}\n")


@org_app.command("approve")
def org_approve(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="KEY"),
    json_out: bool = JSON,
) -> None:
    """Approve a pending organisation: it and its first admin exist from now on."""
    with said_with_field():
        run_and_print(
            ctx,
            json_out,
            lambda session: joining.approve_organisation(session, operator(), key=key),
        )


@org_app.command("reject")
def org_reject(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="KEY"),
    json_out: bool = JSON,
) -> None:
    """Reject a pending organisation; nothing of it ever becomes visible."""
    with said_with_field():
        run_and_print(
            ctx, json_out, lambda session: joining.reject_organisation(session, operator(), key=key)
        )
