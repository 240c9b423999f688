"""``winwin initiative propose|edit|accept|decline|contribute|model|agree|show``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import typer

from winwin.accounts.access import operator
from winwin.cli.context import err, print_json, state
from winwin.initiatives import service as initiatives
from winwin.kernel.errors import InvalidInput, Problem

initiative_app = typer.Typer(
    help="Joint initiatives: parties, contributions, a sharing model and the agreement.",
    no_args_is_help=True,
)

JSON_OPTION = typer.Option(False, "--json", help="Print the initiative as JSON.")
ID_ARGUMENT = typer.Argument(..., metavar="ID")
BY_OPTION = typer.Option(..., "--by", metavar="ORG")
AMOUNT_OPTION = typer.Option(..., "--amount", metavar="X")
CURRENCY_OPTION = typer.Option("EUR", "--currency", metavar="CODE")


def _out(found: initiatives.InitiativeRead, json_out: bool) -> None:
    if json_out:
        print_json(found.as_dict())
        return
    sys.stdout.write(f"{found.id}\t{found.title}\t{found.state}\tversion {found.version}\n")
    for key, status in found.parties.items():
        share = f"\t{found.shares[key]:g}" if found.shares else ""
        sys.stdout.write(f"  {key}\t{status}{share}\n")


@initiative_app.command("propose")
def propose(
    ctx: typer.Context,
    by: str = BY_OPTION,
    with_: str = typer.Option(..., "--with", metavar="OTHER[,OTHER]"),
    title: str = typer.Option(..., "--title", metavar="T"),
    goal: str = typer.Option("", "--goal", metavar="TEXT"),
    expected_value: float | None = typer.Option(None, "--expected-value", metavar="X"),
    kind: str = typer.Option(
        "joint", "--kind", metavar="joint|learning", help="learning: goals and learning rounds."
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """Propose an initiative to one or more organisations."""
    others = [k.strip() for k in with_.split(",") if k.strip()]
    with state(ctx).session() as session:
        found = initiatives.propose(
            session,
            by=by,
            with_=others,
            title=title,
            goal=goal,
            expected_value=expected_value,
            kind=kind,
            actor=operator(),
        )
    _out(found, json_out)


def _keys(text: str | None) -> list[str]:
    return [k.strip() for k in (text or "").split(",") if k.strip()]


@initiative_app.command("edit")
def edit(
    ctx: typer.Context,
    initiative_id: int = ID_ARGUMENT,
    by: str = BY_OPTION,
    title: str | None = typer.Option(None, "--title", metavar="T"),
    goal: str | None = typer.Option(None, "--goal", metavar="G"),
    expected_value: float | None = typer.Option(None, "--expected-value", metavar="X"),
    add: str | None = typer.Option(None, "--add", metavar="ORG[,ORG]", help="Invite more."),
    remove: str | None = typer.Option(
        None, "--remove", metavar="ORG[,ORG]", help="Withdraw open or declined invitations."
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """Change the title, goal, expected value or who is invited: a new version that every
    party agrees to again (changing who is invited: the proposer only)."""
    with state(ctx).session() as session:
        found = initiatives.edit(
            session,
            initiative_id=initiative_id,
            by=by,
            title=title,
            goal=goal,
            expected_value=(
                initiatives.Unchanged.KEEP if expected_value is None else expected_value
            ),
            add=_keys(add),
            remove=_keys(remove),
            actor=operator(),
        )
    _out(found, json_out)


def _answer(ctx: typer.Context, initiative_id: int, by: str, accept: bool, json_out: bool) -> None:
    with state(ctx).session() as session:
        found = initiatives.answer(
            session, initiative_id=initiative_id, by=by, accept=accept, actor=operator()
        )
    _out(found, json_out)


@initiative_app.command("accept")
def accept(
    ctx: typer.Context,
    initiative_id: int = ID_ARGUMENT,
    by: str = BY_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """An invited organisation accepts."""
    _answer(ctx, initiative_id, by, True, json_out)


@initiative_app.command("decline")
def decline(
    ctx: typer.Context,
    initiative_id: int = ID_ARGUMENT,
    by: str = BY_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """An invited organisation declines."""
    _answer(ctx, initiative_id, by, False, json_out)


def _record_amount(
    ctx: typer.Context,
    use_case: Callable[..., initiatives.InitiativeRead],
    initiative_id: int,
    by: str,
    amount: float,
    currency: str,
) -> initiatives.InitiativeRead:
    """A party's amount (a contribution or a realised result), recorded by the operator."""
    with state(ctx).session() as session:
        return use_case(
            session,
            initiative_id=initiative_id,
            by=by,
            amount=amount,
            currency=currency,
            actor=operator(),
        )


