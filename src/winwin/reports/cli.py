"""``winwin report RELATIONSHIP [--round R] [--lang fi|en] --out FILE``.

The report is made as a job (``winwin jobs list`` shows it), run in this process with a
progress bar on standard error, so no worker is needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from winwin.accounts.access import operator
from winwin.cli.context import err, state
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.jobs import service as jobs
from winwin.jobs.cli import run_here
from winwin.kernel.errors import InvalidInput, Problem, WinwinError
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
    cli_state = state(ctx)
    with cli_state.session() as session:
        job_id = reports.start_report(
            session,
            actor=operator(),
            between=(parts[0], parts[1]) if len(parts) == 2 else None,
            client=parts[0] if len(parts) == 1 else None,
            round=round,
            locale=lang,
        )
    pdf = _run_with_progress(cli_state.database_url, job_id)
    if out == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.flush()
        return
    try:
        Path(out).write_bytes(pdf)
    except OSError as exc:
        raise InvalidInput(Problem("--out", f"cannot be written: {exc.strerror or exc}")) from None
    err.print(f"wrote {out}")


def _run_with_progress(database_url: str, job_id: int) -> bytes:
    """Run the report's job in this process, with a progress bar on standard error."""
    view = run_here(database_url, job_id, "workshop report")
    if view.status != "succeeded" or not view.outputs:
        raise WinwinError(f"the report could not be made: {view.error}")
    engine = build_engine(database_url)
    try:
        with unit_of_work(session_factory(engine)) as session:
            _, _, pdf = jobs.job_output(
                session, job_id=job_id, output_id=view.outputs[0].id, person_id=None
            )
    finally:
        engine.dispose()
    return pdf


def register(app: typer.Typer) -> None:
    """Add ``winwin report`` to the app."""
    app.command("report")(report)
