"""The visibility policy: the single checkpoint of who may see which item.

Everything here is pure and reads one immutable snapshot, :class:`Network`. The SQL
feed query must admit exactly the items that :func:`can_see` admits, so the rules are
spelled out once, here, and every other layer defers to them.

The rules, for an organisation ``X`` (a key in ``network.orgs``) and an item ``I``:

1. **Reshare chain.** If ``I`` reshares ``O`` (``reshare_of``), ``X`` sees ``I`` only if
   ``X`` sees ``O`` (recursively, down to the root item) *and* ``I``'s own audience
   admits ``X`` (steps 2-6 applied to ``I``). A missing original, a reshare cycle or a
   chain of more than :data:`MAX_CHAIN` reshares makes the item visible to nobody. So a
   reshare never widens an audience, and even a reshare's owner sees it only while it
   can see the original.
2. **Owner.** ``I``'s own audience always admits its owner: exclusions and holds never
   hide an item from its owner.
3. **Base audience** (``audience.level``):
   ``secret`` - nobody else; ``direct`` - organisations in ``audience.orgs`` that are
   *currently* partners of the owner (a named organisation that is no longer a partner
   is not admitted); ``partners`` - partners of the owner, never a partner's partner;
   ``circle`` - members of ``audience.circle`` (nobody else when the circle is unknown);
   ``network`` and ``public`` - every organisation in ``network.orgs``.
4. **Exclusions** win over step 3: ``competitors`` removes the owner's competitors,
   ``org:K`` removes ``K``, ``country:CC`` removes organisations whose ``country`` equals
   ``CC`` exactly *or ever did*, ``cluster:N`` removes organisations whose ``cluster``
   equals ``N`` exactly *or ever did* (see "Sticky exclusions" below). An organisation
   that never had a country (cluster) is never removed by a country (cluster) exclusion.
5. **Agreement hold.** Let ``T`` be the item's effective topics (its own topics, or for
   a reshare that gives none, those of its original). For every agreement whose pair
   contains the owner and whose secret topics meet ``T``, ``X`` must belong to that
   pair. With several such agreements, ``X`` must belong to every pair.

6. **Competition guard.** If ``T`` meets the network's competition-sensitive topics,
   ``X`` must not be a competitor of the owner, whatever the level and the exclusions
   say. The guard is read at every decision, so competitors declared after publishing,
   a competitor joining a circle, a reshare or an import never let such an item reach a
   competitor. In a reshare chain each item is checked against its *own* owner's
   competitors (step 1 applies steps 2-6 to every item of the chain).

Anonymous readers (``viewer=None``) see an item only if it is ``public``, no agreement
holds it, it is not a competition-sensitive item of an owner that has competitors (an
anonymous reader may be one of them), and (for a reshare) anonymous readers see the
original too. Exclusions do not apply to them (a ``public`` item may carry none). A
viewer key that is not in ``network.orgs`` is treated as an anonymous reader.

**Topics** are compared after :func:`winwin.sharing.topics.normalize_topic` (case-folded,
trimmed, spaces collapsed): ``Pricing`` meets the ``pricing`` guard and ``Recipe`` the
``recipe`` agreement. The competition guard also matches after Snowball stemming in
Finnish, Swedish and English (:func:`winwin.sharing.topics.topic_stems`): ``Hinnat``,
``hinnoittelun`` and ``priser`` meet ``hinta``, ``hinnoittelu`` and ``pris``.
:class:`ItemPolicy` and :class:`Network` normalise what they are given.

**Sticky exclusions.** An organisation's own profile edits never widen what it sees: a
``country:CC`` (``cluster:N``) exclusion removes every organisation that has *ever* had
that country (cluster), not only those that have it now. :class:`Org` carries the past
values (``past_countries``, ``past_clusters``); the store records every value an
organisation is given in a history table that is never pruned.

**Reshare chains** are followed to the root, never cut: a chain of more than
:data:`MAX_CHAIN` reshares is refused by :func:`validate_item` and, should one exist,
is visible to nobody.

:func:`validate_item` also refuses, at publish time, an item whose declared audience
would reach a competitor of its owner (or an outsider of an agreement): a courtesy that
tells the author at once; the guard above is what protects the item.
One module although long: it is the single checkpoint, read as a whole by whoever must
trust it, and mirrored by its SQL twin (``sharing.items``) and the consistency suites.
The refusals, warnings and reports at its end (:func:`validate_item`,
:func:`describe_reach`, :func:`openness`) are decided by the same private steps as
:func:`can_see` (the chain, the base audience, exclusions, holds, the guard); apart,
those steps would have to become public and the rule would be spelled in two places.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from winwin.kernel.errors import InvalidInput, NotFound, Problem
from winwin.kernel.keys import is_key
from winwin.sharing import refusals
from winwin.sharing.topics import meeting, meeting_in_text, normalize_topic, stems_of

Level = Literal["secret", "direct", "partners", "circle", "network", "public"]
LEVELS: tuple[Level, ...] = ("secret", "direct", "partners", "circle", "network", "public")

ExclusionKind = Literal["competitors", "org", "country", "cluster"]

#: The share of an organisation's own items that may be secret (the 3-5 % rule).
SECRET_SHARE_LIMIT = 0.05

#: The longest reshare chain (reshares above the root) that may be published.
MAX_CHAIN = 1000

_COUNTRY = re.compile(r"[A-Za-z]{2}")
_EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Org:
    """An organisation as the policy sees it: its key, country and declared cluster.

    ``past_countries`` and ``past_clusters`` hold every value the organisation has ever
    had (the current one may be among them); exclusions match them too.
    """

    key: str
    country: str | None = None
    cluster: str | None = None
    past_countries: frozenset[str] = frozenset()
    past_clusters: frozenset[str] = frozenset()

    def ever_in_country(self, country: str) -> bool:
        return self.country == country or country in self.past_countries

    def ever_in_cluster(self, cluster: str) -> bool:
        return self.cluster == cluster or cluster in self.past_clusters


@dataclass(frozen=True)
class Audience:
    """Who an item is for before exclusions: a level and, for some levels, whom."""

    level: Level
    orgs: frozenset[str] = frozenset()
    circle: str | None = None


@dataclass(frozen=True)
class Exclusion:
    """One exclusion of an item: ``competitors``, ``org:KEY``, ``country:CC``, ``cluster:N``."""

    kind: ExclusionKind
    value: str = ""

    @classmethod
    def parse(cls, text: str) -> Exclusion:
        """Read the contract's text form; country codes are upper-cased.

        Raises :class:`InvalidInput` for anything but the four forms.
        """
        if text == "competitors":
            return cls("competitors")
        kind, sep, value = text.partition(":")
        if sep:
            if kind == "org" and is_key(value):
                return cls("org", value)
            if kind == "country" and _COUNTRY.fullmatch(value):
                return cls("country", value.upper())
            if kind == "cluster" and value.strip() == value and value.isprintable() and value:
                return cls("cluster", value)
        raise InvalidInput(refusals.BAD_EXCLUSION(text=text))

    def __str__(self) -> str:
        return self.kind if self.kind == "competitors" else f"{self.kind}:{self.value}"


@dataclass(frozen=True)
class ItemPolicy:
    """The parts of an item that decide who sees it."""

    key: str
    owner: str
    audience: Audience
    topics: frozenset[str] = frozenset()
    exclude: tuple[Exclusion, ...] = ()
    reshare_of: str | None = None

    def __post_init__(self) -> None:
        normal = frozenset(t for t in map(normalize_topic, self.topics) if t)
        if normal != self.topics:
            object.__setattr__(self, "topics", normal)


@dataclass(frozen=True)
class Decision:
    """The answer to "may this viewer see this item?", with one plain sentence why."""

    visible: bool
    reason: str

    def __bool__(self) -> bool:
        return self.visible


@dataclass(frozen=True, eq=False)
class Network:
    """An immutable snapshot of everything the policy reads.

    ``partners`` and ``competitors`` must be symmetric, ``agreements`` maps an unordered
    pair to its secret topics; a key missing from a map means "none". Use
    :meth:`build` to get the symmetric maps from plain lists. Do not mutate the maps
    after construction: an index of agreements is built once.
    """

    orgs: Mapping[str, Org]
    partners: Mapping[str, frozenset[str]] = field(default_factory=dict)
    competitors: Mapping[str, frozenset[str]] = field(default_factory=dict)
    circles: Mapping[str, frozenset[str]] = field(default_factory=dict)
    agreements: Mapping[frozenset[str], frozenset[str]] = field(default_factory=dict)
    sensitive_topics: frozenset[str] = frozenset()
    items: Mapping[str, ItemPolicy] = field(default_factory=dict)
    # owner -> ((other party, secret topics), ...); keeps the hold check O(own agreements).
    _agreements_of: Mapping[str, tuple[tuple[str, frozenset[str]], ...]] = field(
        init=False, repr=False, compare=False
    )
    # Every key (sharing.topics.topic_stems) of the sensitive topics.
    _sensitive_stems: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "sensitive_topics",
            frozenset(t for t in map(normalize_topic, self.sensitive_topics) if t),
        )
        object.__setattr__(self, "_sensitive_stems", stems_of(self.sensitive_topics))
        index: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for pair, raw in self.agreements.items():
            topics = frozenset(t for t in map(normalize_topic, raw) if t)
            if len(pair) != 2 or not topics:
                continue
            a, b = sorted(pair)
            index.setdefault(a, []).append((b, topics))
            index.setdefault(b, []).append((a, topics))
        object.__setattr__(self, "_agreements_of", {k: tuple(sorted(v)) for k, v in index.items()})

    def sensitive_words(self, text: str) -> list[str]:
        """The words of a title or body that meet a competition-sensitive topic."""
        return meeting_in_text(text, self._sensitive_stems)

    def sensitive_among(self, topics: Iterable[str]) -> frozenset[str]:
        """The topics that meet a competition-sensitive topic after stemming."""
        return meeting(topics, self._sensitive_stems)

    @classmethod
    def build(
        cls,
        *,
        orgs: Iterable[Org] | Mapping[str, Org] = (),
        ties: Iterable[tuple[str, str, str]] = (),
        competitors: Iterable[tuple[str, str]] = (),
        circles: Mapping[str, Iterable[str]] | None = None,
        agreements: Iterable[tuple[tuple[str, str], Iterable[str]]] = (),
        sensitive_topics: Iterable[str] = (),
        items: Iterable[ItemPolicy] = (),
    ) -> Network:
        """Make a snapshot from plain lists.

        Every tie ``(kind, from, to)``, whatever its kind, makes the two partners of each
        other; competitor pairs are made symmetric; agreements on the same pair merge
        their topics. Ties, competitor pairs and agreements of an organisation with
        itself are ignored.
        """
        org_map = dict(orgs) if isinstance(orgs, Mapping) else {o.key: o for o in orgs}
        partners: dict[str, set[str]] = {}
        for _kind, a, b in ties:
            if a != b:
                partners.setdefault(a, set()).add(b)
                partners.setdefault(b, set()).add(a)
        rivals: dict[str, set[str]] = {}
        for a, b in competitors:
            if a != b:
                rivals.setdefault(a, set()).add(b)
                rivals.setdefault(b, set()).add(a)
        secret: dict[frozenset[str], set[str]] = {}
        for (a, b), topics in agreements:
            if a == b:
                continue
            secret.setdefault(frozenset((a, b)), set()).update(topics)
        return cls(
            orgs=org_map,
            partners={k: frozenset(v) for k, v in partners.items()},
            competitors={k: frozenset(v) for k, v in rivals.items()},
            circles={k: frozenset(v) for k, v in (circles or {}).items()},
            agreements={k: frozenset(v) for k, v in secret.items()},
            sensitive_topics=frozenset(sensitive_topics),
            items={i.key: i for i in items},
        )

    def partners_of(self, org: str) -> frozenset[str]:
        """The organisations joined to ``org`` by any tie."""
        return self.partners.get(org, _EMPTY)

    def competitors_of(self, org: str) -> frozenset[str]:
        """The declared competitors of ``org``."""
        return self.competitors.get(org, _EMPTY)


# --- The reshare chain -------------------------------------------------------------


@dataclass(frozen=True)
class _Chain:
    """An item followed by its originals down to the root, or where the chain breaks."""

    items: tuple[ItemPolicy, ...]
    topics: tuple[frozenset[str], ...]  # effective topics, parallel to ``items``
    broken: str | None  # the sentence saying why no one sees the last item, if broken


def _chain(network: Network, item: ItemPolicy) -> _Chain:
    """Follow ``reshare_of`` from ``item``; ``item`` replaces any stored item of its key.

    Cost: O(length of the chain).
    """

    def lookup(key: str) -> ItemPolicy | None:
        return item if key == item.key else network.items.get(key)

    chain = [item]
    seen = {item.key}
    broken: str | None = None
    current = item
    while current.reshare_of is not None:
        original = lookup(current.reshare_of)
        if original is None:
            broken = f"The original item {current.reshare_of} does not exist."
            break
        if original.key in seen:
            broken = "The item is part of a reshare cycle."
            break
        chain.append(original)
        seen.add(original.key)
        current = original
    if broken is None and len(chain) - 1 > MAX_CHAIN:
        broken = f"The reshare chain is deeper than {MAX_CHAIN} reshares."
    topics: list[frozenset[str]] = [_EMPTY] * len(chain)
    inherited: frozenset[str] = _EMPTY
    if broken is None:
        for i in range(len(chain) - 1, -1, -1):
            inherited = chain[i].topics or inherited
            topics[i] = inherited
    else:
        topics = [c.topics for c in chain]
    return _Chain(tuple(chain), tuple(topics), broken)


def _resolve(network: Network, item: str | ItemPolicy) -> ItemPolicy:
    if isinstance(item, ItemPolicy):
        return item
    found = network.items.get(item)
    if found is None:
        raise NotFound(f"There is no item {item}.")
    return found


def effective_topics(network: Network, item: str | ItemPolicy) -> frozenset[str]:
    """The item's topics, or for a reshare that gives none, those of its original."""
    return _chain(network, _resolve(network, item)).topics[0]


