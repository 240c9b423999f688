"""``winwin round …``: open a round, invite respondents (personal links, mailed when
asked), resend or revoke a link, answer through one, close a round, list them."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import typer

from winwin.accounts.access import operator
from winwin.assessments import addresses
from winwin.assessments import service as rounds
from winwin.assessments.anonymity import check_minimum
from winwin.cli.context import err, print_json, state
from winwin.jobs.execution import run_once
from winwin.kernel.errors import InvalidInput, Problem
from winwin.mail.delivery import answer_link, answer_mail_values
from winwin.mail.jobs import answer_subject, queue_link
from winwin.settings import DEVELOPMENT_BASE_URL, Settings

round_app = typer.Typer(
    help="Assessment rounds: open one, invite respondents (personal links), close it.",
    no_args_is_help=True,
)


def _round_json(r: rounds.RoundRead) -> dict[str, Any]:
    return {
        "id": r.id,
        "round": r.round,
        "between": list(r.between),
        "instrument": r.instrument,
        "status": r.status,
        "respondents": r.respondents,
        "min_respondents": r.min_respondents,
        "invitations": [
            {
                "respondent": i.respondent,
                "side": i.side,
                "answered": i.answered,
                "token": i.token,
                "revoked": i.revoked,
            }
            for i in r.invitations
        ],
    }


def say(json_out: bool, document: dict[str, Any], text: str) -> None:
    if json_out:
        print_json(document)
    else:
        err.print(text)


@round_app.command("open")
def round_open(
    ctx: typer.Context,
    a: str = typer.Argument(..., metavar="ORG", help="One organisation's key."),
    b: str = typer.Argument(..., metavar="ORG", help="The other organisation's key."),
    round: str = typer.Option(..., "--round", metavar="R", help="The round's name (2026-Q1)."),
    instrument: str = typer.Option("customer-relationship", "--instrument", metavar="KEY"),
    min_respondents: str | None = typer.Option(
        None,
        "--min-respondents",
        metavar="N",
        help="The fewest respondents a side needs before its results are shown to its "
        "members (default 3; 1 makes a named round, in which respondents agree to be seen).",
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the round as JSON."),
) -> None:
    """Open a round for the relationship between two organisations."""
    minimum = check_minimum(min_respondents, path="--min-respondents")
    with state(ctx).session() as session:
        opened = rounds.open_round(
            session,
            actor=operator(),
            between=[a, b],
            round=round,
            instrument=instrument,
            min_respondents=minimum,
        )
    say(json_out, _round_json(opened), f"round {opened.round} opened (id {opened.id})")


def _queue_links(
    session: Any,
    settings: Settings,
    issued: list[rounds.IssuedInvitation],
    current: rounds.RoundRead,
    *,
    base_url: str | None,
    mail: bool,
) -> list[tuple[rounds.IssuedInvitation, str, int | None]]:
    """Each new link, and the mail job queued for it when asked (in the invitation's
    transaction, so that the mail goes only if the invitation is committed)."""
    queued = []
    for item in issued:
        link = answer_link(base_url or settings.base_url or DEVELOPMENT_BASE_URL, item)
        job_id = None
        if mail and item.invitation.email:
            job_id = queue_link(
                session,
                settings,
                kind="answer",
                to=item.invitation.email,
                link=link,
                locale=item.invitation.locale or "en",
                started_by=None,
                values=answer_mail_values(current),
                log_when_unsent=False,
                subject=answer_subject(item.invitation.id),
            )
        queued.append((item, link, job_id))
    return queued


def _link_documents(
    ctx: typer.Context, queued: list[tuple[rounds.IssuedInvitation, str, int | None]]
) -> list[dict[str, Any]]:
    """Each link's JSON; a queued mail is tried once here, after the commit (the link
    works by the time it arrives), then by the worker."""
    documents = []
    for item, link, job_id in queued:
        mailed = False
        if job_id is not None:
            outcome = run_once(state(ctx).ready_engine(), job_id)
            mailed = outcome.status == "succeeded"
            if not mailed:
                err.print(
                    f"could not mail the link to {item.invitation.email} yet: job {job_id} "
                    "tries again with back-off (winwin worker); or pass it on yourself"
                )
        documents.append(
            {
                "respondent": item.invitation.respondent,
                "side": item.invitation.side,
                "token": item.token,
                "link": link,
                "mailed": mailed,
            }
        )
    return documents


def _read_addresses(source: str) -> list[addresses.Entry]:
    """The addresses of an --emails file (``-``: standard input): a CSV file with an
    email column when it ends in .csv, else one address per line or comma-separated.
    All or nothing: any bad line is refused, naming it (``--emails:3``)."""
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise InvalidInput(
                Problem("--emails", f"cannot read {source}: {exc.strerror}")
            ) from None
    if source.lower().endswith(".csv"):
        entries, bad = addresses.parse_csv(data)
    else:
        entries, bad = addresses.parse_pasted(data.decode("utf-8-sig", errors="replace"))
    reasons = {
        "invalid": "is not a valid email address",
        "duplicate": "repeats an address given above",
        "no_column": "has no email column (email or sähköposti)",
        "too_many": f"more than {addresses.MAX_ENTRIES} addresses",
        "empty": "holds no address",
    }
    problems = [
        Problem(
            f"--emails:{b.line}",
            f"{b.text!r} {reasons.get(b.reason, b.reason)}" if b.text else reasons[b.reason],
        )
        for b in bad
    ]
    if not entries and not problems:
        problems.append(Problem("--emails", reasons["empty"]))
    if problems:
        raise InvalidInput(problems)
    return entries


@round_app.command("invite")
def round_invite(
    ctx: typer.Context,
    round_id: int = typer.Argument(..., metavar="ID", help="The round's id."),
    side: str = typer.Option(..., "--side", help="An organisation's key, or third-party."),
    name: str = typer.Option("", "--name"),
    email: str | None = typer.Option(None, "--email"),
    emails: str | None = typer.Option(
        None,
        "--emails",
        metavar="FILE",
        help="Invite many at once: a file (- for stdin) of addresses, one per line or "
        "comma-separated (Name <address> allowed), or a .csv file with an email column. "
        "All or nothing.",
    ),
    respondent: str | None = typer.Option(None, "--respondent", help="Default: email or name."),
    locale: str | None = typer.Option(None, "--locale", help="fi or en: the form's language."),
    base_url: str | None = typer.Option(
        None,
        "--base-url",
        metavar="URL",
        help="Default: WINWIN_BASE_URL, else http://127.0.0.1:8000.",
    ),
    mail: bool = typer.Option(
        False, "--mail", help="Also mail the links to their addresses (needs WINWIN_MAIL_SERVER)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the link(s) as JSON."),
) -> None:
    """Invite one respondent, or many with --emails; prints their personal links (which
    `winwin round list --json` shows again later)."""
    settings = Settings()
    if emails is not None and (name or email or respondent):
        raise InvalidInput(Problem("--emails", "cannot go with --name, --email or --respondent"))
    if mail and not email and emails is None:
        raise InvalidInput(Problem("--email", "is needed to mail the link"))
    _require_mail_server(settings, mail)
    if emails is not None:
        invitees = [
            rounds.Invitee(side=side, name=e.name, email=e.email, locale=locale)
            for e in _read_addresses(emails)
        ]
    else:
        invitees = [
            rounds.Invitee(side=side, respondent=respondent, name=name, email=email, locale=locale)
        ]
    with state(ctx).session() as session:
        try:
            issued = rounds.invite_respondents(
                session, actor=operator(), round_id=round_id, invitees=invitees
            )
        except InvalidInput as exc:
            if emails is None:
                raise
            raise InvalidInput(  # say which line of the file, not which invitee
                [replace(p, path=_line_path(p.path, invitees)) for p in exc.problems]
            ) from None
        current = rounds.get_round(session, actor=operator(), round_id=round_id)
        queued = _queue_links(session, settings, issued, current, base_url=base_url, mail=mail)
    documents = _link_documents(ctx, queued)
    if emails is not None:
        if json_out:
            print_json({"invitations": documents})
        else:
            sys.stdout.write("".join(f"{d['respondent']}\t{d['link']}\n" for d in documents))
        return
    if json_out:
        print_json(documents[0])
    else:
        sys.stdout.write(documents[0]["link"] + "\n")


def _require_mail_server(settings: Settings, mail: bool) -> None:
    if mail and not settings.mail_server:
        raise InvalidInput(
            Problem("--mail", "needs a mail server: set WINWIN_MAIL_SERVER=host[:port]")
        )


def _line_path(path: str, invitees: list[rounds.Invitee]) -> str:
    match = re.match(r"^invitees\[(\d+)\]", path)
    if not match or int(match.group(1)) >= len(invitees):
        return path
    return f"--emails ({invitees[int(match.group(1))].email})"


def _invitation_of(session: Any, round_id: int, respondent: str) -> dict[str, Any]:
    """The arguments that name a respondent's invitation to the link use cases, for the
    operator (``NotFound`` when the round did not invite them)."""
    actor = operator()
    found = rounds.invitation_id_of(session, actor=actor, round_id=round_id, respondent=respondent)
    return {"actor": actor, "round_id": round_id, "invitation_id": found}


@round_app.command("resend")
def round_resend(
    ctx: typer.Context,
    round_id: int = typer.Argument(..., metavar="ID", help="The round's id."),
    respondent: str = typer.Argument(..., metavar="RESPONDENT", help="As `round list` shows."),
    base_url: str | None = typer.Option(None, "--base-url", metavar="URL"),
    mail: bool = typer.Option(
        False, "--mail", help="Also mail the new link (needs WINWIN_MAIL_SERVER)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the new link as JSON."),
) -> None:
    """Give a respondent a new link; the old one stops working (also renews a revoked one)."""
    settings = Settings()
    _require_mail_server(settings, mail)
    with state(ctx).session() as session:
        issued = rounds.resend_invitation(session, **_invitation_of(session, round_id, respondent))
        current = rounds.get_round(session, actor=operator(), round_id=round_id)
        queued = _queue_links(session, settings, [issued], current, base_url=base_url, mail=mail)
    (document,) = _link_documents(ctx, queued)
    if json_out:
        print_json(document)
    else:
        sys.stdout.write(document["link"] + "\n")


@round_app.command("revoke")
def round_revoke(
    ctx: typer.Context,
    round_id: int = typer.Argument(..., metavar="ID", help="The round's id."),
    respondent: str = typer.Argument(..., metavar="RESPONDENT", help="As `round list` shows."),
    json_out: bool = typer.Option(False, "--json", help="Print the invitation as JSON."),
) -> None:
    """End a respondent's link; answers already given stay."""
    with state(ctx).session() as session:
        revoked = rounds.revoke_invitation(session, **_invitation_of(session, round_id, respondent))
    document = {"respondent": revoked.respondent, "side": revoked.side, "revoked": True}
    say(json_out, document, f"the link of {revoked.respondent} is revoked")


