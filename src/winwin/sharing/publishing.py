"""Publishing items: drafts checked against the sharing rules, the reach preview, keys.

A draft is checked for its shape (lengths, topics, keys), then as the item it would
become on the network as it is (``sharing.audience``): a refusal names the rule and the
field, and nothing is stored. The composer's preview runs the same checks.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from winwin.db.models import Item
from winwin.kernel.errors import (
    Conflict,
    InvalidInput,
    Problem,
    RuleBroken,
)
from winwin.kernel.keys import is_key
from winwin.network.repository import NetworkRepository
from winwin.notifications import service as notifications
from winwin.sharing import audience as policy
from winwin.sharing import feed, keys, refusals
from winwin.sharing.items import ItemRepository, Viewer
from winwin.sharing.repository import SharingRepository
from winwin.sharing.topics import clean_topics

MAX_TITLE = 500
MAX_BODY = 100_000


# --- Drafts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemDraft:
    """What a composer sends: an item before it is checked and stored."""

    title: str | None = None
    body: str | None = None
    topics: Sequence[str] | None = None
    level: str = "partners"
    orgs: Sequence[str] = ()
    circle: str | None = None
    exclude: Sequence[str] = ()
    reshare_of: str | None = None
    key: str | None = None


@dataclass(frozen=True)
class Exposure:
    """Who a competition-sensitive item would reach that it should not, by key.

    ``words``: sensitive words of the title and body; ``rivals``: the owner's
    competitors it reaches (only when ``words``: a sensitive *topic* is refused
    instead); ``pairs``: two reached organisations that compete with each other, when a
    topic or a word is sensitive (``topic`` names the topic, else the first word).
    """

    words: list[str] = field(default_factory=list)
    rivals: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    topic: str | None = None

    def __bool__(self) -> bool:
        return bool(self.rivals or self.pairs)


@dataclass(frozen=True)
class Published:
    """The stored item's key and id, with hub-and-spoke warnings (never refusals)."""

    key: str
    id: int
    warnings: list[str] = field(default_factory=list)
    exposure: Exposure = field(default_factory=Exposure)


@dataclass(frozen=True)
class ReachPreview:
    """Who a draft would reach, before it is published.

    ``reached``: the keys of the organisations it would reach besides the owner, for
    the audiences the owner knows by name (partners, named partners, a circle); empty
    for the whole network and the public.
    """

    counts: dict[str, Any]
    problems: list[Problem]
    warnings: list[str]
    reached: list[str] = field(default_factory=list)
    exposure: Exposure = field(default_factory=Exposure)


def exposure_of(network: policy.Network, item: policy.ItemPolicy, text: str) -> Exposure:
    topics = sorted(network.sensitive_among(policy.effective_topics(network, item)))
    words = network.sensitive_words(text)
    if not topics and not words:
        return Exposure()
    return Exposure(
        words=words,
        rivals=policy.competitors_reached(network, item) if words else [],
        pairs=policy.competing_pairs(network, item),
        topic=topics[0] if topics else None,
    )


def _text_of(draft: ItemDraft) -> str:
    return f"{draft.title or ''}\n{(draft.body or '')[:MAX_SCANNED]}"


#: How much of a body the sensitive-word warning reads.
MAX_SCANNED = 20_000