# --- One item's own audience ---------------------------------------------------------


def _holds(network: Network, item: ItemPolicy, topics: frozenset[str]) -> list[tuple[str, str]]:
    """The agreements holding the item: ``(other party, first secret topic)`` each.

    Only agreements whose pair contains the owner count. Cost: O(owner's agreements).
    """
    if not topics:
        return []
    held: list[tuple[str, str]] = []
    for other, secret in network._agreements_of.get(item.owner, ()):
        shared = topics & secret
        if shared:
            held.append((other, min(shared)))
    return held


def _base(network: Network, viewer: str, item: ItemPolicy) -> Decision:
    """Step 3: does the level admit ``viewer`` (not the owner, known to the network)?"""
    owner = item.owner
    level = item.audience.level
    if level == "public":
        return Decision(True, "The item is public.")
    if level == "network":
        return Decision(True, f"{viewer} belongs to the network.")
    if level == "partners":
        if viewer in network.partners_of(owner):
            return Decision(True, f"{viewer} is a partner of {owner}.")
        return Decision(False, f"{viewer} is not a partner of {owner}.")
    if level == "direct":
        if viewer not in item.audience.orgs:
            return Decision(False, f"{viewer} is not named in the item's audience.")
        if viewer not in network.partners_of(owner):
            return Decision(
                False, f"{viewer} is named in the audience but is not a partner of {owner}."
            )
        return Decision(True, f"{viewer} is named in the item's audience.")
    if level == "circle":
        circle = item.audience.circle
        if circle is None or circle not in network.circles:
            return Decision(False, "The item names no known circle, so only its owner sees it.")
        if viewer in network.circles[circle]:
            return Decision(True, f"{viewer} is a member of circle {circle}.")
        return Decision(False, f"{viewer} is not a member of circle {circle}.")
    if level == "secret":
        return Decision(False, f"The item is secret to {owner}.")
    return Decision(False, f"The item has an unknown audience level '{level}'.")


