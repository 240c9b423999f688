"""Bulk reads and writes of assessment rows, for whole-network imports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from winwin.assessments.score_repository import ScoreRepository
from winwin.db.models import Answer, Assessment, CantSay, Response
from winwin.network.repository import chunks


class AssessmentRows:
    def __init__(self, session: Session) -> None:
        self.session = session

    def assessments(self) -> dict[tuple[str, int, int], tuple[int, int, str, int]]:
        """(round, a_id, b_id) → (id, instrument_id, status, min_respondents)."""
        query = select(
            Assessment.round,
            Assessment.a_id,
            Assessment.b_id,
            Assessment.id,
            Assessment.instrument_id,
            Assessment.status,
            Assessment.min_respondents,
        )
        return {
            (r, a, b): (i, ins, st, m) for r, a, b, i, ins, st, m in self.session.execute(query)
        }

    def responses(self) -> dict[tuple[int, str], tuple[int, int | None]]:
        """(assessment_id, respondent) → (response id, side org id)."""
        query = select(
            Response.assessment_id, Response.respondent, Response.id, Response.side_org_id
        )
        return {(a, r): (i, s) for a, r, i, s in self.session.execute(query)}

    def answers(self) -> dict[int, dict[int, tuple[int, int]]]:
        """response id → {item id: (answer id, value)}."""
        out: dict[int, dict[int, tuple[int, int]]] = {}
        query = select(Answer.response_id, Answer.item_id, Answer.id, Answer.value)
        for response_id, item_id, answer_id, value in self.session.execute(query):
            out.setdefault(response_id, {})[item_id] = (answer_id, value)
        return out

    def cant_say(self) -> dict[int, dict[int, int]]:
        """response id → {item id: mark id} of the "I can't say" marks."""
        out: dict[int, dict[int, int]] = {}
        query = select(CantSay.response_id, CantSay.item_id, CantSay.id)
        for response_id, item_id, mark_id in self.session.execute(query):
            out.setdefault(response_id, {})[item_id] = mark_id
        return out

    def insert(self, model: Any, rows: Sequence[dict[str, Any]]) -> None:
        for part in chunks(rows):
            self.session.execute(insert(model), list(part))

    def update(self, model: Any, rows: Sequence[dict[str, Any]]) -> None:
        for part in chunks(rows):
            self.session.execute(update(model), list(part))

    def delete_answers(self, ids: Sequence[int]) -> None:
        for part in chunks(ids, 500):
            self.session.execute(delete(Answer).where(Answer.id.in_(list(part))))

    def delete_cant_say(self, ids: Sequence[int]) -> None:
        for part in chunks(ids, 500):
            self.session.execute(delete(CantSay).where(CantSay.id.in_(list(part))))

    def refresh_sums(self, assessment_ids: Iterable[int]) -> None:
        """Bring the factor sums of these rounds in step with their answers."""
        ScoreRepository(self.session).refresh_sums(assessment_ids)