def _check_shape(draft: ItemDraft) -> list[policy.Exclusion]:
    problems: list[Problem] = []
    if draft.level not in policy.LEVELS:
        problems.append(
            refusals.UNKNOWN_LEVEL(
                "audience.level", level=draft.level, levels=", ".join(policy.LEVELS)
            )
        )
    if draft.reshare_of is None and not (draft.title or "").strip():
        problems.append(refusals.TITLE_REQUIRED("title"))
    if draft.title is not None and (len(draft.title) > MAX_TITLE or "\x00" in draft.title):
        problems.append(refusals.TEXT_TOO_LONG("title", n=MAX_TITLE))
    if draft.body is not None and (len(draft.body) > MAX_BODY or "\x00" in draft.body):
        problems.append(refusals.TEXT_TOO_LONG("body", n=MAX_BODY))
    if draft.reshare_of is not None and not feed.is_key(draft.reshare_of):
        problems.append(refusals.NO_ORIGINAL("reshare_of", original=repr(draft.reshare_of)))
    if draft.circle and not feed.is_key(draft.circle):
        problems.append(refusals.NO_CIRCLE("audience.circle", circle=repr(draft.circle)))
    if draft.key is not None and not is_key(draft.key):
        problems.append(refusals.BAD_ITEM_KEY("key"))
    exclusions: list[policy.Exclusion] = []
    for i, text in enumerate(draft.exclude):
        try:
            exclusions.append(policy.Exclusion.parse(text.strip()))
        except InvalidInput as exc:
            problems.append(replace(exc.problem, path=f"exclude[{i}]"))
    if problems:
        raise InvalidInput(problems)
    return list(dict.fromkeys(exclusions))


def _draft_policy(
    session: Session, owner: Viewer, draft: ItemDraft, key: str
) -> tuple[policy.Network, policy.ItemPolicy, Item | None, list[str] | None]:
    """The network snapshot the draft is judged in, and the draft as the policy sees it."""
    exclusions = _check_shape(draft)
    topics = clean_topics(draft.topics)
    repo = SharingRepository(session)
    original: Item | None = None
    if draft.reshare_of is not None:
        original = repo.item_by_key(draft.reshare_of)
        if original is None:
            raise InvalidInput(refusals.NO_ORIGINAL("reshare_of", original=draft.reshare_of))
    circle_ids: set[int] = set()
    if draft.circle:
        circle = repo.circle_by_key(draft.circle)
        mine = repo.membership(circle.id, owner.id) if circle is not None else None
        # A circle the owner is not a member of answers exactly like an unknown one:
        # describing its reach would tell its members, countries and competitors.
        if circle is None or mine is None or mine.status != "member":
            raise InvalidInput(refusals.NO_CIRCLE("audience.circle", circle=draft.circle))
        circle_ids.add(circle.id)
    named = NetworkRepository(session).org_ids()
    orgs = list(dict.fromkeys(o.strip() for o in draft.orgs if o.strip()))
    unknown = [
        refusals.NO_SUCH_ORG(f"audience.orgs[{i}]", org=o)
        for i, o in enumerate(orgs)
        if o not in named
    ]
    if unknown:
        raise InvalidInput(unknown)
    wide = draft.level in ("network", "public")
    scope = None if wide else {owner.id, *(named[o] for o in orgs)}
    scope_excluded = {named[e.value] for e in exclusions if e.kind == "org" and e.value in named}
    if scope is not None:
        scope |= scope_excluded
    network = feed.local_network(
        session,
        item_ids={original.id} if original else set(),
        org_ids=scope,
        with_partners=True,
        owners={owner.id},
        circle_ids=circle_ids,
    )
    inherited: list[str] | None = None
    if topics is None and original is not None:
        inherited = sorted(policy.effective_topics(network, original.key))
    item = policy.ItemPolicy(
        key=key,
        owner=owner.key,
        audience=policy.Audience(
            level=draft.level,  # type: ignore[arg-type]
            orgs=frozenset(orgs),
            circle=draft.circle or None,
        ),
        topics=frozenset(topics if topics is not None else (inherited or [])),
        exclude=tuple(exclusions),
        reshare_of=original.key if original else None,
    )
    return network, item, original, topics


_KEY_TRIES = 8


def chosen_key_or_raise(session: Session, owner: Viewer, key: str) -> None:
    """Refuse a key outside ``owner``'s namespace (``sharing.keys``), naming ``key``.

    Only then may a door answer "already exists": the collision is with a key of the
    owner's own namespace, never with another organisation's hidden item or circle.
    """
    candidates = keys.prefixes(key)
    known = NetworkRepository(session).names_of(candidates) if candidates else {}
    problem = keys.chosen_key_problem(key, owner=owner.key, org_keys=known)
    if problem is not None:
        raise InvalidInput(problem)