def _excluded_by(network: Network, org: Org, item: ItemPolicy) -> Exclusion | None:
    """Step 4: the first exclusion of the item that names ``org``. Cost: O(exclusions)."""
    for exclusion in item.exclude:
        kind = exclusion.kind
        if kind == "competitors":
            if org.key in network.competitors_of(item.owner):
                return exclusion
        elif kind == "org":
            if org.key == exclusion.value:
                return exclusion
        elif kind == "country":
            if org.ever_in_country(exclusion.value):
                return exclusion
        elif kind == "cluster" and org.ever_in_cluster(exclusion.value):
            return exclusion
    return None


def _exclusion_reason(org: str, owner: str, exclusion: Exclusion) -> str:
    if exclusion.kind == "competitors":
        return f"{org} is excluded as a competitor of {owner}."
    if exclusion.kind == "org":
        return f"{org} is excluded by name."
    return f"{org} is excluded by {exclusion.kind} {exclusion.value}."


def _hold_reason(viewer: str, owner: str, other: str, topic: str) -> str:
    a, b = sorted((owner, other))
    return (
        f"Topic '{topic}' is secret between {a} and {b} under their agreement, "
        f"and {viewer} is outside that pair."
    )


def _own(
    network: Network,
    viewer: str | None,
    item: ItemPolicy,
    topics: frozenset[str],
    *,
    hold: bool = True,
) -> Decision:
    """Steps 2-6 for one item, ignoring its originals.

    ``viewer`` is None for an anonymous reader, else a key of ``network.orgs``.
    ``hold=False`` leaves out steps 5 and 6 (the audience as declared, for
    :func:`validate_item`).
    """
    if viewer is None:
        if item.audience.level != "public":
            return Decision(False, "Only public items are visible to anonymous readers.")
        if hold and _holds(network, item, topics):
            return Decision(False, "An agreement keeps the item inside a pair.")
        if hold and network.competitors_of(item.owner):
            sensitive = network.sensitive_among(topics)
            if sensitive:
                return Decision(
                    False,
                    f"Topic '{min(sensitive)}' is competition-sensitive and {item.owner} has "
                    "competitors, so anonymous readers do not see it.",
                )
        return Decision(True, "The item is public.")
    if viewer == item.owner:
        return Decision(True, f"{viewer} owns the item.")
    decision = _base(network, viewer, item)
    if not decision.visible:
        return decision
    if item.exclude:
        exclusion = _excluded_by(network, network.orgs[viewer], item)
        if exclusion is not None:
            return Decision(False, _exclusion_reason(viewer, item.owner, exclusion))
    if hold:
        for other, topic in _holds(network, item, topics):
            if viewer != other:
                return Decision(False, _hold_reason(viewer, item.owner, other, topic))
        guarded = _guarded_topic(network, viewer, item, topics)
        if guarded is not None:
            return Decision(
                False,
                f"Topic '{guarded}' is competition-sensitive and {viewer} is a competitor "
                f"of {item.owner}.",
            )
    return decision


