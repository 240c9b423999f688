"""The sections of the network document, registered by the capabilities that own them.

A capability registers its part of the document in its ``document`` module, which the
importer (``winwin.network.io``) finds by that name, so a new capability adds its section
without a line elsewhere. A section that shares the run with the others is a
:class:`~winwin.network.import_run.Section` class::

    @document_section(20)
    class ItemsSection(Section):
        def check(self) -> None: ...       # references, problems into the run
        def check_rules(self) -> None: ... # rules on the network as it will be
        def write(self) -> None: ...
        @staticmethod
        def export_to(out: ExportRun) -> None: ...

and a section that stands alone, one JSON list parsed, checked, written and exported by
its own functions, is one line: ``list_section(50, NAME, check, write, export)``.

Sections run in the order of their numbers, whatever the order in which their modules
were imported: check, then the rules, then the writes, then (for an export) each adds its
keys to the document in that order, so the JSON comes out the same for the same database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from winwin.network.document import CheckedSection, SectionContext
from winwin.network.import_run import ExportRun, ImportRun, Section


@dataclass(frozen=True)
class Registered:
    """A registered section: its place, how to start it for an import, how it exports."""

    order: int
    start: Callable[[ImportRun], Section]
    export_to: Callable[[ExportRun], None]


_registered: dict[int, Registered] = {}


def _register(entry: Registered, owner: str) -> None:
    taken = _registered.get(entry.order)
    if taken is not None and getattr(taken.start, "__qualname__", None) != owner:
        raise ValueError(f"document section {entry.order} is taken by {taken.start!r}")
    _registered[entry.order] = entry


S = TypeVar("S", bound=Section)


def document_section(order: int) -> Callable[[type[S]], type[S]]:
    """Decorator: register a :class:`Section` class at its place in the document."""

    def register(cls: type[S]) -> type[S]:
        _register(Registered(order, cls, cls.export_to), cls.__qualname__)
        return cls

    return register


CheckFn = Callable[[Session, list[Any], SectionContext], CheckedSection[Any]]
WriteFn = Callable[[Session, Any, dict[str, int]], tuple[int, int]]
ExportFn = Callable[[Session, dict[int, str]], list[dict[str, Any]]]


def list_section(order: int, name: str, check: CheckFn, write: WriteFn, export: ExportFn) -> None:
    """Register a section that stands alone: the document's list ``name`` (absent: left
    alone), checked once the older sections hold, written after them."""

    def start(run: ImportRun) -> Section:
        return _ListSection(run, name, check, write)

    def export_to(out: ExportRun) -> None:
        out.doc[name] = export(out.session, out.keys)

    start.__qualname__ = f"list_section:{name}"
    _register(Registered(order, start, export_to), start.__qualname__)


class _ListSection(Section):
    """A standalone section inside one import run."""

    def __init__(self, run: ImportRun, name: str, check: CheckFn, write: WriteFn) -> None:
        super().__init__(run)
        self.name = name
        self._check = check
        self._write = write
        self.checked: CheckedSection[Any] | None = None

    def check_rules(self) -> None:
        raw = getattr(self.doc, self.name)
        if raw is None:
            return
        self.checked = self._check(self.session, raw, self.run.section_context())
        self.problems += self.checked.problems

    def write(self) -> None:
        if self.checked is None:
            return
        created, updated = self._write(self.session, self.checked, self.run.stored_org_ids())
        self.summary.add(self.name, created=created, updated=updated)


def registered() -> list[Registered]:
    """The registered sections in their order."""
    return [_registered[order] for order in sorted(_registered)]
