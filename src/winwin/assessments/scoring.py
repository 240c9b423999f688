"""Scores of stored relationships, computed exactly as "The score, exactly" in MISSION.md.

For every selected round of a relationship:

- each answer ``x`` on an item of scale ``k`` normalises to ``n = (x - 1) / (k - 1)``
  (``1 - n`` when the item is reverse-coded);
- a side's factor value is the unweighted mean of the normalised answers of that side's
  respondents on that factor's items in the round (``None`` when nobody answered them);
- a side's score ``S = 50 * (A*E + I*T)``, its lever and gain come from
  ``winwin.assessments.score``; a side with no responses is ``None``;
- ``R = sqrt(S_a * S_b)``, ``None`` when either side is ``None``;
- third-party answers (impact and attraction only) form the outside view, beside the
  sides' scores and never inside them;
- a side below its round's minimum of respondents is *withheld* from a reader the
  anonymity rule does not trust with it (``winwin.assessments.anonymity``): it reads
  as ``None``, its key is in ``withheld``, and ``R``, its alpha, interval and item
  analysis are gone too. Every function here takes the ``reader``; the command line
  passes ``OPERATOR``.

**Which round.** Without ``round``, each relationship is scored in its latest round.
Rounds are compared as strings, character by character by code point (so
``"2026-Q2" > "2026-Q1"`` and ``"2026-10" > "2026-09"``, but ``"9" > "10"``); the
greatest is the latest. Name rounds so that they sort: ``2026-Q1``, ``2026-03``.

The whole network is scored in one pass without reading a single answer: the store keeps
each round's sum and count of normalised answers per side and factor (``score_sums``,
refreshed after every write of answers), the database hands back one row of factor means
per round, and those go through the vectorised functions of ``winwin.assessments.score``
into a ``NetworkScores`` table.

The use cases are here; the score of one relationship in one round
(``assessments.relationship_score``) and the table of many
(``assessments.network_scores``) live beside them and are named here too, so that
callers have one module to read scores from.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from winwin.assessments import refusals as refuse
from winwin.assessments.anonymity import Reader
from winwin.assessments.measures import ItemStat, item_analysis
from winwin.assessments.network_scores import NetworkScores
from winwin.assessments.relationship_score import Lever, RelationshipScore
from winwin.assessments.score import (
    FACTORS,
    THIRD_PARTY,
)
from winwin.assessments.score_repository import ScoreInputs, ScoreRepository
from winwin.kernel.errors import InvalidInput, NotFound
from winwin.kernel.spreadsheets import SafeWriter
from winwin.network.repository import NetworkRepository

#: What a reader sees instead of a withheld side's factors (pages translate it).
WITHHELD_NOTE = "too few respondents to show without identifying them"


def score_relationships(
    session: Session,
    *,
    reader: Reader,
    round: str | None = None,
    org_ids: Sequence[int] | None = None,
) -> NetworkScores:
    """Score every relationship: in ``round`` when given, else in its latest round.

    With ``round``, only relationships assessed in that round appear; with ``org_ids``,
    only relationships that one of these organisations is in. The list is sorted by the
    pair of keys, then by round. Sides the ``reader`` may not see are withheld.
    """
    if round is not None and not round.strip():
        raise InvalidInput(refuse.EMPTY("round"))
    if round is not None and "\x00" in round:
        raise InvalidInput(refuse.NUL("round"))
    if org_ids is not None and not org_ids:
        return NetworkScores(ScoreInputs.empty(), reader)
    inputs = ScoreRepository(session).score_inputs(
        round=round, latest=round is None, org_ids=org_ids
    )
    return NetworkScores(inputs, reader)


ItemsByRound = dict[int, dict[str, list[ItemStat]]]
"""Item analysis by round id and slot (``a``, ``b``: the pair's ``a_id`` and ``b_id``)."""


def items_of(session: Session, scores: Sequence[RelationshipScore]) -> ItemsByRound:
    """The item analysis of both sides of these scores' rounds, from their answers.

    Computed on demand (not stored): each statement's corrected item–total correlation
    on each side, and its flag (``winwin.assessments.reliability``).
    """
    return item_analysis(session, [s.assessment_id for s in scores])


def with_items(score: RelationshipScore, items: ItemsByRound) -> dict[str, Any]:
    """``score.as_dict()`` with each answered SIDE's ``items``: per statement ``{"id",
    "factor", "reverse", "item_total", "flag"}`` in the instrument's order."""
    document = score.as_dict()
    by_key = _side_items(score, items)
    for key, side in document["sides"].items():
        if side is not None:
            side["items"] = [stat.as_dict() for stat in by_key.get(key, [])]
    return document


def _side_items(score: RelationshipScore, items: ItemsByRound) -> dict[str, list[ItemStat]]:
    found = items.get(score.assessment_id, {})
    a_key, b_key = score.stored_order
    return {
        key: ([] if key in score.withheld else found.get(slot, []))
        for key, slot in ((a_key, "a"), (b_key, "b"))
    }


def items_by_side(score: RelationshipScore, items: ItemsByRound) -> dict[str, list[ItemStat]]:
    """One round's item analysis by side key, from ``items_of``; a withheld side's is
    empty."""
    return _side_items(score, items)


def side_items(session: Session, score: RelationshipScore) -> dict[str, list[ItemStat]]:
    """The item analysis of one round's two sides, by side key."""
    return _side_items(score, items_of(session, [score]))


CSV_COLUMNS = (
    "a",
    "b",
    "round",
    "instrument",
    "status",
    "score",
    "side",
    "respondents",
    "accessibility",
    "energy",
    "impact",
    "attraction",
    "side_score",
    "lever",
    "gain",
    "withheld",
)


def results_csv(scores: Sequence[RelationshipScore]) -> str:
    """Scores as CSV: one row per side and one for the outside view (side ``third-party``).

    Numbers are unrounded; an empty cell is a value that does not exist. ``withheld``
    is ``too few respondents to show without identifying them`` on a side whose
    factors the reader may not see, else empty.
    """
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)

    def cell(value: float | int | str | None) -> str:
        return "" if value is None else (repr(value) if isinstance(value, float) else str(value))

    for score in scores:
        head = [*score.between, score.round, score.instrument, score.status, cell(score.score)]
        for key in score.between:
            side = score.sides[key]
            values: list[float | str | None] = (
                [None] * 7
                if side is None
                else [*(side.value(f) for f in FACTORS), side.score, side.lever, side.gain]
            )
            note = WITHHELD_NOTE if key in score.withheld else ""
            writer.writerow([*head, key, score.respondents.get(key, 0), *map(cell, values), note])
        if score.respondents.get(THIRD_PARTY) or score.outside_view:
            outside = score.outside_view
            writer.writerow(
                [
                    *head,
                    THIRD_PARTY,
                    score.respondents.get(THIRD_PARTY, 0),
                    "",
                    "",
                    cell(outside.impact if outside else None),
                    cell(outside.attraction if outside else None),
                    "",
                    "",
                    "",
                    WITHHELD_NOTE if THIRD_PARTY in score.withheld else "",
                ]
            )
    return buffer.getvalue()


