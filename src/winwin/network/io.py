"""Import and export whole networks as CONTRACT.md documents.

Importing is all or nothing: every reference and rule is checked against the database
as it will be after the import, before anything is written; the caller's unit of work
rolls back if a write still fails.

The document is assembled from sections that capabilities own and register
(``winwin.network.sections``): the network's own part (``network.network_section``), the
items (``sharing.document``), open innovation (``innovation.document``), the assessments
(``assessments.document``), then the sections that stand alone (actions, initiatives,
``network.tie_sharing_document``). This module names none of them: it imports every
capability's ``document`` module, where a capability registers its section.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

import winwin
from winwin.network import network_section, tie_sharing_document  # noqa: F401 (they register)
from winwin.network.document import FORMAT, NetworkDocument, format_time, parse_time
from winwin.network.import_run import (
    ExportRun,
    ImportRun,
    ImportSummary,
    ProgressFn,
    no_progress,
)
from winwin.network.repository import NetworkRepository
from winwin.network.sections import Registered, registered

__all__ = [
    "ImportSummary",
    "ProgressFn",
    "export_network",
    "format_time",
    "import_network",
    "parse_time",
    "sections",
]


@cache
def _load_sections() -> None:
    """Import every capability's ``document`` module, so that its section registers."""
    for found in pkgutil.iter_modules(winwin.__path__):
        name = f"winwin.{found.name}.document"
        if found.ispkg and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def sections() -> list[Registered]:
    """Every section of the document, in its order."""
    _load_sections()
    return registered()


def import_network(
    session: Session, document: NetworkDocument, *, progress: ProgressFn | None = None
) -> ImportSummary:
    """Check a parsed document against the database, then store it (all or nothing).

    Raises ``InvalidInput`` for broken references and ``RuleBroken`` for refused items;
    in both cases nothing has been written.
    """
    run = ImportRun(session, document, progress or no_progress)
    started = [section.start(run) for section in sections()]
    for section in started:
        section.check()
    run.raise_problems()
    for section in started:
        section.check_rules()
    run.raise_problems()
    for section in started:
        section.write()
    session.flush()
    return run.summary


def export_network(session: Session) -> dict[str, Any]:
    """The whole database as one network document (lists sorted by key)."""
    orgs = NetworkRepository(session).org_rows()
    keys = {row["id"]: row["key"] for row in orgs}
    out = ExportRun(session, orgs, keys, {"format": FORMAT})
    for section in sections():
        section.export_to(out)
    return out.doc
