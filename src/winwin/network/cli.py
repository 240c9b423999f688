"""``winwin init | import | export | demo | generate | org | ties | competitors | overlap``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from winwin.assessments.instruments import ensure_builtin_instruments
from winwin.cli.context import err, print_json, state
from winwin.db import schema
from winwin.jobs.cli import run_here
from winwin.jobs.execution import run_once
from winwin.kernel.errors import InvalidInput, NotFound, Problem, WinwinError
from winwin.mail.jobs import queue_link
from winwin.network import io as network_io
from winwin.network import joining, tie_sharing, ties
from winwin.network import service as network
from winwin.network.demo import load_demo
from winwin.network.document import parse_document
from winwin.settings import DEVELOPMENT_BASE_URL, Settings

org_app = typer.Typer(help="Organisations on the platform.", no_args_is_help=True)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<14}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _read(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    path = Path(source)
    if not path.is_file():
        raise InvalidInput(Problem("FILE", f"no such file: {source}"))
    return path.read_bytes()


def init(ctx: typer.Context) -> None:
    """Create the schema in an empty database, or upgrade an older one (safe to rerun)."""
    engine = state(ctx).engine()
    schema.upgrade(engine)
    with state(ctx).session() as session:
        ensure_builtin_instruments(session)
    err.print(f"database ready at revision {schema.current_revision(engine)}")


def import_(
    ctx: typer.Context,
    file: str = typer.Argument(..., metavar="FILE", help="A network document, or - for stdin."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Import a network document, all or nothing (see CONTRACT.md)."""
    document = parse_document(_read(file))
    with _progress() as progress:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total or 1)
            progress.update(tasks[stage], completed=done, total=total or 1)

        with state(ctx).session() as session:
            summary = network_io.import_network(session, document, progress=report)
    if json_out:
        print_json({"imported": True, **summary.as_dict()})
    else:
        created = ", ".join(f"{n} {k}" for k, n in summary.created.items() if n) or "nothing new"
        err.print(f"imported: {created}")


def export(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print JSON (the default anyway)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
) -> None:
    """Print the whole database as one network document."""
    with state(ctx).session() as session:
        document = network_io.export_network(session)
    if output is not None:
        output.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    else:
        print_json(document)


