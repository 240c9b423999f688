"""What every command shares: the database, who is acting, JSON output and error reporting."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, operator, resolve_actor
from winwin.db import schema
from winwin.db.engine import build_engine, session_factory, unit_of_work

err = Console(stderr=True, highlight=False)


def progress_bar(*, show: bool = True) -> Progress:
    """A progress bar on standard error that goes away when done (``show=False``: none,
    for a command printing JSON to a script)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=err,
        transient=True,
        disable=not show,
    )


@dataclass
class CliState:
    database_url: str
    _engine: Engine | None = field(default=None, repr=False)

    def engine(self) -> Engine:
        if self._engine is None:
            # A command is one unit of work that may write: on SQLite it takes the write
            # lock first and waits its turn behind other writers (up to 10 minutes)
            # instead of failing with "database is locked".
            self._engine = build_engine(self.database_url, writer=True, busy_timeout_ms=600_000)
        return self._engine

    def ready_engine(self) -> Engine:
        """The engine, with the schema created or upgraded first when needed."""
        engine = self.engine()
        schema.ensure_current(engine)
        return engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with unit_of_work(session_factory(self.ready_engine())) as session:
            yield session


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj


def acting(session: Session, org: str | None, *, field: str = "ORG") -> Actor:
    """The command's identity: the operator acting for ``org`` (None: reading as anyone
    may), resolved as every door resolves it (``accounts.access.resolve_actor``).
    ``NotFound`` names ``field`` when there is no such organisation."""
    return resolve_actor(session, operator(), named=org, field=field)


def print_json(document: Any) -> None:
    """Exactly one JSON document on standard output."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
    sys.stdout.write("\n")
    sys.stdout.flush()