@round_app.command("answer")
def round_answer(
    ctx: typer.Context,
    token: str = typer.Argument(..., metavar="TOKEN", help="The personal link's token."),
    answers: str = typer.Argument(
        ..., metavar="ANSWERS", help='JSON such as {"a1": 4, "e2": 5}, or - for stdin.'
    ),
    cant_say: list[str] | None = typer.Option(
        None,
        "--cant-say",
        metavar="ITEM",
        help="A statement the respondent cannot say (repeatable); never counted in a mean.",
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the stored response as JSON."),
) -> None:
    """Answer (or change the answers) through a personal link, as the form does."""
    text = sys.stdin.read() if answers == "-" else answers
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(Problem("ANSWERS", f"is not JSON: {exc.msg}")) from None
    with state(ctx).session() as session:
        stored = rounds.submit_response(
            session, token=token, answers=parsed, cant_say=cant_say or []
        )
    document = {
        "round": stored.round,
        "respondent": stored.respondent,
        "side": stored.side,
        "answers": stored.answers,
        "cant_say": stored.cant_say,
        "created": stored.created,
    }
    say(json_out, document, f"{len(stored.answers)} answers stored for {stored.respondent}")


@round_app.command("close")
def round_close(
    ctx: typer.Context,
    round_id: int = typer.Argument(..., metavar="ID", help="The round's id."),
    json_out: bool = typer.Option(False, "--json", help="Print the round as JSON."),
) -> None:
    """Close a round: answers can no longer change."""
    with state(ctx).session() as session:
        closed = rounds.close_round(session, actor=operator(), round_id=round_id)
    say(json_out, _round_json(closed), f"round {closed.round} closed")


@round_app.command("list")
def round_list(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print the rounds as JSON."),
) -> None:
    """Every round, with its invitations."""
    with state(ctx).session() as session:
        listed = rounds.list_rounds(session, actor=operator())
    if json_out:
        print_json({"rounds": [_round_json(r) for r in listed]})
        return
    for r in listed:
        sys.stdout.write(
            f"{r.id}\t{' – '.join(r.between)}\t{r.round}\t{r.status}\t{r.respondents} responses\n"
        )
