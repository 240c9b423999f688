"""Follow-up: what moved between two rounds, and what became of the actions aimed at it.

For every relationship scored in both rounds ``before`` and ``after``:

- per side and factor, the factor value (0..1) in each round, the change, and whether it
  is beyond the round-to-round noise (``winwin.actions.rules.change_between``);
- per side, the same for ``S`` (0..100) under ``"score"``, and for ``R`` under the
  relationship's ``"score"``;
- per factor, the relationship's actions aimed at it with their status (and reason).

**The intervals.** ``S`` and ``R`` use the 95 % intervals stored per round in
``score_measures`` (``winwin.assessments.measures``). A factor value's interval comes from
the same percentile bootstrap over respondents, with the same draws
(``reliability.resample_counts(n, slot)``): each resample's factor value is its summed
points over its summed answers, exactly the score's own mean. Below
``reliability.MIN_RESPONDENTS`` respondents on a side there is no interval, and the answer
to "beyond noise?" is ``None``: too few respondents to tell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from winwin.actions import refusals, rules
from winwin.actions.repository import ActionRepository
from winwin.assessments.anonymity import Reader
from winwin.assessments.measures import load_answers
from winwin.assessments.reliability import (
    MIN_RESPONDENTS,
    SidePoints,
    percentile_interval,
    resample_counts,
)
from winwin.assessments.score import FACTORS, Factor
from winwin.assessments.scoring import RelationshipScore, score_relationships
from winwin.kernel.errors import InvalidInput
from winwin.network.repository import NetworkRepository

TOO_FEW = "too few respondents to tell"
FactorIntervals = dict[Factor, rules.Interval | None]


def factor_intervals(side: SidePoints, *, slot: int) -> FactorIntervals:
    """The 95 % bootstrap interval of each factor value of one side (0..1), ``None`` for
    every factor below ``MIN_RESPONDENTS`` respondents and for a factor nobody answered."""
    none: FactorIntervals = {f: None for f in FACTORS}
    n = side.respondents
    if n < MIN_RESPONDENTS:
        return none
    weights = resample_counts(n, slot)
    points, answers = weights @ side.points, weights @ side.answers  # (RESAMPLES, 4)
    out: FactorIntervals = {}
    for f, factor in enumerate(FACTORS):
        total = float(side.answers[:, f].sum())
        if total == 0:
            out[factor] = None
            continue
        estimate = float(side.points[:, f].sum()) / side.steps / total
        means = np.divide(
            points[:, f] / side.steps,
            answers[:, f],
            out=np.zeros(len(points)),
            where=answers[:, f] > 0,
        )
        out[factor] = percentile_interval(means, estimate)
    return out


@dataclass(frozen=True)
class ActionOutcome:
    id: int
    title: str
    by: str
    status: str
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "by": self.by,
            "status": self.status,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Comparison:
    """One relationship between two rounds."""

    between: tuple[str, str]
    rounds: tuple[str, str]
    sides: dict[str, dict[str, rules.Change]]
    score: rules.Change
    actions: dict[str, list[ActionOutcome]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "between": list(self.between),
            "rounds": list(self.rounds),
            "sides": {
                key: {name: change.as_dict() for name, change in side.items()}
                for key, side in self.sides.items()
            },
            "score": self.score.as_dict(),
            "actions": {f: [a.as_dict() for a in listed] for f, listed in self.actions.items()},
        }


def compare_scores(
    before: RelationshipScore,
    after: RelationshipScore,
    *,
    factor_noise: dict[str, tuple[FactorIntervals, FactorIntervals]] | None = None,
    actions: dict[str, list[ActionOutcome]] | None = None,
) -> Comparison:
    """Compare one relationship's two scores; intervals are taken as given.

    ``factor_noise[side key]`` holds the factor intervals of that side in ``before`` and
    in ``after``; ``S`` and ``R`` use the scores' own ``intervals`` and ``ci``. A
    missing interval makes ``beyond_noise`` ``None``.
    """
    noise = factor_noise or {}
    sides: dict[str, dict[str, rules.Change]] = {}
    for key in before.between:
        old, new = before.sides.get(key), after.sides.get(key)
        was, now = noise.get(key, ({}, {}))
        side: dict[str, rules.Change] = {}
        for factor in FACTORS:
            side[factor] = rules.change_between(
                old.value(factor) if old else None,
                new.value(factor) if new else None,
                before_interval=was.get(factor),
                after_interval=now.get(factor),
            )
        side["score"] = rules.change_between(
            old.score if old else None,
            new.score if new else None,
            before_interval=before.intervals.get(key),
            after_interval=after.intervals.get(key),
        )
        sides[key] = side
    score = rules.change_between(
        before.score, after.score, before_interval=before.ci, after_interval=after.ci
    )
    return Comparison(
        between=before.between,
        rounds=(before.round, after.round),
        sides=sides,
        score=score,
        actions=actions or {f: [] for f in FACTORS},
    )


def _factor_noise(
    session: Session, scores: Sequence[RelationshipScore]
) -> dict[int, dict[str, FactorIntervals]]:
    """Factor intervals of these rounds: by round id, then side key."""
    ids = [s.assessment_id for s in scores if s.assessment_id]
    answers = load_answers(session, ids) if ids else {}
    out: dict[int, dict[str, FactorIntervals]] = {}
    for s in scores:
        sides = answers.get(s.assessment_id)
        if not sides:
            continue
        out[s.assessment_id] = {}
        for slot, (name, key) in enumerate(zip(("a", "b"), s.stored_order, strict=True)):
            side = sides[name]
            if side.respondents:
                out[s.assessment_id][key] = factor_intervals(side.points(), slot=slot)
    return out


def _outcomes(
    session: Session, pairs: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, list[ActionOutcome]]]:
    ids = NetworkRepository(session).org_ids()
    keys = {v: k for k, v in ids.items()}
    repo = ActionRepository(session)
    wanted = {tuple(sorted((ids[a], ids[b]))) for a, b in pairs if a in ids and b in ids}
    found: dict[tuple[str, str], dict[str, list[ActionOutcome]]] = {}
    for action in repo.of_orgs({i for pair in wanted for i in pair}):
        if (action.a_id, action.b_id) not in wanted:
            continue
        first, second = sorted((keys[action.a_id], keys[action.b_id]))
        by_factor = found.setdefault((first, second), {f: [] for f in FACTORS})
        by_factor[action.factor].append(
            ActionOutcome(
                action.id, action.title, keys[action.by_org_id], action.status, action.reason
            )
        )
    return found


def compare_rounds(
    session: Session,
    *,
    before: str,
    after: str,
    reader: Reader,
    org_ids: Sequence[int] | None = None,
) -> list[Comparison]:
    """Every relationship scored in both rounds (of these organisations, when given);
    sides the reader may not see are withheld (``winwin.assessments.anonymity``)."""
    for name, value in (("before", before), ("after", after)):
        if not isinstance(value, str) or not value.strip() or "\x00" in value:
            raise InvalidInput(refusals.NAME_A_ROUND(name))
    if before == after:
        raise InvalidInput(refusals.SAME_ROUND("after"))
    old = {
        s.between: s
        for s in score_relationships(session, round=before, org_ids=org_ids, reader=reader)
    }
    new = {
        s.between: s
        for s in score_relationships(session, round=after, org_ids=org_ids, reader=reader)
    }
    both = sorted(set(old) & set(new))
    return compare_pairs(session, [(old[p], new[p]) for p in both])


def compare_pairs(
    session: Session, pairs: Sequence[tuple[RelationshipScore, RelationshipScore]]
) -> list[Comparison]:
    """Compare each (earlier, later) score of a relationship, with the stored and
    bootstrapped intervals and the relationship's actions."""
    noise = _factor_noise(session, [s for pair in pairs for s in pair])
    outcomes = _outcomes(session, [old.between for old, _ in pairs])
    out = []
    for old, new in pairs:
        was, now = noise.get(old.assessment_id, {}), noise.get(new.assessment_id, {})
        # A side withheld from the reader (too few respondents) gets no intervals either.
        per_side = {
            k: (was.get(k, {}), now.get(k, {}))
            for k in old.between
            if k not in old.withheld and k not in new.withheld
        }
        out.append(
            compare_scores(
                old,
                new,
                factor_noise=per_side,
                actions=outcomes.get(old.between, {f: [] for f in FACTORS}),
            )
        )
    return out


