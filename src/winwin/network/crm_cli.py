"""``winwin ties upload``: a CRM's list of customers or suppliers matched to organisations
on the platform, and ties proposed to the matches."""

from __future__ import annotations

import sys

import typer

from winwin.accounts.access import operator
from winwin.cli.context import err, print_json, state
from winwin.jobs.cli import run_here
from winwin.kernel.errors import InvalidInput, Problem, WinwinError
from winwin.network.cli_options import BY, JSON, read_source, said_with_field
from winwin.settings import DEVELOPMENT_BASE_URL, Settings


def ties_upload(
    ctx: typer.Context,
    file: str = typer.Argument(..., metavar="FILE", help="A CSV file (UTF-8), or - for stdin."),
    by: str = BY,
    side: str = typer.Option(..., "--as", metavar="customers|suppliers"),
    preset: str | None = typer.Option(None, "--preset", metavar="hubspot|salesforce"),
    column: list[str] = typer.Option(
        [], "--column", metavar="FIELD=LABEL", help="name, domain, business_id, country, email"
    ),
    confirm: bool = typer.Option(False, "--confirm", help="Propose a tie for every match."),
    invite: list[int] = typer.Option(
        [], "--invite-line", metavar="N", help="With --confirm: invite line N's e-mail."
    ),
    base_url: str | None = typer.Option(None, "--base-url", metavar="URL"),
    json_out: bool = JSON,
) -> None:
    """Match a CRM's list of ORG's customers or suppliers to organisations on the platform;
    with --confirm, propose a tie to each match."""
    from winwin.network import crm_service

    mapping: dict[str, str] = {}
    for entry in column:
        field, sep, label = entry.partition("=")
        if not sep:
            raise InvalidInput(Problem("--column", f"'{entry[:60]}' is not FIELD=LABEL"))
        mapping[field.strip()] = label
    cli_state = state(ctx)
    data = read_source(file)
    with cli_state.session() as session, said_with_field():
        job_id = crm_service.start_upload(
            session, operator(), by=by, side=side, data=data, preset=preset, columns=mapping
        )
    _run_job(cli_state.database_url, job_id)
    with cli_state.session() as session:
        found = crm_service.upload_result(session, operator(), by=by, job_id=job_id)
        if found["status"] != "succeeded":
            raise WinwinError(f"the file could not be matched: {found['error']}")
        confirmed = None
        if confirm:
            confirmed = crm_service.confirm_upload(
                session,
                operator(),
                by=by,
                job_id=job_id,
                invite_lines=invite,
                base_url=base_url or Settings().base_url or DEVELOPMENT_BASE_URL,
            )
    document = {key: found[key] for key in ("job", "org", "as", "summary", "rows", "bad")}
    document["confirmed"] = confirmed
    if json_out:
        print_json(document)
        return
    for row in found["rows"]:
        sys.stdout.write(
            f"{row['line']}\t{row['name']}\t{row['match'] or '-'}\t{row['how'] or '-'}\n"
        )
    for bad in found["bad"]:
        err.print(f"line {bad['line']}: {'; '.join(bad['problems'])}")
    if confirmed is not None:
        err.print(
            f"proposed {len(confirmed['proposed'])} ties, skipped {len(confirmed['skipped'])}"
        )


def _run_job(database_url: str, job_id: int) -> None:
    """Run a job here with a progress bar on standard error (as ``winwin report`` does)."""
    run_here(database_url, job_id, "matching")
