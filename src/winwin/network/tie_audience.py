"""Who may see which ties: the one rule behind every read of the relationship graph.

A ``supplies`` tie *s → c* names one of *s*'s customers. What an organisation tells
another about its customers is its **sharing level** towards that organisation:

- ``hidden``: nothing;
- ``counts``: how many customers the two have in common, never which;
- ``overlap``: which customers the two have in common;
- ``all``: its whole customer list.

``level(owner → viewer)`` is:

1. ``all`` when the viewer is the owner (an organisation always sees its own ties);
2. ``hidden`` when the two are competitors, whatever the setting;
3. ``hidden`` when the two have no accepted tie of any kind (not partners);
4. else the owner's per-partner override for the viewer, else the owner's default for
   partners, else ``counts``.

``can_see_tie(viewer, kind, a, b)``: a tie is visible to both its ends; a ``supplies``
tie *s → c* is visible to a viewer *v* when ``level(s → v)`` is ``all``, or is
``overlap`` and *c* is also a customer of *v*; a ``partners`` tie is visible beyond its
ends when either end shares ``all`` with the viewer. Nothing else names a tie.

Platform admins, and facilitators for their clients, read the whole graph through the
services (audited there); this rule is about organisations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Level = Literal["hidden", "counts", "overlap", "all"]
LEVELS: tuple[Level, ...] = ("hidden", "counts", "overlap", "all")
RANK: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS)}
DEFAULT_LEVEL: Level = "counts"
"""What a partner gets when its organisation has set nothing."""


def parse_level(value: str) -> Level:
    """The level named ``value``; ``ValueError`` when it names none."""
    for level in LEVELS:
        if value == level:
            return level
    raise ValueError(f"must be one of {', '.join(LEVELS)}, not {value!r}")


def _pair(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


@dataclass(frozen=True)
class TieGraph:
    """The accepted ties, competitor pairs and sharing settings, by organisation key."""

    ties: frozenset[tuple[str, str, str]] = frozenset()
    """``(kind, from, to)``: ``supplies`` from supplier to customer, or ``partners``."""
    competitors: frozenset[frozenset[str]] = frozenset()
    defaults: Mapping[str, Level] = field(default_factory=dict)
    """Owner → its level for every partner without an override."""
    overrides: Mapping[tuple[str, str], Level] = field(default_factory=dict)
    """``(owner, partner)`` → the owner's level for that partner."""

    @classmethod
    def build(
        cls,
        *,
        ties: Iterable[tuple[str, str, str]],
        competitors: Iterable[tuple[str, str]] = (),
        defaults: Mapping[str, Level] | None = None,
        overrides: Mapping[tuple[str, str], Level] | None = None,
    ) -> TieGraph:
        return cls(
            ties=frozenset(ties),
            competitors=frozenset(_pair(a, b) for a, b in competitors),
            defaults=dict(defaults or {}),
            overrides=dict(overrides or {}),
        )

    def partners_of(self, org: str) -> set[str]:
        """Organisations with an accepted tie of any kind with ``org``."""
        out = {b for _, a, b in self.ties if a == org}
        out |= {a for _, a, b in self.ties if b == org}
        out.discard(org)
        return out

    def customers_of(self, org: str) -> set[str]:
        return {b for kind, a, b in self.ties if kind == "supplies" and a == org}


def level(graph: TieGraph, *, owner: str, viewer: str) -> Level:
    """What ``owner`` tells ``viewer`` of its customers (see the module's rules 1-4)."""
    if owner == viewer:
        return "all"
    if _pair(owner, viewer) in graph.competitors:
        return "hidden"
    if viewer not in graph.partners_of(owner):
        return "hidden"
    chosen = graph.overrides.get((owner, viewer))
    if chosen is None:
        chosen = graph.defaults.get(owner, DEFAULT_LEVEL)
    return chosen


def can_see_tie(graph: TieGraph, *, viewer: str, kind: str, a: str, b: str) -> bool:
    """Whether ``viewer`` may learn of the tie ``(kind, a, b)`` (see the module)."""
    if viewer in (a, b):
        return True
    if kind == "supplies":
        granted = level(graph, owner=a, viewer=viewer)
        if granted == "all":
            return True
        return granted == "overlap" and ("supplies", viewer, b) in graph.ties
    return "all" in (level(graph, owner=a, viewer=viewer), level(graph, owner=b, viewer=viewer))


def visible_ties(graph: TieGraph, viewer: str) -> set[tuple[str, str, str]]:
    """Every tie ``viewer`` may learn of: the list the SQL twin must equal."""
    return {t for t in graph.ties if can_see_tie(graph, viewer=viewer, kind=t[0], a=t[1], b=t[2])}


@dataclass(frozen=True)
class Overlap:
    """What ``org`` sees of its customers beside ``other``'s (account mapping).

    ``level`` is what ``other`` shares with ``org``. ``common_count`` needs ``counts``,
    ``common`` and ``ours_not_theirs`` need ``overlap`` (knowing the common customers,
    the rest of ours are not theirs), ``their_other_customers`` needs ``all``.
    """

    org: str
    other: str
    level: Level
    common_count: int | None
    common: list[str] | None
    their_other_customers: list[str] | None
    ours_not_theirs: list[str] | None


def overlap(graph: TieGraph, *, org: str, other: str) -> Overlap:
    """Account mapping of ``org`` with ``other`` as ``org`` may see it.

    With ``mine = customers(org)`` and ``theirs = customers(other)``: ``common_count =
    |mine ∩ theirs|``, ``common = sorted(mine ∩ theirs)``, ``their_other_customers =
    sorted(theirs \\ mine \\ {org})`` and ``ours_not_theirs = sorted(mine \\ theirs \\
    {other})``, each only from the level named in :class:`Overlap`."""
    granted = level(graph, owner=other, viewer=org)
    mine, theirs = graph.customers_of(org), graph.customers_of(other)
    return overlap_of(org=org, other=other, granted=granted, mine=mine, theirs=theirs)


def overlap_of(
    *, org: str, other: str, granted: Level, mine: set[str], theirs: set[str]
) -> Overlap:
    """:func:`overlap` from the level and the two customer sets (for the service)."""
    rank = RANK[granted]
    common = mine & theirs
    return Overlap(
        org=org,
        other=other,
        level=granted,
        common_count=len(common) if rank >= RANK["counts"] else None,
        common=sorted(common) if rank >= RANK["overlap"] else None,
        their_other_customers=sorted(theirs - mine - {org}) if rank >= RANK["all"] else None,
        ours_not_theirs=sorted(mine - theirs - {other}) if rank >= RANK["overlap"] else None,
    )
