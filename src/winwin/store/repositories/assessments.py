"""Queries over instruments, assessment rounds, invitations, responses and answers."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    or_,
    select,
)
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
                .options(
                    selectinload(Assessment.instrument),
                    selectinload(Assessment.responses),
                    selectinload(Assessment.invitations),
                )
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

        Four queries: the selected rounds, the items (factor, reverse, scale), the
        responses (round and side), and one pass over the answers. That pass is what
        costs at scale, so each answer travels as a single integer (response, item and
        value packed into one 63-bit number) straight into numpy, and it reads only the
        selected rounds' answers when the selection leaves some rounds out.
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
            )
            .join(Instrument, Instrument.id == InstrumentItem.instrument_id)
            .order_by(InstrumentItem.id)
        ).all()
        item_ids = np.array([r[0] for r in item_rows], dtype=np.int64)
        item_factor = np.array([FACTOR_CODES[r[1]] for r in item_rows], dtype=np.intp)
        item_reverse = np.array([bool(r[2]) for r in item_rows], dtype=bool)
        item_scale = np.array([r[3] for r in item_rows], dtype=np.float64)
        total = self.session.scalar(select(func.count()).select_from(Assessment)) or 0
        # The rounds are chosen once, in a subquery the database evaluates a single time.
        chosen = select(Assessment.id).where(*where) if len(rounds) < total else None
        empty = np.zeros(0, dtype=np.int64)
        if not rounds:
            return ScoreInputs([], item_ids, item_factor, item_reverse, item_scale, *([empty] * 6))
        responses = select(
            Response.id, Response.assessment_id, func.coalesce(Response.side_org_id, 0)
        )
        if chosen is not None:
            responses = responses.where(Response.assessment_id.in_(chosen))
        response_rows = _int_array(self._fetch(responses.order_by(Response.id)), 3)
        response_id, item, value = self._answer_arrays(
            chosen,
            response_ids=response_rows[:, 0],
            max_item=int(item_ids.max(initial=1)),
            max_scale=int(item_scale.max(initial=2)),
        )
        # Answers to responses outside the selection (none, unless rows are inconsistent)
        # are dropped; the rest find their round and side by binary search.
        at = np.searchsorted(response_rows[:, 0], response_id)
        at = np.minimum(at, max(len(response_rows) - 1, 0))
        known = (
            response_rows[at, 0] == response_id
            if len(response_rows)
            else np.zeros(len(response_id), dtype=bool)
        )
        at = at[known]
        return ScoreInputs(
            rounds=[RoundRow(*row) for row in rounds],
            item_ids=item_ids,
            item_factor=item_factor,
            item_reverse=item_reverse,
            item_scale=item_scale,
            response_assessment=response_rows[:, 1],
            response_side=response_rows[:, 2],
            answer_assessment=response_rows[at, 1],
            answer_side=response_rows[at, 2],
            answer_item=item[known],
            answer_value=value[known],
        )

    def _fetch(self, stmt: Any) -> list[Any]:
        # Plain tuples from the driver's cursor, with no row objects in between.
        result = self.session.connection().execute(stmt)
        cursor = result.cursor
        rows = cursor.fetchall() if cursor is not None else []
        result.close()
        return list(rows)

    def _answer_arrays(
        self,
        chosen: Any,
        *,
        response_ids: npt.NDArray[np.int64],
        max_item: int,
        max_scale: int,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(response id, item id, value) of every answer to the chosen rounds.

        ``response_ids`` are the chosen rounds' responses, in order.
        """
        if not len(response_ids):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        high = int(response_ids[-1])
        value_bits = max(max_scale, 1).bit_length()
        item_bits = max(max_item, 1).bit_length()
        if high.bit_length() + item_bits + value_bits > 62:
            stmt = self._restrict(select(Answer.response_id, Answer.item_id, Answer.value), chosen)
            table = _int_array(self._fetch(stmt), 3)
            return table[:, 0], table[:, 1], table[:, 2]
        packed_column = (
            cast(Answer.response_id, BigInteger) * (1 << (item_bits + value_bits))
            + cast(Answer.item_id, BigInteger) * (1 << value_bits)
            + Answer.value
        )
        firsts = response_ids[::_CHUNK].tolist()
        lasts = [*response_ids[_CHUNK - 1 :: _CHUNK].tolist(), high]
        parts = [
            self._packed_chunk(packed_column, chosen, first, last)
            for first, last in zip(firsts, lasts, strict=False)
        ]
        packed = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        value = packed & ((1 << value_bits) - 1)
        item = (packed >> value_bits) & ((1 << item_bits) - 1)
        return packed >> (item_bits + value_bits), item, value

    @staticmethod
    def _restrict(stmt: Any, chosen: Any) -> Any:
        if chosen is None:
            return stmt
        return stmt.where(
            Answer.response_id.in_(select(Response.id).where(Response.assessment_id.in_(chosen)))
        )

    def _packed_chunk(
        self, packed: Any, chosen: Any, first: int, last: int
    ) -> npt.NDArray[np.int64]:
        """The packed answers of responses ``first..last``, as one array.

        The database joins the numbers into one comma-separated text, which numpy parses
        in C: far cheaper than a Python tuple per answer. Other databases fall back to
        plain rows.
        """
        where = Answer.response_id.between(first, last)
        dialect = self.session.get_bind().dialect.name
        if dialect == "sqlite":
            joined: Any = func.group_concat(packed, ",")
        elif dialect == "postgresql":
            joined = func.string_agg(cast(packed, Text), ",")
        else:
            rows = self._fetch(self._restrict(select(packed).where(where), chosen))
            return _int_array(rows, 1)[:, 0]
        count, text = self.session.execute(
            self._restrict(select(func.count(), joined).where(where), chosen)
        ).one()
        if not count:
            return np.zeros(0, dtype=np.int64)
        numbers = np.fromstring(text, dtype=np.int64, sep=",")
        if numbers.size != count:  # pragma: no cover - a malformed text would mean a bug
            raise RuntimeError("the packed answers could not be read back")
        return numbers


# Responses per packed read: bounds the joined text (about 12 bytes per answer).
_CHUNK = 200_000


def _int_array(rows: list[Any], columns: int) -> npt.NDArray[np.int64]:
    flat = np.fromiter(
        itertools.chain.from_iterable(rows), dtype=np.int64, count=len(rows) * columns
    )
    return flat.reshape(len(rows), columns)


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
    item_ids: npt.NDArray[np.int64]  # sorted; the three arrays below are aligned with it
    item_factor: npt.NDArray[np.intp]
    item_reverse: npt.NDArray[np.bool_]
    item_scale: npt.NDArray[np.float64]
    response_assessment: npt.NDArray[np.int64]
    response_side: npt.NDArray[np.int64]
    answer_assessment: npt.NDArray[np.int64]
    answer_side: npt.NDArray[np.int64]
    answer_item: npt.NDArray[np.int64]
    answer_value: npt.NDArray[np.int64]


__all__ = ["AssessmentRepository", "InstrumentRepository", "RoundRow", "ScoreInputs"]
