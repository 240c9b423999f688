"""``winwin init | import | export | demo | generate``, and the network's command groups:
``winwin org`` (``network.org_cli``), ``winwin ties``, ``winwin competitors`` and
``winwin overlap`` (``network.ties_cli``, with ``ties upload`` from ``network.crm_cli``)."""

from __future__ import annotations

import json
import sys
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
from winwin.network import io as network_io
from winwin.network import org_cli, ties_cli
from winwin.network.cli_options import read_source
from winwin.network.demo import load_demo
from winwin.network.document import parse_document


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
    document = parse_document(read_source(file))
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


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("import")(import_)
    app.command("export")(export)
    app.command("demo")(demo)
    app.command("generate")(generate)
    app.add_typer(org_cli.org_app, name="org")
    app.add_typer(ties_cli.ties_app, name="ties")
    app.add_typer(ties_cli.competitors_app, name="competitors")
    app.command("overlap")(ties_cli.overlap)
