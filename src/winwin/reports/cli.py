"""``winwin report RELATIONSHIP [--round R] [--lang fi|en] --out FILE``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from winwin.cli.context import err, state
from winwin.kernel.errors import InvalidInput, Problem
from winwin.reports import service as reports


def report(
    ctx: typer.Context,
    target: str = typer.Argument(
        ...,
        metavar="RELATIONSHIP",
        help="A:B for one relationship, or one organisation's key for all of its relationships.",
    ),
    round: str | None = typer.Option(
        None, "--round", metavar="R", help="The round (default: the latest scored one)."
    ),
    lang: str = typer.Option("fi", "--lang", metavar="fi|en", help="The report's language."),
    out: str = typer.Option(
        ..., "--out", metavar="FILE", help="Where to write the PDF (- for stdout)."
    ),
) -> None:
    """Write the workshop report (PDF) of a relationship, or of all of an organisation's."""
    parts = target.split(":")
    if len(parts) > 2 or not all(p.strip() for p in parts):
        raise InvalidInput(Problem("RELATIONSHIP", "use A:B, or one organisation's key"))
    with state(ctx).session() as session:
        if len(parts) == 2:
            pdf = reports.workshop_pdf(
                session, actor=None, between=(parts[0], parts[1]), round=round, locale=lang
            )
        else:
            pdf = reports.client_pdf(session, actor=None, client=parts[0], round=round, locale=lang)
    if out == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.flush()
        return
    try:
        Path(out).write_bytes(pdf)
    except OSError as exc:
        raise InvalidInput(Problem("--out", f"cannot be written: {exc.strerror or exc}")) from None
    err.print(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add ``winwin report`` to the app."""
    app.command("report")(report)
