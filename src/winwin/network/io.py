"""Import and export whole networks as CONTRACT.md documents.

Importing is all or nothing: every reference and rule is checked against the database
as it will be after the import, before anything is written; the caller's unit of work
rolls back if a write still fails.

The document is assembled from sections that capabilities own. The older sections share
one :class:`~winwin.network.import_run.ImportRun`, because they refer to each other
within one check: the network's own part (``network.network_section``), the items
(``sharing.document``), open innovation (``innovation.document``) and the assessments
(``assessments.document``). The newer sections stand alone (``SECTIONS``): each parses,
checks, writes and exports its own list, so a new capability adds one line here.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from winwin.actions import document as actions_document
from winwin.assessments import document as assessments_document
from winwin.initiatives import document as initiatives_document
from winwin.innovation import document as innovation_document
from winwin.kernel.errors import InvalidInput
from winwin.network import network_section, tie_sharing_document
from winwin.network.document import (
    FORMAT,
    NetworkDocument,
    SectionContext,
    format_time,
    parse_time,
)
from winwin.network.import_run import (
    ImportRun,
    ImportSummary,
    ProgressFn,
    key_pair,
    no_progress,
)
from winwin.network.repository import NetworkRepository
from winwin.sharing import document as sharing_document

__all__ = [
    "SECTIONS",
    "ImportSummary",
    "ProgressFn",
    "export_network",
    "format_time",
    "import_network",
    "parse_time",
]


class _Section(Protocol):
    """A capability's own section of the document (e.g. ``winwin.actions.document``)."""

    NAME: str

    def check(self, session: Session, raw: list[Any], context: SectionContext) -> Any: ...
    def write(self, session: Session, checked: Any, ids: dict[str, int]) -> tuple[int, int]: ...
    def export(self, session: Session, keys: dict[int, str]) -> list[dict[str, Any]]: ...


# Sections that capabilities own, checked after the older sections and written after them
# in this order: each module parses, checks, writes and exports its own section, so a new
# capability adds a line here rather than code to the importer.
SECTIONS: tuple[_Section, ...] = (actions_document, initiatives_document, tie_sharing_document)


def import_network(
    session: Session, document: NetworkDocument, *, progress: ProgressFn | None = None
) -> ImportSummary:
    """Check a parsed document against the database, then store it (all or nothing).

    Raises ``InvalidInput`` for broken references and ``RuleBroken`` for refused items;
    in both cases nothing has been written.
    """
    run = ImportRun(session, document, progress or no_progress)
    network = network_section.NetworkSection(run)
    items = sharing_document.ItemsSection(run)
    innovation = innovation_document.InnovationSection(run)
    assessments = assessments_document.AssessmentsSection(run)
    network.check()
    items.check(run.org_ref)
    innovation.check(items.existing_items)
    assessments.check(run.org_ref)
    run.raise_problems()
    items.check_rules()
    sections = _check_sections(session, document, run.org_keys)
    ids = network.write()
    items.write(ids)
    innovation.write()
    assessments.write(ids)
    session.flush()
    summary = run.summary
    ids = run.net.org_ids() if sections else {}
    for section, checked in sections:
        created, updated = section.write(session, checked, ids)
        summary.add(section.NAME, created=created, updated=updated)
    return summary


def _check_sections(
    session: Session, document: NetworkDocument, org_keys: set[str]
) -> list[tuple[_Section, Any]]:
    """Check every capability's section that the document gives; raise all problems."""
    given = [(s, getattr(document, s.NAME)) for s in SECTIONS]
    given = [(s, raw) for s, raw in given if raw is not None]
    if not given:
        return []
    related = {key_pair(t.from_, t.to) for t in document.ties}
    related |= {key_pair(*a.between) for a in document.assessments}
    context = SectionContext(frozenset(org_keys), frozenset(related), _action_pairs(document))
    checked = [(section, section.check(session, raw, context)) for section, raw in given]
    problems = [p for _, c in checked for p in c.problems]
    if problems:
        raise InvalidInput(problems[:50])
    return checked


def _action_pairs(document: NetworkDocument) -> dict[str, tuple[str, str]]:
    """The document's actions by key with their pairs (sorted), as far as they are well
    formed (the actions section reports the rest)."""
    found: dict[str, tuple[str, str]] = {}
    for entry in document.actions or []:
        key = entry.get("key") if isinstance(entry, dict) else None
        between = entry.get("between") if isinstance(entry, dict) else None
        pair = between if isinstance(between, list) and len(between) == 2 else None
        if isinstance(key, str) and pair and all(isinstance(k, str) for k in pair):
            found.setdefault(key, key_pair(pair[0], pair[1]))
    return found


def export_network(session: Session) -> dict[str, Any]:
    """The whole database as one network document (lists sorted by key)."""
    orgs = NetworkRepository(session).org_rows()
    keys = {row["id"]: row["key"] for row in orgs}
    doc: dict[str, Any] = {"format": FORMAT}
    circle_keys = network_section.export(session, doc, orgs, keys)
    items = sharing_document.export(session, keys, circle_keys)
    innovation_document.export(session, items)
    doc["items"] = list(items.values())
    doc.update(assessments_document.export(session, keys))
    for section in SECTIONS:
        doc[section.NAME] = section.export(session, keys)
    return doc