def latest_two(
    history: Sequence[RelationshipScore],
) -> tuple[RelationshipScore, RelationshipScore] | None:
    """The last two rounds of one relationship in which ``R`` exists, oldest first."""
    scored = [s for s in history if s.score is not None]
    return (scored[-2], scored[-1]) if len(scored) >= 2 else None


def ranked_moves(session: Session, *, org_ids: Sequence[int], reader: Reader) -> list[Comparison]:
    """Each relationship of these organisations between its last two scored rounds,
    biggest rise in ``R`` first (factor noise is not computed here: only ``S`` and ``R``
    carry their stored intervals)."""
    from winwin.assessments.scoring import scores_of_orgs

    by_pair: dict[tuple[str, str], list[RelationshipScore]] = {}
    for score in scores_of_orgs(session, org_ids=list(org_ids), reader=reader):
        by_pair.setdefault(score.between, []).append(score)
    pairs = [two for history in by_pair.values() if (two := latest_two(history))]
    outcomes = _outcomes(session, [old.between for old, _ in pairs])
    moves = [
        compare_scores(old, new, actions=outcomes.get(old.between, {f: [] for f in FACTORS}))
        for old, new in pairs
    ]
    moves.sort(key=lambda c: (-(c.score.change or 0.0), c.between))
    return moves