def _guarded_topic(
    network: Network, viewer: str, item: ItemPolicy, topics: frozenset[str]
) -> str | None:
    """Step 6: the first sensitive topic keeping the item from ``viewer``, a competitor."""
    if viewer not in network.competitors_of(item.owner):
        return None
    sensitive = network.sensitive_among(topics)
    return min(sensitive) if sensitive else None


def _decide(network: Network, viewer: str | None, chain: _Chain) -> Decision:
    items = chain.items
    if chain.broken is not None:
        if len(items) == 1:
            return Decision(False, chain.broken)
        who = "anonymous readers" if viewer is None else viewer
        return Decision(False, f"The original item {items[1].key} is not visible to {who}.")
    # The originals first, so a reader learns why the reshare is hidden from the nearest one.
    for i in range(1, len(items)):
        if not _own(network, viewer, items[i], chain.topics[i]).visible:
            who = "anonymous readers" if viewer is None else viewer
            return Decision(False, f"The original item {items[1].key} is not visible to {who}.")
    decision = _own(network, viewer, items[0], chain.topics[0])
    if decision.visible and len(items) > 1:
        reason = decision.reason
        return Decision(True, f"It reshares {items[1].key}, and {reason[0].lower()}{reason[1:]}")
    return decision


# --- The public checks ---------------------------------------------------------------


