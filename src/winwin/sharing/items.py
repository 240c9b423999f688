"""Queries over items: storing them, and (through the visibility checkpoint) reading them.

The checkpoint (``ItemRepository.visible_to``, ``visible_among``, ``is_visible``) runs the
SQL twin of the visibility rule (``sharing.visibility``) with the viewer and the
competition-sensitive topics bound; the reshare lineage it reads is kept by
``sharing.lineage``.
"""

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
    delete,
    distinct,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from winwin.db.models import (
    Item,
    ItemAudienceOrg,
    ItemExclusion,
    ItemTopic,
    Organization,
)
from winwin.kernel.identity import Viewer as Viewer
from winwin.network.models import NetworkSetting
from winwin.network.repository import (
    SENSITIVE_TOPICS,
    NetworkRepository,
    chunks,
    sensitive_topics_of,
)
from winwin.sharing.lineage import LineageRepository
from winwin.sharing.models import TopicStem
from winwin.sharing.topics import stems_of, topic_stems
from winwin.sharing.visibility import exists_in, topic_source, viewer_params, visibility

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
        exists_in(topic, topic.item_id == topic_source(item), has(topic.topic)),
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
        return self._viewer_where(Organization.key == org_key)

    def viewer_by_id(self, org_id: int) -> Viewer | None:
        return self._viewer_where(Organization.id == org_id)

    def _viewer_where(self, which: ColumnElement[bool]) -> Viewer | None:
        row = self.session.execute(
            select(
                Organization.id, Organization.key, Organization.country, Organization.cluster
            ).where(which)
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

    # reshare lineage (sharing.lineage) ----------------------------------------------------
    def refresh_lineage(self, item_ids: Iterable[int]) -> None:
        """Recompute the lineage of these items and of their reshares (after a store)."""
        LineageRepository(self.session).refresh(item_ids)

    def add_reshare_lineage(self, item_id: int, original_id: int, *, own_topics: bool) -> None:
        """The lineage of one new reshare, from its original's."""
        LineageRepository(self.session).add_reshare(item_id, original_id, own_topics=own_topics)
