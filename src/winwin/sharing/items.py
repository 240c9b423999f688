"""Queries over items: storing them, and (through the visibility checkpoint) reading them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    delete,
    distinct,
    exists,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from winwin.db.models import (
    Agreement,
    AgreementTopic,
    CircleMember,
    Competitor,
    Item,
    ItemAudienceOrg,
    ItemExclusion,
    ItemTopic,
    Organization,
    Tie,
)
from winwin.kernel.errors import InvalidInput, Problem
from winwin.kernel.identity import Viewer as Viewer
from winwin.network.models import ItemLineage, ItemTopicSource, NetworkSetting, OrganizationPlace
from winwin.network.repository import (
    SENSITIVE_TOPICS,
    NetworkRepository,
    chunks,
    sensitive_topics_of,
)
from winwin.sharing.audience import MAX_CHAIN as MAX_CHAIN
from winwin.sharing.models import TopicStem
from winwin.sharing.topics import stems_of, topic_stems


def _exists(table: Any, *where: ColumnElement[bool]) -> ColumnElement[bool]:
    """EXISTS over ``table``, correlated to every enclosing query (not only the nearest)."""
    return exists(select(literal(1)).select_from(table).where(*where).correlate_except(table))


# The viewer enters every statement as bound parameters, so that each statement is built
# and compiled once (building it costs far more than running it).
VIEWER_ID = bindparam("viewer_id", type_=Integer)
VIEWER_KEY = bindparam("viewer_key", type_=String)
VIEWER_COUNTRY = bindparam("viewer_country", type_=String)
VIEWER_CLUSTER = bindparam("viewer_cluster", type_=String)
# The competition-sensitive topics (normalised), bound on every read of the checkpoint.
SENSITIVE = bindparam("sensitive_topics", expanding=True, type_=String)


def viewer_params(viewer: Viewer | None) -> dict[str, Any]:
    """The bound values of :func:`visibility` for this viewer (nothing for anonymous)."""
    if viewer is None:
        return {}
    return {
        "viewer_id": viewer.id,
        "viewer_key": viewer.key,
        "viewer_country": viewer.country,
        "viewer_cluster": viewer.cluster,
    }


def _partners(a: Any, b: Any) -> ColumnElement[bool]:
    """A tie of any kind joins ``a`` and ``b``, in either direction."""
    return or_(
        _exists(Tie, Tie.from_id == a, Tie.to_id == b),
        _exists(Tie, Tie.from_id == b, Tie.to_id == a),
    )


def _competitors(a: Any, b: Any) -> ColumnElement[bool]:
    return or_(
        _exists(Competitor, Competitor.a_id == a, Competitor.b_id == b),
        _exists(Competitor, Competitor.a_id == b, Competitor.b_id == a),
    )


def _topic_source(item: Any) -> ColumnElement[int]:
    """The item whose topics are ``item``'s effective topics (itself unless inherited)."""
    inherited = (
        select(ItemTopicSource.source_id)
        .where(ItemTopicSource.item_id == item.id)
        .correlate_except(ItemTopicSource)
        .scalar_subquery()
    )
    return case((item.reshare_of_id.is_(None), item.id), else_=func.coalesce(inherited, item.id))


def _held(item: Any, anonymous: bool) -> ColumnElement[bool]:
    """An active agreement of the owner makes an effective topic secret, outside the viewer.

    The owner is never asked (the caller checks ownership first), so for an organisation
    the hold bites when the viewer is not in the agreement's pair. The owner's agreements
    are looked up first: few organisations have any, so most rows cost two probes of a
    small index and never touch the item's topics.
    """
    pact = aliased(Agreement)
    secret = aliased(AgreementTopic)
    topic = aliased(ItemTopic)
    shared = (
        select(literal(1))
        .select_from(secret)
        .join(topic, topic.topic == secret.topic)
        .where(secret.agreement_id == pact.id, topic.item_id == _topic_source(item))
        .correlate_except(secret, topic)
    )
    pacts = (
        select(literal(1))
        .select_from(pact)
        .where(or_(pact.a_id == item.owner_id, pact.b_id == item.owner_id), pact.status == "active")
    )
    if not anonymous:
        pacts = pacts.where(pact.a_id != VIEWER_ID, pact.b_id != VIEWER_ID)
    # The first test alone is cheap and false for most rows; the planner keeps the order.
    return and_(
        exists(pacts.correlate_except(pact)),
        exists(pacts.where(exists(shared)).correlate_except(pact)),
    )


