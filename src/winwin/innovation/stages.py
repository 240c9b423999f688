"""Open innovation: challenges and ideas, their stages, and what participation counts.

A *challenge* is a question an organisation opens to others ("can fibre replace the
aluminium-plastic butter wrap?"); an *idea* is a proposal, on its own or answering a
challenge. Both are items of the micro-network, so who may see them, and therefore who
may comment, vote or co-author, is decided by the same audience rules
(``winwin.sharing.audience``). This module holds only what is new: the stages each kind
moves through and the rules for moving.

Stages
------
An idea moves forward one step at a time, ``proposed → discussed → developing →
piloting → adopted``, and may step back one stage (a pilot that needs more
development). Any stage before ``adopted`` may be ``archived``; an archived idea may be
reopened as ``proposed``. ``adopted`` is final.

A challenge is ``open`` (taking ideas), then ``reviewing`` (no new ideas, the owner
weighs those it has) and ``closed``; ``reviewing`` may go back to ``open`` and a closed
challenge may be reopened.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from winwin.innovation import refusals as refuse
from winwin.kernel.errors import InvalidInput, Problem, RuleBroken

Kind = Literal["challenge", "idea"]
KINDS: tuple[Kind, ...] = ("challenge", "idea")

IDEA_STAGES = ("proposed", "discussed", "developing", "piloting", "adopted", "archived")
CHALLENGE_STAGES = ("open", "reviewing", "closed")
STAGES: Mapping[str, tuple[str, ...]] = {"idea": IDEA_STAGES, "challenge": CHALLENGE_STAGES}

_IDEA_PATH = IDEA_STAGES[:5]

# Allowed moves, as (from, to) pairs per kind.
TRANSITIONS: Mapping[str, frozenset[tuple[str, str]]] = {
    "idea": frozenset(
        set(pairwise(_IDEA_PATH))
        | {(b, a) for a, b in pairwise(_IDEA_PATH[:4])}
        | {(s, "archived") for s in _IDEA_PATH[:4]}
        | {("archived", "proposed")}
    ),
    "challenge": frozenset(
        {("open", "reviewing"), ("reviewing", "open"), ("reviewing", "closed"), ("open", "closed")}
        | {("closed", "open")}
    ),
}


def check_kind(kind: str) -> Kind:
    """The kind, or ``InvalidInput`` naming the field ``kind``."""
    if kind not in KINDS:
        raise InvalidInput(Problem("kind", f"'{kind}' is not one of {', '.join(KINDS)}"))
    return kind


def first_stage(kind: Kind) -> str:
    """Where a new entry of this kind starts: ``proposed`` or ``open``."""
    return STAGES[kind][0]


def next_stages(kind: Kind, current: str) -> list[str]:
    """The stages an entry may move to from ``current``, in the kind's stage order."""
    allowed = TRANSITIONS[kind]
    return [stage for stage in STAGES[kind] if (current, stage) in allowed]


def check_move(kind: Kind, current: str, target: str) -> None:
    """Refuse a move the stage rules do not allow, naming the field ``stage``.

    ``InvalidInput`` for a stage that the kind does not have; ``RuleBroken`` for a known
    stage that cannot be reached from ``current`` (the message lists what can).
    """
    if target not in STAGES[kind]:
        raise InvalidInput(
            Problem("stage", f"'{target}' is not a stage ({kind}: {', '.join(STAGES[kind])})")
        )
    if (current, target) not in TRANSITIONS[kind]:
        options = next_stages(kind, current)
        if not options:
            final = refuse.IDEA_FINAL if kind == "idea" else refuse.CHALLENGE_FINAL
            raise RuleBroken(final("stage", current=current, target=target))
        move = refuse.IDEA_MOVE if kind == "idea" else refuse.CHALLENGE_MOVE
        raise RuleBroken(move("stage", current=current, target=target, allowed=", ".join(options)))


def takes_ideas(challenge_stage: str) -> bool:
    """Whether a challenge in this stage accepts new ideas (only while ``open``)."""
    return challenge_stage == "open"


@dataclass(frozen=True)
class CoCreation:
    """What the people of one organisation did on another's challenges and ideas.

    Counts of comments written, votes given and co-authorships held by ``by`` on entries
    owned by ``on``, over some period. Participation is part of the energy picture of a
    relationship: customers who take part in product development are fans, not buyers.
    """

    comments: int = 0
    votes: int = 0
    coauthored: int = 0

    @property
    def total(self) -> int:
        return self.comments + self.votes + self.coauthored

    def __add__(self, other: CoCreation) -> CoCreation:
        return CoCreation(
            self.comments + other.comments,
            self.votes + other.votes,
            self.coauthored + other.coauthored,
        )


def mutual(a_on_b: CoCreation, b_on_a: CoCreation) -> str:
    """In words, whether co-creation runs both ways, one way or not at all.

    ``both`` when each side took part in the other's entries, ``one-way`` when only one
    did, ``none`` when neither did.
    """
    sides = (a_on_b.total > 0) + (b_on_a.total > 0)
    return ("none", "one-way", "both")[sides]
