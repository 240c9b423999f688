"""Queries over items: storing them, and (through the visibility checkpoint) reading them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from winwin.store.models import Item, ItemAudienceOrg, ItemExclusion, ItemTopic
from winwin.store.repositories.network import chunks


class ItemRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def item_ids(self) -> dict[str, int]:
        return dict(tuple(row) for row in self.session.execute(select(Item.key, Item.id)))

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
        for opart in chunks(orgs):
            self.session.execute(
                insert(ItemAudienceOrg), [{"item_id": i, "org_id": o} for i, o in opart]
            )
        for epart in chunks(exclusions):
            self.session.execute(
                insert(ItemExclusion),
                [{"item_id": i, "kind": k, "value": v, "position": p} for i, k, v, p in epart],
            )

    def created_at(self, item_id: int) -> datetime | None:
        return self.session.scalar(select(Item.created_at).where(Item.id == item_id))
