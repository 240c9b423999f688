"""``winwin ties | competitors | overlap``: ties by mutual consent, competitors declared by
one side, what an organisation shares of its customers and sees of a partner's."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import typer
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, operator
from winwin.cli.context import print_json, state
from winwin.kernel.errors import InvalidInput, NotFound
from winwin.network import tie_sharing, ties
from winwin.network.cli_options import BY, JSON, OTHER, run_and_print
from winwin.network.crm_cli import ties_upload

ties_app = typer.Typer(
    help="Ties by mutual consent, acting as the organisation named by --by.",
    no_args_is_help=True,
)
competitors_app = typer.Typer(
    help="Competitors declared by one side, acting as the organisation named by --by.",
    no_args_is_help=True,
)

# A use case between ORG (--by) and OTHER, acting as the operator: its result.
Between = Callable[[Session, Actor, str, str], dict[str, Any]]


def _between(use_case: Between, summary: str) -> Callable[..., None]:
    """A command ``OTHER --by ORG [--json]`` that runs ``use_case`` and prints its result."""

    def command(
        ctx: typer.Context, other: str = OTHER, by: str = BY, json_out: bool = JSON
    ) -> None:
        run_and_print(ctx, json_out, lambda session: use_case(session, operator(), by, other))

    command.__doc__ = summary
    return command


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
    run_and_print(
        ctx,
        json_out,
        lambda session: ties.propose_tie(session, operator(), by=by, other=other, kind=kind),
    )


ties_app.command("accept")(
    _between(
        lambda s, actor, by, other: ties.answer_tie(s, actor, by=by, other=other, accept=True),
        "Accept the tie OTHER proposed; it takes effect at once.",
    )
)
ties_app.command("decline")(
    _between(
        lambda s, actor, by, other: ties.answer_tie(s, actor, by=by, other=other, accept=False),
        "Decline the tie OTHER proposed.",
    )
)
ties_app.command("withdraw")(
    _between(
        lambda s, actor, by, other: ties.withdraw_tie(s, actor, by=by, other=other),
        "Withdraw ORG's own pending proposal to OTHER.",
    )
)


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
    run_and_print(
        ctx,
        json_out,
        lambda session: ties.end_tie(session, operator(), by=by, other=other, kind=kind),
    )


@ties_app.command("list")
def ties_list(
    ctx: typer.Context,
    org: str = typer.Argument(..., metavar="ORG"),
    json_out: bool = JSON,
) -> None:
    """ORG's accepted ties and pending proposals, each kind from ORG's point of view."""
    with state(ctx).session() as session:
        result = ties.list_ties(session, operator(), org=org)
    if json_out:
        print_json(result)
        return
    for tie in result["ties"]:
        sys.stdout.write(
            f"{tie['with']}\t{tie['kind']}\t{tie['state']}\t{tie['proposed_by'] or '-'}\n"
        )


competitors_app.command("declare")(
    _between(
        lambda s, actor, by, other: ties.declare_competitor(s, actor, by=by, other=other),
        "Declare OTHER a competitor of ORG (OTHER is not told).",
    )
)
competitors_app.command("withdraw")(
    _between(
        lambda s, actor, by, other: ties.withdraw_competitor(s, actor, by=by, other=other),
        "Withdraw ORG's own declaration of OTHER as a competitor.",
    )
)


@competitors_app.command("list")
def competitors_list(
    ctx: typer.Context, org: str = typer.Argument(..., metavar="ORG"), json_out: bool = JSON
) -> None:
    """The competitors ORG itself declared."""
    with state(ctx).session() as session:
        declared = ties.competitors_declared_by(session, operator(), org=org)
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
        result = tie_sharing.sharing_settings(session, org=org, actor=operator())
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
        tie_sharing.set_sharing(session, org=org, level=chosen, partner=with_, actor=operator())
        result = tie_sharing.sharing_settings(session, org=org, actor=operator())
    if json_out:
        print_json(result)
    else:
        sys.stdout.write(f"default\t{result['default']}\n")


ties_app.command("upload")(ties_upload)


def overlap(
    ctx: typer.Context,
    org: str = typer.Argument(..., metavar="ORG", help="The organisation that looks."),
    other: str = typer.Argument(..., metavar="OTHER", help="The partner it looks at."),
    json_out: bool = JSON,
) -> None:
    """What ORG sees of its customers beside OTHER's, as OTHER's sharing level allows."""
    try:
        with state(ctx).session() as session:
            found = tie_sharing.overlap_as_dict(
                tie_sharing.overlap(session, org=org, other=other, actor=operator())
            )
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
