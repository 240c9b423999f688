"""Queries over instruments, assessment rounds, invitations, responses and answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from winwin.store.models import (
    Answer,
    Assessment,
    Instrument,
    InstrumentItem,
    Invitation,
    Organization,
    Response,
    Tie,
)

FACTOR_CODES = {"accessibility": 0, "energy": 1, "impact": 2, "attraction": 3}


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

    def usable_by(self, org_ids: Sequence[int]) -> list[Instrument]:
        """Built-in and shared instruments, plus the custom ones of these organisations."""
        return list(
            self.session.scalars(
                select(Instrument)
                .where(or_(Instrument.owner_org_id.is_(None), Instrument.owner_org_id.in_(org_ids)))
                .options(selectinload(Instrument.items))
                .order_by(Instrument.key)
            )
        )

    def add(self, instrument: Instrument) -> Instrument:
        self.session.add(instrument)
        self.session.flush()
        return instrument

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

    # rounds ---------------------------------------------------------------------------
    def get_by_id(self, assessment_id: int) -> Assessment | None:
        return self.session.scalar(
            select(Assessment)
            .where(Assessment.id == assessment_id)
            .options(
                selectinload(Assessment.instrument).selectinload(Instrument.items),
                selectinload(Assessment.responses).selectinload(Response.answers),
                selectinload(Assessment.invitations),
            )
        )

    def rounds_of_pair(self, a_id: int, b_id: int) -> list[Assessment]:
        a_id, b_id = min(a_id, b_id), max(a_id, b_id)
        return list(
            self.session.scalars(
                select(Assessment)
                .where(Assessment.a_id == a_id, Assessment.b_id == b_id)
                .options(selectinload(Assessment.instrument))
                .order_by(Assessment.opened_at, Assessment.id)
            )
        )

    def rounds_of_orgs(self, org_ids: Sequence[int]) -> list[Assessment]:
        """Every round of every relationship that one of these organisations is in."""
        return list(
            self.session.scalars(
                select(Assessment)
                .where(or_(Assessment.a_id.in_(org_ids), Assessment.b_id.in_(org_ids)))
                .options(selectinload(Assessment.instrument))
                .order_by(Assessment.a_id, Assessment.b_id, Assessment.round)
            )
        )

    def pair_orgs(self, a_id: int, b_id: int) -> tuple[Organization, Organization]:
        a = self.session.get(Organization, a_id)
        b = self.session.get(Organization, b_id)
        assert a is not None and b is not None  # foreign keys keep the pair whole
        return a, b

    def org_names(self, keys: Sequence[str]) -> dict[str, str]:
        if not keys:
            return {}
        rows = self.session.execute(
            select(Organization.key, Organization.name).where(Organization.key.in_(keys))
        )
        return {key: name for key, name in rows}

    def partner_keys(self, org_id: int, limit: int = 500) -> list[str]:
        """Keys of the organisations tied to this one, either way (for choosing a pair)."""
        other = case((Tie.from_id == org_id, Tie.to_id), else_=Tie.from_id)
        ids = select(other).where(or_(Tie.from_id == org_id, Tie.to_id == org_id))
        return list(
            self.session.scalars(
                select(Organization.key)
                .where(Organization.id.in_(ids))
                .order_by(Organization.key)
                .limit(limit)
            )
        )

    def invitation_by_token_hash(self, token_hash: str) -> Invitation | None:
        return self.session.scalar(
            select(Invitation)
            .where(Invitation.token_hash == token_hash)
            .options(
                selectinload(Invitation.assessment)
                .selectinload(Assessment.instrument)
                .selectinload(Instrument.items)
            )
        )

    def response_of(self, assessment_id: int, respondent: str) -> Response | None:
        return self.session.scalar(
            select(Response)
            .where(Response.assessment_id == assessment_id, Response.respondent == respondent)
            .options(selectinload(Response.answers))
        )

    def respondents_taken(self, assessment_id: int) -> set[str]:
        invited = select(Invitation.respondent).where(Invitation.assessment_id == assessment_id)
        answered = select(Response.respondent).where(Response.assessment_id == assessment_id)
        return set(self.session.scalars(invited)) | set(self.session.scalars(answered))

    def add_invitation(self, invitation: Invitation) -> Invitation:
        self.session.add(invitation)
        self.session.flush()
        return invitation

    def add_response(self, response: Response) -> Response:
        self.session.add(response)
        self.session.flush()
        return response

    # scoring --------------------------------------------------------------------------
    def _round_order(self, column: Any) -> Any:
        # Rounds are compared as strings, code point by code point, on both backends:
        # SQLite's default BINARY collation already does that; PostgreSQL needs "C".
        if self.session.get_bind().dialect.name == "postgresql":
            return column.collate("C")
        return column

    def _selection(
        self,
        *,
        round: str | None,
        latest: bool,
        pair: tuple[int, int] | None,
        org_ids: Sequence[int] | None,
    ) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if round is not None:
            where.append(Assessment.round == round)
        if pair is not None:
            a_id, b_id = min(pair), max(pair)
            where += [Assessment.a_id == a_id, Assessment.b_id == b_id]
        if org_ids is not None:
            where.append(or_(Assessment.a_id.in_(org_ids), Assessment.b_id.in_(org_ids)))
        if latest and round is None:
            later = aliased(Assessment)
            where.append(
                ~exists().where(
                    and_(
                        later.a_id == Assessment.a_id,
                        later.b_id == Assessment.b_id,
                        self._round_order(later.round) > self._round_order(Assessment.round),
                    )
                )
            )
        return where

    def score_inputs(
        self,
        *,
        round: str | None = None,
        latest: bool = False,
        pair: tuple[int, int] | None = None,
        org_ids: Sequence[int] | None = None,
    ) -> ScoreInputs:
        """Everything the score needs for the selected rounds, as arrays.

        Four queries: the selected rounds, the items (factor, reverse, scale), the count
        of respondents per round and side, and one pass over the answers, which returns
        four integers per answer and goes straight into numpy.
        """
        where = self._selection(round=round, latest=latest, pair=pair, org_ids=org_ids)
        a_org, b_org = aliased(Organization), aliased(Organization)
        rounds = self.session.execute(
            select(
                Assessment.id,
                Assessment.round,
                a_org.key,
                b_org.key,
                Assessment.a_id,
                Assessment.b_id,
                Instrument.key,
                Assessment.status,
            )
            .join(a_org, a_org.id == Assessment.a_id)
            .join(b_org, b_org.id == Assessment.b_id)
            .join(Instrument, Instrument.id == Assessment.instrument_id)
            .where(*where)
        ).all()
        item_rows = self.session.execute(
            select(
                InstrumentItem.id, InstrumentItem.factor, InstrumentItem.reverse, Instrument.scale
            ).join(Instrument, Instrument.id == InstrumentItem.instrument_id)
        ).all()
        size = max((r[0] for r in item_rows), default=0) + 1
        item_factor = np.zeros(size, dtype=np.intp)
        item_reverse = np.zeros(size, dtype=bool)
        item_scale = np.full(size, 2, dtype=np.float64)
        for item_id, factor, reverse, scale in item_rows:
            item_factor[item_id] = FACTOR_CODES[factor]
            item_reverse[item_id] = bool(reverse)
            item_scale[item_id] = scale
        counted = self.session.execute(
            select(Response.assessment_id, Response.side_org_id, func.count())
            .join(Assessment, Assessment.id == Response.assessment_id)
            .where(*where)
            .group_by(Response.assessment_id, Response.side_org_id)
        ).all()
        answers = self._answer_arrays(where)
        return ScoreInputs(
            rounds=[RoundRow(*row) for row in rounds],
            item_factor=item_factor,
            item_reverse=item_reverse,
            item_scale=item_scale,
            respondents=[(int(a), int(s or 0), int(n)) for a, s, n in counted],
            answer_assessment=answers[:, 0],
            answer_side=answers[:, 1],
            answer_item=answers[:, 2],
            answer_value=answers[:, 3],
        )

    def _answer_arrays(self, where: list[ColumnElement[bool]]) -> npt.NDArray[np.int64]:
        stmt = (
            select(
                Response.assessment_id,
                func.coalesce(Response.side_org_id, 0),
                Answer.item_id,
                Answer.value,
            )
            .join(Response, Response.id == Answer.response_id)
            .join(Assessment, Assessment.id == Response.assessment_id)
            .where(*where)
        )
        # Plain integers only, read from the driver's cursor: a million answers as tuples,
        # with no row objects in between, is what keeps the whole-network score fast.
        result = self.session.connection().execute(stmt)
        cursor = result.cursor
        rows = cursor.fetchall() if cursor is not None else []
        result.close()
        if not rows:
            return np.zeros((0, 4), dtype=np.int64)
        return np.array(rows, dtype=np.int64)


@dataclass(frozen=True)
class RoundRow:
    """One selected round of one relationship (pair stored with ``a_id < b_id``)."""

    id: int
    round: str
    a_key: str
    b_key: str
    a_id: int
    b_id: int
    instrument: str
    status: str


@dataclass(frozen=True)
class ScoreInputs:
    """The stored rows behind a set of scores, as arrays (see ``score_inputs``)."""

    rounds: list[RoundRow]
    item_factor: npt.NDArray[np.intp]
    item_reverse: npt.NDArray[np.bool_]
    item_scale: npt.NDArray[np.float64]
    respondents: list[tuple[int, int, int]]
    answer_assessment: npt.NDArray[np.int64]
    answer_side: npt.NDArray[np.int64]
    answer_item: npt.NDArray[np.int64]
    answer_value: npt.NDArray[np.int64]


__all__ = ["AssessmentRepository", "InstrumentRepository", "RoundRow", "ScoreInputs"]
