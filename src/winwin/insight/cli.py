"""``winwin pairs | share | clusters``: natural pairs, joint investment, cluster insight."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from winwin.accounts.access import operator
from winwin.cli.context import print_json, state
from winwin.insight import cluster_views
from winwin.insight import service as insight
from winwin.insight.candidates import DEFAULT_CANDIDATES
from winwin.insight.matching import DEFAULT_CAPACITY
from winwin.insight.pair_jobs import start_pair_search
from winwin.jobs.cli import run_here
from winwin.kernel.errors import InvalidInput, NotFound, Problem, WinwinError


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key '{key}' appears twice in one object")
        out[key] = value
    return out


def read_json(source: str, what: str) -> Any:
    """A JSON document from a file (or ``-`` for standard input); exit 2 when unreadable."""
    if source == "-":
        raw = sys.stdin.buffer.read()
    else:
        path = Path(source)
        if not path.is_file():
            raise InvalidInput(Problem(what, f"no such file: {source}"))
        raw = path.read_bytes()
    try:
        return json.loads(raw, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(Problem(what, f"not a JSON document: {exc}")) from None


def pairs(
    ctx: typer.Context,
    game: str | None = typer.Option(
        None, "--game", metavar="FILE", help="Solve this matching game (JSON; - for stdin)."
    ),
    optimal: str = typer.Option(
        "suppliers", "--optimal", help="The side the stable matching favours: suppliers|customers."
    ),
    capacity: int = typer.Option(
        DEFAULT_CAPACITY, "--capacity", help="Partners per organisation (network pairs only)."
    ),
    candidates: int = typer.Option(
        DEFAULT_CANDIDATES,
        "--candidates",
        help="Best-scoring counterparts each organisation considers (network pairs only).",
    ),
    explain: bool = typer.Option(
        False, "--explain", help="Say why both sides would win (network pairs only)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Natural pairs: a stable many-to-many matching of suppliers and customers.

    Network pairs are searched as a job (``winwin jobs list`` shows it), run in this
    process with a progress bar on standard error, so no worker is needed."""
    if game is not None:
        document = insight.solve_game(game=read_json(game, "--game"), optimal=optimal).as_dict()
    else:
        cli_state = state(ctx)
        with cli_state.session() as session:
            job_id = start_pair_search(
                session,
                actor=operator(),
                optimal=optimal,
                capacity=capacity,
                candidates=candidates,
                explain=explain,
            )
        # The bar is for people; a script reading the JSON gets nothing on standard error.
        document = _search_with_progress(cli_state.database_url, job_id, bar=not json_out)
    if json_out:
        print_json(document)
        return
    wins = document.get("wins") or [None] * len(document["pairs"])
    whys = document.get("why") or [None] * len(document["pairs"])
    for (supplier, customer), win, why in zip(document["pairs"], wins, whys, strict=True):
        shown = "" if win is None else f"  (predicted win {win:.3f})"
        typer.echo(f"{supplier} -> {customer}{shown}")
        if why is not None:
            for label, words in (
                ("meets the customer's needs", why["meets_customer"]),
                ("meets the supplier's needs", why["meets_supplier"]),
                ("shared values", why["values"]),
            ):
                if words:
                    typer.echo(f"    {label}: {', '.join(words)}")
            if why["new_reach"]:
                typer.echo(f"    new customers' customers: {len(why['new_reach'])}")
    typer.echo(f"{len(document['pairs'])} pairs, stable: {str(document['stable']).lower()}")


def _search_with_progress(database_url: str, job_id: int, *, bar: bool) -> dict[str, Any]:
    """Run the pair search's job here, with a progress bar on standard error (``bar``)."""
    view = run_here(database_url, job_id, "natural pairs", bar=bar)
    if view.status != "succeeded" or view.result is None:
        raise WinwinError(f"the pair search failed: {view.error}")
    return view.result