def can_see(network: Network, viewer: str | None, item: str | ItemPolicy) -> Decision:
    """May ``viewer`` (an organisation key, or None for anonymous) see ``item``?

    Applies the rules in the module docstring. Cost: O(length of the reshare chain x
    (exclusions + the owners' agreements)); it never scans the network.
    Raises :class:`NotFound` when ``item`` is a key with no item.
    """
    policy = _resolve(network, item)
    known = viewer is None or viewer in network.orgs
    who = viewer if known else None
    if policy.reshare_of is None:
        decision = _own(network, who, policy, policy.topics)
    else:
        decision = _decide(network, who, _chain(network, policy))
    if known or decision.visible:
        return decision
    return Decision(False, f"{viewer} is not an organisation of the network.")


def visible_items(network: Network, viewer: str | None) -> list[str]:
    """The keys of every item ``viewer`` can see, sorted. O(items)."""
    return sorted(k for k in network.items if can_see(network, viewer, k).visible)


def _candidates(network: Network, item: ItemPolicy) -> set[str]:
    """The organisations the level could admit (a superset of the item's own reach)."""
    level = item.audience.level
    found: set[str]
    if level in ("network", "public"):
        return set(network.orgs)
    if level == "partners":
        found = set(network.partners_of(item.owner))
    elif level == "direct":
        found = set(item.audience.orgs & network.partners_of(item.owner))
    elif level == "circle" and item.audience.circle is not None:
        found = set(network.circles.get(item.audience.circle, _EMPTY))
    else:
        found = set()
    found.add(item.owner)
    return {k for k in found if k in network.orgs}


