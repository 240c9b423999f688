"""From acceptance to the agreement: a party answers its invitation, contributes, the
sharing model is set, every party agrees to a version (frozen as the agreement), and the
value the agreed initiative made is recorded.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, can_manage_org, operator
from winwin.initiatives import naming, rules
from winwin.initiatives.checkpoint import MAX_AMOUNT, load_for, party_of, refused
from winwin.initiatives.models import InitiativeAgreement, InitiativeContribution, InitiativeResult
from winwin.initiatives.reading import InitiativeRead, masks_for, read
from winwin.initiatives.repository import InitiativeRepository
from winwin.initiatives.versions import new_version
from winwin.insight.game_document import parse_game
from winwin.insight.games import Method, share
from winwin.kernel.errors import InvalidInput, PermissionDenied, Problem, RuleBroken


def _currency(currency: str) -> str:
    """The currency's three-letter code, in capitals (``InvalidInput`` otherwise)."""
    code = (currency or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise InvalidInput(Problem("currency", "must be a three-letter code such as EUR"))
    return code


def answer(
    session: Session, *, initiative_id: int, by: str, accept: bool, actor: Actor
) -> InitiativeRead:
    """An invited party accepts or declines."""
    found = load_for(session, actor, initiative_id)
    party = party_of(session, found, by, actor)
    try:
        rules.check_answer(party.status)
    except rules.Refused as exc:
        raise refused(exc) from None
    party.status = "accepted" if accept else "declined"
    party.answered_at = datetime.now(UTC)
    session.flush()
    return read(session, found.id, actor=actor)


def contribute(
    session: Session,
    *,
    initiative_id: int,
    by: str,
    amount: float,
    currency: str,
    actor: Actor,
) -> InitiativeRead:
    """Record a party's contribution (money, or hours and assets valued in money)."""
    found = load_for(session, actor, initiative_id)
    party = party_of(session, found, by, actor)
    if party.status != "accepted":
        raise RuleBroken(Problem("by", "only a party that has accepted contributes"))
    if not (isinstance(amount, int | float) and math.isfinite(amount) and 0 < amount <= MAX_AMOUNT):
        raise InvalidInput(Problem("amount", "must be a positive amount"))
    code = _currency(currency)
    InitiativeRepository(session).add_contribution(
        InitiativeContribution(
            initiative_id=found.id, org_id=party.org_id, amount=float(amount), currency=code
        )
    )
    new_version(
        session,
        found,
        change="contributed",
        org_id=party.org_id,
        actor=actor,
        details={"amount": float(amount), "currency": code},
    )
    return read(session, found.id, actor=actor)


def set_model(
    session: Session, *, initiative_id: int, game: Any, method: str, actor: Actor
) -> InitiativeRead:
    """Set the sharing model: a ``winwin share`` game over the parties' keys and a method."""
    found = load_for(session, actor, initiative_id)
    managed = sorted(
        org_id
        for org_id in InitiativeRepository(session).party_org_ids(found.id)
        if can_manage_org(actor, org_id)
    )
    if not managed:
        raise PermissionDenied("you do not act for a party of this initiative")
    if method not in rules.METHODS:
        raise InvalidInput(Problem("method", f"must be one of {', '.join(rules.METHODS)}"))
    # A party the actor may not see by name is named in the game, and in every refusal,
    # by its mask: the game is read as written first, so its problems name the masks.
    mapping = masks_for(session, found, actor)
    parsed = parse_game(game)
    if mapping:
        hidden = {v: k for k, v in mapping.items()}
        game = naming.rename_game(game, lambda key: hidden.get(key, key))
        parsed = parse_game(game)
    if method == "airport":
        try:
            rules.check_airport(game["type"])
        except rules.Refused as exc:
            raise InvalidInput(Problem(exc.field, exc.message)) from None
    current = read(session, found.id, actor=actor)
    try:
        rules.check_model(
            cast(dict[str, rules.PartyStatus], current.parties),
            tuple(mapping.get(p, p) for p in parsed.players),
        )
    except rules.Refused as exc:
        raise refused(exc) from None
    # The airport rule is the Shapley value of the airport game, exact by closed form.
    rule = "shapley" if method == "airport" else method
    shared = share(parsed, method=cast(Method, rule))
    found.method = method
    found.game = game
    found.shares = dict(sorted(shared.allocation.items()))
    found.in_core = shared.in_core
    # The history names the party set it for: the person's own organisation when it is a
    # party, else the first party they act for; the command line names none.
    acted = None
    if not actor.is_operator:
        acted = actor.org_id if actor.org_id in managed else managed[0]
    new_version(
        session, found, change="modelled", org_id=acted, actor=actor, details={"method": method}
    )
    return read(session, found.id, actor=actor)


def agree(session: Session, *, initiative_id: int, by: str, actor: Actor) -> InitiativeRead:
    """A party agrees to the current version; when all have, it is frozen as the
    agreement."""
    found = load_for(session, actor, initiative_id)
    party = party_of(session, found, by, actor)
    try:
        rules.check_agree(
            party.status,
            has_model=found.method is not None,
            already=party.agreed_version,
            version=found.version,
        )
    except rules.Refused as exc:
        raise refused(exc) from None
    party.agreed_version = found.version
    session.flush()
    repo = InitiativeRepository(session)
    if all(p.agreed_version == found.version for p in repo.parties(found.id)):
        found.agreed_version = found.version
        session.flush()
        document = read(session, found.id, actor=operator()).as_dict()
        frozen = {
            k: document[k]
            for k in ("title", "goal", "parties", "contributions", "method", "shares", "in_core")
        }
        repo.add_agreement(
            InitiativeAgreement(
                initiative_id=found.id,
                version=found.version,
                document={**frozen, "version": found.version, "game": found.game},
                agreed_at=datetime.now(UTC),
            )
        )
    return read(session, found.id, actor=actor)


def record_result(
    session: Session,
    *,
    initiative_id: int,
    by: str,
    amount: float,
    currency: str = "EUR",
    actor: Actor,
) -> InitiativeRead:
    """Record the value the agreed initiative actually made; it is split as agreed and
    shown against the agreed shares. Needs an agreement; the agreement never changes."""
    found = load_for(session, actor, initiative_id)
    party = party_of(session, found, by, actor)
    if found.agreed_version is None:
        raise RuleBroken(Problem("ID", "record results once every party has agreed"))
    if not (
        isinstance(amount, int | float) and math.isfinite(amount) and 0 <= amount <= MAX_AMOUNT
    ):
        raise InvalidInput(Problem("amount", "must be a non-negative amount"))
    code = _currency(currency)
    InitiativeRepository(session).add_result(
        InitiativeResult(
            initiative_id=found.id, org_id=party.org_id, amount=float(amount), currency=code
        )
    )
    return read(session, found.id, actor=actor)