def _new_key(owner: Viewer, taken: Callable[[str], bool]) -> str:
    """A fresh random key for ``owner`` (``sharing.keys.generated_key``).

    A taken one is drawn again rather than refused, so that a key made for the caller
    never answers "already exists" about an item it may not see.
    """
    for _ in range(_KEY_TRIES):
        key = keys.generated_key(owner.key, secrets.token_hex(8))
        if not taken(key):
            return key
    raise Conflict(refusals.NO_FREE_KEY())


def preview_reach(session: Session, *, owner: Viewer, draft: ItemDraft) -> ReachPreview:
    """Counts for the composer's sentence, with the refusals and warnings it would get."""
    network, item, _, _ = _draft_policy(session, owner, draft, draft.key or "draft")
    named = item.audience.level in ("partners", "direct", "circle")
    return ReachPreview(
        counts=policy.describe_reach(network, item),
        problems=policy.validate_item(network, item),
        warnings=policy.hub_and_spoke_warnings(network, item),
        reached=sorted(policy.reach(network, item) - {owner.key}) if named else [],
        exposure=exposure_of(network, item, _text_of(draft)),
    )


def publish_item(session: Session, *, owner: Viewer, draft: ItemDraft) -> Published:
    """Check a draft against the sharing rules and store it.

    Raises ``InvalidInput`` for a malformed draft and ``RuleBroken`` naming the rule
    (with the field as path) when the contract refuses it; nothing is stored then.
    Hub-and-spoke risks come back as warnings.
    """
    repo = SharingRepository(session)
    _check_shape(draft)
    if draft.key is None:
        key = _new_key(owner, lambda k: repo.item_by_key(k) is not None)
    else:
        key = draft.key
        chosen_key_or_raise(session, owner, key)
        if repo.item_by_key(key) is not None:
            # Only ever one of the owner's own keys (or one an import gave out in its
            # namespace): the prefix rule keeps other organisations' keys out of reach.
            raise Conflict(refusals.ITEM_TAKEN(key=key))
    network, item, original, topics = _draft_policy(session, owner, draft, key)
    problems = policy.validate_item(network, item)
    if problems:
        raise RuleBroken(problems)
    warnings = policy.hub_and_spoke_warnings(network, item)
    exposure = exposure_of(network, item, _text_of(draft))
    circle = repo.circle_by_key(draft.circle) if draft.circle else None
    stored = Item(
        key=key,
        owner_id=owner.id,
        title=(draft.title or "").strip() or (original.title if original else key),
        body=draft.body if draft.body is not None else (original.body if original else ""),
        level=draft.level,
        circle_id=circle.id if circle else None,
        reshare_of_id=original.id if original else None,
        own_content=draft.title is not None and bool(draft.title.strip()),
        created_at=datetime.now(UTC),
    )
    session.add(stored)
    session.flush()
    if topics is None and original is not None:
        topics = repo.topics_of([original.id]).get(original.id, [])
    named = NetworkRepository(session).org_ids()
    items = ItemRepository(session)
    items.replace_details(
        [stored.id],
        topics=[(stored.id, t) for t in topics or []],
        orgs=[(stored.id, named[o]) for o in sorted(item.audience.orgs)],
        exclusions=[
            (stored.id, e.kind, e.value, position) for position, e in enumerate(item.exclude)
        ],
    )
    if original is not None:
        items.add_reshare_lineage(stored.id, original.id, own_topics=bool(topics))
    if draft.level == "direct":
        notifications.notify_orgs(
            session,
            kind="shared",
            item_id=stored.id,
            org_ids=[named[o] for o in item.audience.orgs],
            actor_user_id=None,
            actor_org_id=owner.id,
        )
    return Published(key=key, id=stored.id, warnings=warnings, exposure=exposure)
