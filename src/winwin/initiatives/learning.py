"""Learning initiatives: learning goals and learning rounds between the parties.

A learning initiative (kind ``learning``) is the same loop as a joint one (propose,
accept, contribute, model, agree), with two more things on its page:

- **goals**: a learning goal is a joint action (``winwin.actions``) aimed at one factor,
  with the actions' rules, access check and history, and remembered as the initiative's
  (``initiative_goals``);
- **learning rounds**: assessment rounds with the ``learning-partnership`` instrument,
  and the latest results of each relationship.

Both hang on relationships, and a relationship is two organisations, while an initiative
may have more parties. A learning initiative works on the relationships between its
**proposer and each other party that has accepted** (a star: e.g. a company convening a
school and its own customer). The proposer is the one party that chose every other, so
each of those pairs has agreed to learn together; two invitees have not. A goal belongs
to one of these relationships, and a learning round is opened with one name on every
one of them at once. Each step still passes the relationship's own rules: the two must
be tied (or assessed together) and the actor must run the relationship.

Who sees what follows the relationships too: a party's people see the goals and results
of their own relationship with the proposer; the proposer's people see them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, can_manage_org
from winwin.actions import service as actions
from winwin.assessments import scoring
from winwin.assessments import service as rounds
from winwin.initiatives import service as initiatives
from winwin.initiatives.repository import InitiativeRepository
from winwin.kernel.errors import NotFound, PermissionDenied, Problem, RuleBroken
from winwin.network.repository import NetworkRepository

INSTRUMENT = "learning-partnership"


@dataclass(frozen=True)
class LearningResult:
    """The latest round of the learning instrument on one relationship."""

    between: tuple[str, str]
    round: str
    status: str
    assessment_id: int
    score: float | None  # R, 0..100
    sides: dict[str, float | None]  # S by side key (None: not shown or not answered)
    levers: dict[str, str | None]  # each shown side's lever


@dataclass(frozen=True)
class LearningRead:
    """What a learning initiative's page shows to one reader."""

    relationships: list[tuple[str, str]]  # (proposer, other) the reader may see
    goals: list[actions.ActionRead]
    results: list[LearningResult]


def pairs(found: initiatives.InitiativeRead) -> list[tuple[str, str]]:
    """The relationships a learning initiative works on: the proposer with each other
    party that has accepted."""
    return [
        (found.proposed_by, key)
        for key, status in found.parties.items()
        if key != found.proposed_by and status == "accepted"
    ]


def _learning(session: Session, initiative_id: int, actor: Actor) -> initiatives.InitiativeRead:
    # Unmasked: a learning initiative's steps work on relationships, each of which the
    # actor must be able to see (``_visible``, ``actions``), which names only its sides.
    found = initiatives.read(session, initiative_id, actor=actor, masked=False)
    if found.kind != "learning":
        raise RuleBroken(
            Problem("kind", "only a learning initiative has learning goals and rounds")
        )
    return found


def _visible(session: Session, actor: Actor, pair: tuple[str, str]) -> bool:
    ids = NetworkRepository(session).org_ids()
    return rounds.can_see_relationship(actor, (ids[pair[0]], ids[pair[1]]))


def add_goal(
    session: Session,
    *,
    initiative_id: int,
    by: str,
    with_: str,
    factor: str,
    title: str,
    description: str | None = None,
    due: date | str | None = None,
    actor: Actor,
) -> actions.ActionRead:
    """Add a learning goal on behalf of party ``by``, on its relationship with ``with_``
    (one of them the proposer, the other a party that has accepted)."""
    found = _learning(session, initiative_id, actor)
    pair = tuple(sorted((by, with_)))
    allowed = {tuple(sorted(p)) for p in pairs(found)}
    if pair not in allowed:
        raise RuleBroken(
            Problem(
                "with",
                "a learning goal is set between the proposer and a party that has accepted",
            )
        )
    goal = actions.add_action(
        session,
        actor=actor,
        between=[by, with_],
        by=by,
        factor=factor,
        title=title,
        description=description,
        due=due,
    )
    InitiativeRepository(session).add_goal(found.id, goal.id)
    return goal


def open_learning_round(
    session: Session,
    *,
    initiative_id: int,
    round: str,
    min_respondents: object = None,
    actor: Actor,
) -> list[rounds.RoundRead]:
    """Open round ``round`` with the ``learning-partnership`` instrument on every
    relationship of the initiative (all or nothing: the caller rolls back on a refusal).
    Only someone who acts for the proposer opens it."""
    found = _learning(session, initiative_id, actor)
    proposer = NetworkRepository(session).get_by_key(found.proposed_by)
    if proposer is None:  # pragma: no cover - the proposer is a party and exists
        raise NotFound(f"no initiative {initiative_id}")
    if not can_manage_org(actor, proposer.id):
        raise PermissionDenied(f"you do not act for '{found.proposed_by}'")
    wanted = pairs(found)
    if not wanted:
        raise RuleBroken(Problem("round", "no other party has accepted the initiative yet"))
    return [
        rounds.open_round(
            session,
            actor=actor,
            between=list(pair),
            round=round,
            instrument=INSTRUMENT,
            min_respondents=min_respondents,
        )
        for pair in wanted
    ]


def _result(session: Session, actor: Actor, pair: tuple[str, str]) -> LearningResult | None:
    try:
        detail = scoring.relationship_detail(session, between=pair, reader=rounds.reader_for(actor))
    except NotFound:
        return None
    learning = [h for h in detail.history if h.instrument == INSTRUMENT]
    if not learning:
        return None
    latest = next((h for h in reversed(learning) if h.score is not None), learning[-1])
    shown = {
        key: (side if side is not None and key not in latest.withheld else None)
        for key, side in latest.sides.items()
    }
    return LearningResult(
        between=latest.between,
        round=latest.round,
        status=latest.status,
        assessment_id=latest.assessment_id,
        score=latest.score,
        sides={key: (side.score if side else None) for key, side in shown.items()},
        levers={key: (side.lever if side else None) for key, side in shown.items()},
    )


def read_learning(session: Session, *, initiative_id: int, actor: Actor) -> LearningRead:
    """The goals and latest learning results the reader may see."""
    found = _learning(session, initiative_id, actor)
    visible = [p for p in pairs(found) if _visible(session, actor, p)]
    goals = []
    for action_id in InitiativeRepository(session).goal_ids(found.id):
        try:
            goals.append(actions.get_action(session, actor=actor, action_id=action_id))
        except NotFound:
            continue  # a goal of a relationship this reader does not see
    results = [r for p in visible if (r := _result(session, actor, p)) is not None]
    return LearningRead(relationships=visible, goals=goals, results=results)