def _admits(network: Network, chain: _Chain, org: str, *, hold: bool) -> bool:
    head = chain.items[0]
    if not _own(network, org, head, chain.topics[0], hold=hold).visible:
        return False
    return all(
        _own(network, org, chain.items[i], chain.topics[i]).visible
        for i in range(1, len(chain.items))
    )


def _reach(
    network: Network, chain: _Chain, *, hold: bool, among: Iterable[str] | None = None
) -> frozenset[str]:
    """Who the chain admits; ``among`` narrows the candidates (e.g. to competitors)."""
    if chain.broken is not None:
        return frozenset()
    candidates = _candidates(network, chain.items[0])
    if among is not None:
        candidates &= set(among)
    return frozenset(org for org in candidates if _admits(network, chain, org, hold=hold))


def reach(network: Network, item: str | ItemPolicy) -> frozenset[str]:
    """The organisations that can see ``item``: exactly ``{o : can_see(o, item)}``.

    Anonymous readers are not counted. Cost: O(organisations the level admits).
    """
    return _reach(network, _chain(network, _resolve(network, item)), hold=True)


def held_by_agreement(network: Network, item: str | ItemPolicy) -> bool:
    """True if an agreement whose pair contains the owner makes one of its topics secret."""
    policy = _resolve(network, item)
    return bool(_holds(network, policy, _chain(network, policy).topics[0]))


# --- Refusals and warnings -----------------------------------------------------------


def validate_item(network: Network, item: ItemPolicy) -> list[Problem]:
    """The reasons the contract refuses ``item``; empty when it may be published.

    Paths are relative to the item (``audience.orgs``, ``exclude[1]``, ``topics``...).
    The agreement and competition checks use the audience as declared, after exclusions
    and, for a reshare, intersected with the original's reach; ``network`` and
    ``public`` count as reaching every organisation, present or future.
    """
    problems: list[Problem] = []
    add = problems.append
    owner = item.owner
    audience = item.audience
    level = audience.level
    if owner not in network.orgs:
        add(refusals.OWNER_OUTSIDE("owner", owner=owner))
    if level not in LEVELS:
        add(refusals.UNKNOWN_LEVEL("audience.level", level=level, levels=", ".join(LEVELS)))
    if level == "direct":
        if not audience.orgs:
            add(refusals.DIRECT_WITHOUT_ORGS("audience.orgs"))
        for org in sorted(audience.orgs):
            if org not in network.partners_of(owner):
                add(refusals.NOT_A_PARTNER("audience.orgs", org=org, owner=owner))
    elif audience.orgs:
        add(refusals.ORGS_NOT_NAMED("audience.orgs", level=level))
    if level == "circle":
        circle = audience.circle
        if not circle:
            add(refusals.CIRCLE_UNNAMED("audience.circle"))
        elif circle not in network.circles:
            add(refusals.NO_CIRCLE("audience.circle", circle=circle))
        elif owner not in network.circles[circle]:
            add(refusals.NOT_CIRCLE_MEMBER("audience.circle", owner=owner, circle=circle))
    elif audience.circle is not None:
        add(refusals.CIRCLE_NOT_NAMED("audience.circle", level=level))
    if level == "public" and item.exclude:
        add(refusals.PUBLIC_EXCLUSIONS("exclude"))
    for i, exclusion in enumerate(item.exclude):
        if exclusion.kind == "org" and exclusion.value not in network.orgs:
            add(refusals.NO_SUCH_ORG(f"exclude[{i}]", org=exclusion.value))

    chain = _chain(network, item)
    if item.reshare_of is not None:
        original = network.items.get(item.reshare_of)
        depth = len(chain.items) - 1
        if chain.broken is not None and depth > MAX_CHAIN:
            add(
                refusals.CHAIN_TOO_LONG(
                    "reshare_of",
                    original=item.reshare_of,
                    key=item.key,
                    depth=depth,
                    most=MAX_CHAIN,
                )
            )
        elif chain.broken is not None and "cycle" in chain.broken:
            add(refusals.RESHARE_CYCLE("reshare_of", original=item.reshare_of))
        elif original is None:
            add(refusals.NO_ORIGINAL("reshare_of", original=item.reshare_of))
        elif original.audience.level == "secret":
            add(refusals.SECRET_ORIGINAL("reshare_of", original=original.key))
        elif (
            chain.broken is not None
            or not _decide(
                network, owner if owner in network.orgs else None, _chain(network, original)
            ).visible
        ):
            add(refusals.ORIGINAL_UNSEEN("reshare_of", owner=owner, original=original.key))
        if chain.broken is not None:
            return problems

    topics = chain.topics[0]
    holds = _holds(network, item, topics)
    # Only items carrying held or sensitive topics need a reach; computing it for every
    # item would make validation O(items x organisations) on a network-wide import.
    declared = _reach(network, chain, hold=False) if holds else frozenset()
    wide = level in ("network", "public")
    for other, _topic in holds:
        pair = frozenset((owner, other))
        a, b = sorted(pair)
        for topic in sorted(topics & network.agreements.get(pair, _EMPTY)):
            outside = sorted(declared - pair)
            if outside:
                example = outside[0]
            elif level == "public":
                example = "anonymous readers"
            elif wide:
                example = "any organisation that joins the network"
            else:
                continue
            add(refusals.AGREEMENT_SECRET("topics", topic=topic, a=a, b=b, example=example))
    sensitive = network.sensitive_among(topics)
    rivals = (
        sorted(_reach(network, chain, hold=False, among=network.competitors_of(owner)))
        if sensitive
        else []
    )
    if rivals:
        for topic in sorted(sensitive):
            names = ", ".join(rivals)
            what = "a competitor" if len(rivals) == 1 else "competitors"
            add(
                refusals.SENSITIVE_TO_COMPETITOR(
                    "topics", topic=topic, orgs=names, what=what, owner=owner
                )
            )
    return problems


