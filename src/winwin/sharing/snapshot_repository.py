"""Queries for the policy snapshots: the rows ``sharing.feed`` builds the pure rule's
``Network`` from (``sharing.audience``), for a few items or for the whole network.

Visibility itself is decided in SQL only by the checkpoint (``sharing.items``); these
rows feed the pure decision, its reasons and the reach a page explains.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from winwin.db.models import (
    Agreement,
    AgreementTopic,
    Circle,
    CircleMember,
    Competitor,
    Item,
    ItemAudienceOrg,
    ItemExclusion,
    ItemTopic,
    Organization,
    Tie,
)
from winwin.network.models import ItemLineage
from winwin.network.repository import NetworkRepository, chunks


@dataclass
class SnapshotRows:
    """Plain rows for ``domain.audience.Network.build`` (keys, not ids)."""

    orgs: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    ties: list[tuple[str, str, str]] = field(default_factory=list)
    competitors: list[tuple[str, str]] = field(default_factory=list)
    circles: dict[str, list[str]] = field(default_factory=dict)
    agreements: list[tuple[tuple[str, str], list[str]]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    # key -> (every country, every cluster) the organisation has ever had
    places: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)


def _in(column: Any, ids: Iterable[int]) -> Any:
    return column.in_(list(ids))


class SnapshotRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def chain_ids(self, item_ids: Iterable[int]) -> set[int]:
        """The items and every original of theirs (through the maintained lineage)."""
        ids = set(item_ids)
        for part in chunks(list(ids), 500):
            ids.update(
                self.session.scalars(
                    select(ItemLineage.ancestor_id).where(_in(ItemLineage.item_id, part))
                )
            )
        return ids

    def owner_ids(self, item_ids: Iterable[int]) -> set[int]:
        found: set[int] = set()
        for part in chunks(list(item_ids), 500):
            found.update(self.session.scalars(select(Item.owner_id).where(_in(Item.id, part))))
        return found

    def partner_ids(self, org_ids: Iterable[int]) -> set[int]:
        found: set[int] = set()
        for part in chunks(list(org_ids), 500):
            for a, b in self.session.execute(
                select(Tie.from_id, Tie.to_id).where(
                    or_(_in(Tie.from_id, part), _in(Tie.to_id, part))
                )
            ):
                found.update((a, b))
        return found

    def circle_member_ids(self, circle_ids: Iterable[int]) -> set[int]:
        found: set[int] = set()
        for part in chunks(list(circle_ids), 500):
            found.update(
                self.session.scalars(
                    select(CircleMember.org_id).where(
                        _in(CircleMember.circle_id, part), CircleMember.status == "member"
                    )
                )
            )
        return found

    def snapshot(
        self,
        *,
        org_ids: set[int] | None,
        item_ids: set[int] | None,
        owner_ids: set[int],
        circle_ids: set[int] | None = None,
    ) -> SnapshotRows:
        """Rows for a policy snapshot.

        ``org_ids`` None loads every organisation (and every tie, competitor pair and
        agreement); otherwise the given organisations, the ties and agreements touching
        ``owner_ids`` and the competitor pairs touching either set. ``item_ids`` None
        loads every item; circles are those of the loaded items (all when None).
        """
        rows = SnapshotRows()
        keys: dict[int, str] = {}
        org_query = select(
            Organization.id, Organization.key, Organization.country, Organization.cluster
        )
        scope = None if org_ids is None else (org_ids | owner_ids)
        if scope is None:
            batches: Iterable[Any] = [self.session.execute(org_query)]
        else:
            batches = (
                self.session.execute(org_query.where(_in(Organization.id, part)))
                for part in chunks(list(scope), 500)
            )
        for batch in batches:
            for oid, key, country, cluster in batch:
                keys[oid] = key
                rows.orgs[key] = (country, cluster)

        def key_of(oid: int) -> str:
            if oid not in keys:
                org = self.session.execute(
                    select(Organization.key, Organization.country, Organization.cluster).where(
                        Organization.id == oid
                    )
                ).one()
                keys[oid] = org.key
                rows.orgs[org.key] = (org.country, org.cluster)
            return keys[oid]

        tie_query = select(Tie.kind, Tie.from_id, Tie.to_id)
        comp_query = select(Competitor.a_id, Competitor.b_id)
        pact_query = select(Agreement.id, Agreement.a_id, Agreement.b_id).where(
            Agreement.status == "active"
        )
        if scope is None:
            tie_rows = list(self.session.execute(tie_query))
            comp_rows = list(self.session.execute(comp_query))
            pact_rows = list(self.session.execute(pact_query))
        else:
            tie_rows, comp_rows, pact_rows = [], [], []
            for part in chunks(list(owner_ids), 500):
                tie_rows += self.session.execute(
                    tie_query.where(or_(_in(Tie.from_id, part), _in(Tie.to_id, part)))
                ).all()
                pact_rows += self.session.execute(
                    pact_query.where(or_(_in(Agreement.a_id, part), _in(Agreement.b_id, part)))
                ).all()
            for part in chunks(list(scope), 500):
                comp_rows += self.session.execute(
                    comp_query.where(or_(_in(Competitor.a_id, part), _in(Competitor.b_id, part)))
                ).all()
        rows.ties = [(kind, key_of(a), key_of(b)) for kind, a, b in tie_rows]
        rows.competitors = sorted({(key_of(a), key_of(b)) for a, b in comp_rows})
        pact_ids = {pid: (a, b) for pid, a, b in pact_rows}
        topics: dict[int, list[str]] = {pid: [] for pid in pact_ids}
        for part in chunks(list(pact_ids), 500):
            for pid, topic in self.session.execute(
                select(AgreementTopic.agreement_id, AgreementTopic.topic).where(
                    _in(AgreementTopic.agreement_id, part)
                )
            ):
                topics[pid].append(topic)
        rows.agreements = [
            ((key_of(a), key_of(b)), topics[pid]) for pid, (a, b) in pact_ids.items()
        ]
        rows.items = self._item_rows(item_ids, key_of)
        circle_ids = {r["circle_id"] for r in rows.items if r["circle_id"] is not None} | (
            circle_ids or set()
        )
        circle_query = select(Circle.id, Circle.key)
        if item_ids is not None:
            circle_query = circle_query.where(_in(Circle.id, circle_ids))
        circle_keys = dict(self.session.execute(circle_query).all())
        for ckey in circle_keys.values():
            rows.circles[ckey] = []
        for part in chunks(list(circle_keys), 500):
            for cid, oid in self.session.execute(
                select(CircleMember.circle_id, CircleMember.org_id).where(
                    _in(CircleMember.circle_id, part), CircleMember.status == "member"
                )
            ):
                rows.circles[circle_keys[cid]].append(key_of(oid))
        for r in rows.items:
            r["circle"] = circle_keys.get(r["circle_id"]) if r["circle_id"] else None
        history = NetworkRepository(self.session).places(None if scope is None else keys)
        for oid, places in history.items():
            if oid in keys:
                rows.places[keys[oid]] = (
                    frozenset(places["country"]),
                    frozenset(places["cluster"]),
                )
        return rows

    def _item_rows(self, item_ids: set[int] | None, key_of: Any) -> list[dict[str, Any]]:
        query = select(
            Item.id,
            Item.key,
            Item.owner_id,
            Item.level,
            Item.circle_id,
            Item.reshare_of_id,
            Item.created_at,
        )
        found: dict[int, dict[str, Any]] = {}
        parts: Iterable[Any] = [None] if item_ids is None else chunks(list(item_ids), 500)
        for part in parts:
            q = query if part is None else query.where(_in(Item.id, part))
            for row in self.session.execute(q):
                found[row.id] = {
                    **row._mapping,
                    "owner": key_of(row.owner_id),
                    "topics": [],
                    "orgs": [],
                    "exclude": [],
                }
        by_key = {i: r["key"] for i, r in found.items()}
        for r in found.values():
            r["reshare_of"] = by_key.get(r["reshare_of_id"]) if r["reshare_of_id"] else None
        detail_parts: Iterable[Any] = [None] if item_ids is None else chunks(list(found), 500)
        for part in detail_parts:
            tq = select(ItemTopic.item_id, ItemTopic.topic)
            oq = select(ItemAudienceOrg.item_id, ItemAudienceOrg.org_id)
            eq = select(ItemExclusion.item_id, ItemExclusion.kind, ItemExclusion.value).order_by(
                ItemExclusion.item_id, ItemExclusion.position
            )
            if part is not None:
                tq = tq.where(_in(ItemTopic.item_id, part))
                oq = oq.where(_in(ItemAudienceOrg.item_id, part))
                eq = eq.where(_in(ItemExclusion.item_id, part))
            for item_id, topic in self.session.execute(tq):
                found[item_id]["topics"].append(topic)
            for item_id, org_id in self.session.execute(oq):
                found[item_id]["orgs"].append(key_of(org_id))
            for item_id, kind, value in self.session.execute(eq):
                found[item_id]["exclude"].append((kind, value))
        return list(found.values())
