"""Queries for sharing: items by key, the directory, circles, agreement proposals, the
audit log and openness.

Visibility itself is decided in SQL only by ``ItemRepository.visible_to`` and
``ItemRepository.visible_among``; the policy snapshots (``sharing.snapshot_repository``)
feed the pure rule; comments have ``sharing.comment_repository``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from winwin.accounts.models import User
from winwin.db.models import (
    Agreement,
    Circle,
    CircleMember,
    Competitor,
    Item,
    ItemExclusion,
    ItemTopic,
    Organization,
    Tie,
)
from winwin.network.repository import chunks
from winwin.sharing.models import AgreementProposal, ItemOpen
from winwin.sharing.snapshot_repository import SnapshotRepository


def _in(column: Any, ids: Iterable[int]) -> Any:
    return column.in_(list(ids))


class SharingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # items ------------------------------------------------------------------------------
    def item_by_key(self, key: str) -> Item | None:
        return self.session.scalar(select(Item).where(Item.key == key))

    def reshares_of(self, item_id: int) -> list[tuple[str, str]]:
        """``(key, owner key)`` of the items that reshare this one directly."""
        query = (
            select(Item.key, Organization.key)
            .join(Organization, Organization.id == Item.owner_id)
            .where(Item.reshare_of_id == item_id)
            .order_by(Item.key)
        )
        return [(k, o) for k, o in self.session.execute(query)]

    def exclusions_of(self, item_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
        """``item id → [(kind, value), ...]`` in the order the item gave them."""
        found: dict[int, list[tuple[str, str]]] = {}
        for part in chunks(list(item_ids), 500):
            query = (
                select(ItemExclusion.item_id, ItemExclusion.kind, ItemExclusion.value)
                .where(_in(ItemExclusion.item_id, part))
                .order_by(ItemExclusion.item_id, ItemExclusion.position)
            )
            for item_id, kind, value in self.session.execute(query):
                found.setdefault(item_id, []).append((kind, value or ""))
        return found

    def delete_item(self, item: Item) -> None:
        """Delete the item; the database removes what hangs on it (ON DELETE CASCADE)."""
        self.session.execute(delete(Item).where(Item.id == item.id))
        self.session.expunge(item)

    def items_by_ids(self, ids: Iterable[int]) -> dict[int, Item]:
        found: dict[int, Item] = {}
        for part in chunks(list(ids), 500):
            for item in self.session.scalars(select(Item).where(_in(Item.id, part))):
                found[item.id] = item
        return found

    def item_keys(self, ids: Iterable[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for part in chunks(list(ids), 500):
            found.update(
                tuple(r)  # type: ignore[misc]
                for r in self.session.execute(select(Item.id, Item.key).where(_in(Item.id, part)))
            )
        return found

    def topics_of(self, item_ids: Iterable[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for part in chunks(list(item_ids), 500):
            for item_id, topic in self.session.execute(
                select(ItemTopic.item_id, ItemTopic.topic)
                .where(_in(ItemTopic.item_id, part))
                .order_by(ItemTopic.id)
            ):
                found.setdefault(item_id, []).append(topic)
        return found

    def own_item_ids(self, owner_id: int) -> list[int]:
        return list(self.session.scalars(select(Item.id).where(Item.owner_id == owner_id)))

    def orgs_by_keys(self, keys: Iterable[str]) -> list[Organization]:
        found: list[Organization] = []
        for part in chunks(sorted(set(keys)), 500):
            found.extend(
                self.session.scalars(select(Organization).where(Organization.key.in_(list(part))))
            )
        return found

    def org_keys(self, ids: Iterable[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for part in chunks(list(ids), 500):
            found.update(
                tuple(r)  # type: ignore[misc]
                for r in self.session.execute(
                    select(Organization.id, Organization.key).where(_in(Organization.id, part))
                )
            )
        return found

    # the directory (sharing.directory) ------------------------------------------------
    def acquaintances(self, org_id: int) -> tuple[set[int], set[int], set[int]]:
        """Ids of the organisation's partners, fellow circle members and the competitors it
        declared itself (never those that declared it)."""
        partners = SnapshotRepository(self.session).partner_ids([org_id]) - {org_id}
        mine = select(CircleMember.circle_id).where(
            CircleMember.org_id == org_id, CircleMember.status == "member"
        )
        members = set(
            self.session.scalars(
                select(CircleMember.org_id).where(
                    CircleMember.circle_id.in_(mine), CircleMember.status == "member"
                )
            )
        )
        declared = set(
            self.session.scalars(
                select(Competitor.b_id).where(
                    Competitor.a_id == org_id, Competitor.declared_by_a.is_(True)
                )
            )
        ) | set(
            self.session.scalars(
                select(Competitor.a_id).where(
                    Competitor.b_id == org_id, Competitor.declared_by_b.is_(True)
                )
            )
        )
        return partners, members - {org_id}, declared

    def org_names(self, ids: Iterable[int]) -> dict[int, tuple[str, str, str | None]]:
        """``id → (key, name, cluster)`` of these organisations."""
        found: dict[int, tuple[str, str, str | None]] = {}
        for part in chunks(list(ids), 500):
            for oid, key, name, cluster in self.session.execute(
                select(
                    Organization.id, Organization.key, Organization.name, Organization.cluster
                ).where(_in(Organization.id, part))
            ):
                found[oid] = (key, name, cluster)
        return found

    # circles ----------------------------------------------------------------------------
    def circle_by_key(self, key: str) -> Circle | None:
        return self.session.scalar(select(Circle).where(Circle.key == key))

    def membership(self, circle_id: int, org_id: int) -> CircleMember | None:
        return self.session.scalar(
            select(CircleMember).where(
                CircleMember.circle_id == circle_id, CircleMember.org_id == org_id
            )
        )

    def add_circle(self, *, key: str, name: str) -> Circle:
        circle = Circle(key=key, name=name, members=[])
        self.session.add(circle)
        self.session.flush()
        return circle

    def set_membership(self, circle_id: int, org_id: int, status: str) -> CircleMember:
        row = self.membership(circle_id, org_id)
        if row is None:
            row = CircleMember(circle_id=circle_id, org_id=org_id, status=status)
            self.session.add(row)
        else:
            row.status = status
        self.session.flush()
        return row

    def remove_membership(self, row: CircleMember) -> None:
        self.session.delete(row)
        self.session.flush()

    def circle_item_ids(self, circle_id: int) -> list[int]:
        """Ids of the items whose audience is this circle, newest first (no visibility
        applied: callers pass them through the checkpoint)."""
        return list(
            self.session.scalars(
                select(Item.id)
                .where(Item.circle_id == circle_id, Item.level == "circle")
                .order_by(Item.created_at.desc(), Item.id.desc())
            )
        )

    def circle_members(self, circle_id: int) -> list[tuple[str, str, str]]:
        """(org key, org name, status) of everyone invited to or in the circle."""
        return [
            (r.key, r.name, r.status)
            for r in self.session.execute(
                select(Organization.key, Organization.name, CircleMember.status)
                .join(CircleMember, CircleMember.org_id == Organization.id)
                .where(CircleMember.circle_id == circle_id)
                .order_by(Organization.key)
            )
        ]

    def circles_of(self, org_id: int) -> list[tuple[str, str, str]]:
        """(circle key, name, status) for every circle the organisation is in or invited to."""
        return [
            (r.key, r.name, r.status)
            for r in self.session.execute(
                select(Circle.key, Circle.name, CircleMember.status)
                .join(CircleMember, CircleMember.circle_id == Circle.id)
                .where(CircleMember.org_id == org_id, CircleMember.status != "declined")
                .order_by(Circle.key)
            )
        ]

    # agreements -------------------------------------------------------------------------
    def agreement(self, a_id: int, b_id: int) -> Agreement | None:
        a_id, b_id = min(a_id, b_id), max(a_id, b_id)
        return self.session.scalar(
            select(Agreement)
            .where(Agreement.a_id == a_id, Agreement.b_id == b_id)
            .options(selectinload(Agreement.topics))
        )

    def agreements_of(self, org_id: int) -> list[Agreement]:
        return list(
            self.session.scalars(
                select(Agreement)
                .where(or_(Agreement.a_id == org_id, Agreement.b_id == org_id))
                .options(selectinload(Agreement.topics))
                .order_by(Agreement.id)
            )
        )

    def proposals_of(self, org_id: int) -> list[AgreementProposal]:
        return list(
            self.session.scalars(
                select(AgreementProposal)
                .where(or_(AgreementProposal.a_id == org_id, AgreementProposal.b_id == org_id))
                .order_by(AgreementProposal.id.desc())
            )
        )

    def proposals_between(self, a_id: int, b_id: int) -> list[AgreementProposal]:
        """The pair's proposals, newest first: the agreement's history."""
        a_id, b_id = min(a_id, b_id), max(a_id, b_id)
        return list(
            self.session.scalars(
                select(AgreementProposal)
                .where(AgreementProposal.a_id == a_id, AgreementProposal.b_id == b_id)
                .order_by(AgreementProposal.created_at.desc(), AgreementProposal.id.desc())
            )
        )

    def delete_agreement(self, a_id: int, b_id: int) -> None:
        found = self.agreement(a_id, b_id)
        if found is not None:
            self.session.delete(found)
            self.session.flush()

    def user_names(self, ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        return dict(
            tuple(row)  # type: ignore[misc]
            for row in self.session.execute(select(User.id, User.name).where(User.id.in_(wanted)))
        )

    def names_by_id(self, ids: Iterable[int]) -> dict[int, str]:
        """``id → name`` of these organisations."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        return dict(
            tuple(row)  # type: ignore[misc]
            for row in self.session.execute(
                select(Organization.id, Organization.name).where(Organization.id.in_(wanted))
            )
        )

    def proposal_subjects(
        self, org_id: int, proposal_ids: set[int]
    ) -> dict[int, tuple[str, str, str]]:
        """``(other side's key, its name, proposal kind)`` of each of these proposals that
        ``org_id`` is a side of (the notifications about them)."""
        if not proposal_ids:
            return {}
        proposals = list(
            self.session.scalars(
                select(AgreementProposal).where(
                    AgreementProposal.id.in_(sorted(proposal_ids)),
                    or_(AgreementProposal.a_id == org_id, AgreementProposal.b_id == org_id),
                )
            )
        )
        others = {p.b_id if p.a_id == org_id else p.a_id for p in proposals}
        keys, names = self.org_keys(others), self.names_by_id(others)
        out: dict[int, tuple[str, str, str]] = {}
        for p in proposals:
            other = p.b_id if p.a_id == org_id else p.a_id
            out[p.id] = (keys[other], names[other], p.kind)
        return out

    def proposal(self, proposal_id: int) -> AgreementProposal | None:
        return self.session.get(AgreementProposal, proposal_id)

    def add_proposal(self, proposal: AgreementProposal) -> None:
        self.session.add(proposal)
        self.session.flush()

    def are_partners(self, a_id: int, b_id: int) -> bool:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(Tie)
                .where(
                    or_(
                        and_(Tie.from_id == a_id, Tie.to_id == b_id),
                        and_(Tie.from_id == b_id, Tie.to_id == a_id),
                    )
                )
            )
            or 0
        ) > 0

    # audit ------------------------------------------------------------------------------
    def record_open(
        self, *, item_id: int, owner_id: int, viewer_id: int, user_id: int | None, via: str
    ) -> None:
        self.session.add(
            ItemOpen(
                item_id=item_id, owner_id=owner_id, viewer_id=viewer_id, user_id=user_id, via=via
            )
        )
        self.session.flush()

    def opens_of_owner(self, owner_id: int, *, limit: int) -> list[tuple[str, str, str, datetime]]:
        """(item key, item title, viewer key, opened at) newest first."""
        return [
            (r.key, r.title, r.viewer, r.opened_at)
            for r in self.session.execute(
                select(Item.key, Item.title, Organization.key.label("viewer"), ItemOpen.opened_at)
                .join(Item, Item.id == ItemOpen.item_id)
                .join(Organization, Organization.id == ItemOpen.viewer_id)
                .where(ItemOpen.owner_id == owner_id)
                .order_by(ItemOpen.opened_at.desc(), ItemOpen.id.desc())
                .limit(limit)
            )
        ]

    # openness ---------------------------------------------------------------------------
    def own_items_by_month(self, owner_id: int) -> list[tuple[int, str, datetime]]:
        """(item id, level, created at) of the organisation's own items."""
        return [
            (r.id, r.level, r.created_at)
            for r in self.session.execute(
                select(Item.id, Item.level, Item.created_at).where(Item.owner_id == owner_id)
            )
        ]
