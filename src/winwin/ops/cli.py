"""``winwin backup``, ``winwin restore`` and ``winwin secrets reseal``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from winwin.cli.context import err, print_json, progress_bar, state
from winwin.db import schema
from winwin.db.engine import build_engine
from winwin.kernel.errors import InvalidInput, Problem
from winwin.ops import backup as backups
from winwin.ops import resealing
from winwin.settings import Settings

secrets_app = typer.Typer(help="Secret keys: after a rotation.", no_args_is_help=True)


@secrets_app.command("reseal")
def reseal(
    ctx: typer.Context,
    batch: int = typer.Option(
        resealing.BATCH, "--batch", min=1, max=10_000, help="Rows per transaction."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Seal every kept answer-link token and queued mail link under WINWIN_SECRET_KEY.

    Run it after a rotation, while the old secret is still in WINWIN_SECRET_KEY_PREVIOUS;
    once it reports nothing unopened, the old secret can be dropped. Running it again
    changes nothing."""
    settings = Settings()
    if not settings.secret_key:
        raise InvalidInput(
            Problem("WINWIN_SECRET_KEY", "is not set: there is no current secret to seal under")
        )
    # The schema as it is (``winwin init`` upgrades it): nothing here may change its shape.
    engine = state(ctx).engine()
    with progress_bar(show=not json_out) as progress:
        task = progress.add_task("resealing", total=None)
        counts = resealing.reseal_everything(
            engine,
            secret=settings.secret_key,
            previous=settings.previous_secret_keys,
            batch=batch,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    document = {name: count.as_dict() for name, count in counts.items()}
    if json_out:
        print_json(document)
        return
    for name, count in counts.items():
        typer.echo(
            f"{name.replace('_', ' ')}: {count.resealed} resealed, {count.current} already "
            f"under the current secret, {count.unopened} opened by no configured secret"
        )
    if any(count.unopened for count in counts.values()):
        err.print(
            "some values were sealed under a secret that is not configured: list it in "
            "WINWIN_SECRET_KEY_PREVIOUS and run this again before dropping any secret"
        )


def _summary(summary: backups.BackupSummary) -> dict[str, Any]:
    return {
        "file": summary.file,
        "schema_revision": summary.schema_revision,
        "rows": summary.rows,
        "tables": {t.name: t.rows for t in summary.tables},
    }


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `winwin` app."""
    app.add_typer(secrets_app, name="secrets")

    @app.command()
    def backup(
        ctx: typer.Context,
        file: Path = typer.Argument(..., metavar="FILE", help="The backup file to write."),
        json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
    ) -> None:
        """Write a consistent snapshot of the whole database (attachments and accounts too).

        Writers go on while it runs; the file is replaced only once it is complete.
        """
        # A reading engine: on SQLite the snapshot must not hold the write lock.
        engine = build_engine(state(ctx).database_url, busy_timeout_ms=600_000)
        try:
            revision = schema.current_revision(engine)
            if revision is None:
                raise InvalidInput(Problem("database", "has no Winwin schema (run winwin init)"))
            if revision != schema.head_revision():
                raise InvalidInput(
                    Problem("database", f"is at revision {revision}; run winwin init first")
                )
            summary = backups.write_backup(engine, file)
        finally:
            engine.dispose()
        if json_out:
            print_json(_summary(summary))
        else:
            err.print(
                f"backup written to {summary.file}: {summary.rows} rows in "
                f"{len(summary.tables)} tables (schema revision {summary.schema_revision})"
            )

    @app.command()
    def restore(
        ctx: typer.Context,
        file: Path = typer.Argument(..., metavar="FILE", help="A file written by winwin backup."),
        json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
    ) -> None:
        """Restore a backup into an empty database (refused, unchanged, if it is not empty)."""
        summary = backups.restore_backup(state(ctx).engine(), file)
        if json_out:
            print_json(_summary(summary))
        else:
            err.print(f"restored {summary.rows} rows from {summary.file}")
