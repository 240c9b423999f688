"""What one import of a network document shares between its sections.

The importer (``winwin.network.io``) checks the network's own part
(``winwin.network.network_section``), the items (``winwin.sharing.document``), open
innovation (``winwin.innovation.document``) and the assessments
(``winwin.assessments.document``) in that order against one :class:`ImportRun`: each
adds its problems to the run, which raises them all at once, so a document is refused
with every broken reference in it before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from winwin.kernel.errors import InvalidInput, Problem
from winwin.network.document import NetworkDocument
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


class ImportRun:
    """One import: the document, the problems found so far and the summary of writes.

    ``existing_orgs`` and ``org_keys`` are filled by the network section's check, which
    runs first; the other sections resolve organisation keys through :meth:`org_ref`.
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

    def org_ref(self, path: str, key: str) -> None:
        """Report ``key`` at ``path`` unless the organisation exists or the document adds it."""
        if key not in self.org_keys:
            self.problems.append(Problem(path, f"unknown organisation '{key}'"))

    def raise_problems(self) -> None:
        """Refuse the document with the first 50 problems, if there are any."""
        if self.problems:
            raise InvalidInput(self.problems[:50])


class Section:
    """A part of the network document that one capability checks and writes in a run."""

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