@initiative_app.command("contribute")
def contribute(
    ctx: typer.Context,
    initiative_id: int = ID_ARGUMENT,
    by: str = BY_OPTION,
    amount: float = AMOUNT_OPTION,
    currency: str = CURRENCY_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Record a contribution (money, or hours and assets valued in money): a new version."""
    found = _record_amount(ctx, initiatives.contribute, initiative_id, by, amount, currency)
    _out(found, json_out)


@initiative_app.command("model")
def model(
    ctx: typer.Context,
    initiative_id: int = ID_ARGUMENT,
    game: str = typer.Argument(..., metavar="GAME.json", help="A winwin share game, or -."),
    method: str = typer.Option(
        ...,
        "--method",
        metavar="shapley|nucleolus|proportional|airport",
        help="airport: the airport rule of an airport game (each party's own cost).",
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """Set the sharing model (every party must have accepted): a new version."""
    try:
        text = sys.stdin.read() if game == "-" else Path(game).read_text(encoding="utf-8")
        document = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(Problem("GAME", f"cannot be read: {exc}")) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(Problem("GAME", f"is not JSON: {exc.msg}")) from None
    with state(ctx).session() as session:
        found = initiatives.set_model(
            session, initiative_id=initiative_id, game=document, method=method, actor=operator()
        )
    _out(found, json_out)


@initiative_app.command("agree")
def agree(
    ctx: typer.Context,
    initiative_id: int = ID_ARGUMENT,
    by: str = BY_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """A party agrees to the current version; the last to agree freezes the agreement."""
    with state(ctx).session() as session:
        found = initiatives.agree(session, initiative_id=initiative_id, by=by, actor=operator())
    _out(found, json_out)
    if not json_out and found.agreed_version == found.version:
        err.print(f"version {found.version} is agreed")


@initiative_app.command("show")
def show(
    ctx: typer.Context,
    initiative_id: int = ID_ARGUMENT,
    by: str | None = typer.Option(
        None,
        "--by",
        metavar="ORG",
        help="As party ORG sees it: a party it may not see by name is shown as another:N.",
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """The initiative: parties, contributions, model, shares, versions and agreement."""
    with state(ctx).session() as session:
        found = initiatives.read(session, initiative_id, actor=operator(), as_org=by)
    _out(found, json_out)


@initiative_app.command("result")
def result(
    ctx: typer.Context,
    initiative_id: int = ID_ARGUMENT,
    by: str = BY_OPTION,
    amount: float = AMOUNT_OPTION,
    currency: str = CURRENCY_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Record the value the agreed initiative made; shown split as agreed."""
    found = _record_amount(ctx, initiatives.record_result, initiative_id, by, amount, currency)
    _out(found, json_out)
    if not json_out and found.result and found.result["final"]:
        for key, value in found.result["final"].items():
            sys.stdout.write(f"  {key}\tfinal {value:g}\tagreed {found.result['agreed'][key]:g}\n")


@initiative_app.command("agreement")
def agreement(
    ctx: typer.Context,
    initiative_id: int = ID_ARGUMENT,
    lang: str = typer.Option("fi", "--lang", metavar="fi|en"),
    out: str = typer.Option(..., "--out", metavar="FILE", help="Where to write the PDF."),
) -> None:
    """Write the frozen agreement as a PDF (exit 2 while there is none)."""
    from winwin.reports import service as reports

    with state(ctx).session() as session:
        pdf = reports.agreement_pdf(
            session, actor=operator(), initiative_id=initiative_id, locale=lang
        )
    try:
        Path(out).write_bytes(pdf)
    except OSError as exc:
        raise InvalidInput(Problem("--out", f"cannot be written: {exc.strerror or exc}")) from None
    err.print(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add ``winwin initiative …`` to the app."""
    app.add_typer(initiative_app, name="initiative")
