"""Open innovation in the network document: the ``innovation`` mark of an item.

An item marked ``{"kind": "challenge"}`` or ``{"kind": "idea", "challenge": KEY}`` is an
entry of open innovation (docs/innovation.md). Checked after the items it marks
(``winwin.sharing.document``), written after them, and exported onto each item.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from winwin.innovation import stages as innovation_rules
from winwin.innovation.repository import InnovationRepository
from winwin.kernel.errors import Problem
from winwin.network.import_run import ExportRun, Section
from winwin.network.sections import document_section
from winwin.sharing.items import ItemRepository


@document_section(30)
class InnovationSection(Section):
    """Challenges and ideas among the document's items."""

    def check(self) -> None:
        """Challenges and ideas: known stages, and ideas answering a known challenge."""
        existing_items = self.run.existing_items
        marked = [(i, item) for i, item in enumerate(self.doc.items) if item.innovation]
        if not marked:
            return
        p = self.problems
        stored = InnovationRepository(self.session)
        kinds: dict[str, str] = {
            item.key: item.innovation.kind for _, item in marked if item.innovation
        }
        for i, item in marked:
            entry = item.innovation
            assert entry is not None
            base = f"items[{i}].innovation"
            if item.reshare_of is not None:
                p.append(Problem(base, "a challenge or an idea is not a reshare"))
            if entry.stage is not None and entry.stage not in innovation_rules.STAGES[entry.kind]:
                stages = ", ".join(innovation_rules.STAGES[entry.kind])
                p.append(Problem(f"{base}.stage", f"'{entry.stage}' is not a stage ({stages})"))
            if entry.challenge is None:
                continue
            if entry.kind != "idea":
                p.append(Problem(f"{base}.challenge", "only an idea answers a challenge"))
                continue
            kind: str | None = kinds.get(entry.challenge)
            if kind is None and entry.challenge in existing_items:
                found = stored.entry(existing_items[entry.challenge])
                kind = found.kind if found is not None else None
            if kind != "challenge":
                p.append(Problem(f"{base}.challenge", f"'{entry.challenge}' is not a challenge"))

    def write(self) -> None:
        marked = [item for item in self.doc.items if item.innovation]
        if not marked:
            return
        repo = InnovationRepository(self.session)
        item_ids = ItemRepository(self.session).item_ids()
        now = datetime.now(UTC)
        created = updated = 0
        # Challenges first, so that ideas can point at challenges made by this import.
        for item in sorted(marked, key=lambda it: it.innovation.kind != "challenge"):  # type: ignore[union-attr]
            entry = item.innovation
            assert entry is not None
            item_id = item_ids[item.key]
            challenge_id = item_ids[entry.challenge] if entry.challenge else None
            current = repo.entry(item_id)
            if current is None:
                stage = entry.stage or innovation_rules.first_stage(entry.kind)
                repo.add_entry(
                    item_id=item_id,
                    kind=entry.kind,
                    stage=stage,
                    challenge_id=challenge_id,
                    user_id=None,
                    at=now,
                )
                created += 1
                continue
            stage = entry.stage or current.stage
            if (current.kind, current.stage, current.challenge_id) == (
                entry.kind,
                stage,
                challenge_id,
            ):
                continue
            current.kind, current.challenge_id = entry.kind, challenge_id
            if stage != current.stage:
                repo.move(current, stage, user_id=None, at=now)
            updated += 1
        self.session.flush()
        self.summary.add("innovation", created=created, updated=updated)

    @staticmethod
    def export_to(out: ExportRun) -> None:
        export(out.session, out.items)


def export(session: Session, items: dict[int, dict[str, Any]]) -> None:
    """Mark the exported ``items`` (by stored id) that are challenges or ideas."""
    for item_id, (kind, stage, challenge_id) in InnovationRepository(session).all_entries().items():
        if item_id not in items:
            continue
        entry: dict[str, Any] = {"kind": kind, "stage": stage}
        if challenge_id is not None:
            entry["challenge"] = items[challenge_id]["key"]
        items[item_id]["innovation"] = entry