def _ever(kind: str, value: Any) -> ColumnElement[bool]:
    """The viewer has had this country (cluster) at some time (sticky exclusions)."""
    place = aliased(OrganizationPlace)
    return _exists(place, place.org_id == VIEWER_ID, place.kind == kind, place.value == value)


def _excluded(item: Any) -> ColumnElement[bool]:
    """One of the item's exclusions names the viewer.

    ``country:``/``cluster:`` match the viewer's current value or any value it has ever
    had (``organization_places``). A viewer without a country (cluster) binds NULL, which
    matches no exclusion; inside EXISTS that is simply "no such row", so the result is
    never NULL.
    """
    ex = aliased(ItemExclusion)
    names = or_(
        and_(ex.kind == "competitors", _competitors(item.owner_id, VIEWER_ID)),
        and_(ex.kind == "org", ex.value == VIEWER_KEY),
        and_(ex.kind == "country", or_(ex.value == VIEWER_COUNTRY, _ever("country", ex.value))),
        and_(ex.kind == "cluster", or_(ex.value == VIEWER_CLUSTER, _ever("cluster", ex.value))),
    )
    return _exists(ex, ex.item_id == item.id, names)


def _sensitive(item: Any) -> ColumnElement[bool]:
    """One of the item's effective topics is competition-sensitive."""
    topic = aliased(ItemTopic)
    return _exists(topic, topic.item_id == _topic_source(item), topic.topic.in_(SENSITIVE))


def _guarded(item: Any, anonymous: bool) -> ColumnElement[bool]:
    """Step 6, the competition guard: a sensitive item never reaches the owner's
    competitors, nor anonymous readers while the owner has any competitor."""
    if anonymous:
        rival = or_(
            _exists(Competitor, Competitor.a_id == item.owner_id),
            _exists(Competitor, Competitor.b_id == item.owner_id),
        )
    else:
        rival = _competitors(item.owner_id, VIEWER_ID)
    return and_(rival, _sensitive(item))


def _admits(item: Any, anonymous: bool) -> ColumnElement[bool]:
    """Steps 2-6 of ``domain.audience`` for one item, ignoring its originals."""
    if anonymous:
        return and_(item.level == "public", not_(_held(item, True)), not_(_guarded(item, True)))
    audience = aliased(ItemAudienceOrg)
    member = aliased(CircleMember)
    base = or_(
        item.level == "network",
        item.level == "public",
        and_(item.level == "partners", _partners(item.owner_id, VIEWER_ID)),
        and_(
            item.level == "direct",
            _exists(audience, audience.item_id == item.id, audience.org_id == VIEWER_ID),
            _partners(item.owner_id, VIEWER_ID),
        ),
        and_(
            item.level == "circle",
            _exists(
                member,
                member.circle_id == item.circle_id,
                member.org_id == VIEWER_ID,
                member.status == "member",
            ),
        ),
    )
    return or_(
        item.owner_id == VIEWER_ID,
        and_(
            base,
            not_(_excluded(item)),
            not_(_held(item, False)),
            not_(_guarded(item, False)),
        ),
    )


def visibility(item: Any, *, anonymous: bool) -> ColumnElement[bool]:
    """The SQL form of ``domain.audience.can_see``: the item and every original admit.

    ``item`` is ``Item`` or an alias of it; execute with :func:`viewer_params` and
    ``sensitive_topics`` bound (``ItemRepository`` does both). The expression never
    evaluates to NULL, so it may be negated safely.
    """
    original = aliased(Item)
    line = aliased(ItemLineage)
    chain_ok = not_(
        exists(
            select(literal(1))
            .select_from(line)
            .join(original, original.id == line.ancestor_id)
            .where(
                line.item_id == item.id,
                # Redundant, but it keeps PostgreSQL from hashing the whole lineage table
                # up front: a condition on the outer row alone forces a per-row probe.
                item.reshare_of_id.is_not(None),
                not_(_admits(original, anonymous)),
            )
            .correlate_except(line, original)
        )
    )
    return and_(_admits(item, anonymous), or_(item.reshare_of_id.is_(None), chain_ok))


