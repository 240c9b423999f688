"""What one import (or export) of a network document shares between its sections.

The importer (``winwin.network.io``) runs every registered section
(``winwin.network.sections``) against one :class:`ImportRun`: each adds its problems to
the run, which raises them all at once, so a document is refused with every broken
reference in it before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from winwin.kernel.errors import InvalidInput, Problem
from winwin.network.document import NetworkDocument, SectionContext
from winwin.network.repository import NetworkRepository

ProgressFn = Callable[[str, int, int], None]


def no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass
class ImportSummary:
    """How many records an import created and updated, per section."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def add(self, section: str, *, created: int = 0, updated: int = 0) -> None:
        self.created[section] = self.created.get(section, 0) + created
        self.updated[section] = self.updated.get(section, 0) + updated

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated}


def key_pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def duplicates(keys: list[str], section: str, what: str = "key") -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for index, key in enumerate(keys):
        if key in seen:
            problems.append(
                Problem(
                    f"{section}[{index}].{what}",
                    f"duplicate {what} '{key}' (also {section}[{seen[key]}])",
                )
            )
        else:
            seen[key] = index
    return problems


@dataclass
class ExportRun:
    """One export: the document built so far and what the sections hand on to the next
    (the organisations' keys by id, the circles' keys by id, the items by stored id)."""

    session: Session
    orgs: list[dict[str, Any]]
    keys: dict[int, str]
    doc: dict[str, Any]
    circle_keys: dict[int, str] = field(default_factory=dict)
    items: dict[int, dict[str, Any]] = field(default_factory=dict)


class ImportRun:
    """One import: the document, the problems found so far and the summary of writes.

    ``existing_orgs`` and ``org_keys`` are filled by the network section's check, which
    runs first; the other sections resolve organisation keys through :meth:`org_ref`.
    ``existing_items`` is filled by the items section's check, ``ids`` (the
    organisations' ids by key) by the network section's write.
    """

    def __init__(self, session: Session, doc: NetworkDocument, progress: ProgressFn) -> None:
        self.session = session
        self.doc = doc
        self.progress = progress
        self.net = NetworkRepository(session)
        self.problems: list[Problem] = []
        self.summary = ImportSummary()
        self.existing_orgs: dict[str, dict[str, Any]] = {}
        self.org_keys: set[str] = set()
        self.existing_items: dict[str, int] = {}
        self.ids: dict[str, int] = {}
        self._context: SectionContext | None = None
        self._stored_org_ids: dict[str, int] | None = None

    def org_ref(self, path: str, key: str) -> None:
        """Report ``key`` at ``path`` unless the organisation exists or the document adds it."""
        if key not in self.org_keys:
            self.problems.append(Problem(path, f"unknown organisation '{key}'"))

    def raise_problems(self) -> None:
        """Refuse the document with the first 50 problems, if there are any."""
        if self.problems:
            raise InvalidInput(self.problems[:50])

    def section_context(self) -> SectionContext:
        """What a standalone section may rely on when it checks (read once per run)."""
        if self._context is None:
            doc = self.doc
            related = {key_pair(t.from_, t.to) for t in doc.ties}
            related |= {key_pair(*a.between) for a in doc.assessments}
            self._context = SectionContext(
                frozenset(self.org_keys), frozenset(related), _action_pairs(doc)
            )
        return self._context

    def stored_org_ids(self) -> dict[str, int]:
        """The organisations' ids by key once the older sections are written (flushed and
        read once per run), for the standalone sections."""
        if self._stored_org_ids is None:
            self.session.flush()
            self._stored_org_ids = self.net.org_ids()
        return self._stored_org_ids


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


class Section:
    """A part of the network document that one capability checks and writes in a run.

    The importer calls :meth:`check` on every section, raises the problems, calls
    :meth:`check_rules` on every section, raises again, then :meth:`write`; an export
    calls :meth:`export_to` (all in the sections' registered order).
    """

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.session = run.session
        self.doc = run.doc
        self.net = run.net
        self.problems = run.problems
        self.summary = run.summary
        self.progress = run.progress

    @property
    def existing_orgs(self) -> dict[str, dict[str, Any]]:
        """The stored organisations by key, as the network section read them."""
        return self.run.existing_orgs

    def check(self) -> None:
        """Check the section's references; add the problems to the run."""

    def check_rules(self) -> None:
        """Check the rules that need every reference sound (raise, or add problems)."""

    def write(self) -> None:
        """Write the checked section."""

    @staticmethod
    def export_to(out: ExportRun) -> None:
        """Add the section's part to the exported document."""