def demo(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Load the demo network (and its demo accounts) into the database."""
    with state(ctx).session() as session:
        summary = load_demo(session)
    if json_out:
        print_json({"loaded": True, **summary})
    else:
        err.print(f"demo network loaded: {summary['organizations']} organisations")


def generate(
    orgs: int = typer.Option(1000, "--orgs", min=1, max=2_000_000, help="Organisations."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same network)."),
    items_per_org: float = typer.Option(1.0, "--items-per-org", min=0.0, max=50.0),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here, not stdout."),
) -> None:
    """Write a synthetic network document (heavy-tailed ties, clusters, items, rounds)."""
    from winwin.network.generate import generate_network

    document = generate_network(orgs=orgs, seed=seed, items_per_org=items_per_org)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    if output is not None:
        output.write_text(text, "utf-8")
        err.print(f"wrote {output} ({len(document['organizations'])} organisations)")
    else:
        sys.stdout.write(text + "\n")


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
            None,
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


@contextmanager
def _said_with_field() -> Iterator[None]:
    """An unknown key is said with its field (by, key), as an input problem is."""
    try:
        yield
    except NotFound as exc:
        raise InvalidInput(exc.problem) from None


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
    with state(ctx).session() as session, _said_with_field():
        issued = joining.invite_organisation(
            session,
            None,
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
        pending = joining.pending_organisations(session, None)
    if json_out:
        print_json({"pending": pending})
        return
    for row in pending:
        sys.stdout.write(f"{row['key']}\t{row['name']}\t{row['admin']}\t{row['invited_by']}\n")


@org_app.command("approve")
def org_approve(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="KEY"),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Approve a pending organisation: it and its first admin exist from now on."""
    with state(ctx).session() as session, _said_with_field():
        result = joining.approve_organisation(session, None, key=key)
    _done(result, json_out)


@org_app.command("reject")
def org_reject(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="KEY"),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Reject a pending organisation; nothing of it ever becomes visible."""
    with state(ctx).session() as session, _said_with_field():
        result = joining.reject_organisation(session, None, key=key)
    _done(result, json_out)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("import")(import_)
    app.command("export")(export)
    app.command("demo")(demo)
    app.command("generate")(generate)
    app.add_typer(org_app, name="org")
    app.add_typer(ties_app, name="ties")
    app.add_typer(competitors_app, name="competitors")
    app.command("overlap")(overlap)


ties_app = typer.Typer(
    help="Ties by mutual consent, acting as the organisation named by --by.",
    no_args_is_help=True,
)
competitors_app = typer.Typer(
    help="Competitors declared by one side, acting as the organisation named by --by.",
    no_args_is_help=True,
)
BY = typer.Option(..., "--by", metavar="ORG", help="The organisation that acts.")
OTHER = typer.Argument(..., metavar="OTHER", help="The other organisation.")
JSON = typer.Option(False, "--json", help="Print JSON.")


def _done(result: dict[str, object], json_out: bool) -> None:
    if json_out:
        print_json(result)
    else:
        sys.stdout.write("\t".join(str(result[k]) for k in result if result[k] is not None) + "\n")


@ties_app.command("propose")
def ties_propose(
    ctx: typer.Context,
    other: str = OTHER,
    by: str = BY,
    kind: str = typer.Option(
        ..., "--kind", metavar="supplies|buys|partners", help="From ORG's point of view."
    ),
    json_out: bool = JSON,
) -> None:
    """Propose a tie: supplies (we supply you), buys (we buy from you) or partners."""
    with state(ctx).session() as session:
        result = ties.propose_tie(session, None, by=by, other=other, kind=kind)
    _done(result, json_out)


@ties_app.command("accept")
def ties_accept(
    ctx: typer.Context, other: str = OTHER, by: str = BY, json_out: bool = JSON
) -> None:
    """Accept the tie OTHER proposed; it takes effect at once."""
    with state(ctx).session() as session:
        result = ties.answer_tie(session, None, by=by, other=other, accept=True)
    _done(result, json_out)


@ties_app.command("decline")
def ties_decline(
    ctx: typer.Context, other: str = OTHER, by: str = BY, json_out: bool = JSON
) -> None:
    """Decline the tie OTHER proposed."""
    with state(ctx).session() as session:
        result = ties.answer_tie(session, None, by=by, other=other, accept=False)
    _done(result, json_out)


@ties_app.command("withdraw")
def ties_withdraw(
    ctx: typer.Context, other: str = OTHER, by: str = BY, json_out: bool = JSON
) -> None:
    """Withdraw ORG's own pending proposal to OTHER."""
    with state(ctx).session() as session:
        result = ties.withdraw_tie(session, None, by=by, other=other)
    _done(result, json_out)


@ties_app.command("end")
def ties_end(
    ctx: typer.Context,
    other: str = OTHER,
    by: str = BY,
    kind: str | None = typer.Option(
        None, "--kind", metavar="supplies|buys|partners", help="Which tie, when several."
    ),
    json_out: bool = JSON,
) -> None:
    """End an accepted tie with OTHER, at once."""
    with state(ctx).session() as session:
        result = ties.end_tie(session, None, by=by, other=other, kind=kind)
    _done(result, json_out)


@ties_app.command("list")
def ties_list(
    ctx: typer.Context,
    org: str = typer.Argument(..., metavar="ORG"),
    json_out: bool = JSON,
) -> None:
    """ORG's accepted ties and pending proposals, each kind from ORG's point of view."""
    with state(ctx).session() as session:
        result = ties.list_ties(session, None, org=org)
    if json_out:
        print_json(result)
        return
    for tie in result["ties"]:
        sys.stdout.write(
            f"{tie['with']}\t{tie['kind']}\t{tie['state']}\t{tie['proposed_by'] or '-'}\n"
        )


@competitors_app.command("declare")
def competitors_declare(
    ctx: typer.Context, other: str = OTHER, by: str = BY, json_out: bool = JSON
) -> None:
    """Declare OTHER a competitor of ORG (OTHER is not told)."""
    with state(ctx).session() as session:
        result = ties.declare_competitor(session, None, by=by, other=other)
    _done(result, json_out)


@competitors_app.command("withdraw")
def competitors_withdraw(
    ctx: typer.Context, other: str = OTHER, by: str = BY, json_out: bool = JSON
) -> None:
    """Withdraw ORG's own declaration of OTHER as a competitor."""
    with state(ctx).session() as session:
        result = ties.withdraw_competitor(session, None, by=by, other=other)
    _done(result, json_out)


@competitors_app.command("list")
def competitors_list(
    ctx: typer.Context, org: str = typer.Argument(..., metavar="ORG"), json_out: bool = JSON
) -> None:
    """The competitors ORG itself declared."""
    with state(ctx).session() as session:
        declared = ties.competitors_declared_by(session, None, org=org)
    if json_out:
        print_json({"org": org, "competitors": declared})
    else:
        sys.stdout.write("".join(f"{k}\n" for k in declared))


@ties_app.command("sharing")
def ties_sharing(
    ctx: typer.Context,
    org: str = typer.Argument(..., metavar="ORG"),
    json_out: bool = JSON,
) -> None:
    """What ORG shares of its customers: its default level and its level for each partner."""
    with state(ctx).session() as session:
        result = tie_sharing.sharing_settings(session, org=org)
    if json_out:
        print_json(result)
        return
    sys.stdout.write(f"default\t{result['default']}\n")
    for row in result["partners"]:
        sys.stdout.write(f"{row['with']}\t{row['level']}\t{row['override'] or '-'}\n")


@ties_app.command("share")
def ties_share(
    ctx: typer.Context,
    org: str = typer.Argument(..., metavar="ORG"),
    level: str = typer.Argument(
        ..., metavar="hidden|counts|overlap|all|default", help="default: drop the choice."
    ),
    with_: str | None = typer.Option(
        None, "--with", metavar="OTHER", help="Only for this partner (else ORG's default)."
    ),
    json_out: bool = JSON,
) -> None:
    """Choose what ORG shares of its customers with its partners, or with one (--with)."""
    chosen = None if level == "default" else level
    with state(ctx).session() as session:
        tie_sharing.set_sharing(session, org=org, level=chosen, partner=with_)
        result = tie_sharing.sharing_settings(session, org=org)
    if json_out:
        print_json(result)
    else:
        sys.stdout.write(f"default\t{result['default']}\n")


@ties_app.command("upload")
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
    data = _read(file)
    with cli_state.session() as session, _said_with_field():
        job_id = crm_service.start_upload(
            session, None, by=by, side=side, data=data, preset=preset, columns=mapping
        )
    _run_job(cli_state.database_url, job_id)
    with cli_state.session() as session:
        found = crm_service.upload_result(session, None, by=by, job_id=job_id)
        if found["status"] != "succeeded":
            raise WinwinError(f"the file could not be matched: {found['error']}")
        confirmed = None
        if confirm:
            confirmed = crm_service.confirm_upload(
                session,
                None,
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


def overlap(
    ctx: typer.Context,
    org: str = typer.Argument(..., metavar="ORG", help="The organisation that looks."),
    other: str = typer.Argument(..., metavar="OTHER", help="The partner it looks at."),
    json_out: bool = JSON,
) -> None:
    """What ORG sees of its customers beside OTHER's, as OTHER's sharing level allows."""
    try:
        with state(ctx).session() as session:
            found = tie_sharing.overlap_as_dict(tie_sharing.overlap(session, org=org, other=other))
    except NotFound as exc:
        # Said with its field (org or with), as an input problem is.
        raise InvalidInput(exc.problem) from None
    if json_out:
        print_json(found)
        return
    sys.stdout.write(f"level\t{found['level']}\n")
    if found["common_count"] is not None:
        sys.stdout.write(f"common_count\t{found['common_count']}\n")
    for name in ("common", "their_other_customers"):
        for key in found[name] or []:
            sys.stdout.write(f"{name}\t{key}\n")