def hub_and_spoke_warnings(
    network: Network, item: ItemPolicy, *, sensitive_only: bool = True
) -> list[str]:
    """Warn when the item would reach two organisations that compete with each other.

    The owner would then be the hub passing information between competing spokes.
    Pairs that include the owner are left out (:func:`validate_item` refuses those
    where it matters). By default only items with a competition-sensitive topic are
    checked; ``sensitive_only=False`` checks every item.
    """
    chain = _chain(network, item)
    sensitive = sorted(network.sensitive_among(chain.topics[0]))
    if sensitive_only and not sensitive:
        return []
    subject = f"topic '{sensitive[0]}'" if sensitive else "the item"
    return [
        f"{subject} reaches both {a} and {b}, who compete with each other; "
        f"{item.owner} would pass information between competitors"
        for a, b in competing_pairs(network, item)
    ]


def competing_pairs(network: Network, item: ItemPolicy) -> list[tuple[str, str]]:
    """Pairs ``(a, b)``, ``a < b``, of organisations other than the owner that ``item``
    would reach and that compete with each other (the hub-and-spoke risk)."""
    found = _reach(network, _chain(network, item), hold=True) - {item.owner}
    return [
        (a, b)
        for a in sorted(found)
        for b in sorted(network.competitors_of(a))
        if a < b and b in found
    ]


def competitors_reached(network: Network, item: ItemPolicy) -> list[str]:
    """The owner's competitors that ``item`` would reach, by key (the guard of step 6
    keeps them out only when a *topic* is sensitive; a word in the title or body is not
    a topic, so pages warn of it with this list)."""
    found = _reach(
        network, _chain(network, item), hold=True, among=network.competitors_of(item.owner)
    )
    return sorted(found - {item.owner})


# --- Reports -------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosedItem:
    """One of an organisation's items that counts as secret in its openness report."""

    key: str
    secret: bool  # its level is ``secret``
    held_by: tuple[tuple[str, str], ...]  # (other party, first secret topic) of each hold


