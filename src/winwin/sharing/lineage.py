"""The reshare lineage: each reshare's originals (any depth) and where its topics come from.

``item_lineage`` and ``item_topic_sources`` are what the SQL twin of the visibility rule
(``sharing.visibility``) reads to judge a reshare by its whole chain and by the topics it
inherits; they are kept current here, whenever items are stored or reshared.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from winwin.db.models import Item, ItemTopic
from winwin.kernel.errors import InvalidInput, Problem
from winwin.network.models import ItemLineage, ItemTopicSource
from winwin.network.repository import chunks
from winwin.sharing.audience import MAX_CHAIN


class LineageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def refresh(self, item_ids: Iterable[int]) -> None:
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

    def add_reshare(self, item_id: int, original_id: int, *, own_topics: bool) -> None:
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
