"""The pure rules of a joint initiative.

- The proposer is a party that has accepted; each invited organisation accepts or
  declines, once.
- A sharing model (a game and a method) can be set only when every party has accepted.
- Every change to what is shared (a contribution, a model) makes a new **version** and
  reopens acceptance: each party must agree to the current version again.
- When every party has agreed to the same version, that version is the **agreement**:
  it is frozen (stored as it was and never changed); later changes make new versions.
- Editing (:func:`check_edit`): a party that has accepted changes the title, goal and
  expected value; only the proposer changes who is invited (adds an organisation, or
  withdraws an invitation that is still open or was declined; a party that accepted
  stays). An edit that changes something is a new version like any other change.
- Competition law: competitors may not meet in an initiative whose title or goal speaks
  of a competition-sensitive topic (:func:`held_parties`); proposing one is refused, and
  a declaration made later keeps the competing parties out at read time.

The state: ``proposed`` (someone is still invited), ``declined`` (a party declined),
``accepted`` (all accepted, no model yet), ``modelled`` (a model awaits agreement on the
current version), ``agreed`` (the current version is the agreement).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Literal

PartyStatus = Literal["invited", "accepted", "declined"]
State = Literal["proposed", "declined", "accepted", "modelled", "agreed"]
#: ``airport`` is the airport rule of an airport cost game (the Shapley value of
#: ``c(S) = max c_i``), for infrastructure whose cost is set by the most demanding party.
METHODS = ("shapley", "nucleolus", "proportional", "airport")
MAX_TITLE = 200
#: An initiative is joint (sharing a result) or learning (learning goals and rounds).
KINDS = ("joint", "learning")


class Refused(ValueError):
    """A step the rules do not allow; ``field`` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def state(
    parties: dict[str, PartyStatus],
    *,
    has_model: bool,
    version: int,
    agreed_version: int | None,
) -> State:
    if any(s == "declined" for s in parties.values()):
        return "declined"
    if any(s == "invited" for s in parties.values()):
        return "proposed"
    if not has_model:
        return "accepted"
    return "agreed" if agreed_version == version else "modelled"


def check_answer(current: PartyStatus) -> None:
    """An invited party answers once."""
    if current != "invited":
        raise Refused("by", f"has already {current}")


def check_model(parties: dict[str, PartyStatus], players: tuple[str, ...]) -> None:
    """A model needs every party accepted, and the game's players are the parties."""
    waiting = sorted(k for k, s in parties.items() if s != "accepted")
    if waiting:
        raise Refused("ID", f"every party must accept first ({', '.join(waiting)} has not)")
    if sorted(players) != sorted(parties):
        raise Refused(
            "GAME", f"the game's players must be the parties: {', '.join(sorted(parties))}"
        )


def check_airport(game_type: str) -> None:
    """The airport rule shares a cost: the game is the cost each party alone would need."""
    if game_type != "airport":
        raise Refused(
            "method",
            "the airport rule shares a cost: give a game of type airport with the cost "
            "of the infrastructure each party alone would need",
        )


def check_agree(status: PartyStatus, *, has_model: bool, already: int | None, version: int) -> None:
    if status != "accepted":
        raise Refused("by", "only a party that has accepted the initiative agrees")
    if not has_model:
        raise Refused("ID", "there is no sharing model to agree on yet")
    if already == version:
        raise Refused("by", f"has already agreed to version {version}")


def check_edit(
    parties: Mapping[str, PartyStatus],
    *,
    by: str,
    proposer: str,
    add: Collection[str],
    remove: Collection[str],
) -> None:
    """Who may change what in an edit, and which parties may come and go.

    ``by`` must be a party that has accepted. Only the proposer changes the parties: an
    added organisation is not yet a party; a withdrawn one is a party whose invitation
    is open or was declined (never the proposer, never one that accepted), and at least
    one other party remains."""
    if parties.get(by) != "accepted":
        raise Refused("by", "only a party that has accepted edits the initiative")
    if (add or remove) and by != proposer:
        raise Refused("by", "only the proposer changes who is invited")
    for key in sorted(add):
        if key in parties:
            raise Refused("add", f"'{key}' is already a party")
    for key in sorted(remove):
        if key == proposer:
            raise Refused("remove", "the proposer stays a party")
        if key not in parties:
            raise Refused("remove", f"'{key}' is not a party")
        if parties[key] == "accepted":
            raise Refused(
                "remove", f"'{key}' has accepted; only an open or declined invitation is withdrawn"
            )
    if len(set(parties) - set(remove) | set(add)) < 2:
        raise Refused("remove", "an initiative keeps at least one party besides the proposer")


def final_split(shares: dict[str, float], realised: float) -> dict[str, float] | None:
    """The realised value split as the agreement split its value: each party's agreed
    share of the agreed total, applied to the realised total. ``None`` when the agreed
    shares do not add up to a positive total (there is no proportion to apply)."""
    total = sum(shares.values())
    if not total > 0:
        return None
    return {key: share / total * realised for key, share in shares.items()}


def competing_pairs(
    parties: Iterable[str], rivals: Mapping[str, Collection[str]]
) -> list[tuple[str, str]]:
    """The pairs of parties that compete with each other (either side declared it),
    each once, in key order."""
    members = sorted(set(parties))
    return [
        (a, b)
        for i, a in enumerate(members)
        for b in members[i + 1 :]
        if b in rivals.get(a, ()) or a in rivals.get(b, ())
    ]


def held_parties(
    proposer: str, pairs: Iterable[tuple[str, str]], *, sensitive: bool
) -> frozenset[str]:
    """The competition-law guard of an initiative, read at every decision as the items'
    guard is: when its title or goal speaks of a competition-sensitive topic, every party
    of a competing pair except the proposer is kept out (it can neither read nor act),
    so competitors never meet over prices, capacity, bids, customers or future plans in
    it, whoever declared what and whenever. The proposer keeps it and sees why."""
    if not sensitive:
        return frozenset()
    return frozenset(key for pair in pairs for key in pair if key != proposer)