# LIKE's escape character for search text; the user's own wildcards match literally.
LIKE_ESCAPE = "/"
SEARCH_PATTERN = bindparam("search_text", type_=String)


def like_literal(text: str) -> str:
    """``text`` lower-cased, with ``%``, ``_`` and the escape character escaped for LIKE."""
    lowered = text.lower().replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
    return lowered.replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def _matches(item: Any) -> ColumnElement[bool]:
    """The item's title, body or one of its effective topics contains the search text.

    Bind ``search_text`` to :func:`like_literal` of the text. ``lower`` on both sides makes
    the match case-insensitive (on SQLite for ASCII letters only).
    """
    topic = aliased(ItemTopic)

    def has(column: Any) -> ColumnElement[bool]:
        return func.lower(column).contains(SEARCH_PATTERN, escape=LIKE_ESCAPE)

    return or_(
        has(item.title),
        has(item.body),
        _exists(topic, topic.item_id == _topic_source(item), has(topic.topic)),
    )


@cache
def _feed_statement(
    anonymous: bool, paged: bool, limited: bool, searched: bool = False
) -> Select[int]:
    query = select(Item.id)
    if searched:
        # A filter on top of the checkpoint, never instead of it.
        query = query.where(_matches(Item))
    query = query.where(visibility(Item, anonymous=anonymous))
    if paged:
        at: BindParameter[datetime] = bindparam("before_at")
        before_id = bindparam("before_id", type_=Integer)
        query = query.where(
            or_(Item.created_at < at, and_(Item.created_at == at, Item.id < before_id))
        )
    query = query.order_by(Item.created_at.desc(), Item.id.desc())
    if limited:
        # Inlined, so that PostgreSQL plans for the real page size even with a generic plan.
        query = query.limit(bindparam("page_size", type_=Integer, literal_execute=True))
    return query


@cache
def _among_statement(anonymous: bool) -> Select[int]:
    ids: BindParameter[list[int]] = bindparam("item_ids", expanding=True)
    return select(Item.id).where(Item.id.in_(ids), visibility(Item, anonymous=anonymous))


# The sensitive topics this process read last (see ItemRepository._checkpoint): only a
# guess, checked on every read, so a change made by another process is seen at once.
_last_listed: tuple[str, ...] = tuple(sensitive_topics_of(None))


class ItemRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def item_ids(self) -> dict[str, int]:
        return dict(self.session.execute(select(Item.key, Item.id)).all())

    def rows(self) -> list[dict[str, Any]]:
        """Every item as a plain row with its topics, audience orgs and exclusions."""
        items: dict[int, dict[str, Any]] = {}
        query = select(
            Item.id,
            Item.key,
            Item.owner_id,
            Item.title,
            Item.body,
            Item.level,
            Item.circle_id,
            Item.reshare_of_id,
            Item.own_content,
            Item.created_at,
        ).order_by(Item.created_at, Item.id)
        for row in self.session.execute(query):
            items[row.id] = {**row._mapping, "topics": [], "orgs": [], "exclude": []}
        for item_id, topic in self.session.execute(
            select(ItemTopic.item_id, ItemTopic.topic).order_by(ItemTopic.id)
        ):
            items[item_id]["topics"].append(topic)
        for item_id, org_id in self.session.execute(
            select(ItemAudienceOrg.item_id, ItemAudienceOrg.org_id)
        ):
            items[item_id]["orgs"].append(org_id)
        for item_id, kind, value in self.session.execute(
            select(ItemExclusion.item_id, ItemExclusion.kind, ItemExclusion.value).order_by(
                ItemExclusion.item_id, ItemExclusion.position
            )
        ):
            items[item_id]["exclude"].append((kind, value))
        return list(items.values())

    def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        for part in chunks(rows):
            self.session.execute(insert(Item), list(part))

    def _record_stems(self, topics: set[str]) -> None:
        """Store the stems of topics not stored before (``TopicStem``)."""
        if not topics:
            return
        known: set[str] = set()
        for part in chunks(sorted(topics), 500):
            known.update(
                self.session.scalars(select(TopicStem.topic).where(TopicStem.topic.in_(part)))
            )
        rows = [
            {"topic": t, "stem": stem}
            for t in sorted(topics - known)
            for stem in sorted(topic_stems(t))
        ]
        # Two writers may store the same new topic at once: the second adds nothing.
        dialect = self.session.get_bind().dialect.name
        upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        for part in chunks(rows):
            self.session.execute(upsert(TopicStem).on_conflict_do_nothing(), list(part))

    def sensitive_forms(self) -> list[str]:
        """The stored topics that meet a competition-sensitive topic after stemming.

        The SQL twin of ``Network.sensitive_among``: the same stems, looked up in
        ``topic_stems``; the listed topics themselves are always among them.
        """
        return self._forms_of(NetworkRepository(self.session).sensitive_topics())

    def _forms_of(self, listed: list[str]) -> list[str]:
        stems = sorted(stems_of(listed))
        forms = set(listed)
        for part in chunks(stems, 500):
            forms.update(
                self.session.scalars(
                    select(TopicStem.topic).where(TopicStem.stem.in_(part)).distinct()
                )
            )
        return sorted(forms)

    def update(self, rows: Sequence[dict[str, Any]]) -> None:
        for part in chunks(rows):
            self.session.execute(update(Item), list(part))

    def replace_details(
        self,
        item_ids: Sequence[int],
        *,
        topics: Sequence[tuple[int, str]],
        orgs: Sequence[tuple[int, int]],
        exclusions: Sequence[tuple[int, str, str, int]],
    ) -> None:
        """Replace the topics, audience orgs and exclusions of the given items."""
        for part in chunks(item_ids, 500):
            ids = list(part)
            for table in (ItemTopic, ItemAudienceOrg, ItemExclusion):
                self.session.execute(delete(table).where(table.item_id.in_(ids)))
        for tpart in chunks(topics):
            self.session.execute(insert(ItemTopic), [{"item_id": i, "topic": t} for i, t in tpart])
        self._record_stems({t for _, t in topics})
        for opart in chunks(orgs):
            self.session.execute(
                insert(ItemAudienceOrg), [{"item_id": i, "org_id": o} for i, o in opart]
            )
        for epart in chunks(exclusions):
            self.session.execute(
                insert(ItemExclusion),
                [{"item_id": i, "kind": k, "value": v, "position": p} for i, k, v, p in epart],
            )

    # the visibility checkpoint ----------------------------------------------------------
    def viewer(self, org_key: str) -> Viewer | None:
        """The viewer for an organisation key, or None when there is no such organisation."""
        row = self.session.execute(
            select(
                Organization.id, Organization.key, Organization.country, Organization.cluster
            ).where(Organization.key == org_key)
        ).first()
        return None if row is None else Viewer(row.id, row.key, row.country, row.cluster)

    def viewer_by_id(self, org_id: int) -> Viewer | None:
        row = self.session.execute(
            select(
                Organization.id, Organization.key, Organization.country, Organization.cluster
            ).where(Organization.id == org_id)
        ).first()
        return None if row is None else Viewer(row.id, row.key, row.country, row.cluster)

    def visible_to(
        self,
        viewer: Viewer | None,
        *,
        limit: int | None = 50,
        before: tuple[datetime, int] | None = None,
        text: str | None = None,
    ) -> list[int]:
        """The ids of the items ``viewer`` may see (None: anonymous), newest first.

        The single SQL checkpoint: it admits exactly what ``domain.audience.can_see``
        admits (the consistency suite holds the two together). ``before`` is the
        ``(created_at, id)`` of the last item of the previous page. ``text`` keeps only
        the items whose title, body or effective topics contain it, ignoring case;
        ``%`` and ``_`` in it match literally.

        The query walks ``ix_items_created`` backwards and tests each row, so a page
        costs a few index lookups per row read; it is fast while a fair share of items
        is visible to the viewer (network and public items usually are).
        """
        params: dict[str, Any] = {}
        if before is not None:
            params["before_at"], params["before_id"] = before
        if limit is not None:
            params["page_size"] = limit
        if text is not None:
            params["search_text"] = like_literal(text)
        query = _feed_statement(
            viewer is None, before is not None, limit is not None, text is not None
        )
        with self._checkpoint(viewer) as bound:
            return list(self.session.scalars(query, {**bound, **params}))

    @contextmanager
    def _checkpoint(self, viewer: Viewer | None) -> Iterator[dict[str, Any]]:
        """Every bound value of the checkpoint (the viewer's and the sensitive topics'
        forms), and on PostgreSQL a generic plan without JIT for the statements run
        inside, for this transaction only.

        The plan's shape does not depend on the viewer (walk the newest items, probe
        each), but planning the statement's many subqueries costs several times more than
        running it; a generic plan is made once per connection and reused.

        JIT is off because the generic plan's estimate (every probe of every row the
        index could yield, before LIMIT) passes ``jit_above_cost``: PostgreSQL then
        compiled some 340 expressions on every execution, about 400 ms, for a page that
        runs in about a millisecond (docs/benchmarks.md). Compiled code pays off only for
        long scans, which the checkpoint never makes.

        On PostgreSQL the settings, the stored sensitive topics and their forms come in
        one round trip before the statements and the settings go back in one after:
        each round trip on a busy machine waits for a scheduler slot, and the five a
        page used to make cost more than its statement (docs/benchmarks.md). The forms
        are looked up for the topics this process read last, and used only when the
        same statement finds the stored topics unchanged; otherwise they are looked up
        again for the stored ones.
        """
        global _last_listed
        if self.session.get_bind().dialect.name != "postgresql":
            yield {**viewer_params(viewer), "sensitive_topics": self.sensitive_forms()}
            return
        guess = _last_listed
        previous = self.session.execute(
            select(
                func.current_setting("plan_cache_mode"),
                func.current_setting("jit"),
                func.set_config("plan_cache_mode", "force_generic_plan", True),
                func.set_config("jit", "off", True),
                select(NetworkSetting.value)
                .where(NetworkSetting.key == SENSITIVE_TOPICS)
                .scalar_subquery(),
                select(func.array_agg(distinct(TopicStem.topic)))
                .where(TopicStem.stem.in_(sorted(stems_of(guess))))
                .scalar_subquery(),
            )
        ).one()
        listed = tuple(sensitive_topics_of(previous[4]))
        if listed == guess:
            forms = sorted(set(listed) | set(previous[5] or ()))
        else:
            forms = self._forms_of(list(listed))
            _last_listed = listed
        try:
            yield {**viewer_params(viewer), "sensitive_topics": forms}
        finally:
            self.session.execute(
                text(
                    "SELECT set_config('plan_cache_mode', :mode, true), "
                    "set_config('jit', :jit, true)"
                ),
                {"mode": previous[0], "jit": previous[1]},
            )

    def unfiltered_page(self, *, limit: int = 50) -> list[int]:
        """The same page with no visibility filter (the benchmark's baseline only)."""
        query = select(Item.id).order_by(Item.created_at.desc(), Item.id.desc()).limit(limit)
        return list(self.session.scalars(query))

    def visible_among(self, viewer: Viewer | None, item_ids: Iterable[int]) -> set[int]:
        """Which of ``item_ids`` the viewer may see (the item page, reshares, exports)."""
        found: set[int] = set()
        with self._checkpoint(viewer) as bound:
            for part in chunks(list(item_ids), 500):
                params = {**bound, "item_ids": list(part)}
                found.update(self.session.scalars(_among_statement(viewer is None), params))
        return found

    def is_visible(self, viewer: Viewer | None, item_id: int) -> bool:
        return item_id in self.visible_among(viewer, [item_id])

    # reshare lineage ----------------------------------------------------------------------
    def refresh_lineage(self, item_ids: Iterable[int]) -> None:
        """Recompute the lineage and topic sources of these items and of their reshares.

        Call after items are stored or their ``reshare_of_id`` or topics change. It reads
        every (reshare, original) pair once, so its cost follows the number of reshares,
        not the number of items.
        """
        affected = set(item_ids)
        if not affected:
            return
        parent: dict[int, int] = dict(
            tuple(row)  # type: ignore[misc]
            for row in self.session.execute(
                select(Item.id, Item.reshare_of_id).where(Item.reshare_of_id.is_not(None))
            )
        )
        children: dict[int, list[int]] = {}
        for child, original in parent.items():
            children.setdefault(original, []).append(child)
        stack = [i for i in affected if i in children]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in affected:
                    affected.add(child)
                    stack.append(child)
        stale = set(self.session.scalars(select(ItemLineage.item_id).distinct()))
        stale |= set(self.session.scalars(select(ItemTopicSource.item_id)))
        targets = [i for i in affected if i in parent]
        chains: dict[int, list[int]] = {}
        for item_id in targets:
            chain = [item_id]
            seen = {item_id}
            current = parent.get(item_id)
            while current is not None and current not in seen:
                chain.append(current)
                seen.add(current)
                current = parent.get(current)
            if len(chain) - 1 > MAX_CHAIN:
                # Never store a cut chain: its reshare would be judged on part of it.
                self._too_deep(item_id)
            chains[item_id] = chain
        nodes = list({n for chain in chains.values() for n in chain})
        with_topics: set[int] = set()
        for part in chunks(nodes, 500):
            with_topics.update(
                self.session.scalars(
                    select(ItemTopic.item_id).where(ItemTopic.item_id.in_(list(part))).distinct()
                )
            )
        lineage: list[dict[str, int]] = []
        sources: list[dict[str, int]] = []
        for item_id, chain in chains.items():
            for depth, ancestor in enumerate(chain[1:], 1):
                lineage.append({"item_id": item_id, "ancestor_id": ancestor, "depth": depth})
            source = next((c for c in chain if c in with_topics), item_id)
            if source != item_id:
                sources.append({"item_id": item_id, "source_id": source})
        for part in chunks(sorted((stale & affected) | set(targets)), 500):
            ids = list(part)
            self.session.execute(delete(ItemLineage).where(ItemLineage.item_id.in_(ids)))
            self.session.execute(delete(ItemTopicSource).where(ItemTopicSource.item_id.in_(ids)))
        for rows in chunks(lineage):
            self.session.execute(insert(ItemLineage), list(rows))
        for rows in chunks(sources):
            self.session.execute(insert(ItemTopicSource), list(rows))

    def add_reshare_lineage(self, item_id: int, original_id: int, *, own_topics: bool) -> None:
        """The lineage of one new reshare, from its original's (cheaper than a refresh)."""
        rows = [{"item_id": item_id, "ancestor_id": original_id, "depth": 1}]
        deepest = self.session.scalar(
            select(func.max(ItemLineage.depth)).where(ItemLineage.item_id == original_id)
        )
        if (deepest or 0) + 1 > MAX_CHAIN:
            self._too_deep(item_id)
        rows += [
            {"item_id": item_id, "ancestor_id": ancestor, "depth": depth + 1}
            for ancestor, depth in self.session.execute(
                select(ItemLineage.ancestor_id, ItemLineage.depth).where(
                    ItemLineage.item_id == original_id
                )
            )
        ]
        self.session.execute(insert(ItemLineage), rows)
        if own_topics:
            return
        source = self.session.scalar(
            select(ItemTopicSource.source_id).where(ItemTopicSource.item_id == original_id)
        )
        if source is None:
            has_topics = self.session.scalar(
                select(ItemTopic.id).where(ItemTopic.item_id == original_id).limit(1)
            )
            source = original_id if has_topics is not None else None
        if source is not None:
            self.session.execute(
                insert(ItemTopicSource), [{"item_id": item_id, "source_id": source}]
            )

    def _too_deep(self, item_id: int) -> None:
        key = self.session.scalar(select(Item.key).where(Item.id == item_id))
        raise InvalidInput(
            Problem(
                "reshare_of",
                f"item {key}: the reshare chain is deeper than {MAX_CHAIN} reshares",
            )
        )