def closed_items(network: Network, org: str) -> list[ClosedItem]:
    """ORG's own items that count as secret: level ``secret`` or held inside a pair by an
    agreement, sorted by key. ``openness`` counts exactly these."""
    found: list[ClosedItem] = []
    for item in network.items.values():
        if item.owner != org:
            continue
        held = tuple(_holds(network, item, _chain(network, item).topics[0]))
        if item.audience.level == "secret" or held:
            found.append(ClosedItem(item.key, item.audience.level == "secret", held))
    return sorted(found, key=lambda c: c.key)


def openness(network: Network, org: str) -> dict[str, object]:
    """The ``winwin openness ORG`` report of the contract.

    ``by_level`` counts ORG's own items (reshares included) for every level;
    ``secret_share = |secret or held by an agreement| / total`` (0.0 when total is 0);
    ``within_rule = secret_share <= 0.05``.
    """
    by_level: dict[str, int] = dict.fromkeys(LEVELS, 0)
    total = 0
    for item in network.items.values():
        if item.owner != org:
            continue
        total += 1
        by_level[item.audience.level] = by_level.get(item.audience.level, 0) + 1
    closed = len(closed_items(network, org))
    share = closed / total if total else 0.0
    return {
        "org": org,
        "total": total,
        "by_level": by_level,
        "secret_share": share,
        "within_rule": share <= SECRET_SHARE_LIMIT,
    }


def describe_reach(network: Network, item: ItemPolicy) -> dict[str, object]:
    """Counts for a sentence such as "12 organisations, 3 partners; 2 competitors removed".

    - ``total``: organisations that would see the item (the owner included);
    - ``anonymous``: whether anonymous readers would see it;
    - ``partners``: partners of the owner among ``total``;
    - ``limited_by_original``: for a reshare, organisations its level admits but that
      cannot see the original;
    - ``excluded_competitors``, ``excluded_orgs``, ``excluded_by_country`` ({CC: n}),
      ``excluded_by_cluster`` ({NAME: n}): organisations the level admits (and that see
      the original) removed by an exclusion, each counted once under the first
      exclusion that names it; ``excluded_competitors`` also counts the competitors the
      competition guard removes (step 6);
    - ``held_by_agreement``: organisations removed only by an agreement hold.
    """
    chain = _chain(network, item)
    by_country: dict[str, int] = {}
    by_cluster: dict[str, int] = {}
    counts = {"competitors": 0, "org": 0, "held": 0, "original": 0}
    seen: set[str] = set()
    topics = chain.topics[0]
    holds = _holds(network, item, topics)
    if chain.broken is None:
        for key in _candidates(network, item):
            if key != item.owner and not _base(network, key, item).visible:
                continue
            if not all(
                _own(network, key, chain.items[i], chain.topics[i]).visible
                for i in range(1, len(chain.items))
            ):
                counts["original"] += 1
                continue
            exclusion = (
                None if key == item.owner else _excluded_by(network, network.orgs[key], item)
            )
            if exclusion is None:
                if key == item.owner:
                    seen.add(key)
                elif not all(key == other for other, _ in holds):
                    counts["held"] += 1
                elif _guarded_topic(network, key, item, topics) is not None:
                    counts["competitors"] += 1
                else:
                    seen.add(key)
            elif exclusion.kind == "country":
                by_country[exclusion.value] = by_country.get(exclusion.value, 0) + 1
            elif exclusion.kind == "cluster":
                by_cluster[exclusion.value] = by_cluster.get(exclusion.value, 0) + 1
            else:
                counts[exclusion.kind] += 1
    anonymous = _decide(network, None, chain).visible
    return {
        "total": len(seen),
        "anonymous": anonymous,
        "partners": len(seen & network.partners_of(item.owner)),
        "limited_by_original": counts["original"],
        "excluded_competitors": counts["competitors"],
        "excluded_orgs": counts["org"],
        "excluded_by_country": by_country,
        "excluded_by_cluster": by_cluster,
        "held_by_agreement": counts["held"],
    }


__all__ = [
    "LEVELS",
    "MAX_CHAIN",
    "SECRET_SHARE_LIMIT",
    "Audience",
    "Decision",
    "Exclusion",
    "ExclusionKind",
    "ItemPolicy",
    "Level",
    "Network",
    "Org",
    "can_see",
    "competing_pairs",
    "competitors_reached",
    "describe_reach",
    "effective_topics",
    "held_by_agreement",
    "hub_and_spoke_warnings",
    "openness",
    "reach",
    "validate_item",
    "visible_items",
]