def share(
    game: str = typer.Argument(..., metavar="GAME", help="A game document (JSON; - for stdin)."),
    method: str = typer.Option("shapley", "--method", help="shapley | proportional | nucleolus."),
    samples: int | None = typer.Option(
        None, "--samples", help="Estimate the Shapley value from this many random orders."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the sampled Shapley value."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Share the cost or gain of a joint investment fairly."""
    result = insight.share_investment(
        game=read_json(game, "GAME"), method=method, samples=samples, seed=seed
    )
    if json_out:
        print_json(insight.sharing_as_dict(result))
        return
    for player, amount in result.allocation.items():
        typer.echo(f"{player}: {amount:g}")
    core = {True: "yes", False: "no", None: "not computed"}[result.in_core]
    typer.echo(f"method: {result.method}; in the core: {core}")
    typer.echo(result.explanation)


def clusters(
    ctx: typer.Context,
    seed: int = typer.Option(0, "--seed", help="Seed of the community detection."),
    brokers: int = typer.Option(0, "--brokers", help="Also list this many top brokers."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    by: str | None = typer.Option(
        None, "--by", metavar="ORG", help="Only what ORG may see (the tie checkpoint)."
    ),
) -> None:
    """Communities the ties form, and each member's reach outside its cluster.

    The operator reads the whole graph; with --by, only what that organisation may see.
    On a large network the report is made as a job (``winwin jobs list`` shows it), run
    here with a progress bar on standard error."""
    cli_state = state(ctx)
    with cli_state.session() as session:
        if by is not None:
            # An unknown organisation is bad input, named, before any report is made.
            try:
                cluster_views.org_id_or_raise(session, by)
            except NotFound as exc:
                raise InvalidInput(exc.problem) from None
        found = cluster_views.whole_report(session, seed=seed, brokers=brokers)
    if isinstance(found, cluster_views.Pending):
        report = _run_with_progress(cli_state.database_url, found.job_id)
    else:
        report = found
    if by is not None:
        with cli_state.session() as session:
            _print_view(cluster_views.scope_for_org(session, report, org=by), json_out)
        return
    if json_out:
        print_json(report.as_dict())
        return
    for number, members in enumerate(report.communities, start=1):
        typer.echo(f"community {number}: {', '.join(members)}")
    typer.echo(f"modularity: {report.modularity:.4f}")
    for key, share_outside in report.outside_reach.items():
        typer.echo(f"{key}: {share_outside:.0%} of customers' customers outside its cluster")
    for key, score in report.brokers:
        typer.echo(f"broker {key}: {score:.4f}")


def _print_view(view: cluster_views.ClusterView, json_out: bool) -> None:
    """What one organisation may see: its own community by the names it may see, the
    sizes of the others, its own outside reach, the brokers and declared members it may
    name (the REST document of ``GET /api/v1/clusters``)."""
    if json_out:
        print_json(view.as_dict())
        return
    sizes = ", ".join(str(size) for size in view.sizes)
    typer.echo(f"communities: {len(view.sizes)} (sizes {sizes})")
    if view.own_community is not None and view.communities:
        own = view.communities[0]
        hidden = f" and {view.unnamed} it may not name" if view.unnamed else ""
        typer.echo(f"own community {view.own_community + 1}: {', '.join(own)}{hidden}")
    typer.echo(f"modularity: {view.modularity:.4f}")
    for key, share_outside in view.outside_reach.items():
        typer.echo(f"{key}: {share_outside:.0%} of customers' customers outside its cluster")
    for cluster, members in view.declared.items():
        typer.echo(f"cluster {cluster}: {view.declared_sizes[cluster]} members; named: "
                   f"{', '.join(members) or '-'}")  # fmt: skip
    for key, score in view.brokers:
        typer.echo(f"broker {key}: {score:.4f}")


def _run_with_progress(database_url: str, job_id: int) -> insight.ClusterReport:
    """Run the clusters job in this process, with a progress bar on standard error."""
    view = run_here(database_url, job_id, "clusters", total=insight.CLUSTER_STEPS)
    if view.status != "succeeded" or view.result is None:
        raise WinwinError(f"the clusters could not be computed: {view.error}")
    return insight.report_from_dict(view.result["report"])


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `winwin` app."""
    app.command("pairs")(pairs)
    app.command("share")(share)
    app.command("clusters")(clusters)
