"""Alpha, item analysis and intervals of stored rounds, from their answer rows.

``refresh_measures`` keeps the ``score_measures`` table in step with the answers (it runs
with every refresh of ``score_sums``); ``item_analysis`` computes the item–total
correlations of chosen rounds on demand. The arithmetic is
``winwin.assessments.reliability``'s; this module only reads the rows and shapes them.

Which answers count. A side's respondents are its responses in the round that hold at
least one answer, as in ``score_sums`` ("I can't say" marks are not answers). Points
and alpha use the answers to the round's own instrument's statements that lie on its
scale; a factor's statements, for alpha and complete cases, are that instrument's
statements of the factor, in their order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, delete, exists, insert, select
from sqlalchemy.orm import Session

from winwin.assessments.models import (
    Answer,
    Assessment,
    Instrument,
    InstrumentItem,
    Response,
    ScoreMeasures,
)
from winwin.assessments.reliability import (
    Flag,
    SidePoints,
    cronbach_alpha,
    item_flag,
    item_total_correlations,
    round_intervals,
)
from winwin.assessments.score import FACTOR_INDEX, FACTORS, Factor

SLOTS = ("a", "b")
_CHUNK = 500


@dataclass(frozen=True)
class Statement:
    id: int
    key: str
    factor: Factor
    reverse: bool


@dataclass
class SideAnswers:
    """One side's answers in one round: respondents (response ids) × statements."""

    respondents: list[int]
    statements: list[Statement]
    steps: int
    # normalised[r, j]: respondent r's normalised answer to statement j, NaN if none.
    normalised: npt.NDArray[np.float64]

    def points(self) -> SidePoints:
        points = np.zeros((len(self.respondents), len(FACTORS)))
        answers = np.zeros_like(points)
        for j, statement in enumerate(self.statements):
            column = self.normalised[:, j]
            answered = ~np.isnan(column)
            f = FACTOR_INDEX[statement.factor]
            # Back to whole points (x - 1, or k - x when reversed): normalised * (k - 1).
            points[answered, f] += np.rint(column[answered] * self.steps)
            answers[answered, f] += 1
        return SidePoints(points, answers, self.steps)

    def factor_table(self, factor: Factor) -> tuple[list[Statement], npt.NDArray[np.float64]]:
        columns = [j for j, s in enumerate(self.statements) if s.factor == factor]
        return [self.statements[j] for j in columns], self.normalised[:, columns]


def load_answers(
    session: Session | Connection, assessment_ids: Sequence[int]
) -> dict[int, dict[str, SideAnswers]]:
    """The two sides' answers of these rounds, by round id and slot (``a``, ``b``)."""
    ids = list(assessment_ids)
    rounds = session.execute(
        select(
            Assessment.id,
            Assessment.a_id,
            Assessment.b_id,
            Assessment.instrument_id,
            Instrument.scale,
        )
        .join(Instrument, Instrument.id == Assessment.instrument_id)
        .where(Assessment.id.in_(ids))
    ).all()
    instruments = {instrument_id for _, _, _, instrument_id, _ in rounds}
    statements: dict[int, list[Statement]] = defaultdict(list)
    for instrument_id, item_id, key, factor, reverse in session.execute(
        select(
            InstrumentItem.instrument_id,
            InstrumentItem.id,
            InstrumentItem.item_key,
            InstrumentItem.factor,
            InstrumentItem.reverse,
        )
        .where(InstrumentItem.instrument_id.in_(instruments))
        .order_by(InstrumentItem.instrument_id, InstrumentItem.position, InstrumentItem.id)
    ):
        statements[instrument_id].append(
            Statement(item_id, key, cast(Factor, factor), bool(reverse))
        )
    people: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    for response_id, assessment_id, side_id in session.execute(
        select(Response.id, Response.assessment_id, Response.side_org_id)
        .where(
            Response.assessment_id.in_(ids),
            Response.side_org_id.is_not(None),
            exists().where(Answer.response_id == Response.id),
        )
        .order_by(Response.id)
    ):
        people[(assessment_id, side_id)].append(response_id)
    values: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for response_id, item_id, value in session.execute(
        select(Answer.response_id, Answer.item_id, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.assessment_id.in_(ids), Response.side_org_id.is_not(None))
    ):
        values[response_id].append((item_id, value))
    out: dict[int, dict[str, SideAnswers]] = {}
    for assessment_id, a_id, b_id, instrument_id, scale in rounds:
        listed = statements[instrument_id]
        column = {s.id: j for j, s in enumerate(listed)}
        reversed_at = [s.reverse for s in listed]
        steps = max(int(scale) - 1, 1)
        sides: dict[str, SideAnswers] = {}
        for slot, org_id in zip(SLOTS, (a_id, b_id), strict=True):
            respondents = people.get((assessment_id, org_id), [])
            table = np.full((len(respondents), len(listed)), np.nan)
            for r, response_id in enumerate(respondents):
                for item_id, value in values.get(response_id, ()):
                    j = column.get(item_id)
                    if j is None or not 1 <= value <= scale or scale < 2:
                        continue
                    n = (value - 1) / steps
                    table[r, j] = 1.0 - n if reversed_at[j] else n
            sides[slot] = SideAnswers(respondents, listed, steps, table)
        out[assessment_id] = sides
    return out


