"""The stored sums behind the score: every query that writes or reads ``score_sums`` and
``score_measures``.

``refresh_sums`` recomputes a round's sums (and its measures) after any write of its
answers or of its instrument's items; ``score_inputs`` reads the selected rounds back as
columns of factor means (``ScoreInputs``) without reading a single answer, for
``assessments.network_scores``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    ColumnElement,
    Double,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from winwin.assessments.measures import refresh_measures
from winwin.assessments.models import ScoreMeasures, ScoreSums
from winwin.assessments.score import OUTSIDE_FACTORS
from winwin.db.engine import without_gc_pauses
from winwin.db.models import (
    Answer,
    Assessment,
    Instrument,
    InstrumentItem,
    Organization,
    Response,
)

FACTOR_CODES = {"accessibility": 0, "energy": 1, "impact": 2, "attraction": 3}
SLOTS = ("a", "b", "outside")
# The numeric columns of score_sums, in the order the score reads them.
SUM_COLUMNS = tuple(
    f"{slot}_{name}"
    for slot in SLOTS
    for name in (
        "respondents",
        *(
            f"{factor}_{kind}"
            for factor in FACTOR_CODES
            if slot != "outside" or factor in OUTSIDE_FACTORS
            for kind in ("total", "answers")
        ),
    )
)

# The columns of score_measures, in the order the score reads them: alpha of side a's
# then side b's factors, then the interval ends of S_a, S_b and R.
MEASURE_COLUMNS = (
    *(f"{slot}_alpha_{factor}" for slot in ("a", "b") for factor in FACTOR_CODES),
    *(f"{slot}_ci_{end}" for slot in ("a", "b", "r") for end in ("low", "high")),
)


class ScoreRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

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
        """Everything the score needs for the selected rounds, as columns.

        One query over the selected rounds joined to their ``score_sums`` row; the
        database divides each factor's total by its count, so each round arrives as its
        respondents per slot and its ten factor means. No answer row is read.
        """
        where = self._selection(round=round, latest=latest, pair=pair, org_ids=org_ids)
        a_org, b_org = aliased(Organization), aliased(Organization)
        numbers: list[ColumnElement[Any]] = []
        for slot in SLOTS:
            numbers.append(func.coalesce(getattr(ScoreSums, f"{slot}_respondents"), 0))
            for factor in FACTOR_CODES:
                if slot == "outside" and factor not in OUTSIDE_FACTORS:
                    continue
                total = cast(getattr(ScoreSums, f"{slot}_{factor}_total"), Double)
                answers = func.nullif(getattr(ScoreSums, f"{slot}_{factor}_answers"), 0)
                # -1 marks an unmeasured factor (no row, or no answers): means are 0..1.
                numbers.append(func.coalesce(total / answers, -1.0))
        measures = [getattr(ScoreMeasures, name) for name in MEASURE_COLUMNS]
        stmt = (
            select(
                Assessment.id,
                Assessment.round,
                a_org.key,
                b_org.key,
                Instrument.key,
                Assessment.status,
                Assessment.min_respondents,
                Assessment.a_id,
                Assessment.b_id,
                *numbers,
                *measures,
            )
            .join(a_org, a_org.id == Assessment.a_id)
            .join(b_org, b_org.id == Assessment.b_id)
            .join(Instrument, Instrument.id == Assessment.instrument_id)
            .outerjoin(ScoreSums, ScoreSums.assessment_id == Assessment.id)
            .outerjoin(ScoreMeasures, ScoreMeasures.assessment_id == Assessment.id)
            .where(*where)
        )
        with without_gc_pauses():  # one row of plain numbers per round: no cycles
            rows = self._fetch(stmt)
        n = len(rows)
        if not n:
            return ScoreInputs.empty()
        columns = list(zip(*rows, strict=True))
        ids, rounds, a_keys, b_keys, instruments, statuses = columns[:6]
        minimums, a_ids, b_ids = columns[6:9]
        width = len(columns) - len(MEASURE_COLUMNS)
        table = np.array(columns[9:width], dtype=np.float64).T  # (n, 13)
        # NULL (no measure) arrives as None and becomes NaN.
        measured = np.array(columns[width:], dtype=np.float64).T.reshape(n, -1)
        alpha = measured[:, :8].reshape(n, 2, len(FACTOR_CODES))
        ci = measured[:, 8:].reshape(n, 3, 2)
        respondents = np.zeros((n, 3), dtype=np.int64)
        means = np.full((n, 3, len(FACTOR_CODES)), -1.0)
        at = 0
        for slot_index, slot in enumerate(SLOTS):
            respondents[:, slot_index] = table[:, at]
            at += 1
            for factor, code in FACTOR_CODES.items():
                if slot == "outside" and factor not in OUTSIDE_FACTORS:
                    continue
                means[:, slot_index, code] = table[:, at]
                at += 1
        means[means < 0] = np.nan
        return ScoreInputs(
            ids=np.array(ids, dtype=np.int64),
            rounds=list(rounds),
            a_keys=list(a_keys),
            b_keys=list(b_keys),
            instruments=list(instruments),
            statuses=list(statuses),
            respondents=respondents,
            means=means,
            alpha=alpha,
            ci=ci,
            minimums=np.array(minimums, dtype=np.int64),
            side_ids=np.array([a_ids, b_ids], dtype=np.int64).T.reshape(n, 2),
        )

    def _fetch(self, stmt: Any) -> list[Any]:
        # Plain tuples from the driver's cursor, with no row objects in between.
        result = self.session.connection().execute(stmt)
        cursor = result.cursor
        rows = cursor.fetchall() if cursor is not None else []
        result.close()
        return list(rows)

    # factor sums ----------------------------------------------------------------------
    def refresh_sums(self, assessment_ids: Iterable[int] | None = None) -> None:
        """Recompute the ``score_sums`` of these rounds (every round when ``None``).

        Call after any write of responses, answers or instrument items. Per chunk of
        rounds, one grouped query counts the responses of each side and one adds up, in
        integers, the points ``x - 1`` (``k - x`` on a reverse-coded item) of each side,
        factor and scale, leaving out answers off the scale; a factor's total is
        ``points / (k - 1)``, so it is exact up to one rounding and does not depend on
        the order of the answers. The rounds' ``score_measures`` (alpha and intervals)
        are recomputed with them.
        """
        self.session.flush()
        ids = None if assessment_ids is None else sorted(set(assessment_ids))
        if ids is None:
            self.session.execute(delete(ScoreSums))
            parts: list[Sequence[int] | None] = [None]
        else:
            parts = list(_chunks(ids, _SUM_CHUNK))
        for part in parts:
            if part is not None:
                # Two answers to one round at once would each delete the round's sums and
                # insert them again, and the second insert would fail on the key: the
                # second waits here for the first to commit, then sees its answers. NO KEY
                # UPDATE, so that it does not wait for the rows that merely refer to the
                # round (its responses hold KEY SHARE locks on it). SQLite has one writer.
                self.session.execute(
                    select(Assessment.id)
                    .where(Assessment.id.in_(part))
                    .order_by(Assessment.id)
                    .with_for_update(key_share=True)
                )
                self.session.execute(delete(ScoreSums).where(ScoreSums.assessment_id.in_(part)))
            self._insert_sums(part)
        # Alpha and the intervals are derived from the same answers: refreshed with them.
        refresh_measures(self.session, ids)

    def _insert_sums(self, assessment_ids: Sequence[int] | None) -> None:
        pairs = select(Assessment.id, Assessment.a_id, Assessment.b_id)
        # A respondent is a response with at least one answer: one that marked every
        # statement "I can't say" adds nothing to a mean, so it must not count towards
        # the round's minimum of respondents either.
        counted = (
            select(Response.assessment_id, Response.side_org_id, func.count())
            .where(exists().where(Answer.response_id == Response.id))
            .group_by(Response.assessment_id, Response.side_org_id)
        )
        if assessment_ids is not None:
            pairs = pairs.where(Assessment.id.in_(list(assessment_ids)))
            counted = counted.where(Response.assessment_id.in_(list(assessment_ids)))
        slot_of = {i: {a: "a", b: "b", None: "outside"} for i, a, b in self._fetch(pairs)}
        rows: dict[int, dict[str, Any]] = {}
        for assessment_id, side, respondents in self._fetch(counted):
            slot = slot_of.get(assessment_id, {}).get(side)
            if slot is None:  # an organisation outside the pair: never scored
                continue
            row = rows.setdefault(
                assessment_id,
                {"assessment_id": assessment_id, **dict.fromkeys(SUM_COLUMNS, 0)},
            )
            row[f"{slot}_respondents"] = int(respondents)
        for assessment_id, side, factor, scale, points, count in self._sum_groups(assessment_ids):
            slot = slot_of.get(assessment_id, {}).get(side)
            summed = rows.get(assessment_id)
            if slot is None or summed is None or f"{slot}_{factor}_total" not in summed:
                continue  # outside the pair, or a third party on accessibility or energy
            summed[f"{slot}_{factor}_total"] += int(points) / (int(scale) - 1)
            summed[f"{slot}_{factor}_answers"] += int(count)
        values = [rows[key] for key in sorted(rows)]
        for part in _chunks(values, 2_000):
            self.session.execute(insert(ScoreSums), list(part))

    def _sum_groups(self, assessment_ids: Sequence[int] | None) -> list[Any]:
        points = case(
            (InstrumentItem.reverse, Instrument.scale - Answer.value), else_=Answer.value - 1
        )
        stmt = (
            select(
                Response.assessment_id,
                Response.side_org_id,
                InstrumentItem.factor,
                Instrument.scale,
                func.sum(points),
                func.count(),
            )
            .select_from(Answer)
            .join(Response, Response.id == Answer.response_id)
            .join(InstrumentItem, InstrumentItem.id == Answer.item_id)
            .join(Instrument, Instrument.id == InstrumentItem.instrument_id)
            .where(Instrument.scale >= 2, Answer.value >= 1, Answer.value <= Instrument.scale)
            .group_by(
                Response.assessment_id,
                Response.side_org_id,
                InstrumentItem.factor,
                Instrument.scale,
            )
        )
        if assessment_ids is not None:
            stmt = stmt.where(Response.assessment_id.in_(list(assessment_ids)))
        return self._fetch(stmt)

    def rounds_of_instrument(self, instrument_id: int) -> list[int]:
        """Ids of the rounds that use this instrument or hold answers to its items."""
        using = select(Assessment.id).where(Assessment.instrument_id == instrument_id)
        answering = (
            select(Response.assessment_id)
            .join(Answer, Answer.response_id == Response.id)
            .join(InstrumentItem, InstrumentItem.id == Answer.item_id)
            .where(InstrumentItem.instrument_id == instrument_id)
            .distinct()
        )
        return sorted(set(self.session.scalars(using)) | set(self.session.scalars(answering)))


# Rounds per grouped query when refreshing sums (bounds the IN list).
_SUM_CHUNK = 500


def _chunks(rows: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


@dataclass(frozen=True)
class ScoreInputs:
    """The stored sums behind a set of scores, as columns aligned by row (``score_inputs``).

    One row per selected round of one relationship, the pair stored with ``a_id < b_id``.
    ``respondents`` counts responses per slot: 0 and 1 for the pair's sides ``a_id`` and
    ``b_id``, 2 for the third parties. ``means`` holds each slot's factor values (the mean
    of the normalised answers) in the order A, E, I, T, NaN when nobody answered that
    factor; third parties' accessibility and energy are always NaN.
    """

    ids: npt.NDArray[np.int64]  # (n,)
    rounds: list[str]
    a_keys: list[str]
    b_keys: list[str]
    instruments: list[str]
    statuses: list[str]
    respondents: npt.NDArray[np.int64]  # (n, 3)
    means: npt.NDArray[np.float64]  # (n, 3, 4)
    #: Cronbach's alpha per side (a, b) and factor, NaN where there is none: (n, 2, 4).
    alpha: npt.NDArray[np.float64] = dataclasses.field(default_factory=lambda: np.zeros((0, 2, 4)))
    #: 95 % intervals (low, high) of S_a, S_b and R, NaN where there is none: (n, 3, 2).
    ci: npt.NDArray[np.float64] = dataclasses.field(default_factory=lambda: np.zeros((0, 3, 2)))
    #: Each round's minimum of respondents per side: (n,).
    minimums: npt.NDArray[np.int64] = dataclasses.field(
        default_factory=lambda: np.zeros(0, dtype=np.int64)
    )
    #: The organisation ids of sides a and b: (n, 2).
    side_ids: npt.NDArray[np.int64] = dataclasses.field(
        default_factory=lambda: np.zeros((0, 2), dtype=np.int64)
    )

    @classmethod
    def empty(cls) -> ScoreInputs:
        return cls(
            ids=np.zeros(0, dtype=np.int64),
            rounds=[],
            a_keys=[],
            b_keys=[],
            instruments=[],
            statuses=[],
            respondents=np.zeros((0, 3), dtype=np.int64),
            means=np.zeros((0, 3, len(FACTOR_CODES))),
            alpha=np.zeros((0, 2, len(FACTOR_CODES))),
            ci=np.zeros((0, 3, 2)),
        )

    def __len__(self) -> int:
        return len(self.rounds)


__all__ = ["ScoreInputs", "ScoreRepository"]
