"""Writing to the micro-network: publishing items, circles, agreements, the audit log.

Every use case takes a Session and never commits. Organisations are passed as
``Viewer`` (id, key, country, cluster), resolved by the door from a key or the signed-in
user's organisation.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import nh3
from markdown_it import MarkdownIt
from sqlalchemy.orm import Session

from winwin.db.models import Item
from winwin.kernel.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    RuleBroken,
)
from winwin.kernel.keys import is_key
from winwin.network.repository import SENSITIVE_TOPICS, NetworkRepository
from winwin.notifications import service as notifications
from winwin.sharing import audience as policy
from winwin.sharing import feed, keys, refusals
from winwin.sharing.items import ItemRepository, Viewer
from winwin.sharing.models import AgreementProposal
from winwin.sharing.repository import SharingRepository
from winwin.sharing.topics import normalize_topic

MAX_TITLE = 500
MAX_BODY = 100_000
MAX_TOPIC = 200
MAX_TOPICS = 20
CIRCLE_POSTS = 100
MAX_SENSITIVE_TOPICS = 200

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> str:
    """Markdown to HTML that is safe to insert into a page.

    Raw HTML in the source is shown as text (markdown-it's ``html`` is off) and the
    result is sanitised again by nh3, so a script in a title or body stays inert.
    """
    return nh3.clean(_markdown.render(text), link_rel="noopener noreferrer nofollow")


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


def _exposure(network: policy.Network, item: policy.ItemPolicy, text: str) -> Exposure:
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


def _clean_topics(topics: Sequence[str] | None, limit: int = MAX_TOPICS) -> list[str] | None:
    if topics is None:
        return None
    # One normal form at write (sharing.topics): "Pricing" is stored as "pricing".
    cleaned = [normalize_topic(t) for t in topics if normalize_topic(t)]
    problems = [
        refusals.TOPIC_LENGTH(f"topics[{i}]", n=MAX_TOPIC)
        for i, t in enumerate(cleaned)
        if len(t) > MAX_TOPIC or "\x00" in t
    ]
    if len(cleaned) > limit:
        problems.append(refusals.TOO_MANY_TOPICS("topics", n=limit))
    if problems:
        raise InvalidInput(problems)
    return list(dict.fromkeys(cleaned))


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
    topics = _clean_topics(draft.topics)
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


def _chosen_key_or_raise(session: Session, owner: Viewer, key: str) -> None:
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
        exposure=_exposure(network, item, _text_of(draft)),
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
        _chosen_key_or_raise(session, owner, key)
        if repo.item_by_key(key) is not None:
            # Only ever one of the owner's own keys (or one an import gave out in its
            # namespace): the prefix rule keeps other organisations' keys out of reach.
            raise Conflict(refusals.ITEM_TAKEN(key=key))
    network, item, original, topics = _draft_policy(session, owner, draft, key)
    problems = policy.validate_item(network, item)
    if problems:
        raise RuleBroken(problems)
    warnings = policy.hub_and_spoke_warnings(network, item)
    exposure = _exposure(network, item, _text_of(draft))
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


# --- The composer's sentence ---------------------------------------------------------------

Plural = Callable[[str, str, int], str]


def _english(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def reach_sentence(
    counts: dict[str, Any],
    *,
    level: str,
    ngettext: Plural = _english,
    country_name: Callable[[str], str] = str,
) -> str:
    """One sentence such as "12 partners, except 2 competitors and 1 in Sweden".

    ``ngettext(singular, plural, n)`` returns the (translated) form with ``%(num)d`` and
    other placeholders; ``country_name`` names a country code.
    """
    others = int(counts["total"]) - 1
    if level == "secret" or (others <= 0 and not counts["anonymous"]):
        head = ngettext("Only your organisation", "Only your organisation", 1) % {"num": 1}
    elif counts["anonymous"]:
        head = ngettext(
            "Everyone, including anonymous readers and %(num)d organisation",
            "Everyone, including anonymous readers and %(num)d organisations",
            others,
        ) % {"num": others}
    elif level == "partners":
        head = ngettext("%(num)d partner", "%(num)d partners", others) % {"num": others}
    elif level == "direct":
        head = ngettext("%(num)d named partner", "%(num)d named partners", others) % {"num": others}
    elif level == "circle":
        head = ngettext("%(num)d circle member", "%(num)d circle members", others) % {"num": others}
    else:
        head = ngettext("%(num)d organisation", "%(num)d organisations", others) % {"num": others}
    parts: list[str] = []

    def add(singular: str, plural: str, n: int, **values: str) -> None:
        if n:
            parts.append(ngettext(singular, plural, n) % {"num": n, **values})

    add("%(num)d competitor", "%(num)d competitors", int(counts["excluded_competitors"]))
    add("%(num)d named organisation", "%(num)d named organisations", int(counts["excluded_orgs"]))
    for code, n in sorted(counts["excluded_by_country"].items()):
        add("%(num)d in %(place)s", "%(num)d in %(place)s", int(n), place=country_name(code))
    for name, n in sorted(counts["excluded_by_cluster"].items()):
        add(
            "%(num)d in cluster %(place)s",
            "%(num)d in cluster %(place)s",
            int(n),
            place=name,
        )
    add(
        "%(num)d kept out by an agreement",
        "%(num)d kept out by an agreement",
        int(counts["held_by_agreement"]),
    )
    add(
        "%(num)d who cannot see the original",
        "%(num)d who cannot see the original",
        int(counts["limited_by_original"]),
    )
    if not parts:
        return head
    last = ngettext("%(rest)s and %(last)s", "%(rest)s and %(last)s", 1)
    joined = (
        parts[0] if len(parts) == 1 else last % {"rest": ", ".join(parts[:-1]), "last": parts[-1]}
    )
    return head + ngettext(", except %(rest)s", ", except %(rest)s", 1) % {"rest": joined}


# --- Opening items and the audit log -------------------------------------------------------


@dataclass(frozen=True)
class ItemView:
    """One item as its page shows it, after the checkpoint admitted the reader."""

    id: int
    key: str
    owner: str
    title: str
    body_html: str
    level: str
    topics: list[str]
    created_at: datetime
    reshare_of: str | None


def open_item(
    session: Session,
    *,
    viewer: Viewer | None,
    key: str,
    user_id: int | None = None,
    via: str = "web",
) -> ItemView:
    """The item if the checkpoint admits the viewer, else ``NotFound`` (never a hint).

    Opening another organisation's non-public item is written to the owner's audit log.
    """
    repo = SharingRepository(session)
    item = repo.item_by_key(key) if feed.is_key(key) else None
    if item is None or not ItemRepository(session).is_visible(viewer, item.id):
        raise NotFound(refusals.NO_ITEM(key=key))
    if viewer is not None and viewer.id != item.owner_id and item.level != "public":
        repo.record_open(
            item_id=item.id, owner_id=item.owner_id, viewer_id=viewer.id, user_id=user_id, via=via
        )
    owner = repo.org_keys([item.owner_id])[item.owner_id]
    original = repo.items_by_ids([item.reshare_of_id]) if item.reshare_of_id else {}
    topics = repo.topics_of([item.id]).get(item.id, [])
    return ItemView(
        id=item.id,
        key=item.key,
        owner=owner,
        title=item.title,
        body_html=render_markdown(item.body),
        level=item.level,
        topics=topics,
        created_at=item.created_at,
        reshare_of=original[item.reshare_of_id].key if item.reshare_of_id else None,
    )


def item_reach(session: Session, *, owner: Viewer, key: str) -> ReachPreview:
    """Who one of ``owner``'s items reaches now (the composer's preview, for its page).

    Only the owner asks: the reach names the owner's partners. Anyone else gets
    ``NotFound``, as for a missing item.
    """
    item = SharingRepository(session).item_by_key(key) if feed.is_key(key) else None
    if item is None or item.owner_id != owner.id:
        raise NotFound(refusals.NO_ITEM_OF_YOURS(key=key))
    return own_items_reach(session, owner=owner, item_ids=[item.id])[item.id]


def own_items_reach(
    session: Session, *, owner: Viewer, item_ids: Sequence[int]
) -> dict[int, ReachPreview]:
    """``item_reach`` for each of these items that ``owner`` owns (others are left out),
    by item id: one snapshot for the items its partners, circles and named partners
    reach, and one of the whole network only when a network or public item is among
    them (the feed restates its own items' audience with this)."""
    items = {
        i: item
        for i, item in SharingRepository(session).items_by_ids(item_ids).items()
        if item.owner_id == owner.id
    }
    found: dict[int, ReachPreview] = {}
    for wide in (False, True):
        ids = {i for i, item in items.items() if (item.level in ("network", "public")) == wide}
        if not ids:
            continue
        network = feed.local_network(
            session, item_ids=ids, org_ids=None if wide else {owner.id}, with_partners=True
        )
        for i in ids:
            item = items[i]
            stored = network.items[item.key]
            named = item.level in ("partners", "direct", "circle")
            found[i] = ReachPreview(
                counts=policy.describe_reach(network, stored),
                problems=[],
                warnings=[],
                reached=sorted(policy.reach(network, stored) - {owner.key}) if named else [],
                exposure=_exposure(network, stored, f"{item.title}\n{item.body[:MAX_SCANNED]}"),
            )
    return found


def exclusions_of(session: Session, item_ids: Sequence[int]) -> dict[int, list[str]]:
    """The exclusions of these items in their text form (``competitors``, ``org:K``…),
    for pages that restate an audience; the items were admitted by the checkpoint."""
    rows = SharingRepository(session).exclusions_of(item_ids)
    return {
        i: [str(policy.Exclusion(kind, value)) for kind, value in found]  # type: ignore[arg-type]
        for i, found in rows.items()
    }


def withdraw_item(session: Session, *, owner: Viewer, key: str) -> None:
    """Remove one of the organisation's own items, with everything that hangs on it.

    Its topics and audience, attachments, challenge or idea entry with comments and
    votes, notifications and audit rows go with it (ideas that answered a withdrawn
    challenge stay, answering none). ``NotFound`` when the organisation cannot see the
    item, ``PermissionDenied`` when it is not the owner, and ``Conflict`` while another
    item reshares it: a reshare belongs to its own owner, so it is not removed behind
    their back.
    """
    repo = SharingRepository(session)
    item = repo.item_by_key(key) if feed.is_key(key) else None
    if item is None or not ItemRepository(session).is_visible(owner, item.id):
        raise NotFound(refusals.NO_ITEM(key=key))
    if item.owner_id != owner.id:
        raise PermissionDenied(refusals.WITHDRAWER())
    reshares = repo.reshares_of(item.id)
    if reshares:
        named = ", ".join(f"{k} ({o})" for k, o in reshares[:5])
        if len(reshares) > 5:
            raise Conflict(refusals.RESHARED_MORE(key=key, named=named, more=len(reshares) - 5))
        raise Conflict(refusals.RESHARED(key=key, named=named))
    repo.delete_item(item)


def audit_log(session: Session, *, owner: Viewer, limit: int = 200) -> list[dict[str, Any]]:
    """Who opened which of the owner's non-public items, newest first."""
    return [
        {"item": k, "title": t, "opened_by": v, "opened_at": at}
        for k, t, v, at in SharingRepository(session).opens_of_owner(owner.id, limit=limit)
    ]


# --- Circles -------------------------------------------------------------------------------


def _circle_or_raise(session: Session, key: str) -> Any:
    circle = SharingRepository(session).circle_by_key(key) if feed.is_key(key) else None
    if circle is None:
        raise NotFound(refusals.UNKNOWN_CIRCLE(circle=key))
    return circle


def create_circle(session: Session, *, creator: Viewer, key: str, name: str) -> str:
    """A new circle whose first member is its creator.

    The key must lie in the creator's namespace (``CREATOR-…``, ``sharing.keys``), so
    that "already exists" never tells of a circle the creator is not in.
    """
    problems = []
    if not is_key(key):
        problems.append(refusals.BAD_CIRCLE_KEY("key"))
    if not name.strip() or len(name) > 300 or "\x00" in name:
        problems.append(refusals.CIRCLE_NAME("name"))
    if problems:
        raise InvalidInput(problems)
    _chosen_key_or_raise(session, creator, key)
    repo = SharingRepository(session)
    if repo.circle_by_key(key) is not None:
        raise Conflict(refusals.CIRCLE_TAKEN(key=key))
    circle = repo.add_circle(key=key, name=name.strip())
    repo.set_membership(circle.id, creator.id, "member")
    return key


def invite_to_circle(session: Session, *, circle: str, by: Viewer, org: str) -> None:
    """A member invites an organisation; it joins only when it accepts."""
    repo = SharingRepository(session)
    found = _circle_or_raise(session, circle)
    mine = repo.membership(found.id, by.id)
    if mine is None or mine.status != "member":
        # The same answer as for an unknown circle, so inviting never tells it exists.
        raise NotFound(refusals.UNKNOWN_CIRCLE(circle=circle))
    invitee = ItemRepository(session).viewer(org) if feed.is_key(org) else None
    if invitee is None:
        raise InvalidInput(refusals.UNKNOWN_ORG("org", org=org))
    current = repo.membership(found.id, invitee.id)
    if current is not None and current.status == "member":
        raise Conflict(refusals.ALREADY_MEMBER(org=org, circle=circle))
    repo.set_membership(found.id, invitee.id, "invited")


def answer_invitation(session: Session, *, circle: str, org: Viewer, accept: bool) -> None:
    """The invited organisation accepts (becomes a member) or declines."""
    repo = SharingRepository(session)
    found = _circle_or_raise(session, circle)
    current = repo.membership(found.id, org.id)
    if current is None or current.status != "invited":
        raise Conflict(refusals.NO_INVITATION(org=org.key, circle=circle))
    repo.set_membership(found.id, org.id, "member" if accept else "declined")


def leave_circle(session: Session, *, circle: str, org: Viewer) -> None:
    """A member leaves; the circle's items are no longer visible to it."""
    repo = SharingRepository(session)
    found = _circle_or_raise(session, circle)
    current = repo.membership(found.id, org.id)
    if current is None or current.status != "member":
        raise Conflict(refusals.NOT_A_MEMBER(org=org.key, circle=circle))
    repo.remove_membership(current)


@dataclass(frozen=True)
class CircleView:
    key: str
    name: str
    status: str  # the viewer's own: member or invited
    members: list[dict[str, str]] | None  # None unless the viewer is a member
    # The circle's posts (items whose audience is the circle) the viewer may see, newest
    # first, at most ``CIRCLE_POSTS``.
    posts: list[feed.FeedEntry] = field(default_factory=list)


def circle_view(session: Session, *, circle: str, viewer: Viewer) -> CircleView:
    """A circle as the viewer may see it: the member list only for members, and the
    circle's posts that the checkpoint lets the viewer open.

    Organisations neither in nor invited to the circle get ``NotFound``.
    """
    repo = SharingRepository(session)
    found = _circle_or_raise(session, circle)
    mine = repo.membership(found.id, viewer.id)
    if mine is None or mine.status not in ("member", "invited"):
        raise NotFound(refusals.UNKNOWN_CIRCLE(circle=circle))
    members = None
    if mine.status == "member":
        members = [
            {"org": k, "name": n, "status": s}
            for k, n, s in repo.circle_members(found.id)
            if s != "declined"
        ]
    candidates = repo.circle_item_ids(found.id)
    visible = ItemRepository(session).visible_among(viewer, candidates)
    shown = [i for i in candidates if i in visible][:CIRCLE_POSTS]
    return CircleView(
        key=found.key,
        name=found.name,
        status=mine.status,
        members=members,
        posts=feed.entries_of(session, shown),
    )


def circles_of(session: Session, *, org: Viewer) -> list[dict[str, str]]:
    return [
        {"key": k, "name": n, "status": s}
        for k, n, s in SharingRepository(session).circles_of(org.id)
    ]


# --- Agreements ----------------------------------------------------------------------------


def _partner_or_raise(session: Session, by: Viewer, partner: str) -> Viewer:
    other = ItemRepository(session).viewer(partner) if feed.is_key(partner) else None
    if other is None:
        raise InvalidInput(refusals.UNKNOWN_ORG("partner", org=partner))
    if other.id == by.id:
        raise InvalidInput(refusals.AGREEMENT_PAIR("partner"))
    return other


def _propose(
    session: Session,
    *,
    by: Viewer,
    other: Viewer,
    kind: str,
    topics: list[str],
    user_id: int | None,
) -> int:
    """Store a proposal and tell the other side's admins (``agreement`` notification)."""
    a, b = sorted((by.id, other.id))
    proposal = AgreementProposal(
        a_id=a,
        b_id=b,
        proposed_by_id=by.id,
        kind=kind,
        topics=topics,
        proposed_by_user_id=user_id,
    )
    SharingRepository(session).add_proposal(proposal)
    notifications.notify_about_agreement(
        session,
        kind="agreement",
        proposal_id=proposal.id,
        org_id=other.id,
        actor_user_id=user_id,
        actor_org_id=by.id,
    )
    return proposal.id


def propose_agreement(
    session: Session,
    *,
    by: Viewer,
    partner: str,
    topics: Sequence[str],
    user_id: int | None = None,
) -> int:
    """Propose topics to keep secret between two partners; held once the partner accepts.

    The partner's admins are told.
    """
    cleaned = _clean_topics(topics) or []
    if not cleaned:
        raise InvalidInput(refusals.NAME_A_TOPIC("topics"))
    other = _partner_or_raise(session, by, partner)
    if not SharingRepository(session).are_partners(by.id, other.id):
        raise RuleBroken(refusals.AGREEMENT_NOT_PARTNER("partner", org=partner, owner=by.key))
    return _propose(session, by=by, other=other, kind="add", topics=cleaned, user_id=user_id)


def _active_or_raise(session: Session, by: Viewer, partner: str) -> tuple[Viewer, Any]:
    other = _partner_or_raise(session, by, partner)
    agreement = SharingRepository(session).agreement(by.id, other.id)
    if agreement is None or agreement.status != "active":
        raise NotFound(refusals.NO_AGREEMENT(partner=partner))
    return other, agreement


def propose_revision(
    session: Session,
    *,
    by: Viewer,
    partner: str,
    topics: Sequence[str],
    user_id: int | None = None,
) -> int:
    """Propose a new list of secret topics for an active agreement (either side may);
    the topics are replaced once the partner accepts."""
    cleaned = _clean_topics(topics) or []
    if not cleaned:
        raise InvalidInput(refusals.REVISION_EMPTY("topics"))
    other, agreement = _active_or_raise(session, by, partner)
    if sorted(cleaned) == sorted(t.topic for t in agreement.topics):
        raise InvalidInput(refusals.SAME_TOPICS("topics"))
    return _propose(session, by=by, other=other, kind="revise", topics=cleaned, user_id=user_id)


def propose_ending(
    session: Session, *, by: Viewer, partner: str, user_id: int | None = None
) -> int:
    """Propose to end an active agreement (either side may); it ends once the partner
    accepts, since ending it would open the partner's own items too."""
    other, agreement = _active_or_raise(session, by, partner)
    topics = sorted(t.topic for t in agreement.topics)
    return _propose(session, by=by, other=other, kind="end", topics=topics, user_id=user_id)


def answer_proposal(
    session: Session,
    *,
    proposal_id: int,
    org: Viewer,
    accept: bool,
    user_id: int | None = None,
) -> None:
    """The other party accepts or declines; the proposer's admins are told.

    Accepting an ``add`` adds its topics to the pair's agreement (creating it), a
    ``revise`` replaces the topics, an ``end`` ends the agreement.
    """
    repo = SharingRepository(session)
    proposal = repo.proposal(proposal_id) if 0 < proposal_id < 2**31 else None
    if proposal is None or org.id not in (proposal.a_id, proposal.b_id):
        raise NotFound(refusals.NO_PROPOSAL(id=proposal_id))
    if proposal.proposed_by_id == org.id:
        raise PermissionDenied(refusals.OWN_PROPOSAL())
    if proposal.status != "proposed":
        raise Conflict(refusals.PROPOSAL_DECIDED(status=proposal.status))
    pair = (proposal.a_id, proposal.b_id)
    if accept and proposal.kind in ("revise", "end"):
        agreement = repo.agreement(*pair)
        if agreement is None or agreement.status != "active":
            raise Conflict(refusals.ENDED_SINCE())
    proposal.status = "accepted" if accept else "declined"
    proposal.decided_at = datetime.now(UTC)
    proposal.decided_by_user_id = user_id
    if accept:
        net = NetworkRepository(session)
        if proposal.kind == "end":
            repo.delete_agreement(*pair)
        elif proposal.kind == "revise":
            net.upsert_agreement(a_id=pair[0], b_id=pair[1], topics=proposal.topics)
        else:
            current = net.agreements(active_only=False).get(pair, [])
            net.upsert_agreement(a_id=pair[0], b_id=pair[1], topics=[*current, *proposal.topics])
    session.flush()
    notifications.notify_about_agreement(
        session,
        kind="agreement_reply",
        proposal_id=proposal.id,
        org_id=proposal.proposed_by_id,
        actor_user_id=user_id,
        actor_org_id=org.id,
    )


def withdraw_proposal(session: Session, *, proposal_id: int, org: Viewer) -> None:
    repo = SharingRepository(session)
    proposal = repo.proposal(proposal_id) if 0 < proposal_id < 2**31 else None
    if proposal is None or proposal.proposed_by_id != org.id:
        raise NotFound(refusals.NO_PROPOSAL_OF_YOURS(id=proposal_id))
    if proposal.status != "proposed":
        raise Conflict(refusals.PROPOSAL_DECIDED(status=proposal.status))
    proposal.status = "withdrawn"
    proposal.decided_at = datetime.now(UTC)
    session.flush()


def _proposal_row(p: AgreementProposal, org: Viewer, keys: dict[int, str]) -> dict[str, Any]:
    return {
        "id": p.id,
        "with": keys[p.b_id if p.a_id == org.id else p.a_id],
        "kind": p.kind,
        "proposed_by": keys.get(p.proposed_by_id, ""),
        "topics": list(p.topics),
        "status": p.status,
        "mine": p.proposed_by_id == org.id,
    }


def agreements_of(session: Session, *, org: Viewer) -> dict[str, list[dict[str, Any]]]:
    """The organisation's active agreements and its open and answered proposals."""
    repo = SharingRepository(session)
    rows = repo.agreements_of(org.id)
    proposals = repo.proposals_of(org.id)
    ids = {a.a_id for a in rows} | {a.b_id for a in rows}
    ids |= {p.a_id for p in proposals} | {p.b_id for p in proposals}
    keys = repo.org_keys(ids)
    names = repo.names_by_id(ids)
    active = [
        {
            "with": keys[a.b_id if a.a_id == org.id else a.a_id],
            "name": names[a.b_id if a.a_id == org.id else a.a_id],
            "secret_topics": sorted(t.topic for t in a.topics),
        }
        for a in rows
        if a.status == "active"
    ]
    return {
        "agreements": sorted(active, key=lambda a: str(a["with"])),
        "proposals": [_proposal_row(p, org, keys) for p in proposals],
    }


def agreement_with(session: Session, *, org: Viewer, partner: str) -> dict[str, Any]:
    """One pair's agreement as either side sees it: its topics (empty when there is no
    active agreement), the open proposals and the whole history, newest first.

    ``NotFound`` when the pair has neither an agreement nor a proposal.
    """
    other = _partner_or_raise(session, org, partner)
    repo = SharingRepository(session)
    agreement = repo.agreement(org.id, other.id)
    proposals = repo.proposals_between(org.id, other.id)
    if agreement is None and not proposals:
        raise NotFound(refusals.NO_AGREEMENT(partner=partner))
    keys = repo.org_keys({org.id, other.id})
    names = repo.names_by_id({org.id, other.id})
    people = repo.user_names(
        {p.proposed_by_user_id for p in proposals if p.proposed_by_user_id}
        | {p.decided_by_user_id for p in proposals if p.decided_by_user_id}
    )
    active = agreement is not None and agreement.status == "active"
    history = [
        {
            **_proposal_row(p, org, keys),
            "proposed_by_name": names[p.proposed_by_id],
            "proposed_by_person": people.get(p.proposed_by_user_id or 0),
            "proposed_at": p.created_at,
            "decided_at": p.decided_at,
            "decided_by_person": people.get(p.decided_by_user_id or 0),
        }
        for p in proposals
    ]
    return {
        "with": other.key,
        "name": names[other.id],
        "active": active,
        "secret_topics": sorted(t.topic for t in agreement.topics) if active and agreement else [],
        "since": agreement.created_at if active and agreement else None,
        "open": [h for h in history if h["status"] == "proposed"],
        "history": history,
    }


# --- Settings ------------------------------------------------------------------------------


def set_sensitive_topics(session: Session, *, topics: Sequence[str]) -> list[str]:
    """Replace the competition-sensitive topics (the competition-law guard's list)."""
    # The built-in list alone has 39 topics in three languages: room to add to it.
    cleaned = _clean_topics(topics, limit=MAX_SENSITIVE_TOPICS) or []
    NetworkRepository(session).set_setting(SENSITIVE_TOPICS, cleaned)
    return cleaned
