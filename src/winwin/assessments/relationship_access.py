"""The access rule of a relationship: who may see it, run its rounds, invite for a side,
choose an instrument, and what the anonymity rule lets them see.

One rule for every door and for the capabilities hung on a relationship (joint action
plans reuse it); the command line acts as ``accounts.access.operator()``, a platform
admin who is no person, and so may do anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from winwin.accounts.access import Actor, can_access_org, can_manage_org
from winwin.assessments import refusals as refuse
from winwin.assessments.anonymity import OPERATOR, Reader
from winwin.db.models import (
    Instrument,
)
from winwin.kernel.errors import (
    PermissionDenied,
)


def reader_for(actor: Actor) -> Reader:
    """The anonymity rule's view of an actor (the command line's operator: ``OPERATOR``)."""
    if actor.is_operator:
        return OPERATOR
    return Reader(
        platform_admin=actor.is_platform_admin,
        facilitated=frozenset(actor.client_org_ids) if actor.is_facilitator else frozenset(),
        administered=(
            frozenset({actor.org_id})
            if actor.role == "org_admin" and actor.org_id is not None
            else frozenset()
        ),
    )


def can_see_relationship(actor: Actor, pair: Iterable[int]) -> bool:
    """Whether the actor may see a relationship, its rounds and everything hung on it.

    Someone who may see either side does: the sides' people, facilitators granted
    either side, platform admins (and so the command line's operator).
    """
    return any(can_access_org(actor, org_id) for org_id in pair)


def can_run_relationship(actor: Actor, pair: Iterable[int]) -> bool:
    """Whether the actor may run a relationship's rounds and plans: an organisation
    admin of either side, a facilitator granted either side, a platform admin."""
    return any(can_manage_org(actor, org_id) for org_id in pair)


def may_invite_for(actor: Actor, side_org_id: int) -> bool:
    """Whether the actor may invite respondents who answer for this side: that
    organisation's admins, a facilitator granted it (granted both sides: both), a
    platform admin, the command line. Third parties may be invited by whoever runs
    the round."""
    return can_manage_org(actor, side_org_id)


def require_run(actor: Actor, pair: tuple[int, int]) -> None:
    if not can_run_relationship(actor, pair):
        raise PermissionDenied(refuse.RUNNER())


def can_use_instrument(actor: Actor, instrument: Instrument, pair: Iterable[int]) -> bool:
    """Whether a round of this pair, opened by this actor, may use the instrument.

    Built-in and network instruments (no owner) serve every round. An organisation's
    own instrument serves only its own relationships, and only an opener who works for
    that organisation (its people, a facilitator granted it, a platform admin; the
    command line) may choose it: opening a round must never hand someone the other
    side's private instrument.
    """
    owner = instrument.owner_org_id
    if owner is None:
        return True
    return owner in set(pair) and can_access_org(actor, owner)
