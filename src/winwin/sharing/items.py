"""Queries over items: storing them, and (through the visibility checkpoint) reading them.

The checkpoint (``ItemRepository.visible_to``, ``visible_among``, ``is_visible``) runs the
SQL twin of the visibility rule (``sharing.visibility``), built by
``sharing.statements``, with the viewer's values and the competition-sensitive topics;
the reshare lineage it reads is kept by ``sharing.lineage``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from winwin.db.models import (
    Item,
    ItemAudienceOrg,
    ItemExclusion,
    ItemTopic,
    Organization,
)
from winwin.kernel.identity import Viewer as Viewer
from winwin.network.repository import chunks
from winwin.sharing import statements
from winwin.sharing.lineage import LineageRepository
from winwin.sharing.models import TopicStem
from winwin.sharing.statements import LIKE_ESCAPE as LIKE_ESCAPE
from winwin.sharing.statements import Listed
from winwin.sharing.statements import like_literal as like_literal
from winwin.sharing.topics import topic_stems
from winwin.sharing.visibility import stored_topics_text, viewer_params

# The sensitive topics this process read last: only a guess, which the checkpoint's
# statement checks against the stored list on every read (``visibility.STORED``).
_last_listed = Listed.of("")
# How many times a read is repeated when the stored list changes under it.
_REREADS = 3

_Found = TypeVar("_Found", list[int], set[int])
# A statement of ``sharing.statements`` for the database (True: PostgreSQL), and how the
# checkpoint runs one with the values of a page (see ``ItemRepository._checked``).
_Build = Callable[[bool], Any]
_Run = Callable[[_Build, dict[str, Any]], Iterable[int]]


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
        values: dict[str, Any] = {}
        if before is not None:
            values["before_at"], values["before_id"] = before
        if text is not None:
            values["search_text"] = like_literal(text)

        def page(run: _Run) -> list[int]:
            return list(
                run(
                    lambda postgresql: statements.feed_statement(
                        viewer is None, before is not None, limit, text is not None, postgresql
                    ),
                    values,
                )
            )

        return self._checked(viewer, page, lambda found: len(found) == limit)

    def _checked(
        self,
        viewer: Viewer | None,
        read: Callable[[_Run], _Found],
        complete: Callable[[_Found], bool],
    ) -> _Found:
        """``read`` with every value of the checkpoint: the viewer's, and the
        competition-sensitive topics'.

        The statement looks the sensitive topics' forms up itself
        (``visibility.LISTED``) for the list this process read last, and admits nothing
        if the stored list is no longer that one. So when ``read`` finds less than it
        could (``complete`` is false) the stored list is read again, and if it changed
        the page is read again with it. On SQLite the values are bound; on PostgreSQL a
        statement is two round trips, its values as settings and itself
        (``sharing.statements``). Each round trip on a busy machine waits for a
        scheduler slot, and the five a page once made cost more than its statement
        (docs/benchmarks.md).
        """
        global _last_listed
        bound = viewer_params(viewer)
        run = self._settled if self._on_postgresql() else self._bound
        listed = _last_listed
        for _ in range(_REREADS):
            found = read(functools.partial(run, {**bound, **listed.values()}))
            if complete(found):
                return found
            stored = str(self.session.execute(stored_topics_text()).scalar_one())
            if stored == listed.stored:
                return found
            listed = _last_listed = Listed.of(stored)
        # The list kept changing: what was found is never more than the rule admits.
        return found

    def _on_postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _bound(self, known: dict[str, Any], build: _Build, page: dict[str, Any]) -> Iterable[int]:
        """Run a SQLite statement of ``sharing.statements`` with every value bound."""
        return self.session.scalars(build(False), {**known, **page})

    def _settled(self, known: dict[str, Any], build: _Build, page: dict[str, Any]) -> Iterable[int]:
        """Run a PostgreSQL statement of ``sharing.statements`` with the checkpoint's
        values (``known``) and the page's as the transaction's settings it reads: one
        round trip for the settings, one for the statement."""
        values = {**known, **page}
        names = tuple(sorted(values))
        statement = build(True)
        missing = statements.settings_read(statement) - set(names)
        if missing:
            raise ValueError(f"the checkpoint needs {sorted(missing)} set")
        self.session.execute(
            statements.setting_statement(names),
            {name: statements.encode(values[name]) for name in names},
        )
        return self.session.scalars(statement)

    def unfiltered_page(self, *, limit: int = 50) -> list[int]:
        """The same page with no visibility filter (the benchmark's baseline only)."""
        query = select(Item.id).order_by(Item.created_at.desc(), Item.id.desc()).limit(limit)
        return list(self.session.scalars(query))

    def visible_among(self, viewer: Viewer | None, item_ids: Iterable[int]) -> set[int]:
        """Which of ``item_ids`` the viewer may see (the item page, reshares, exports)."""
        wanted = sorted(set(item_ids))

        def among(run: _Run) -> set[int]:
            found: set[int] = set()
            for part in chunks(wanted, 500):
                ids = list(part)
                found.update(
                    run(
                        lambda postgresql: statements.among_statement(viewer is None, postgresql),
                        {"item_ids": ids},
                    )
                )
            return found

        return self._checked(viewer, among, lambda found: len(found) == len(wanted))

    def is_visible(self, viewer: Viewer | None, item_id: int) -> bool:
        return item_id in self.visible_among(viewer, [item_id])

    # reshare lineage (sharing.lineage) ----------------------------------------------------
    def refresh_lineage(self, item_ids: Iterable[int]) -> None:
        """Recompute the lineage of these items and of their reshares (after a store)."""
        LineageRepository(self.session).refresh(item_ids)

    def add_reshare_lineage(self, item_id: int, original_id: int, *, own_topics: bool) -> None:
        """The lineage of one new reshare, from its original's."""
        LineageRepository(self.session).add_reshare(item_id, original_id, own_topics=own_topics)