def measure_rows(answers: dict[int, dict[str, SideAnswers]]) -> list[dict[str, Any]]:
    """The ``score_measures`` rows of these rounds (rounds with no side's respondent
    get none)."""
    order = [i for i in sorted(answers) if any(s.respondents for s in answers[i].values())]
    pairs = []
    for i in order:
        a, b = answers[i]["a"], answers[i]["b"]
        pairs.append((a.points() if a.respondents else None, b.points() if b.respondents else None))
    intervals = round_intervals(pairs)
    rows: list[dict[str, Any]] = []
    for i, found in zip(order, intervals, strict=True):
        row: dict[str, Any] = {"assessment_id": i}
        for slot in SLOTS:
            side = answers[i][slot]
            for factor in FACTORS:
                _, table = side.factor_table(factor)
                row[f"{slot}_alpha_{factor}"] = cronbach_alpha(table)
        for slot, interval in (("a", found.a), ("b", found.b), ("r", found.relationship)):
            row[f"{slot}_ci_low"] = interval[0] if interval else None
            row[f"{slot}_ci_high"] = interval[1] if interval else None
        rows.append(row)
    return rows


def refresh_measures(
    session: Session | Connection, assessment_ids: Iterable[int] | None = None
) -> None:
    """Recompute the ``score_measures`` of these rounds (every round when ``None``)."""
    if assessment_ids is None:
        session.execute(delete(ScoreMeasures))
        ids = list(session.scalars(select(Assessment.id).order_by(Assessment.id)))
    else:
        ids = sorted(set(assessment_ids))
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        if assessment_ids is not None:
            session.execute(delete(ScoreMeasures).where(ScoreMeasures.assessment_id.in_(part)))
        rows = measure_rows(load_answers(session, part))
        if rows:
            session.execute(insert(ScoreMeasures), rows)


@dataclass(frozen=True)
class ItemStat:
    """One statement's item analysis on one side in one round."""

    id: str
    factor: Factor
    reverse: bool
    item_total: float | None
    flag: Flag | None
    #: Respondents who answered the statement.
    answered: int = 0
    #: Mean of the normalised answers (``0..1``, reverse-coded ones already turned).
    mean: float | None = None
    #: Their sample standard deviation (``0..1``), ``None`` below two answers.
    spread: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "factor": self.factor,
            "reverse": self.reverse,
            "item_total": self.item_total,
            "flag": self.flag,
        }


def side_items(side: SideAnswers) -> list[ItemStat]:
    """The corrected item–total correlation and flag of each statement, with its number
    of answers, mean and spread (``0..1``), in the instrument's order."""
    found: dict[int, float | None] = {}
    for factor in FACTORS:
        listed, table = side.factor_table(factor)
        for statement, r in zip(listed, item_total_correlations(table), strict=True):
            found[statement.id] = r
    stats = []
    for j, s in enumerate(side.statements):
        column = side.normalised[:, j]
        given = column[~np.isnan(column)]
        stats.append(
            ItemStat(
                s.key,
                s.factor,
                s.reverse,
                found[s.id],
                item_flag(found[s.id], reverse=s.reverse),
                answered=int(given.size),
                mean=float(given.mean()) if given.size else None,
                spread=float(given.std(ddof=1)) if given.size >= 2 else None,
            )
        )
    return stats


def item_analysis(
    session: Session | Connection, assessment_ids: Sequence[int]
) -> dict[int, dict[str, list[ItemStat]]]:
    """Item analysis of the two sides (``a``, ``b``) of these rounds, by round id."""
    out: dict[int, dict[str, list[ItemStat]]] = {}
    ids = sorted(set(assessment_ids))
    for start in range(0, len(ids), _CHUNK):
        for i, sides in load_answers(session, ids[start : start + _CHUNK]).items():
            out[i] = {slot: side_items(side) for slot, side in sides.items()}
    return out