def scores_of_orgs(session: Session, *, reader: Reader, org_ids: list[int]) -> NetworkScores:
    """Every round of every relationship that one of these organisations is in."""
    if not org_ids:
        return NetworkScores(ScoreInputs.empty(), reader)
    return NetworkScores(ScoreRepository(session).score_inputs(org_ids=org_ids), reader)


@dataclass(frozen=True)
class RelationshipDetail:
    """One relationship across its rounds, oldest first (by the round order above)."""

    between: tuple[str, str]
    names: dict[str, str]
    history: list[RelationshipScore]

    @property
    def latest(self) -> RelationshipScore | None:
        return self.history[-1] if self.history else None

    @property
    def latest_scored(self) -> RelationshipScore | None:
        """The latest round in which both sides have answered."""
        for score in reversed(self.history):
            if score.score is not None:
                return score
        return None


def relationship_detail(
    session: Session, *, between: tuple[str, str], reader: Reader
) -> RelationshipDetail:
    """The scores of one relationship in every round, for trends and the relationship page.

    Raises ``NotFound`` for an unknown organisation or a pair that has never been
    assessed.
    """
    net = NetworkRepository(session)
    first, second = sorted(between)
    if "\x00" in first + second:
        raise NotFound(refuse.NO_ROUND_BETWEEN(first=first, second=second))
    orgs = [net.get_or_raise(first), net.get_or_raise(second)]
    inputs = ScoreRepository(session).score_inputs(pair=(orgs[0].id, orgs[1].id))
    history = list(NetworkScores(inputs, reader))
    if not history:
        raise NotFound(refuse.NO_ROUND_BETWEEN(first=first, second=second))
    return RelationshipDetail(
        between=(first, second),
        names={org.key: org.name for org in orgs},
        history=history,
    )


__all__ = [
    "WITHHELD_NOTE",
    "ItemsByRound",
    "Lever",
    "NetworkScores",
    "RelationshipDetail",
    "RelationshipScore",
    "items_by_side",
    "items_of",
    "relationship_detail",
    "results_csv",
    "score_relationships",
    "scores_of_orgs",
    "side_items",
    "with_items",
]
