"""Queries over instruments, assessment rounds, responses and answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from winwin.store.models import Answer, Assessment, Instrument, InstrumentItem, Response


class InstrumentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get_by_key(self, key: str) -> Instrument | None:
        return self.session.scalar(
            select(Instrument).where(Instrument.key == key).options(selectinload(Instrument.items))
        )

    def all(self) -> list[Instrument]:
        return list(
            self.session.scalars(
                select(Instrument).options(selectinload(Instrument.items)).order_by(Instrument.key)
            )
        )

    def upsert(
        self,
        *,
        key: str,
        scale: int,
        name: dict[str, str],
        items: list[dict[str, Any]],
        builtin: bool = False,
    ) -> Instrument:
        """Create or update an instrument; items are matched by their ``item_key``."""
        instrument = self.get_by_key(key)
        if instrument is None:
            instrument = Instrument(key=key, scale=scale, name=name, builtin=builtin)
            self.session.add(instrument)
        if instrument.scale != scale:
            instrument.scale = scale
        if instrument.name != name:
            instrument.name = name
        instrument.builtin = builtin
        current = {i.item_key: i for i in instrument.items}
        wanted = {i["item_key"] for i in items}
        for item_key, row in current.items():
            if item_key not in wanted:
                instrument.items.remove(row)
        for position, spec in enumerate(items):
            row = current.get(spec["item_key"])
            if row is None:
                row = InstrumentItem(item_key=spec["item_key"])
                instrument.items.append(row)
            for field in ("factor", "reverse", "text_en", "text_fi"):
                if getattr(row, field) != spec[field]:
                    setattr(row, field, spec[field])
            if row.position != position:
                row.position = position
        self.session.flush()
        return instrument


class AssessmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, *, round: str, a_id: int, b_id: int) -> Assessment | None:
        a_id, b_id = min(a_id, b_id), max(a_id, b_id)
        return self.session.scalar(
            select(Assessment)
            .where(Assessment.round == round, Assessment.a_id == a_id, Assessment.b_id == b_id)
            .options(selectinload(Assessment.responses).selectinload(Response.answers))
        )

    def all(self) -> list[Assessment]:
        return list(
            self.session.scalars(
                select(Assessment)
                .options(
                    selectinload(Assessment.instrument).selectinload(Instrument.items),
                    selectinload(Assessment.responses).selectinload(Response.answers),
                )
                .order_by(Assessment.round, Assessment.a_id, Assessment.b_id)
            )
        )

    def add(self, assessment: Assessment) -> None:
        self.session.add(assessment)
        self.session.flush()

    def new_answer(self, *, item_id: int, value: int) -> Answer:
        return Answer(item_id=item_id, value=value)
