"""``winwin backup`` and ``winwin restore``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from winwin.cli.context import err, print_json, state
from winwin.db import schema
from winwin.db.engine import build_engine
from winwin.kernel.errors import InvalidInput, Problem
from winwin.ops import backup as backups


def _summary(summary: backups.BackupSummary) -> dict[str, Any]:
    return {
        "file": summary.file,
        "schema_revision": summary.schema_revision,
        "rows": summary.rows,
        "tables": {t.name: t.rows for t in summary.tables},
    }


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `winwin` app."""

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
